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
