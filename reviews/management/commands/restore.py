"""Restore a backup made by `backup`: every checksum is checked first; a database or storage that already holds
data is refused unless --force is given."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the private files from a backup folder made by `backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what the database and the storage hold now. Without it, a restore needs them empty.",
        )

    def handle(self, *args, folder: Path, force: bool, **options) -> None:
        try:
            summary = restore(folder, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the database and {summary.files} files ({summary.bytes:,} bytes) from {folder}.")
