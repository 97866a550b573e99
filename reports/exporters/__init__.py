"""Official layouts, one module each, behind one registry.

An exporter names itself (`identifier`, `title`), says what it takes (a project, a
table, an agreement) and whether it applies to a given one, and writes one worksheet.
A new layout is one new module that subclasses `Exporter` and is listed in LAYOUTS.
"""

from .base import Exporter, export_workbook, workbook_bytes  # noqa: F401
from .registry import LAYOUTS, exporter_for, exporters_for  # noqa: F401
