"""Wide tables and charts in their own scroll containers, so the page reflows at 320 px (or 400% zoom).

`{% scroll_table %}<table>…</table>{% endscroll_table %}` and `{{ chart|scroll_chart }}`: a wide table or chart
scrolls sideways inside the container while the page itself does not, and a chart keeps its size, so its words
stay readable. The container is a region named by the table's caption or the chart's title and can be focused,
so keyboard users can scroll it too.
"""

import html
import re

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.DOTALL | re.IGNORECASE)


def _words(pattern: re.Pattern, markup: str, what: str) -> str:
    """The words of the first element `pattern` finds, without markup: the name of the region around `markup`."""
    match = pattern.search(markup)
    if match is None:
        raise template.TemplateSyntaxError(f"A scrolling {what} needs a name for its region.")
    return " ".join(html.unescape(strip_tags(match.group(1))).split())


def caption_text(table: str) -> str:
    return _words(CAPTION, table, "table's <caption>")


@register.filter
def scroll_chart(chart: str) -> str:
    """An SVG chart at its own size in a region named by its <title>; nothing when there is no chart."""
    if not chart:
        return ""
    return format_html(
        '<div class="app-chart-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
        _words(TITLE, chart, "chart's <title>"),
        mark_safe(chart),  # charts are made by the project's own code, their text escaped there
    )


class ScrollTableNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        table = self.nodelist.render(context)
        return format_html(
            '<div class="app-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
            caption_text(table),
            mark_safe(table),  # the template's own output, already escaped where it holds user input
        )


@register.tag
def scroll_table(parser: template.base.Parser, token: template.base.Token) -> ScrollTableNode:
    nodelist = parser.parse(("endscroll_table",))
    parser.delete_first_token()
    return ScrollTableNode(nodelist)
