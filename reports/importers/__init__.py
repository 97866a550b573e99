"""Imports: official layouts and unit templates, from .xlsx or .docx, previewed then applied."""

from .files import ImportFileError, read_upload  # noqa: F401
from .layouts import META_SHEET, plan_workbook  # noqa: F401
from .plan import ImportPlan, ImportRefused, plan_apply  # noqa: F401
