from django import template

from reviews import stages

register = template.Library()


@register.inclusion_tag("includes/stage_nav.html", takes_context=True)
def stage_navigation(context) -> dict:
    """Links to the stages the member may open, the current one marked, for every review page."""
    review, membership = context.get("review"), context.get("membership")
    if review is None or membership is None:
        return {"items": []}
    request = context.get("request")
    namespace = request.resolver_match.namespace if request and request.resolver_match else ""
    return {
        "review": review,
        "items": [
            {"stage": stage, "current": stage.namespace == namespace} for stage in stages.visible_stages(membership)
        ],
    }


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*labels_and_urls: str) -> dict:
    """The GOV.UK breadcrumbs in their navigation landmark: `{% breadcrumbs "My reviews" list_url ... %}`."""
    if len(labels_and_urls) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes a label and a URL for each step")
    return {"crumbs": list(zip(labels_and_urls[::2], labels_and_urls[1::2], strict=True))}
