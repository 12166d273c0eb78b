#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys

# Commands that only read the code (models against migrations) and never serve, sign or send anything: they
# may run with no environment at all, with debug still off and a throwaway key no request ever sees. Every
# other command, runserver and check included, needs the environment the settings ask for.
CODE_ONLY_COMMANDS = {"makemigrations", "showmigrations"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerreview.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS and not os.environ.get("DJANGO_SECRET_KEY"):
        os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
        os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
