"""Read a review exported by `export_review` into this installation, as a new review, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.transfer import TransferError, import_review


class Command(BaseCommand):
    help = "Import a review exported from another installation. Nothing is saved if anything is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The ZIP file made by export_review.")
        parser.add_argument("--title", help="A new title, when the council already has a review with the exported one.")

    def handle(self, *args, path: Path, title: str | None, **options) -> None:
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            with path.open("rb") as source:
                result = import_review(source, title=title)
        except TransferError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        review = result.review
        self.stdout.write(f"Imported review {review.pk}: {review.title} ({review.council}).")
        for name, count in sorted(result.counts.items()):
            if count:
                self.stdout.write(f"  {name}: {count}")
        self.stdout.write(f"  Files: {result.files}")
        for created in result.created:
            self.stdout.write(f"Created {created}.")
        if result.users_created:
            self.stdout.write(
                f"Created {len(result.users_created)} people who were not here, inactive and without a password, "
                "so nobody can sign in as them until an administrator sets them up: "
                + ", ".join(sorted(result.users_created))
            )
        for note in result.notes:
            self.stdout.write(note)
