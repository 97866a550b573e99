"""File responses of the reports pages: one place for the content type and the download name."""

from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A download named `filename`; RFC 5987 encoding, since the names are Chinese."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
