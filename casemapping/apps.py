from django.apps import AppConfig


class CaseMappingConfig(AppConfig):
    name = "casemapping"
    verbose_name = "Case mapping"

    def ready(self) -> None:
        from reviews import services as review_services
        from reviews import stages
        from reviews.models import Report

        from . import comparison, demo, engagement, retention, scale, search, stage

        stages.register(
            stages.Stage(
                slug="case-mapping",
                title="Case mapping",
                order=2,
                app_label="casemapping",
                entry_url_name="casemapping:index",
                description="Practitioners from each agency rebuild a sample of cases as one multi-agency chronology, checked against statutory timescales.",
                progress=stage.progress,
                search=search.search,
                progress_many=stage.progress_many,
                report_section=stage.report_section,
                purge=retention.purge,
                summary=stage.summary,
                demo=demo.demo,
                scale=scale.scale,
                engagement=engagement.engagement,
                comparison=comparison.compare,
            )
        )
        # The full chronologies are a document of their own, requested beside the baseline report.
        review_services.REQUESTABLE_REPORT_KINDS[Report.Kind.CASE_MAPPING_PACK] = Report.Kind.CASE_MAPPING_PACK.label
        review_services.REPORT_BUILDERS[Report.Kind.CASE_MAPPING_PACK] = review_services.ReportBuilder(
            "reports/case_mapping_pack.html", stage.pack_context
        )
