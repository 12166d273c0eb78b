"""The site's pages under another prefix, for tests/reviews/test_links.py."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("peerreview.urls"))]
