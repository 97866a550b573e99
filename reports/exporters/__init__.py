"""Official layouts, one module each, behind one registry.

An exporter names itself (`identifier`, `title`), says what it takes (a project, a
table, an agreement), whether it applies to a given one and which permission a user needs
on it (`permission`, answered by units.policy.may_export), and writes one worksheet.
Sheet names and cell text go through base.sheet_name and base.xml_safe, for every layout.
A new layout is one new module that subclasses `Exporter` and is listed in LAYOUTS.
"""

from .base import Exporter, export_workbook, workbook_bytes  # noqa: F401
from .registry import LAYOUTS, exporter_for, exporters_for  # noqa: F401
