"""Build a national programme's worth of fictional data to measure the pages against (`make bench` uses it).

    python manage.py seed_scale                       # 150 councils, 3 reviews each, a national review's size each
    python manage.py seed_scale --councils 5 --reviews-per-council 2 --cases 10

It builds into a database without a data set of its own (build the next one into a fresh database), and refuses a
database that holds reviews neither it nor seed_demo made, unless given --allow-other-data.
"""

import time

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews import scale, two_factor
from reviews.management.commands.seed_demo import DEFAULT_TOTP_SECRET

DEFAULT_PASSWORD = "peer-review-scale"


def positive(text: str) -> int:
    value = int(text)
    if value < 1 or value > 1_000_000:
        raise ValueError(text)
    return value


def count(text: str) -> int:
    value = int(text)
    if value < 0 or value > 1_000_000:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Build a national programme's worth of fictional reviews, deterministic from a seed, with bulk inserts."

    def add_arguments(self, parser: CommandParser) -> None:
        sizes = scale.Sizes()
        whole = scale.Scale()
        parser.add_argument("--councils", type=positive, default=whole.councils)
        parser.add_argument("--reviews-per-council", type=positive, default=whole.reviews_per_council)
        parser.add_argument("--cases", type=count, default=sizes.cases, help="Cases a review.")
        parser.add_argument("--events-per-case", type=count, default=sizes.events_per_case)
        parser.add_argument("--audits", type=count, default=sizes.audits, help="Council audits a review.")
        parser.add_argument(
            "--responses", type=count, default=sizes.responses, help="Questionnaire responses a review."
        )
        parser.add_argument("--findings", type=count, default=sizes.findings, help="Findings a review.")
        parser.add_argument("--seed", type=int, default=whole.seed)
        parser.add_argument("--password", default="", help="The accounts' password (required with debug off).")
        parser.add_argument(
            "--totp-secret", default="", help="The accounts' authenticator secret (base32; required with debug off)."
        )
        parser.add_argument(
            "--allow-other-data", action="store_true", help="Add to a database that holds other reviews too."
        )

    def handle(self, *args, **options) -> None:
        password = options["password"]
        if not password:
            if not settings.DEBUG:
                raise CommandError("With debug off, give the accounts' password with --password.")
            password = DEFAULT_PASSWORD
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("The password is not strong enough: " + " ".join(error.messages)) from error
        secret = options["totp_secret"]
        if not secret:
            if not settings.DEBUG:
                raise CommandError("With debug off, give the accounts' authenticator secret with --totp-secret.")
            secret = DEFAULT_TOTP_SECRET
        elif not two_factor.valid_secret(secret):
            raise CommandError("The authenticator secret must be base32 (A to Z and 2 to 7), at least 16 characters.")
        if scale.scale_reviews().exists():
            raise CommandError(
                "This database already holds a data set of seed_scale; build another into a fresh database."
            )
        if scale.other_data_present() and not options["allow_other_data"]:
            raise CommandError(
                "This database holds reviews that are not demo or scale data; "
                "use another database, or --allow-other-data to add to it anyway."
            )
        sizes = scale.Sizes(
            cases=options["cases"],
            events_per_case=options["events_per_case"],
            audits=min(options["audits"], options["cases"]),
            responses=options["responses"],
            findings=options["findings"],
        )
        whole = scale.Scale(
            councils=options["councils"],
            reviews_per_council=options["reviews_per_council"],
            sizes=sizes,
            seed=options["seed"],
        )
        started = time.monotonic()
        counts = scale.build(whole, password, secret, report=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"Built in {time.monotonic() - started:.0f} s: ")
            + ", ".join(f"{number} {what}" for what, number in counts.items())
        )
        self.stdout.write(
            f"Sign in as {scale.LEAD_USERNAME} (lead of the largest review) or {scale.PROGRAMME_USERNAME} "
            "(programme manager) with the password and authenticator secret given."
        )
