"""Files through Django's storage API, whatever the backend (a directory, an S3-compatible object
store: settings.default_storage_from_env). Nothing in the apps opens MEDIA_ROOT or a file field's
`.path` (tests/test_storage_paths.py), so a web host, a worker and the next host share files
through the store alone.

- `save_written`: a file written by a library that wants a path (a workbook, a .zip, a PDF) is
  written to a local temporary file, then saved to the store whole.
- `file_response`: a download the caller has authorised: a redirect to a short-lived signed URL
  where the backend offers one, else the file streamed from the store.
- `content_disposition` / `attach`: the header that hands a file out under its name: an ASCII
  `filename` and the UTF-8 `filename*` (RFC 6266, RFC 5987), for every download of the product.
- `walk`: every stored name under a folder, for sweeps and backups (`units/backup.py`)
  from one storage to another under the same names (backup and restore).
"""

from __future__ import annotations

import logging
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.core.files import File
from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

logger = logging.getLogger(__name__)

MISSING = "文件已不存在"
UNREACHABLE = "文件存储服务暂时无法连接，请稍后重试；如仍失败，请联系省局管理员。"


class StorageUnavailable(OSError):
    """The store did not take or give a file (its own error is chained). An OSError, so that a
    job retries it as it retries a full disk."""


def save_written(storage: Storage, name: str, write: Callable[[str], object]) -> str:
    """`write(path)` writes the file at a local temporary path; once whole, it is saved to
    `storage` as `name` (or a free name beside it: the name saved is returned). A writer that
    fails leaves nothing in the store, and the temporary file is removed either way."""
    with tempfile.TemporaryDirectory(prefix="jixiao-") as scratch:
        path = Path(scratch) / f"file{PurePosixPath(name).suffix}"
        write(str(path))
        with path.open("rb") as handle:
            try:
                return storage.save(name, File(handle, name=path.name))
            except OSError:
                raise
            except Exception as exc:  # botocore's errors are not OSErrors
                raise StorageUnavailable(f"the store did not take {name}: {exc}") from exc


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """The header's value: an ASCII `filename` and the UTF-8 `filename*` (RFC 5987). A name made by
    `projects.downloads.download_name` carries its own ASCII `fallback`."""
    fallback = getattr(filename, "fallback", None)
    if not fallback:  # a name not made here (an uploaded file's): its ASCII letters, its extension
        stem, dot, ext = filename.rpartition(".")
        stem, ext = (stem, _ascii(ext)) if dot else (filename, "")
        fallback = (_ascii(stem) or "download") + (f".{ext}" if ext else "")
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attach(response, filename: str):
    """Hand `response` out as a file named `filename`."""
    response["Content-Disposition"] = content_disposition(filename)
    return response


def file_response(stored, *, filename: str, content_type: str) -> HttpResponse:
    """The download of `stored` (a FieldFile) as `filename`: the caller has checked the policy.

    With a backend that signs URLs (and signing turned on), a redirect to a URL valid for
    seconds, which downloads under the same name and type; otherwise the file streamed from
    the store in blocks. A file the store no longer has is a 404, never a 500."""
    storage, name = stored.storage, stored.name
    sign = getattr(storage, "download_url", None)
    url = sign(name, filename=filename, content_type=content_type) if sign else None
    if url:
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"  # the URL is this user's, for seconds
        return response
    try:
        handle = storage.stream(name) if hasattr(storage, "stream") else storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(MISSING) from None
    except Exception:  # the store is down or refuses: say so, the page is not broken
        logger.exception("the store did not give %s", name)
        return HttpResponse(UNREACHABLE, status=503, content_type="text/plain; charset=utf-8")
    response = attach(FileResponse(handle, content_type=content_type), filename)
    if not response.has_header("Content-Length") and getattr(handle, "size", None) is not None:
        response["Content-Length"] = handle.size
    response["X-Content-Type-Options"] = "nosniff"
    return response


def walk(storage: Storage, top: str = "") -> Iterator[str]:
    """Every file name under the folder `top` (all of them for ""), on any backend."""
    try:
        folders, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for file_name in files:
        yield posixpath.join(top, file_name) if top else file_name
    for folder in folders:
        yield from walk(storage, posixpath.join(top, folder) if top else folder)
