from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audit validation and case review"

    def ready(self) -> None:
        # What this stage asks of each person, for their home page.
        from reviews import todo as review_todo

        from . import todo

        review_todo.register(review_todo.Source("audits", tasks=todo.tasks))

        from reviews import stages

        from . import comparison, demo, retention, scale, stage

        stages.register(
            stages.Stage(
                slug="audits",
                title="Audit validation and case review",
                short_title="Audit validation",
                order=3,
                app_label="audits",
                entry_url_name="audits:index",
                description="Peers re-grade, blind, cases the council already audited; agreement is measured and disagreements moderated.",
                progress=stage.progress,
                progress_many=stage.progress_many,
                report_section=stage.report_section,
                purge=retention.purge,
                summary=stage.summary,
                demo=demo.demo,
                scale=scale.scale,
                comparison=comparison.compare,
            )
        )
