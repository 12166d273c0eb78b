"""Ballot cards and members' ballots in place of one ballot per device.

The ballots already cast were one per device: they become kind "device", used, issued when they were cast, and keep
counting as they did.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def issued_when_cast(apps, schema_editor):
    apps.get_model("conference", "Ballot").objects.update(issued_at=F("cast_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("conference", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="issued_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="ballot",
            name="kind",
            field=models.CharField(
                choices=[
                    ("card", "Ballot card"),
                    ("member", "Signed-in member"),
                    ("device", "Device (before ballot cards)"),
                ],
                default="device",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="ballot",
            name="kind",
            field=models.CharField(
                choices=[
                    ("card", "Ballot card"),
                    ("member", "Signed-in member"),
                    ("device", "Device (before ballot cards)"),
                ],
                default="card",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="ballot",
            name="number",
            field=models.PositiveIntegerField(blank=True, help_text="The card's number in its round.", null=True),
        ),
        migrations.AddField(
            model_name="ballot",
            name="secret_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="ballot",
            name="status",
            field=models.CharField(
                choices=[("unused", "Unused"), ("used", "Used"), ("void", "Void")], default="used", max_length=10
            ),
        ),
        migrations.AlterField(
            model_name="ballot",
            name="status",
            field=models.CharField(
                choices=[("unused", "Unused"), ("used", "Used"), ("void", "Void")], default="unused", max_length=10
            ),
        ),
        migrations.AddField(
            model_name="ballot",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="ballot",
            name="cast_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RemoveConstraint(model_name="ballot", name="ballot_one_per_device"),
        migrations.AlterField(
            model_name="ballot",
            name="device_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(
                condition=models.Q(("device_hash", ""), _negated=True),
                fields=("round", "device_hash"),
                name="ballot_one_per_device",
            ),
        ),
        migrations.RunPython(issued_when_cast, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)), fields=("round", "user"), name="ballot_one_per_member"
            ),
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number__isnull", False)),
                fields=("round", "number"),
                name="ballot_card_number_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("cast_at__isnull", False), ("status", "used")),
                    models.Q(models.Q(("status", "used"), _negated=True), ("cast_at__isnull", True)),
                    _connector="OR",
                ),
                name="ballot_used_has_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("device_hash", ""),
                        ("kind", "card"),
                        ("number__isnull", False),
                        ("secret_hash__isnull", False),
                        ("user__isnull", True),
                    ),
                    models.Q(
                        ("device_hash", ""), ("kind", "member"), ("secret_hash__isnull", True), ("status", "used")
                    ),
                    models.Q(
                        ("kind", "device"),
                        ("secret_hash__isnull", True),
                        ("status", "used"),
                        models.Q(("device_hash", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="ballot_kind_fields",
            ),
        ),
    ]
