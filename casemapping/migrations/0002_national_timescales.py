"""Event kinds and the national timescale rules of DOMAIN.md, each with the guidance version it belongs to."""

import datetime

from django.db import migrations

# (slug, name, the slug of the kind it ends)
EVENT_KINDS = [
    ("contact", "Contact", None),
    ("referral", "Referral", None),
    ("referral-decision", "Referral decision", None),
    ("early-help-assessment", "Early help assessment or CAF", None),
    ("strategy-discussion", "Strategy discussion", None),
    ("s47-started", "Section 47 enquiry started", None),
    ("s47-concluded", "Section 47 enquiry concluded", "s47-started"),
    ("assessment-started", "Assessment started", None),
    ("assessment-completed", "Assessment completed", "assessment-started"),
    ("initial-cp-conference", "Initial child protection conference", None),
    ("review-cp-conference", "Review child protection conference", None),
    ("core-group", "Core group", None),
    ("cp-plan-started", "Child protection plan started", None),
    ("cp-plan-ended", "Child protection plan ended", "cp-plan-started"),
    ("looked-after-started", "Became looked after", None),
    ("looked-after-review", "Looked-after review", None),
    ("statutory-visit", "Statutory visit", None),
    ("legal-proceedings", "Legal proceedings", None),
    ("missing-episode", "Missing episode (return)", None),
    ("return-interview", "Return interview", None),
    ("allegation", "Allegation against a professional", None),
    ("lado-referral", "Referral to the designated officer (LADO)", None),
    ("lado-outcome", "Designated officer (LADO) outcome", "lado-referral"),
    ("step-down", "Step down", None),
    ("case-closed", "Case closed", None),
    ("other", "Other", None),
]

WT_2010 = "Working Together to Safeguard Children 2010"
WT_2013 = "Working Together to Safeguard Children 2013"
WT_ALL = "Working Together to Safeguard Children (all versions)"
CPPCR_2010 = "Care Planning, Placement and Case Review (England) Regulations 2010"
MISSING_2014 = "Statutory guidance on children who run away or go missing from home or care 2014"

FROM_2010 = datetime.date(2010, 4, 1)
UNTIL_2013 = datetime.date(2013, 4, 14)
FROM_2013 = datetime.date(2013, 4, 15)
FROM_2011_REGS = datetime.date(2011, 4, 1)
FROM_2014 = datetime.date(2014, 1, 1)

# (name, from, to, limit, unit, source, applies from, applies to, stopped by, (first, last) occurrence checked)
RULES = [
    ("Decision on a referral", "referral", "referral-decision", 1, "working_days", WT_ALL, None, None, [], (1, None)),
    ("Initial assessment", "referral", "assessment-completed", 10, "working_days", WT_2010, FROM_2010, UNTIL_2013,
     ["case-closed"], (1, None)),
    ("Core assessment", "assessment-started", "assessment-completed", 35, "working_days", WT_2010, FROM_2010,
     UNTIL_2013, ["case-closed"], (1, None)),
    ("Single assessment", "referral", "assessment-completed", 45, "working_days", WT_2013, FROM_2013, None,
     ["case-closed"], (1, None)),
    ("Initial child protection conference", "strategy-discussion", "initial-cp-conference", 15, "working_days",
     WT_ALL, None, None, ["case-closed", "step-down"], (1, None)),
    ("First core group", "initial-cp-conference", "core-group", 10, "working_days", WT_ALL, None, None,
     ["cp-plan-ended", "case-closed"], (1, None)),
    ("First review conference", "initial-cp-conference", "review-cp-conference", 3, "months", WT_ALL, None, None,
     ["cp-plan-ended", "case-closed"], (1, None)),
    ("Later review conferences", "review-cp-conference", "review-cp-conference", 6, "months", WT_ALL, None, None,
     ["cp-plan-ended", "case-closed"], (1, None)),
    ("First looked-after review", "looked-after-started", "looked-after-review", 20, "working_days", CPPCR_2010,
     FROM_2011_REGS, None, ["case-closed"], (1, 1)),
    ("Second looked-after review", "looked-after-review", "looked-after-review", 3, "months", CPPCR_2010,
     FROM_2011_REGS, None, ["case-closed"], (1, 1)),
    ("Later looked-after reviews", "looked-after-review", "looked-after-review", 6, "months", CPPCR_2010,
     FROM_2011_REGS, None, ["case-closed"], (2, None)),
    ("First visit after placement", "looked-after-started", "statutory-visit", 7, "calendar_days", CPPCR_2010,
     FROM_2011_REGS, None, ["case-closed"], (1, 1)),
    ("Later looked-after visits", "statutory-visit", "statutory-visit", 42, "calendar_days", CPPCR_2010,
     FROM_2011_REGS, None, ["case-closed"], (1, None)),
    ("Allegation referred to the designated officer", "allegation", "lado-referral", 1, "working_days", WT_ALL,
     None, None, [], (1, None)),
    ("Return interview after a missing episode", "missing-episode", "return-interview", 72, "hours", MISSING_2014,
     FROM_2014, None, [], (1, None)),
]  # fmt: skip


def seed(apps, schema_editor):
    EventKind = apps.get_model("casemapping", "EventKind")
    TimescaleRule = apps.get_model("casemapping", "TimescaleRule")
    kinds = {}
    for order, (slug, name, _) in enumerate(EVENT_KINDS, start=1):
        kinds[slug] = EventKind.objects.create(slug=slug, name=name, order=order * 10)
    for slug, _, ends in EVENT_KINDS:
        if ends:
            EventKind.objects.filter(pk=kinds[slug].pk).update(ends=kinds[ends])
    for name, start, end, limit, unit, source, applies_from, applies_to, stopped_by, occurrences in RULES:
        rule = TimescaleRule.objects.create(
            name=name,
            from_kind=kinds[start],
            to_kind=kinds[end],
            limit=limit,
            unit=unit,
            source=source,
            applies_from=applies_from,
            applies_to=applies_to,
            first_occurrence=occurrences[0],
            last_occurrence=occurrences[1],
        )
        rule.stopped_by.set([kinds[slug] for slug in stopped_by])


def unseed(apps, schema_editor):
    apps.get_model("casemapping", "TimescaleRule").objects.filter(council__isnull=True).delete()
    apps.get_model("casemapping", "EventKind").objects.filter(slug__in=[row[0] for row in EVENT_KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("casemapping", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
