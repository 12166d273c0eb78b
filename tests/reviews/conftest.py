from ..mailserver import after_commit, mail_server, mail_server_down  # noqa: F401 (fixtures)
from ..s3server import s3_bucket, s3_server  # noqa: F401 (fixtures)
