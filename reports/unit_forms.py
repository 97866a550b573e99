"""每个单位的自评表 (监控表): one .zip with one form per unit report of a round, built by a worker.

Each form costs a fixed number of queries (the report refetched, its values, its evidence, its last
review, its history, the job's progress), whatever the number of units: the round's weights, which
read every value of the round, are read once for all the forms, not once per form."""

from __future__ import annotations

import zipfile

from monitoring.models import Report, Round, RoundKind
from monitoring.selectors import weights_by_key
from projects.downloads import project_label

from .bundles import report_filename
from .exporters import export_workbook, exporter_for


def unit_reports(round_: Round) -> list[Report]:
    """The round's unit reports (not the project's own), in the round page's order. One query."""
    reports = Report.objects.filter(round=round_, unit__isnull=False).select_related("round__project", "unit")
    return list(reports.order_by("unit__category", "unit__name", "pk"))


def form_exporter(round_: Round):
    """The round's form layout, with the round's weights read once."""
    identifier = "monitoring_table" if round_.kind == RoundKind.MONITORING else "self_evaluation"
    return exporter_for(identifier).with_weights(weights_by_key(round_))


def write_unit_forms(round_: Round, user, path, *, reports: list[Report] | None = None, on_form=None) -> int:
    """Write the .zip of every unit report's form to `path` (a file on disk: each form goes from
    its own temporary file into the archive, so memory holds one form at a time). `on_form` is
    called after each form. Returns the number of forms."""
    exporter = form_exporter(round_)
    reports = unit_reports(round_) if reports is None else reports
    used: set[str] = set()
    label = project_label(round_.project)  # once: the same for every form
    # Stored, not deflated: an .xlsx is a zip already, compressing it again costs time for nothing.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for report in reports:
            with archive.open(_unique(report_filename(report, label=label), used), "w") as member:
                export_workbook([(exporter, report)], user, small=True).save(member)
            if on_form:
                on_form()
    return len(reports)


def _unique(name: str, used: set[str]) -> str:
    """Two units of one name (in two categories) still get a file each: 名称（2）.xlsx."""
    stem, n, chosen = name.removesuffix(".xlsx"), 1, name
    while chosen in used:
        n += 1
        chosen = f"{stem}（{n}）.xlsx"
    used.add(chosen)
    return chosen
