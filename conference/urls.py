from django.urls import path

from reviews.views import stage_placeholder

app_name = "conference"

urlpatterns = [
    path("", stage_placeholder, {"slug": "conference"}, name="index"),
]
