from django.urls import path

from reviews.views import stage_placeholder

app_name = "interviews"

urlpatterns = [
    path("", stage_placeholder, {"slug": "interviews"}, name="index"),
]
