"""`{% for number in page|page_links %}`: the page numbers a list's pagination links to, GOV.UK's way."""

from django import template
from django.core.paginator import Page, Paginator

register = template.Library()


@register.filter
def page_links(page: Page) -> list[int | None]:
    """The first and last pages, the current one and one either side of it, and None where pages are left out (an
    ellipsis): at most seven links, however long the list. A log of 16,000 entries made 330 links a page."""
    elided = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return [None if number == Paginator.ELLIPSIS else number for number in elided]
