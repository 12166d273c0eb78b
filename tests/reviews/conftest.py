from ..mailserver import after_commit, mail_server, mail_server_down  # noqa: F401 (fixtures)
