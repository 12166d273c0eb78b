from django.apps import AppConfig


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = "Feedback and prioritisation conference"

    def ready(self) -> None:
        from reviews import stages

        stages.register(
            stages.Stage(
                slug="conference",
                title="Feedback and prioritisation conference",
                order=6,
                app_label="conference",
                entry_url_name="conference:index",
                description="Findings consolidated, priorities voted, the improvement plan agreed and tracked.",
                progress=stages.not_started,
                report_section=stages.empty_section,
            )
        )
