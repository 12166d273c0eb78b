"""Looked-after visits at most six weeks apart apply in the first year of being looked after."""

from django.db import migrations


def limit_to_first_year(apps, schema_editor):
    TimescaleRule = apps.get_model("casemapping", "TimescaleRule")
    EventKind = apps.get_model("casemapping", "EventKind")
    opener = EventKind.objects.filter(slug="looked-after-started").first()
    if opener is not None:
        TimescaleRule.objects.filter(name="Later looked-after visits", council__isnull=True).update(
            window_from=opener, window_days=365
        )


class Migration(migrations.Migration):
    dependencies = [("casemapping", "0003_timescale_windows")]

    operations = [migrations.RunPython(limit_to_first_year, migrations.RunPython.noop)]
