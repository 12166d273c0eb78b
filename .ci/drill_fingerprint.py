"""Fingerprints of the whole site for the backup drill: every table's row count and a digest of its rows, every
private file's checksum, and each review's export (its records as `export_review` writes them, without the time
of the export). Two runs that write the same folder contents describe the same site.

    python .ci/drill_fingerprint.py OUT_FOLDER [--tables-first]
"""

import hashlib
import io
import json
import os
import sys
import zipfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerreview.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from reviews.backup import storage_names  # noqa: E402
from reviews.models import Review  # noqa: E402
from reviews.storage import private_storage  # noqa: E402


def tables(out: Path) -> None:
    lines = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quoted} t"
            )
            count, digest = cursor.fetchone()
            lines.append(f"{table} {count} {digest}")
    (out / "tables.txt").write_text("\n".join(lines) + "\n")
    storage = private_storage()
    files = []
    for name in storage_names(storage):
        with storage.open(name, "rb") as handle:
            files.append(f"{name} {hashlib.sha256(handle.read()).hexdigest()}")
    (out / "files.txt").write_text("\n".join(files) + "\n")


def exports(out: Path) -> None:
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    for review in Review.objects.order_by("pk"):
        archive = out / f"export-{review.pk}.zip"
        call_command("export_review", review.pk, str(archive), user=admin.username, stdout=io.StringIO())
        with zipfile.ZipFile(archive) as zipped:
            data = json.loads(zipped.read("review.json"))
            data.pop("exported_at", None)
            members = sorted(
                f"{info.filename} {hashlib.sha256(zipped.read(info)).hexdigest()}"
                for info in zipped.infolist()
                if info.filename != "review.json"
            )
        archive.unlink()
        text = json.dumps(data, sort_keys=True, indent=1) + "\n" + "\n".join(members) + "\n"
        (out / f"review-{review.pk}.txt").write_text(text)


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True)
    # Exporting writes to the access log, so the tables are read before the exports after a restore, and
    # after them before the backup: both runs then see the same rows.
    if "--tables-first" in sys.argv:
        tables(out)
        exports(out)
    else:
        exports(out)
        tables(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
