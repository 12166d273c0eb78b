"""The project's own date formats, over Django's for the site's language (British English)."""
