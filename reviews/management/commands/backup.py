"""Back the site up into a new folder: the database (pg_dump, custom format) and every private file, with a
manifest of checksums that `restore` checks before it changes anything."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the private files into a new folder, with a manifest of checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="A folder that does not exist yet.")

    def handle(self, *args, folder: Path, **options) -> None:
        try:
            summary = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up the database and {summary.files} files ({summary.bytes:,} bytes) to {folder}.")
