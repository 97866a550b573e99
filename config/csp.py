"""The Content-Security-Policy (django-csp 4, `CONTENT_SECURITY_POLICY` in settings): scripts and
styles from our own files only. No inline script or event handler attribute may appear in a
template (tests/test_csp.py reads them all); data the scripts need travels in
`json_script` blocks, which are not run.

The one inline style allowed is the error pages' (templates/_standalone.html), which must render
with nothing else working (no stylesheet file): allowed by its hash, computed here from the template
itself so that editing it cannot silently break the page."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from csp.constants import NONE, SELF

STANDALONE = Path(__file__).resolve().parent.parent / "templates" / "_standalone.html"


def inline_style_hashes(template: Path = STANDALONE) -> list[str]:
    """The CSP source of each <style> block of `template` ('sha256-…'), as the browser hashes it."""
    blocks = re.findall(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks]


def policy() -> dict:
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF, *inline_style_hashes()],
            # Swagger UI's stylesheet draws its icons as data: URIs.
            "img-src": [SELF, "data:"],
            "font-src": [SELF, "data:"],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }
