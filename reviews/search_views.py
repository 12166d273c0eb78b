from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import search
from .views import load_review


@require_GET
def review_search(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    raw = request.GET.get("q", "")
    query = search.clean_query(raw)
    results = search.search_review(review, membership, query)
    page = Paginator(results, 25).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "q": query,
        "too_short": 0 < len(query) < search.MIN_QUERY_LENGTH,
        "shortened": len(raw.strip()) > search.MAX_QUERY_LENGTH,
        "max_length": search.MAX_QUERY_LENGTH,
        "result_count": len(results),
        "page": page,
        "query": urlencode({"q": query}),
    }
    return render(request, "reviews/search.html", context)
