from django.db import migrations, models


def copy_focus_area(apps, schema_editor):
    """Each finding's one focus area becomes the first of its focus areas."""
    Finding = apps.get_model("reviews", "Finding")
    Through = Finding.focus_areas.through
    Through.objects.bulk_create(
        Through(finding_id=finding_id, focusarea_id=area_id)
        for finding_id, area_id in Finding.objects.filter(focus_area__isnull=False).values_list("pk", "focus_area_id")
    )


def restore_focus_area(apps, schema_editor):
    """Going back keeps the first focus area of each finding."""
    Finding = apps.get_model("reviews", "Finding")
    Through = Finding.focus_areas.through
    first = {}
    for finding_id, area_id in Through.objects.order_by("pk").values_list("finding_id", "focusarea_id"):
        first.setdefault(finding_id, area_id)
    for finding_id, area_id in first.items():
        Finding.objects.filter(pk=finding_id).update(focus_area_id=area_id)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0015_questionnaire_emails_and_letter_notifications")]

    operations = [
        migrations.AddField(
            model_name="council",
            name="region",
            field=models.CharField(
                blank=True,
                choices=[
                    ("north_east", "North East"),
                    ("north_west", "North West"),
                    ("yorkshire", "Yorkshire and the Humber"),
                    ("east_midlands", "East Midlands"),
                    ("west_midlands", "West Midlands"),
                    ("east", "East of England"),
                    ("london", "London"),
                    ("south_east", "South East"),
                    ("south_west", "South West"),
                ],
                help_text="The English region, for the programme's filters.",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="focus_areas",
            field=models.ManyToManyField(
                blank=True,
                help_text="The focus areas and specific circumstances the finding bears on, any number.",
                related_name="tagged_findings",
                to="reviews.focusarea",
            ),
        ),
        migrations.RunPython(copy_focus_area, restore_focus_area),
        migrations.RemoveField(model_name="historicalfinding", name="focus_area"),
        migrations.RemoveField(model_name="finding", name="focus_area"),
        migrations.AlterField(
            model_name="finding",
            name="focus_areas",
            field=models.ManyToManyField(
                blank=True,
                help_text="The focus areas and specific circumstances the finding bears on, any number.",
                related_name="findings",
                to="reviews.focusarea",
            ),
        ),
    ]
