from django.urls import path

from reviews.views import stage_placeholder

app_name = "casemapping"

urlpatterns = [
    path("", stage_placeholder, {"slug": "case-mapping"}, name="index"),
]
