from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Modules whose signal receivers must be connected: failed sign-ins counted per address (lockout), and a
        # session's end counted from sign-in (sessions), and what every page shows of a person dropped from the
        # cache when it changes (person_cache).
        from . import lockout, person_cache, sessions  # noqa: F401
