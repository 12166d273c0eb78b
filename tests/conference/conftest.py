"""Fixtures the conference tests share: the real loopback SMTP server for the emails."""

from ..mailserver import after_commit, mail_server  # noqa: F401 (fixtures)
