from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from . import lockout  # noqa: F401 (counts failed sign-ins per address from its signal receiver)
