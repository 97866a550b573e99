"""The unit's offline template: its rows in the official layout, plus a hidden sheet that
says which table, rows and versions it was made from."""

import json

from targets.models import TargetTable
from targets.selectors import grid_rows

from .exporters import export_workbook, exporter_for, workbook_bytes
from .importers import META_SHEET


def table_template(table: TargetTable, user) -> bytes:
    workbook = export_workbook([(exporter_for("unit_table"), table)], user)
    rows = grid_rows(table, user)
    meta = workbook.add_sheet(META_SHEET)
    meta.hide()
    meta.append([(json.dumps({"table": table.pk, "rows": {str(r.pk): r.version for r in rows}}), None)])
    meta.append([("本工作表供系统识别，请勿修改。", None)])
    return workbook_bytes(workbook)
