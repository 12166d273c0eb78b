from django.apps import AppConfig


class FocusGroupsConfig(AppConfig):
    name = "focusgroups"
    verbose_name = "Focus groups and questionnaires"

    def ready(self) -> None:
        from reviews import stages

        stages.register(
            stages.Stage(
                slug="focus-groups",
                title="Focus groups and questionnaires",
                order=4,
                app_label="focusgroups",
                entry_url_name="focusgroups:index",
                description="Anonymous questionnaires for staff, partners, parents and children; focus-group notes coded against the themes.",
                progress=stages.not_started,
                report_section=stages.empty_section,
            )
        )
