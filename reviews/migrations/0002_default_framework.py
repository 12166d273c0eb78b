"""Default scope: the framework of the seed brief, both Ofsted grade scales, partner kinds and thresholds."""

import datetime

from django.db import migrations

FRAMEWORK = ("Children's safeguarding peer review", "2012")

THEMES = [
    "Effective practice, service delivery and the voice of the child",
    "Outcomes, impact and performance",
    "Working together",
    "Capacity and managing resources",
    "Vision, strategy and leadership",
]

SCOPE_AREAS = [
    "Overall progress since the last inspection",
    "Referral and access arrangements, including the use of the Common Assessment Framework (CAF), "
    "the application of thresholds and the assessment of risk",
    "The quality of casework, care planning and the contribution of the Independent Reviewing Officer (IRO) service",
    "Supervision, management oversight and the quality assurance framework",
    "Partnership working at the operational level",
    "Mitigating risk from NHS and other organisational change",
    "Fitness for purpose and capacity of the Local Safeguarding Children Board (LSCB)",
]

FOCUS_AREAS = [
    "The pathways for identifying and working with children in need of safeguarding (thresholds and services)",
    "Arrangements to investigate concerns of abuse (joint investigation, s.47)",
    "Outcomes for children on child protection plans",
]

CIRCUMSTANCES = [
    "Allegations against professionals",
    "Children with disabilities",
    "Missing children",
    "Sexual exploitation",
    "Domestic violence",
    "Substance abuse",
    "Isolated children",
]

GRADE_SCALES = [
    (
        "Ofsted scale until November 2013",
        None,
        datetime.date(2013, 10, 31),
        ["Outstanding", "Good", "Adequate", "Inadequate"],
    ),
    (
        "Ofsted scale from November 2013",
        datetime.date(2013, 11, 1),
        None,
        ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"],
    ),
]

# (name, slug, safeguarding partner, valid from, valid to)
PARTNER_KINDS = [
    ("Children's social care (the council)", "childrens-social-care", True, None, None),
    ("Local Safeguarding Children Board", "lscb", False, None, datetime.date(2019, 9, 28)),
    ("Police", "police", True, None, None),
    ("Primary care trust", "pct", False, None, datetime.date(2013, 3, 31)),
    ("Clinical commissioning group", "ccg", True, datetime.date(2013, 4, 1), datetime.date(2022, 6, 30)),
    ("Integrated care board", "icb", True, datetime.date(2022, 7, 1), None),
    ("Health provider (acute or community trust)", "health-provider", False, None, None),
    ("General practice", "gp", False, None, None),
    ("Child and adolescent mental health services (CAMHS)", "camhs", False, None, None),
    ("Midwifery and health visiting", "midwifery-health-visiting", False, None, None),
    ("Public health", "public-health", False, None, None),
    ("School or education", "education", False, None, None),
    ("Probation", "probation", False, None, None),
    ("Youth justice", "youth-justice", False, None, None),
    ("Housing", "housing", False, None, None),
    ("Cafcass", "cafcass", False, None, None),
    ("Substance misuse services", "substance-misuse", False, None, None),
    ("Voluntary sector (including domestic abuse services)", "voluntary-sector", False, None, None),
]

THRESHOLDS = [
    (1, "Universal", "Needs met by universal services such as schools, GPs and health visitors.", "universal"),
    (2, "Early help", "Additional needs met by a coordinated early help assessment (CAF).", "early_help"),
    (3, "Targeted: child in need", "Complex needs; assessment under Children Act 1989 s.17.", "s17"),
    (
        4,
        "Specialist: child protection or looked after",
        "Significant harm or its risk (s.47 enquiries, child protection plans) or looked after (s.20 or s.31).",
        "s47",
    ),
]


def add_defaults(apps, schema_editor):
    Framework = apps.get_model("reviews", "Framework")
    PartnerKind = apps.get_model("reviews", "PartnerKind")
    ThresholdLevel = apps.get_model("reviews", "ThresholdLevel")

    name, version = FRAMEWORK
    framework, created = Framework.objects.get_or_create(
        name=name,
        version=version,
        defaults={
            "is_default": True,
            "description": "The scope of the seed brief: five themes, seven scope areas, "
            "three focus areas and seven specific circumstances.",
        },
    )
    if created:
        for order, theme in enumerate(THEMES, start=1):
            framework.themes.create(order=order, name=theme)
        for order, title in enumerate(SCOPE_AREAS, start=1):
            framework.scope_areas.create(order=order, title=title)
        for order, title in enumerate(FOCUS_AREAS, start=1):
            framework.focus_areas.create(kind="focus", order=order, title=title)
        for order, title in enumerate(CIRCUMSTANCES, start=1):
            framework.focus_areas.create(kind="circumstance", order=order, title=title)
        for scale_name, valid_from, valid_to, grades in GRADE_SCALES:
            scale = framework.grade_scales.create(name=scale_name, valid_from=valid_from, valid_to=valid_to)
            for rank, label in enumerate(grades, start=1):
                scale.grades.create(rank=rank, label=label)

    for kind_name, slug, statutory, valid_from, valid_to in PARTNER_KINDS:
        PartnerKind.objects.get_or_create(
            slug=slug,
            defaults={
                "name": kind_name,
                "is_safeguarding_partner": statutory,
                "valid_from": valid_from,
                "valid_to": valid_to,
            },
        )

    for order, label, description, basis in THRESHOLDS:
        ThresholdLevel.objects.get_or_create(
            council=None, order=order, defaults={"label": label, "description": description, "legal_basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
