"""Move the private files of a site from the local file system into the configured storage (an object store),
checking every file's SHA-256 after the copy. Run it once after setting S3_BUCKET; it can be run again safely."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.storage import MoveError, move_files


class Command(BaseCommand):
    help = "Copy every file under a folder (the old PRIVATE_MEDIA_ROOT) into the private storage and verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="The folder the private files were kept in until now.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be copied; copy nothing.")

    def handle(self, *args, folder: Path, dry_run: bool, **options) -> None:
        try:
            counts = move_files(folder, dry_run=dry_run)
        except MoveError as error:
            raise CommandError(str(error)) from None
        verb = "Would copy" if dry_run else "Copied and verified"
        self.stdout.write(
            f"{verb} {counts['copied']} files ({counts['bytes']:,} bytes); {counts['already_there']} were already "
            "in the storage with the same checksum. Nothing was deleted from the folder: remove it once the site "
            "runs on the new storage."
        )
