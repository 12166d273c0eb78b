"""What every date field reads, in every form and in Django admin: the one place for it.

People type a date the British way, 27/3/2026, sometimes with spaces or dashes; a browser's date picker sends
2026-03-27. A typed two-digit year is not read: "27/3/26" could be 1926 or 2026, and a chronology needs to
know. Every other format falls back to Django's own for British English.
"""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]
