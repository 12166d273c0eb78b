"""Fill the workspace with fictional demo data: two councils, their partners, a review each, accounts, cases and findings.

Every council, agency, person and case here is invented. Email addresses use the reserved `.example` domain.
Running the command again leaves the data as it is: records are found by their natural keys and only
saved when something differs.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q

from reviews import stages, two_factor
from reviews.demo import add_demo_reports, upsert
from reviews.demo_access import add_access_demo
from reviews.demo_earlier import seed_earlier_review
from reviews.demo_planning import add_planning_demo, add_scope_demo
from reviews.demo_team import add_team_demo
from reviews.models import (
    Case,
    Council,
    Finding,
    FocusArea,
    Framework,
    Partner,
    PartnerKind,
    Review,
    ReviewMembership,
    Role,
    ThresholdLevel,
)

DEFAULT_PASSWORD = "peer-review-demo"
# The demo's published authenticator secret (base32), set up for every demo account that must use two-factor
# sign-in: add it to an authenticator app, or compute the code from it, to sign in as them.
DEFAULT_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


# Councils and their partners (all invented)

NORTHMOOR = "Northmoor Borough Council"
EASTWICK_VALE = "Eastwick Vale Council"

COUNCILS: dict[str, dict[str, str]] = {
    NORTHMOOR: {"ons_code": "E06000901", "record_number_pattern": r"^NMB\d{7}$", "region": Council.Region.NORTH_WEST},
    EASTWICK_VALE: {"ons_code": "E10000902", "record_number_pattern": "", "region": Council.Region.EAST},
}

# (partner kind slug, agency name)
PARTNERS: dict[str, list[tuple[str, str]]] = {
    NORTHMOOR: [
        ("childrens-social-care", "Northmoor Borough Council Children's Services"),
        ("police", "Northmoor Police Division"),
        ("icb", "Northmoor and Fenby Integrated Care Board"),
        ("health-provider", "Northmoor Hospitals NHS Foundation Trust"),
        ("camhs", "Northmoor Child and Adolescent Mental Health Service"),
        ("education", "Northmoor Schools and Learning Service"),
        ("housing", "Northmoor Homes"),
        ("voluntary-sector", "Northmoor Domestic Abuse Support Service"),
    ],
    EASTWICK_VALE: [
        ("childrens-social-care", "Eastwick Vale Council Children's Services"),
        ("lscb", "Eastwick Vale Local Safeguarding Children Board"),
        ("police", "Eastwick Vale Policing Area"),
        ("pct", "Eastwick Vale Primary Care Trust"),
        ("health-provider", "Eastwick Vale Community Health NHS Trust"),
        ("camhs", "Eastwick Vale Child and Adolescent Mental Health Service"),
        ("education", "Eastwick Vale Schools Service"),
        ("housing", "Eastwick Vale Housing Partnership"),
        ("voluntary-sector", "Vale Families Together"),
    ],
}

# Local names of the threshold levels, by order: labels are per council.
LOCAL_THRESHOLD_LABELS: dict[str, dict[int, str]] = {
    NORTHMOOR: {
        1: "Level 1: Universal",
        2: "Level 2: Early help",
        3: "Level 3: Child in need",
        4: "Level 4: Specialist",
    },
}


# Reviews

NORTHMOOR_REVIEW = "Northmoor children's safeguarding peer review 2026"
EASTWICK_VALE_REVIEW = "Eastwick Vale children's safeguarding peer review 2012"

SCALE_FROM_2013 = "Ofsted scale from November 2013"
SCALE_UNTIL_2013 = "Ofsted scale until November 2013"

REVIEWS: list[dict[str, Any]] = [
    {
        "title": NORTHMOOR_REVIEW,
        "council": NORTHMOOR,
        "grade_scale": SCALE_FROM_2013,
        "status": Review.Status.PREPARATION,
        "scoping_date": datetime.date(2026, 9, 14),
        "onsite_start": datetime.date(2026, 12, 7),
        "onsite_end": datetime.date(2026, 12, 11),
        "conference_date": datetime.date(2026, 12, 11),
        "letter_due": datetime.date(2027, 1, 8),
        "followup_3_months": datetime.date(2027, 3, 11),
        "followup_12_months": datetime.date(2027, 12, 10),
        "baseline_reference": "Ofsted inspection of safeguarding and looked after children services, June 2011",
    },
    {
        "title": EASTWICK_VALE_REVIEW,
        "council": EASTWICK_VALE,
        "grade_scale": SCALE_UNTIL_2013,
        "status": Review.Status.REPORTING,
        "scoping_date": datetime.date(2012, 2, 13),
        "onsite_start": datetime.date(2012, 5, 14),
        "onsite_end": datetime.date(2012, 5, 18),
        "conference_date": datetime.date(2012, 5, 18),
        "letter_due": datetime.date(2012, 6, 15),
        "followup_3_months": datetime.date(2012, 8, 17),
        "followup_12_months": datetime.date(2013, 5, 17),
        "baseline_reference": "Ofsted inspection of safeguarding and looked after children services, June 2011",
    },
]


# Accounts


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    email: str
    review: str | None = None
    role: str | None = None
    job_title: str = ""
    organisation: str = ""
    superuser: bool = False
    programme: bool = False


ACCOUNTS: list[Account] = [
    Account("admin", "Alex", "Marrow", "admin@workspace.example", superuser=True),
    Account(
        "lead",
        "Helen",
        "Ashdown",
        "lead@peers.example",
        NORTHMOOR_REVIEW,
        Role.LEAD,
        "Director of Children's Services",
        "Fenby City Council (peer)",
    ),
    Account(
        "challenge",
        "Samuel",
        "Okonjo-Price",
        "challenge@peers.example",
        NORTHMOOR_REVIEW,
        Role.CHALLENGE_MANAGER,
        "Challenge manager",
        "Regional Children's Improvement Partnership (peer)",
    ),
    Account(
        "peer",
        "Priya",
        "Lindqvist",
        "peer@peers.example",
        NORTHMOOR_REVIEW,
        Role.PEER,
        "Head of Safeguarding and Quality Assurance",
        "Westerley County Council (peer)",
    ),
    Account(
        "auditor",
        "Gareth",
        "Pennick",
        "auditor@peers.example",
        NORTHMOOR_REVIEW,
        Role.CASE_AUDITOR,
        "Practice Manager, Quality Assurance",
        "Highcombe Borough Council (peer)",
    ),
    Account(
        "sponsor",
        "Ruth",
        "Calloway",
        "sponsor@northmoor.example",
        NORTHMOOR_REVIEW,
        Role.SPONSOR,
        "Director of Children's Services",
        NORTHMOOR,
    ),
    Account(
        "organiser",
        "Daniel",
        "Frome",
        "organiser@northmoor.example",
        NORTHMOOR_REVIEW,
        Role.ORGANISER,
        "Peer review coordinator",
        NORTHMOOR,
    ),
    Account(
        "contributor",
        "Leah",
        "Brightwater",
        "contributor@northmoor.example",
        NORTHMOOR_REVIEW,
        Role.CONTRIBUTOR,
        "Detective Inspector, Public Protection Unit",
        "Northmoor Police Division",
    ),
    Account(
        "observer",
        "Tomasz",
        "Whitlow",
        "observer@northmoor.example",
        NORTHMOOR_REVIEW,
        Role.OBSERVER,
        "Business Manager, Northmoor Safeguarding Children Partnership",
        NORTHMOOR,
    ),
    Account(
        "lead2",
        "Martin",
        "Greave",
        "lead2@peers.example",
        EASTWICK_VALE_REVIEW,
        Role.LEAD,
        "Director of Children's Services",
        "Ashby Moor Council (peer)",
    ),
    Account(
        "peer2",
        "Fiona",
        "Tarrant",
        "peer2@peers.example",
        EASTWICK_VALE_REVIEW,
        Role.PEER,
        "Assistant Director, Children's Social Care",
        "Kelderby Borough Council (peer)",
    ),
    Account(
        "sponsor2",
        "Imogen",
        "Westacre",
        "sponsor2@eastwickvale.example",
        EASTWICK_VALE_REVIEW,
        Role.SPONSOR,
        "Director of Children's Services",
        EASTWICK_VALE,
    ),
    Account("programme", "Nadia", "Holbeck", "programme@peers.example", programme=True),
]


# Cases: a review-local reference and coded facts only; never a name, date of birth or address.


@dataclass(frozen=True)
class DemoCase:
    reference: str
    age_band: str
    threshold_order: int
    legal_status: str
    cp_category: str = ""
    has_disability: bool = False
    circumstances: tuple[str, ...] = ()
    partner_kinds: tuple[str, ...] = ()


LS = Case.LegalStatus
CP = Case.CPCategory
AGE = Case.AgeBand

CASES: dict[str, list[DemoCase]] = {
    NORTHMOOR_REVIEW: [
        DemoCase(
            "NM-C01",
            AGE.UNDER_1,
            4,
            LS.CHILD_PROTECTION,
            CP.NEGLECT,
            circumstances=("Domestic violence", "Substance abuse"),
            partner_kinds=("childrens-social-care", "police", "health-provider", "voluntary-sector"),
        ),
        DemoCase(
            "NM-C02",
            AGE.AGE_10_15,
            3,
            LS.CHILD_IN_NEED,
            circumstances=("Missing children", "Sexual exploitation"),
            partner_kinds=("childrens-social-care", "police", "education", "camhs"),
        ),
        DemoCase(
            "NM-C03",
            AGE.AGE_5_9,
            2,
            LS.EARLY_HELP,
            has_disability=True,
            circumstances=("Children with disabilities",),
            partner_kinds=("education", "health-provider"),
        ),
        DemoCase(
            "NM-C04",
            AGE.AGE_16_17,
            4,
            LS.LOOKED_AFTER_S20,
            circumstances=("Missing children",),
            partner_kinds=("childrens-social-care", "housing", "police"),
        ),
        DemoCase(
            "NM-C05",
            AGE.AGE_1_4,
            4,
            LS.CHILD_PROTECTION,
            CP.EMOTIONAL,
            circumstances=("Domestic violence",),
            partner_kinds=("childrens-social-care", "police", "health-provider", "voluntary-sector", "icb"),
        ),
        DemoCase(
            "NM-C06",
            AGE.AGE_10_15,
            3,
            LS.CHILD_IN_NEED,
            has_disability=True,
            circumstances=("Allegations against professionals", "Isolated children"),
            partner_kinds=("childrens-social-care", "education", "camhs"),
        ),
    ],
    EASTWICK_VALE_REVIEW: [
        DemoCase(
            "EV-C01",
            AGE.AGE_1_4,
            4,
            LS.CHILD_PROTECTION,
            CP.PHYSICAL,
            circumstances=("Domestic violence",),
            partner_kinds=("childrens-social-care", "police", "health-provider"),
        ),
        DemoCase(
            "EV-C02",
            AGE.AGE_10_15,
            3,
            LS.CHILD_IN_NEED,
            circumstances=("Missing children",),
            partner_kinds=("childrens-social-care", "police", "education"),
        ),
        DemoCase(
            "EV-C03",
            AGE.UNBORN,
            4,
            LS.CHILD_PROTECTION,
            CP.NEGLECT,
            circumstances=("Substance abuse",),
            partner_kinds=("childrens-social-care", "health-provider", "voluntary-sector"),
        ),
    ],
}


# Findings: theme, scope area and focus area are given by their order in the framework.


@dataclass(frozen=True)
class DemoFinding:
    theme: int
    kind: str
    summary: str
    detail: str
    stage: str
    status: str
    raised_by: str
    scope_area: int | None = None
    focus_areas: tuple[int, ...] = ()  # orders of the framework's focus areas
    circumstances: tuple[int, ...] = ()  # orders of its specific circumstances
    priority: int | None = None


STRENGTH = Finding.Kind.STRENGTH
AREA = Finding.Kind.AREA
DRAFT = Finding.Status.DRAFT
AGREED = Finding.Status.AGREED
PUBLISHED = Finding.Status.PUBLISHED

FINDINGS: dict[str, list[DemoFinding]] = {
    NORTHMOOR_REVIEW: [
        DemoFinding(
            1,
            STRENGTH,
            "Practitioners know their children well and the voice of the child is clearly recorded in most case files",
            "In the cases mapped, social workers and health visitors described children's daily lives in detail, "
            "and direct work with children was recorded in the child's own words.",
            "case-mapping",
            AGREED,
            "lead",
            scope_area=3,
        ),
        DemoFinding(
            1,
            AREA,
            "Management oversight is not consistently evident on case files, and the rationale for decisions "
            "is not always recorded",
            "Several audited cases showed supervision taking place without a recorded rationale for changes of plan, "
            "which makes it hard to see why a case stepped down.",
            "audits",
            DRAFT,
            "peer",
            scope_area=4,
        ),
        DemoFinding(
            2,
            AREA,
            "Performance information is collected but not yet used to understand the impact of early help "
            "on outcomes for children",
            "The self assessment reports volumes and timeliness; it does not yet show whether children's "
            "circumstances improved after early help ended.",
            "self-assessment",
            DRAFT,
            "peer",
            scope_area=1,
        ),
        DemoFinding(
            3,
            STRENGTH,
            "Thresholds are well understood by partners and applied consistently at the front door",
            "Police, schools and health colleagues described the local threshold document with confidence, "
            "and contacts reviewed were routed to the right level of need within one working day.",
            "general",
            PUBLISHED,
            "lead",
            scope_area=2,
            focus_areas=(1,),
        ),
        DemoFinding(
            3,
            AREA,
            "Health and police attendance at strategy discussions is inconsistent out of hours",
            "Chronologies rebuilt in case mapping showed strategy discussions held at night without a health "
            "representative, so information known to health services reached the s.47 enquiry late.",
            "case-mapping",
            AGREED,
            "peer",
            scope_area=5,
            focus_areas=(2,),
            circumstances=(3, 5),
        ),
        DemoFinding(
            4,
            AREA,
            "High caseloads in the assessment teams and reliance on agency social workers put the quality "
            "of assessments at risk",
            "The self assessment and the workforce data show caseloads above the council's own standard in two "
            "assessment teams, with a third of posts filled by agency staff.",
            "self-assessment",
            DRAFT,
            "lead",
        ),
        DemoFinding(
            4,
            STRENGTH,
            "Supervision is regular and reflective, and newly qualified social workers value the support they receive",
            "Audited cases showed supervision at the expected frequency, and records reflected on risk "
            "as well as tasks.",
            "audits",
            AGREED,
            "peer",
            scope_area=4,
        ),
        DemoFinding(
            5,
            STRENGTH,
            "Senior leaders and partners share a clear vision for children and are open to challenge",
            "The sponsor and partner leaders set out shared priorities, welcomed the review as a critical friend "
            "and had already acted on the findings of their own audits.",
            "general",
            PUBLISHED,
            "lead",
        ),
    ],
    EASTWICK_VALE_REVIEW: [
        DemoFinding(
            1,
            STRENGTH,
            "Children on child protection plans are seen regularly and their plans are reviewed within timescale",
            "All the mapped cases on a plan had visits at the frequency set by the council and review "
            "conferences held on time.",
            "case-mapping",
            PUBLISHED,
            "lead2",
            focus_areas=(3,),
            circumstances=(2,),
        ),
        DemoFinding(
            3,
            AREA,
            "The Common Assessment Framework is not yet used consistently by schools and health visitors, "
            "so early help is offered late",
            "Audits found CAFs started only after a referral to children's social care had been declined, "
            "rather than when needs first emerged.",
            "audits",
            AGREED,
            "peer2",
            scope_area=2,
            focus_areas=(1,),
            circumstances=(7,),
            priority=1,
        ),
        DemoFinding(
            5,
            AREA,
            "The Local Safeguarding Children Board does not yet have the capacity to hold partners to account "
            "for the quality of practice",
            "The board's business unit is small and its multi-agency audit programme has not run this year.",
            "general",
            AGREED,
            "lead2",
            scope_area=7,
            priority=2,
        ),
    ],
}


def _ensure_user(account: Account, password: str) -> AbstractUser:
    user_model = get_user_model()
    user = user_model._default_manager.filter(username=account.username).first()
    created = user is None
    if user is None:
        user = user_model(username=account.username)
    fields = {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "is_active": True,
        "is_staff": account.superuser,
        "is_superuser": account.superuser,
    }
    changed = created
    for name, value in fields.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if created or not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.save()
    return user


class Command(BaseCommand):
    help = "Create fictional demo councils, partners, reviews, accounts, cases and findings. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help=f"Password for every demo account (default {DEFAULT_PASSWORD!r}, only allowed with debug on).",
        )
        parser.add_argument(
            "--totp-secret",
            help="Authenticator secret (base32) of the demo accounts that must use two-factor sign-in "
            f"(default {DEFAULT_TOTP_SECRET!r}, only allowed with debug on).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str | None = options.get("password")
        if password is None:
            if not settings.DEBUG:
                raise CommandError("With DJANGO_DEBUG off, give a password with --password.")
            password = DEFAULT_PASSWORD
        else:
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        totp_secret: str | None = options.get("totp_secret")
        if totp_secret is None:
            if not settings.DEBUG:
                raise CommandError("With DJANGO_DEBUG off, give an authenticator secret with --totp-secret.")
            totp_secret = DEFAULT_TOTP_SECRET
        elif not two_factor.valid_secret(totp_secret):
            raise CommandError("The authenticator secret must be base32 (A to Z, 2 to 7) of at least 16 characters.")

        with transaction.atomic():
            councils = self._councils()
            reviews = self._reviews(councils)
            users = self._accounts(reviews, password)
            self._cases(reviews)
            self._findings(reviews, users)
            add_planning_demo(list(reviews.values()))
            add_scope_demo(list(reviews.values()))
            # Each stage adds its own demo data; the first review is the rich one.
            for stage in stages.all_stages():
                if stage.demo is not None:
                    stage.demo(reviews=list(reviews.values()), users=users)
            # Notifications, the emails behind them and invitations, some not yet accepted.
            add_team_demo(reviews=list(reviews.values()), users=users)
            # A fortnight of who read what, for the access log.
            add_access_demo(review=next(iter(reviews.values())), users=users)
            # An earlier review of the first council, to compare with.
            earlier = seed_earlier_review(review=next(iter(reviews.values())), users=users)
            # Finished reports, rendered last so they show everything above.
            add_demo_reports(review=next(iter(reviews.values())), user=users.get("challenge"))
            # Two-factor sign-in for the accounts that must use it, now that every role is given.
            for user in users.values():
                if two_factor.required_for(user):
                    two_factor.set_known_secret(user, totp_secret)

        self._print_accounts(password)
        self.stdout.write(f"Demo authenticator secret (TOTP, base32), for the accounts marked 2FA: {totp_secret}")
        self.stdout.write("")
        demo_reviews = [*reviews.values(), earlier]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(councils)} councils, {len(demo_reviews)} reviews "
                f"(one of them the earlier review of {earlier.council.name}), "
                f"{Case.objects.filter(review__in=demo_reviews).count()} cases, "
                f"{Finding.objects.filter(review__in=demo_reviews).count()} findings."
            )
        )
        self.stdout.write("Open http://127.0.0.1:8000/ and log in.")

    def _councils(self) -> dict[str, Council]:
        councils: dict[str, Council] = {}
        for name, values in COUNCILS.items():
            council = upsert(Council, {"name": name}, values)
            for slug, agency in PARTNERS[name]:
                kind = PartnerKind.objects.get(slug=slug)
                upsert(Partner, {"council": council, "name": agency}, {"kind": kind})
            council.adopt_default_thresholds()
            for order, label in LOCAL_THRESHOLD_LABELS.get(name, {}).items():
                upsert(ThresholdLevel, {"council": council, "order": order}, {"label": label})
            councils[name] = council
        return councils

    def _reviews(self, councils: dict[str, Council]) -> dict[str, Review]:
        framework = Framework.objects.get(is_default=True)
        reviews: dict[str, Review] = {}
        for data in REVIEWS:
            values = dict(data)
            title = values.pop("title")
            values["council"] = councils[values["council"]]
            values["grade_scale"] = framework.grade_scales.get(name=values["grade_scale"])
            values["framework"] = framework
            reviews[title] = upsert(Review, {"title": title}, values)
        return reviews

    def _accounts(self, reviews: dict[str, Review], password: str) -> dict[str, AbstractUser]:
        # Programme managers watch every review and set new ones up in the workspace.
        programme_permissions = Permission.objects.filter(
            content_type__app_label="reviews", codename__in=["view_programme", "add_review"]
        )
        users: dict[str, AbstractUser] = {}
        for account in ACCOUNTS:
            user = _ensure_user(account, password)
            if account.programme:
                user.user_permissions.add(*programme_permissions)
            if account.review and account.role:
                upsert(
                    ReviewMembership,
                    {"review": reviews[account.review], "user": user},
                    {"role": account.role, "job_title": account.job_title, "organisation": account.organisation},
                )
            users[account.username] = user
        return users

    def _cases(self, reviews: dict[str, Review]) -> None:
        for title, cases in CASES.items():
            review = reviews[title]
            for demo in cases:
                case = upsert(
                    Case,
                    {"review": review, "reference": demo.reference},
                    {
                        "age_band": demo.age_band,
                        "threshold_level": review.council.threshold_levels.get(order=demo.threshold_order),
                        "legal_status": demo.legal_status,
                        "cp_category": demo.cp_category,
                        "has_disability": demo.has_disability,
                    },
                )
                case.specific_circumstances.set(
                    FocusArea.objects.filter(
                        framework=review.framework, kind=FocusArea.Kind.CIRCUMSTANCE, title__in=demo.circumstances
                    )
                )
                case.partners.set(review.council.partners.filter(kind__slug__in=demo.partner_kinds))

    def _findings(self, reviews: dict[str, Review], users: dict[str, AbstractUser]) -> None:
        for title, findings in FINDINGS.items():
            review = reviews[title]
            framework = review.framework
            for demo in findings:
                if demo.stage != stages.GENERAL and stages.get(demo.stage) is None:
                    raise CommandError(f"Unknown stage {demo.stage!r} in the demo findings.")
                finding = upsert(
                    Finding,
                    {"review": review, "summary": demo.summary},
                    {
                        "theme": framework.themes.get(order=demo.theme),
                        "scope_area": framework.scope_areas.get(order=demo.scope_area) if demo.scope_area else None,
                        "kind": demo.kind,
                        "detail": demo.detail,
                        "stage": demo.stage,
                        "status": demo.status,
                        "raised_by": users[demo.raised_by],
                        "priority": demo.priority,
                    },
                    bump_version=True,
                )
                finding.focus_areas.set(
                    framework.focus_areas.filter(
                        Q(kind=FocusArea.Kind.FOCUS, order__in=demo.focus_areas)
                        | Q(kind=FocusArea.Kind.CIRCUMSTANCE, order__in=demo.circumstances),
                        review__isnull=True,
                    )
                )

    def _print_accounts(self, password: str) -> None:
        rows = [("Username", "Role", "Review", "Password", "2FA")]
        for account in ACCOUNTS:
            if account.superuser:
                role, review = "Administrator (superuser)", "-"
            elif account.programme:
                role, review = "Programme manager", "All reviews (programme dashboard)"
            else:
                role, review = Role(account.role).label, account.review or "-"
            user = get_user_model().objects.get(username=account.username)
            rows.append((account.username, role, review, password, "yes" if two_factor.has_app(user) else ""))
        widths = [max(len(row[column]) for row in rows) for column in range(5)]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
