from django.apps import AppConfig


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = "Feedback and prioritisation conference"

    def ready(self) -> None:
        # What this stage asks of each person, for their home page and the scheduled reminders.
        from reviews import todo as review_todo

        from . import todo

        review_todo.register(review_todo.Source("conference", tasks=todo.tasks, reminders=todo.reminders))

        from reviews import services as review_services
        from reviews import stages
        from reviews.models import Report

        from . import comparison, demo, services
        from .presentation import presentation_context, presentation_pptx
        from .services import improvement_plan_context
        from .stage import milestones_met, plan_counts, progress, progress_many, report_section, summary

        stages.register(
            stages.Stage(
                slug="conference",
                title="Feedback and prioritisation conference",
                short_title="Conference",
                order=6,
                app_label="conference",
                entry_url_name="conference:index",
                description="Findings consolidated, priorities voted, the improvement plan agreed and tracked.",
                progress=progress,
                progress_many=progress_many,
                report_section=report_section,
                summary=summary,
                demo=demo.demo,
                comparison=comparison.compare,
                triangulation_minimum=lambda review: services.settings_for(review).minimum_sources,
                milestones_met=milestones_met,
                plan_counts=plan_counts,
            )
        )
        # The improvement-plan report goes through the same request, task and renderer as the baseline.
        review_services.REQUESTABLE_REPORT_KINDS[Report.Kind.IMPROVEMENT_PLAN] = Report.Kind.IMPROVEMENT_PLAN.label
        review_services.REPORT_BUILDERS[Report.Kind.IMPROVEMENT_PLAN] = review_services.ReportBuilder(
            "reports/improvement_plan.html", improvement_plan_context
        )
        # The feedback presentation: slides as PowerPoint and the same slides as a PDF, made from one context.
        review_services.REQUESTABLE_REPORT_KINDS[Report.Kind.PRESENTATION] = Report.Kind.PRESENTATION.label
        review_services.REPORT_BUILDERS[Report.Kind.PRESENTATION] = review_services.ReportBuilder(
            "reports/presentation.html", presentation_context, pptx=presentation_pptx
        )
