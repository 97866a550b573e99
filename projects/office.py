"""Office documents to PDF with LibreOffice: the one conversion path of the product (the 任务书's
Word document, and any official sheet printed as PDF for clerks who file paper).

A conversion takes seconds, so it never runs inside a request: callers are export jobs run by a
worker, with progress (reports.services).

Starting LibreOffice costs seconds per file (its profile, its libraries), so a warm one is asked
first: a `unoserver` (PyPI) in front of Debian's LibreOffice, reached over XML-RPC at
UNOSERVER_HOST:UNOSERVER_PORT — a compose service of its own, or started by the Celery worker
(UNOSERVER_START=1, config.celery) or by `manage.py office_server`. The document travels as bytes,
so the converter needs no disk shared with the worker. When none is configured or none answers,
LibreOffice is started for the one file (`soffice --convert-to`), as before: slower, same PDF.
"""

from __future__ import annotations

import http.client
import importlib.util
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import xmlrpc.client
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 180
CONNECT_SECONDS = 2  # a converter that does not accept within this is taken as absent

NO_OFFICE = "服务器未安装 LibreOffice，暂不能生成 PDF，请下载 {fallback}"
NO_FILTER = "PDF 生成失败（服务器的 LibreOffice 缺少{component}组件），请下载 {fallback}"
# What LibreOffice needs for each source, and what the requester is offered instead.
SOURCES = {
    "docx": ("文字处理", "Word 版本"),
    "xlsx": ("电子表格", "Excel 版本"),
}
# LibreOffice's import filter for each: a document sent as bytes has no name to detect its type by.
IMPORT_FILTERS = {"docx": "MS Word 2007 XML", "xlsx": "Calc MS Excel 2007 XML"}


class PdfUnavailable(Exception):
    """The server cannot convert: the message tells the requester which file to take instead."""


def office_pdf(source: bytes, suffix: str) -> bytes:
    """The PDF of `source`, an Office file of type `suffix` (docx, xlsx), printed as its page setup says."""
    component, fallback = SOURCES[suffix]
    pdf = warm_pdf(source, suffix)
    if pdf is not None:
        return pdf
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfUnavailable(NO_OFFICE.format(fallback=fallback))
    pdf = cold_pdf(soffice, source, suffix)
    if pdf is None:
        raise PdfUnavailable(NO_FILTER.format(component=component, fallback=fallback))
    return pdf


def warm_pdf(source: bytes, suffix: str) -> bytes | None:
    """The PDF from the running converter, or None when none is configured, none answers, or it
    fails (a wedged LibreOffice): the caller then starts one for this file."""
    host, port = settings.UNOSERVER_HOST, settings.UNOSERVER_PORT
    if not host:
        return None
    proxy = xmlrpc.client.ServerProxy(f"http://{host}:{port}", allow_none=True, transport=_Transport())
    try:
        # unoserver's API 3: convert(inpath, indata, outpath, convert_to, filtername, filter_options,
        # update_index, infiltername, password); with no outpath the PDF comes back as bytes. No
        # index update: `soffice --convert-to` makes none either, so both paths print the same.
        data = xmlrpc.client.Binary(source)
        result = proxy.convert(None, data, None, "pdf", None, [], False, IMPORT_FILTERS[suffix], None)
    except (OSError, http.client.HTTPException, xmlrpc.client.Error) as exc:
        logger.warning("unoserver at %s:%s did not convert (%s); starting LibreOffice for this file", host, port, exc)
        return None
    data = result.data if isinstance(result, xmlrpc.client.Binary) else None
    return data if data and data.startswith(b"%PDF") else None


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with timeouts: a short one to connect (no converter: fall back at once),
    the conversion's own for the answer."""

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = CONNECT_SECONDS
        return connection

    def single_request(self, host, handler, request_body, verbose=False):
        connection = self.make_connection(host)
        connection.connect()  # within CONNECT_SECONDS
        connection.sock.settimeout(TIMEOUT_SECONDS)
        return super().single_request(host, handler, request_body, verbose)


def cold_pdf(soffice: str, source: bytes, suffix: str) -> bytes | None:
    """LibreOffice started for this one file; None when it wrote no PDF."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"source.{suffix}"
        path.write_bytes(source)
        subprocess.run(
            [
                soffice,
                # A profile of its own: two conversions at once must not share LibreOffice's lock.
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(path),
            ],
            check=False,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
        pdf = Path(tmp) / "source.pdf"
        return pdf.read_bytes() if pdf.exists() else None


# ---------------------------------------------------------------- running a converter


def office_python() -> str | None:
    """A Python that can import LibreOffice's `uno` bridge (Debian's python3-uno is built for the
    system's Python, not for a virtualenv's): UNOSERVER_PYTHON, or the first that answers."""
    candidates = [os.environ.get("UNOSERVER_PYTHON", ""), "/usr/bin/python3", "/usr/lib/libreoffice/program/python"]
    for python in filter(None, candidates):
        if Path(python).exists() and subprocess.run([python, "-c", "import uno"], capture_output=True).returncode == 0:
            return python
    return None


def server_command(host: str, port: int, uno_port: int) -> tuple[list[str], dict] | None:
    """The command and environment that run unoserver on LibreOffice (None when this machine has
    no LibreOffice with its Python bridge). unoserver is pure Python: the office Python loads it
    from where pip installed it for this one."""
    python, soffice = office_python(), shutil.which("soffice") or shutil.which("libreoffice")
    spec = importlib.util.find_spec("unoserver")
    if not (python and soffice and spec and spec.submodule_search_locations):
        return None
    packages = str(Path(next(iter(spec.submodule_search_locations))).parent)
    env = {**os.environ, "PYTHONPATH": packages}
    launcher = str(Path(__file__).with_name("unoserver_main.py"))  # unoserver's main, documents opened hidden
    # run_path, not the script itself: a script's folder goes first on sys.path, where an app's
    # module could shadow a standard one.
    command = [python, "-c", f"import runpy; runpy.run_path({launcher!r}, run_name='__main__')"]
    command += ["--interface", host, "--port", str(port)]
    command += ["--uno-port", str(uno_port), "--executable", soffice, "--conversion-timeout", str(TIMEOUT_SECONDS)]
    return command, env


def server_start(host: str, port: int, uno_port: int, log=None) -> subprocess.Popen | None:
    """unoserver in the background (its own process group, so stopping it stops its LibreOffice)."""
    found = server_command(host, port, uno_port)
    if found is None:
        logger.warning("unoserver not started: no LibreOffice with python3-uno on this machine")
        return None
    command, env = found
    out = log if log is not None else subprocess.DEVNULL
    return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def server_ready(host: str, port: int) -> bool:
    """The converter answers (its LibreOffice is up and connected)."""
    try:
        xmlrpc.client.ServerProxy(f"http://{host}:{port}", transport=_Transport()).info()
    except (OSError, http.client.HTTPException, xmlrpc.client.Error):
        return False
    return True


def server_stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
