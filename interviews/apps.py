from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = "On-site visits and officer interviews"

    def ready(self) -> None:
        # What this stage asks of each person, for their home page.
        from reviews import todo as review_todo

        from . import todo

        review_todo.register(review_todo.Source("interviews", tasks=todo.tasks))

        from reviews import stages

        from . import demo, engagement, retention, search
        from .stage import progress, progress_many, report_section, summary

        stages.register(
            stages.Stage(
                slug="interviews",
                title="On-site visits and officer interviews",
                short_title="On-site interviews",
                order=5,
                app_label="interviews",
                entry_url_name="interviews:index",
                description="The on-site week timetable, key lines of enquiry and interview notes.",
                progress=progress,
                search=search.search,
                progress_many=progress_many,
                report_section=report_section,
                purge=retention.purge,
                summary=summary,
                demo=demo.demo,
                engagement=engagement.engagement,
            )
        )
