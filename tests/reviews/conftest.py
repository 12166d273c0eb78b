import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from ..factories import UserFactory
from ..mailserver import after_commit, mail_server, mail_server_down  # noqa: F401 (fixtures)
from ..s3server import s3_bucket, s3_server  # noqa: F401 (fixtures)


@pytest.fixture
def programme_client(db):
    """A programme manager's session: the programme dashboard and every review's counts, no review's own pages."""
    user = UserFactory(username="programme")
    user.user_permissions.add(Permission.objects.get(codename="view_programme"))
    client = Client()
    client.force_login(user)
    return client
