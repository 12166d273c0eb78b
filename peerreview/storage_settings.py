"""Where the private files (evidence uploads, rendered reports) are kept, read from the environment.

The quick start keeps them on the local file system under PRIVATE_MEDIA_ROOT. Setting S3_BUCKET moves them to any
S3-compatible object store (AWS S3, MinIO, Azure through an S3 gateway), so web and worker machines share no file
system: every process reads and writes the bucket through the same storage API.

Objects are private. No public ACL is ever set and no URL of an object is ever handed out: members download files
only through the application's views, which check membership and write the access log at the moment of download
and stream the bytes from the bucket. The bucket itself should block public access. Server-side encryption is
requested on every write (SSE-S3 "AES256" unless told otherwise; "aws:kms" with S3_KMS_KEY_ID for a managed key).
"""

from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

ENCRYPTION_CHOICES = {"AES256", "aws:kms", "none"}


def private_storage(environ: Mapping[str, str], base_dir: Path) -> dict:
    """The "private" entry of STORAGES for this environment."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": environ.get("PRIVATE_MEDIA_ROOT", str(base_dir / "private-media")),
                "base_url": None,
            },
        }
    from botocore.config import Config

    encryption = environ.get("S3_SERVER_SIDE_ENCRYPTION", "AES256").strip()
    if encryption not in ENCRYPTION_CHOICES:
        raise ImproperlyConfigured(
            f"S3_SERVER_SIDE_ENCRYPTION is {encryption!r}: use AES256, aws:kms (with S3_KMS_KEY_ID) or none."
        )
    object_parameters: dict[str, str] = {}
    if encryption != "none":
        object_parameters["ServerSideEncryption"] = encryption
    if encryption == "aws:kms" and environ.get("S3_KMS_KEY_ID"):
        object_parameters["SSEKMSKeyId"] = environ["S3_KMS_KEY_ID"]
    timeout = int(environ.get("S3_TIMEOUT_SECONDS", "10"))
    options = {
        "bucket_name": bucket,
        "location": environ.get("S3_PREFIX", "").strip("/"),
        "region_name": environ.get("S3_REGION") or None,
        "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
        # Without keys here, boto3 finds credentials itself (AWS_* variables, an instance or pod role).
        "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": environ.get("S3_ADDRESSING_STYLE") or None,  # "path" for most MinIO set-ups
        "object_parameters": object_parameters,
        "default_acl": None,  # private by default; buckets with ACLs disabled refuse any ACL header
        "querystring_auth": True,  # never used for downloads, but no unsigned URL can be made either
        "file_overwrite": False,  # a name already taken gets a new one, as on the file system
        # Reads spill to a temporary file past 2.5 MB, so a large download is not held in memory.
        "max_memory_size": 2621440,
        "client_config": Config(
            connect_timeout=timeout,
            read_timeout=timeout * 3,
            retries={"max_attempts": 3, "mode": "standard"},
            signature_version="s3v4",
        ),
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
