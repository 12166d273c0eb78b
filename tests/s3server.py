"""A real S3 API server on loopback (moto's standalone server) for the object-storage tests.

The server runs in its own process for the whole test session; each test gets a bucket of its own, and Django's
private storage (and any worker the test starts) pointed at it through the same S3_ environment variables an
operator sets.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from peerreview import storage_settings

from .conftest import need_service
from .mailserver import free_port

ACCESS_KEY, SECRET_KEY, REGION = "testing-key", "testing-secret", "eu-west-2"


class S3Server:
    """A moto server process on a loopback port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "S3Server":
        executable = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
        if not executable:
            need_service("moto's standalone server is not installed (pip install 'moto[server]').")
        self.process = subprocess.Popen(
            [executable, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail("The S3 API server did not start within 30 seconds.")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"reviews-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return name


def environment(endpoint: str, bucket: str, **extra: str) -> dict[str, str]:
    """The variables an operator sets for object storage, as a worker or web process would get them."""
    return {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_ADDRESSING_STYLE": "path",
        **extra,
    }


class Bucket:
    """The test's bucket: its name, the environment pointing at it, and a client to look inside."""

    def __init__(self, server: S3Server, name: str, env: dict[str, str]) -> None:
        self.server, self.name, self.env = server, name, env
        self.client = server.client()

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def head(self, key: str) -> dict:
        return self.client.head_object(Bucket=self.name, Key=key)


def use_storage(settings, env: dict[str, str]) -> None:
    """Point this process's private storage at the environment's bucket, as the settings would at start-up."""
    settings.STORAGES = {**settings.STORAGES, "private": storage_settings.private_storage(env, Path("."))}
    settings.TEST_STORAGE_ENV = env  # a worker started by the test gets the same variables


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings) -> Bucket:
    """A fresh private bucket on the S3 API server, with the private storage pointed at it."""
    name = s3_server.create_bucket()
    env = environment(s3_server.endpoint, name)
    use_storage(settings, env)
    return Bucket(s3_server, name, env)


def unreachable_environment(bucket: str = "nowhere") -> dict[str, str]:
    """Object storage settings pointing at a loopback port nothing listens on, with short timeouts."""
    return environment(f"http://127.0.0.1:{free_port()}", bucket, S3_TIMEOUT_SECONDS="1")


__all__ = ["Bucket", "S3Server", "environment", "os", "unreachable_environment", "use_storage"]
