from django.apps import AppConfig


class SelfAssessmentConfig(AppConfig):
    name = "selfassessment"
    verbose_name = "Self assessment and documentary analysis"

    def ready(self) -> None:
        # What this stage asks of each person, for their home page and the scheduled reminders.
        from reviews import todo as review_todo

        from . import todo

        review_todo.register(review_todo.Source("selfassessment", tasks=todo.tasks, reminders=todo.reminders))

        from reviews import stages

        from . import comparison, demo, search, stage

        stages.register(
            stages.Stage(
                slug="self-assessment",
                title="Self assessment and documentary analysis",
                short_title="Self assessment",
                order=1,
                app_label="selfassessment",
                entry_url_name="selfassessment:index",
                description="The council grades itself per scope area with narrative and evidence; peers read the evidence and give their view.",
                progress=stage.progress,
                search=search.search,
                progress_many=stage.progress_many,
                report_section=stage.report_section,
                summary=stage.summary,
                chapter=stage.chapter,
                demo=demo.add_demo_data,
                comparison=comparison.compare,
            )
        )
