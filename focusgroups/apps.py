from django.apps import AppConfig


class FocusGroupsConfig(AppConfig):
    name = "focusgroups"
    verbose_name = "Focus groups and questionnaires"

    def ready(self) -> None:
        # What this stage asks of each person, for their home page and the scheduled reminders.
        from reviews import todo as review_todo

        from . import todo

        review_todo.register(review_todo.Source("focusgroups", tasks=todo.tasks, reminders=todo.reminders))

        from reviews import stages

        from . import comparison, demo, engagement, retention, scale, search, stage

        stages.register(
            stages.Stage(
                slug="focus-groups",
                title="Focus groups and questionnaires",
                short_title="Questionnaires and focus groups",
                order=4,
                app_label="focusgroups",
                entry_url_name="focusgroups:index",
                description="Anonymous questionnaires for staff, partners, parents and children; focus-group notes coded against the themes.",
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
                safeguarding_lead=stage.safeguarding_lead_id,
                is_safeguarding_lead=stage.is_safeguarding_lead,
            )
        )
