"""The standard information health check for the default framework."""

from django.db import migrations

TEMPLATES = [
    ("The threshold document", "The council's current continuum of need or threshold guidance, with its date."),
    (
        "LSCB annual report and business plan",
        "The latest annual report and the current business plan of the safeguarding board or partnership.",
    ),
    (
        "Quality assurance framework and recent audit reports",
        "The framework, and the audits of casework from the last twelve months with their findings.",
    ),
    (
        "Performance data",
        "The children's services performance scorecard for the last two years, with local and national comparators.",
    ),
    (
        "The last inspection report and its action plan",
        "The report the review measures progress from, and the action plan with its current status.",
    ),
    ("Supervision policy", "The supervision policy for social workers and managers, and any audit of its use."),
    ("Workforce data", "Vacancies, agency staff, turnover, caseloads and training, by team."),
    ("Early help strategy", "The early help strategy and data on early help assessments (CAF) started and closed."),
]


def add_templates(apps, schema_editor):
    Framework = apps.get_model("reviews", "Framework")
    DocumentRequestTemplate = apps.get_model("selfassessment", "DocumentRequestTemplate")
    framework = Framework.objects.filter(is_default=True).first()
    if framework is None:
        return
    for order, (title, description) in enumerate(TEMPLATES, start=1):
        DocumentRequestTemplate.objects.get_or_create(
            framework=framework, title=title, defaults={"order": order, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("selfassessment", "0001_initial"), ("reviews", "0002_default_framework")]

    operations = [migrations.RunPython(add_templates, migrations.RunPython.noop)]
