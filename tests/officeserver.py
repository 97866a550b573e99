"""A real warm converter for the PDF tests: `unoserver` (PyPI) on this machine's LibreOffice, on free
ports, started once per test session through the product's own starter (projects.office).

Without LibreOffice (soffice and Debian's python3-uno) the tests that need it are skipped;
REQUIRE_LIBREOFFICE=1 (set by .ci/run) turns that skip into a failure. Import the fixture into a
test module: `from tests.officeserver import office_server  # noqa: F401`.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from dataclasses import dataclass

import pytest

from projects import office

START_SECONDS = 120  # unoserver waits 7 s itself; LibreOffice's first start on a loaded machine is slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable(reason: str):
    if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"REQUIRE_LIBREOFFICE=1 but unoserver cannot run: {reason}")
    pytest.skip(f"no warm converter: {reason}")


@dataclass
class OfficeServer:
    host: str
    port: int


@pytest.fixture(scope="session")
def office_server():
    host, port, uno_port = "127.0.0.1", free_port(), free_port()
    if office.server_command(host, port, uno_port) is None:
        unavailable("soffice, python3-uno or the unoserver package is missing")
    log = tempfile.NamedTemporaryFile(prefix="unoserver-", suffix=".log", delete=False)
    process = office.server_start(host, port, uno_port, log=log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not office.server_ready(host, port):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                unavailable(
                    f"unoserver did not answer: {open(log.name, encoding='utf-8', errors='replace').read()[-800:]}"
                )
            time.sleep(0.5)
        yield OfficeServer(host, port)
    finally:
        office.server_stop(process)
        log.close()
        os.unlink(log.name)
