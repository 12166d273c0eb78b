from django.db import migrations

DOMAINS = [
    (
        "Threshold and referral decision",
        "Was the referral decision timely and at the right level of need?\nWere the reasons recorded?",
    ),
    (
        "Quality of assessment",
        "Does the assessment analyse risk and need, not only describe them?\nWas the child seen, alone where appropriate?",
    ),
    (
        "Planning",
        "Is the plan specific, measurable and owned by named people?\nDoes it address what the assessment found?",
    ),
    (
        "Voice of the child",
        "Are the child's wishes and feelings recorded in their own words?\nDid they shape the plan?",
    ),
    (
        "Multi-agency working and information sharing",
        "Did agencies share information promptly?\nWere the right agencies at meetings?",
    ),
    (
        "Management oversight and supervision",
        "Is supervision regular, reflective and recorded?\nDid managers direct the work when it drifted?",
    ),
    ("Recording and chronology", "Is the record up to date and the chronology maintained?"),
    ("Timeliness", "Were statutory timescales met, and any delay explained?"),
    ("Impact and outcomes", "What difference did the work make for the child?"),
]


def add_tool(apps, schema_editor):
    GradeScale = apps.get_model("reviews", "GradeScale")
    AuditTool = apps.get_model("audits", "AuditTool")
    AuditDomain = apps.get_model("audits", "AuditDomain")
    scale = GradeScale.objects.filter(name="Ofsted scale from November 2013").first()
    if scale is None:
        return
    tool, _ = AuditTool.objects.get_or_create(
        name="Case audit tool (typical domains)",
        defaults={
            "grade_scale": scale,
            "is_default": True,
            "description": "Each domain and the case overall are graded, judged mostly on the last six months.",
        },
    )
    for order, (name, guidance) in enumerate(DOMAINS, start=1):
        AuditDomain.objects.get_or_create(tool=tool, order=order, defaults={"name": name, "guidance": guidance})


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial"), ("reviews", "0002_default_framework")]

    operations = [migrations.RunPython(add_tool, migrations.RunPython.noop)]
