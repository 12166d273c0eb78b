"""The static files' storage with debug off (peerreview/static_storage.py) gives Django's addresses, keeps them once
worked out, and still refuses a file missing from the manifest."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from peerreview.static_storage import StaticStorage

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def collected(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"paths": {"css/app.css": "css/app.0123456789ab.css", "img/a b.svg": "img/a b.ba9876543210.svg"},
                "version": "1.1", "hash": "f00"}  # fmt: skip
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return tmp_path


def test_the_addresses_are_djangos_and_kept(collected, monkeypatch):
    ours = StaticStorage(location=collected, base_url="/static/")
    django = ManifestStaticFilesStorage(location=collected, base_url="/static/")
    for name in ("css/app.css", "img/a b.svg", "css/app.css?v=1#x"):
        assert ours.url(name) == django.url(name), name
    assert ours.url("css/app.css") == "/static/css/app.0123456789ab.css"

    asked = []
    monkeypatch.setattr(ours, "stored_name", lambda name: asked.append(name) or "changed")
    assert ours.url("css/app.css") == "/static/css/app.0123456789ab.css" and asked == []  # kept
    assert ours.url("css/app.css", force=True) == "/static/changed" and asked == ["css/app.css"]  # forced: asked


def test_a_file_missing_from_the_manifest_is_refused_every_time(collected):
    ours = StaticStorage(location=collected, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("js/not-collected.js")


def test_with_debug_on_the_name_is_not_hashed(collected, settings):
    ours = StaticStorage(location=collected, base_url="/static/")
    assert ours.url("css/app.css") == "/static/css/app.0123456789ab.css"
    settings.DEBUG = True
    assert ours.url("css/app.css") == "/static/css/app.css"


def test_the_site_uses_it_with_debug_off():
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.org"}
    code = "from peerreview import settings; print(settings.DEBUG, settings.STORAGES['staticfiles']['BACKEND'])"
    shown = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["False", "peerreview.static_storage.StaticStorage"]


def test_collecting_again_in_the_process_forgets_the_kept_addresses(tmp_path, settings):
    settings.DEBUG = False
    source = FileSystemStorage(location=tmp_path / "source")
    ours = StaticStorage(location=tmp_path / "root", base_url="/static/")

    def collect(text: str) -> str:
        """As collectstatic does: the file copied in, then the storage's post-processing."""
        for storage in (source, ours):
            if storage.exists("css/app.css"):
                storage.delete("css/app.css")
            storage.save("css/app.css", ContentFile(text))
        list(ours.post_process({"css/app.css": (source, "css/app.css")}))
        return ours.url("css/app.css")

    first = collect("body { color: black; }")
    assert ours.url("css/app.css") == first
    second = collect("body { color: navy; }")
    assert second != first and ours.url("css/app.css") == second
