from django.apps import AppConfig


class CaseMappingConfig(AppConfig):
    name = "casemapping"
    verbose_name = "Case mapping"

    def ready(self) -> None:
        from reviews import stages

        from . import comparison, demo, engagement, stage

        stages.register(
            stages.Stage(
                slug="case-mapping",
                title="Case mapping",
                order=2,
                app_label="casemapping",
                entry_url_name="casemapping:index",
                description="Practitioners from each agency rebuild a sample of cases as one multi-agency chronology, checked against statutory timescales.",
                progress=stage.progress,
                progress_many=stage.progress_many,
                report_section=stage.report_section,
                demo=demo.demo,
                engagement=engagement.engagement,
                comparison=comparison.compare,
            )
        )
