"""Rich text that people write in the browser: a small, safe subset of HTML, sanitised on every save.

Allowed: headings (h2, h3), paragraphs, bulleted and numbered lists, bold, italic, line breaks, and links to
https or mailto addresses. Everything else is removed; the text inside a removed tag is kept, except for
scripts and styles, whose content goes too. The result is a sequence of top-level blocks (a heading, a
paragraph or a list), so a page can number them and a comment can point at one.
"""

from html import escape
from html.parser import HTMLParser

import nh3
from django import forms

ALLOWED_TAGS = frozenset({"h2", "h3", "p", "ul", "ol", "li", "strong", "b", "em", "i", "a", "br"})
BLOCK_TAGS = frozenset({"h2", "h3", "p", "ul", "ol"})
VOID_TAGS = frozenset({"br"})
LINK_PREFIXES = ("https://", "mailto:")
# Roughly sixty pages of text: far beyond any letter, small enough to sanitise and store quickly.
MAX_LENGTH = 200_000
ALLOWED_DESCRIPTION = (
    "headings (h2, h3), paragraphs (p), bulleted and numbered lists (ul, ol, li), bold (strong), "
    "italic (em), line breaks (br) and links (a href) to https or mailto addresses"
)


def _link_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        value = value.strip()
        return value if value.lower().startswith(LINK_PREFIXES) else None
    return value


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    rendered = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
    return f"<{tag}{rendered}>"


class _Blocks(HTMLParser):
    """Splits sanitised HTML into top-level blocks; stray inline content at the top becomes a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._open: list[str] = []  # tags open inside the current block
        self._wrapper: str | None = None  # the tag that wraps stray content: p, or ul for a loose list item

    def _begin(self, wrapper: str | None) -> None:
        self._finish()
        self._wrapper = wrapper
        if wrapper:
            self._current.append(f"<{wrapper}>")

    def _finish(self) -> None:
        while self._open:
            self._current.append(f"</{self._open.pop()}>")
        if self._wrapper:
            self._current.append(f"</{self._wrapper}>")
        html = "".join(self._current)
        if _has_text(html):
            self.blocks.append(html)
        self._current, self._wrapper = [], None

    def handle_starttag(self, tag: str, attrs) -> None:
        if not self._open:
            if tag in BLOCK_TAGS:
                self._begin(None)
            elif tag == "li":
                if self._wrapper != "ul":
                    self._begin("ul")
            elif self._wrapper != "p":
                self._begin("p")
        self._current.append(_start_tag(tag, attrs))
        if tag not in VOID_TAGS:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._open:
            return
        while self._open:
            closing = self._open.pop()
            self._current.append(f"</{closing}>")
            if closing == tag:
                break
        if not self._open and self._wrapper is None:
            self._finish()

    def handle_data(self, data: str) -> None:
        if not self._open and self._wrapper != "p":
            if not data.strip():
                return
            self._begin("p")
        self._current.append(escape(data, quote=False))

    def close(self) -> None:
        super().close()
        self._finish()


def _has_text(html: str) -> bool:
    return bool(nh3.clean(html, tags=set()).strip())


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}},
        attribute_filter=_link_only,
        url_schemes={"https", "mailto"},
        link_rel="noopener noreferrer",
    )


def blocks(html: str) -> list[str]:
    """The top-level blocks of sanitised HTML, each a complete piece of HTML."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


def sanitise_html(html: str) -> str:
    """The allowed subset of `html`, one top-level block per line. Safe to mark safe and to render."""
    return "\n".join(blocks(_clean(html or "")))


def plain_text(html: str) -> str:
    """The words of sanitised HTML without any markup, for counts and previews."""
    return nh3.clean(html, tags=set()).strip()


def replace_block(html: str, number: int, replacement: str) -> str:
    """The HTML with its block `number` (from 1) replaced by the sanitised `replacement` (which may be several
    blocks, or none to remove it)."""
    parts = blocks(html)
    if not 1 <= number <= len(parts):
        raise IndexError(number)
    parts[number - 1 : number] = blocks(_clean(replacement))
    return "\n".join(parts)


class RichTextField(forms.CharField):
    """A textarea of the allowed HTML, sanitised when the form is cleaned, with its limits as messages."""

    def __init__(self, *, what: str = "text", **kwargs) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 30, "data-richtext": "true"}))
        kwargs.setdefault(
            "help_text",
            f"You can use {ALLOWED_DESCRIPTION}. Anything else is removed when you save.",
        )
        error_messages = {"required": f"Enter the {what}.", **kwargs.pop("error_messages", {})}
        super().__init__(strip=True, error_messages=error_messages, **kwargs)
        self.what = what
        self.max_length = MAX_LENGTH  # checked in clean() with its own message, not by the shared cap on free text

    def clean(self, value):
        value = super().clean(value)
        if len(value) > MAX_LENGTH:
            raise forms.ValidationError(
                f"The {self.what} is {len(value):,} characters long; it can be at most {MAX_LENGTH:,}.",
                code="max_length",
            )
        cleaned = sanitise_html(value)
        if self.required and not cleaned:
            raise forms.ValidationError(f"Enter the {self.what}: what you sent has no text once cleaned.", code="empty")
        return cleaned
