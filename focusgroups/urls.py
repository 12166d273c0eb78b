from django.urls import path

from reviews.views import stage_placeholder

app_name = "focusgroups"

urlpatterns = [
    path("", stage_placeholder, {"slug": "focus-groups"}, name="index"),
]
