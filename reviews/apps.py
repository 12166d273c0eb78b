from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Modules whose signal receivers must be connected: failed sign-ins counted per address (lockout), and a
        # session's end counted from sign-in (sessions).
        from . import lockout, sessions  # noqa: F401
