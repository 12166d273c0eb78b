"""The site's URLs and the benchmark's minimal write view (see benchmarks/settings.py)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from focusgroups.models import Questionnaire, Response


@csrf_exempt
@login_not_required
@require_POST
def write_one_row(request):
    """Save one row through the ORM and answer: what any anonymous form costs at the least."""
    questionnaire = Questionnaire.objects.only("pk").get(token=request.GET.get("token", ""))
    Response.objects.create(questionnaire=questionnaire, mode=Response.Mode.ONLINE)
    return HttpResponse("saved", content_type="text/plain")


urlpatterns = [path("bench/write/", write_one_row), path("", include("peerreview.urls"))]
