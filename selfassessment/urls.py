from django.urls import path

from reviews.views import stage_placeholder

app_name = "selfassessment"

urlpatterns = [
    path("", stage_placeholder, {"slug": "self-assessment"}, name="index"),
]
