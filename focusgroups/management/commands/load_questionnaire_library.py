from django.core.management.base import BaseCommand
from django.db import transaction

from focusgroups.library import ensure_library


class Command(BaseCommand):
    help = "Add the standard questionnaires (staff, partners, parents and carers, children) to the library. Safe to run again."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            library = ensure_library()
        self.stdout.write(f"The questionnaire library holds {len(library)} standard questionnaires.")
