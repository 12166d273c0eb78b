"""Write a whole review, with its files, to a ZIP that `import_review` reads in another installation."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.models import Review
from reviews.transfer import TransferError, export_review


class Command(BaseCommand):
    help = "Export a whole review (its records and files) to a ZIP archive. The export is written to the access log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("review_id", type=int)
        parser.add_argument("path", type=Path, help="The ZIP file to write; it must not exist yet.")
        parser.add_argument(
            "--user",
            required=True,
            help="The username of the person making the export, recorded in the access log.",
        )

    def handle(self, *args, review_id: int, path: Path, user: str, **options) -> None:
        review = Review.objects.select_related("council").filter(pk=review_id).first()
        if review is None:
            raise CommandError(f"There is no review {review_id}.")
        person = get_user_model().objects.filter(username=user).first()
        if person is None:
            raise CommandError(f"There is no user '{user}'.")
        if path.exists():
            raise CommandError(f"{path} already exists; choose a new file name.")
        try:
            with path.open("xb") as out:
                counts = export_review(review=review, out=out, user=person, path=f"manage.py export_review {review_id}")
        except TransferError as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self.stdout.write(f"Exported review {review.pk} ({review.title}) to {path}:")
        for label, count in sorted(counts.items()):
            if count:
                self.stdout.write(f"  {label}: {count}")
