from django.http import Http404

from .models import ReviewMembership


class ReviewMembershipMiddleware:
    """Every URL with a review_id is for that review's members only; anyone else gets 404, whatever the method.

    Views still load the review through `load_review`; this makes the rule hold for every
    review-scoped URL, including a wrong method on a POST-only URL, before the view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        review_id = view_kwargs.get("review_id")
        if review_id is None or not request.user.is_authenticated:
            return None
        if not ReviewMembership.objects.filter(review_id=review_id, user=request.user).exists():
            raise Http404("No such review.")
        return None


class NoStoreMiddleware:
    """Nothing this application answers may be kept by a browser or a proxy: `Cache-Control: no-store, private`.

    Every response that reaches it is private to someone (a member's page, a download of case-level
    data, a child's questionnaire, a sign-in form with its CSRF token), so it is set on all of them
    rather than on a list of pages that would miss the next one. A view that sets its own
    Cache-Control keeps it. Static files are answered by WhiteNoise before this and keep their long
    caching.
    """

    value = "no-store, private"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = self.value
        return response
