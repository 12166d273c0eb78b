"""The Ofsted inspection frameworks a review may measure progress from, on the default framework's grade scales."""

import datetime

from django.db import migrations

# (name, description, valid from, valid to, grade scale name, usual judgement areas)
KINDS = [
    (
        "Inspection of safeguarding and looked after children services",
        "Ofsted and the Care Quality Commission's joint inspection of a council's and its partners' safeguarding "
        "and looked after children services, 2009 to 2013.",
        datetime.date(2009, 6, 1),
        datetime.date(2013, 10, 31),
        "Ofsted scale until November 2013",
        [
            "Overall effectiveness of safeguarding services",
            "Capacity for improvement of safeguarding services",
            "Children and young people are safe",
            "Quality of provision",
            "Ambition and prioritisation",
            "Leadership and management",
            "Performance management and quality assurance",
            "Partnership working",
            "Overall effectiveness of services for looked after children",
            "Capacity for improvement of services for looked after children",
        ],
    ),
    (
        "Single inspection framework",
        "Ofsted's inspection of services for children in need of help and protection, children looked after "
        "and care leavers, and review of the Local Safeguarding Children Board, 2013 to 2017.",
        datetime.date(2013, 11, 1),
        datetime.date(2017, 12, 31),
        "Ofsted scale from November 2013",
        [
            "Overall effectiveness",
            "The experiences and progress of children who need help and protection",
            "The experiences and progress of children looked after and achieving permanence",
            "Adoption performance",
            "The experiences and progress of care leavers",
            "Leadership, management and governance",
            "Review of the Local Safeguarding Children Board",
        ],
    ),
    (
        "Inspection of local authority children's services (ILACS)",
        "Ofsted's framework for inspecting local authority children's services, from 2018.",
        datetime.date(2018, 1, 1),
        None,
        "Ofsted scale from November 2013",
        [
            "Overall effectiveness",
            "The impact of leaders on social work practice with children and families",
            "The experiences and progress of children who need help and protection",
            "The experiences and progress of children in care",
            "The experiences and progress of care leavers",
        ],
    ),
]


def add_kinds(apps, schema_editor):
    Framework = apps.get_model("reviews", "Framework")
    InspectionKind = apps.get_model("selfassessment", "InspectionKind")
    framework = Framework.objects.filter(is_default=True).first()
    if framework is None:
        return
    scales = {scale.name: scale for scale in framework.grade_scales.all()}
    for name, description, valid_from, valid_to, scale_name, areas in KINDS:
        if scale_name not in scales:
            continue
        InspectionKind.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "grade_scale": scales[scale_name],
                "judgement_areas": "\n".join(areas),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("selfassessment", "0003_last_inspection"), ("reviews", "0002_default_framework")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
