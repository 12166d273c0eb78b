"""Fill the workspace with fictional demo data: two councils, their partners, a review each, accounts, cases and findings.

Every council, agency, person and case here is invented. Email addresses use the reserved `.example` domain.
Running the command again leaves the data as it is: records are found by their natural keys and only
saved when something differs.

Its dates are set against the day it is first seeded (`reviews.demo_data.timeline`): the first council's review
had its conference some six weeks before, the second's three weeks before, and nothing is recorded as held,
published or closed ahead of its day. Run again on a later day, it keeps the dates of the first run (it finds them
on the review it made) and adds only what has come due since, such as the 3-month check and its action updates, so
the demo ages as a real review would. To move the demo to today's dates, seed an empty database.
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
from django.utils import timezone

from reviews import stages, two_factor
from reviews.demo import add_demo_reports, upsert
from reviews.demo_access import add_access_demo
from reviews.demo_data import (
    CASES,
    COUNCILS,
    EASTWICK_VALE,
    FINDINGS,
    LOCAL_THRESHOLD_LABELS,
    NORTHMOOR,
    NORTHMOOR_PREFIX,
    ONSITE_WEEKS_BEFORE_SEEDING,
    PARTNERS,
    Timeline,
    reviews_data,
    timeline,
)
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


# Accounts


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    email: str
    review: str | None = None  # the council whose current review the account is a member of
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
        NORTHMOOR,
        Role.LEAD,
        "Director of Children's Services",
        "Fenby City Council (peer)",
    ),
    Account(
        "challenge",
        "Samuel",
        "Okonjo-Price",
        "challenge@peers.example",
        NORTHMOOR,
        Role.CHALLENGE_MANAGER,
        "Challenge manager",
        "Regional Children's Improvement Partnership (peer)",
    ),
    Account(
        "peer",
        "Priya",
        "Lindqvist",
        "peer@peers.example",
        NORTHMOOR,
        Role.PEER,
        "Head of Safeguarding and Quality Assurance",
        "Westerley County Council (peer)",
    ),
    Account(
        "auditor",
        "Gareth",
        "Pennick",
        "auditor@peers.example",
        NORTHMOOR,
        Role.CASE_AUDITOR,
        "Practice Manager, Quality Assurance",
        "Highcombe Borough Council (peer)",
    ),
    Account(
        "sponsor",
        "Ruth",
        "Calloway",
        "sponsor@northmoor.example",
        NORTHMOOR,
        Role.SPONSOR,
        "Director of Children's Services",
        NORTHMOOR,
    ),
    Account(
        "organiser",
        "Daniel",
        "Frome",
        "organiser@northmoor.example",
        NORTHMOOR,
        Role.ORGANISER,
        "Peer review coordinator",
        NORTHMOOR,
    ),
    Account(
        "contributor",
        "Leah",
        "Brightwater",
        "contributor@northmoor.example",
        NORTHMOOR,
        Role.CONTRIBUTOR,
        "Detective Inspector, Public Protection Unit",
        "Northmoor Police Division",
    ),
    Account(
        "observer",
        "Tomasz",
        "Whitlow",
        "observer@peers.example",
        NORTHMOOR,
        Role.OBSERVER,
        # On the peer side (DESIGN.md): an observer sees the peer team's material, so never one of the council's own.
        "Peer reviewer in training, Service Manager for Child Protection",
        "Fenby Metropolitan Borough Council (peer)",
    ),
    Account(
        "lead2",
        "Martin",
        "Greave",
        "lead2@peers.example",
        EASTWICK_VALE,
        Role.LEAD,
        "Director of Children's Services",
        "Ashby Moor Council (peer)",
    ),
    Account(
        "peer2",
        "Fiona",
        "Tarrant",
        "peer2@peers.example",
        EASTWICK_VALE,
        Role.PEER,
        "Assistant Director, Children's Social Care",
        "Kelderby Borough Council (peer)",
    ),
    Account(
        "sponsor2",
        "Imogen",
        "Westacre",
        "sponsor2@eastwickvale.example",
        EASTWICK_VALE,
        Role.SPONSOR,
        "Director of Children's Services",
        EASTWICK_VALE,
    ),
    Account("programme", "Nadia", "Holbeck", "programme@peers.example", programme=True),
]


def seeding_day() -> datetime.date:
    """The day the demo is anchored on: today, or the day of the first run when the demo is already there (the
    Monday of that week, which gives the same dates). A demo made before its dates followed the seeding day, with
    an on-site week too recent for that, is moved to today's dates."""
    today = timezone.localdate()
    current = (
        Review.objects.filter(council__name=NORTHMOOR, title__startswith=NORTHMOOR_PREFIX, onsite_start__isnull=False)
        .order_by("-onsite_start")
        .first()
    )
    if current is None:
        return today
    first_run = current.onsite_start + datetime.timedelta(weeks=ONSITE_WEEKS_BEFORE_SEEDING[NORTHMOOR])
    return first_run if first_run <= today else today


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
            dates = timeline(seeding_day())
            councils = self._councils()
            reviews = self._reviews(councils, dates)
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
            earlier = seed_earlier_review(review=next(iter(reviews.values())), users=users, dates=dates.earlier)
            # Finished reports, rendered last so they show everything above.
            add_demo_reports(review=next(iter(reviews.values())), user=users.get("challenge"))
            # Two-factor sign-in for the accounts that must use it, now that every role is given.
            for user in users.values():
                if two_factor.required_for(user):
                    two_factor.set_known_secret(user, totp_secret)

        self._print_accounts(password, reviews)
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

    def _reviews(self, councils: dict[str, Council], dates: Timeline) -> dict[str, Review]:
        """The current review of each council, by the council's name."""
        framework = Framework.objects.get(is_default=True)
        reviews: dict[str, Review] = {}
        for data in reviews_data(dates):
            values = dict(data)
            title = values.pop("title")
            council = values["council"]
            values["council"] = councils[council]
            values["grade_scale"] = framework.grade_scales.get(name=values["grade_scale"])
            values["framework"] = framework
            reviews[council] = upsert(Review, {"title": title}, values)
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
        for council, cases in CASES.items():
            review = reviews[council]
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
        for council, findings in FINDINGS.items():
            review = reviews[council]
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

    def _print_accounts(self, password: str, reviews: dict[str, Review]) -> None:
        rows = [("Username", "Role", "Review", "Password", "2FA")]
        for account in ACCOUNTS:
            if account.superuser:
                role, review = "Administrator (superuser)", "-"
            elif account.programme:
                role, review = "Programme manager", "All reviews (programme dashboard)"
            else:
                role, review = Role(account.role).label, reviews[account.review].title if account.review else "-"
            user = get_user_model().objects.get(username=account.username)
            rows.append((account.username, role, review, password, "yes" if two_factor.has_app(user) else ""))
        widths = [max(len(row[column]) for row in rows) for column in range(5)]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
