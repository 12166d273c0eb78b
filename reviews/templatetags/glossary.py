from django import template

from reviews import glossary

register = template.Library()


@register.inclusion_tag("includes/term.html")
def term(slug: str, text: str = "") -> dict:
    """`{% term "kappa" "weighted kappa" %}`: the words, linked to their entry in the glossary."""
    entry = glossary.get(slug)
    return {"term": entry, "text": text or entry.name}


@register.inclusion_tag("includes/term_hint.html")
def term_hint(slug: str) -> dict:
    """`{% term_hint "kappa" %}`: a hint giving the term's meaning, with a link to the glossary, for its first use."""
    return {"term": glossary.get(slug)}
