from django.urls import path

from reviews.views import stage_placeholder

app_name = "audits"

urlpatterns = [
    path("", stage_placeholder, {"slug": "audits"}, name="index"),
]
