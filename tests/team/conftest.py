from ..mailserver import mail_server, mail_server_down  # noqa: F401 (fixtures)
