"""A real SMTP server on loopback (aiosmtpd) that keeps the messages it receives, for the email tests."""

import socket
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """The messages the server accepted, parsed, in the order they came."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"

    def subjects(self, address: str | None = None) -> list[str]:
        """The subjects as a mail client shows them (a long encoded subject is folded after "Subject:")."""
        return [" ".join(str(message["Subject"]).split()) for message in self.to(address)]

    def to(self, address: str | None = None) -> list[EmailMessage]:
        if address is None:
            return list(self.messages)
        return [message for message in self.messages if message["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(inbox: Inbox) -> Controller:
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    return controller


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on a free loopback port, with Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = start(inbox)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", inbox.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://peer-review.example"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_server_down(settings):
    """Django's SMTP backend pointed at a loopback port nobody listens on: every send fails at once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://peer-review.example"


def deliver() -> int:
    """Do what a worker does with the emails waiting to be sent: send each, here in the test's process.

    Tests do not run tasks eagerly; one test checks the task is queued after commit, and the worker test
    runs the real worker.
    """
    from reviews.models import EmailRecord
    from reviews.notifications import services

    waiting = list(
        EmailRecord.objects.filter(status=EmailRecord.Status.QUEUED).order_by("pk").values_list("pk", flat=True)
    )
    for pk in waiting:
        services.send_email(email_id=pk)
    return len(waiting)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """`with after_commit():` runs the block as a request would, keeps the tasks it queues from being published,
    then sends the emails it queued as the worker would."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks() as callbacks:
            yield callbacks
        deliver()

    return run
