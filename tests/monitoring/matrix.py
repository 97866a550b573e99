"""The monitoring URLs in the URL × role matrix (tests/test_security_matrix.py), and their objects:
a monitoring round of Hubei, 武汉市's report in it (submitted, as the matrix's row is), one file."""

from datetime import date

LOGIN = "login"
ROLES = ["anonymous", "admin", "reviewer", "other_reviewer", "observer", "wuhan", "outsider"]

# The project's bureau staff read rounds; its reviewers and admins manage them; units never see them.
_ROUNDS = {
    "anonymous": LOGIN,
    "admin": 200,
    "reviewer": 200,
    "other_reviewer": 404,
    "observer": 200,
    "wuhan": 404,
    "outsider": 404,
}
_ROUND_WRITE = {**_ROUNDS, "admin": 302, "reviewer": 302, "observer": 403}
# A report: its unit and the bureau staff of the project.
_REPORT = {**_ROUNDS, "wuhan": 200}
_REVIEW = {**_ROUNDS, "admin": 302, "reviewer": 302, "observer": 403, "wuhan": 403}

MONITORING_MATRIX = {
    "monitoring:rounds": ("GET", "project", _ROUNDS),
    "monitoring:round_open": ("POST", "project", {**_ROUNDS, "admin": 400, "reviewer": 400, "observer": 403}),
    "monitoring:round": ("GET", "monitoring_round", _ROUNDS),
    "monitoring:round_weights": ("POST", "monitoring_round", _ROUND_WRITE),
    "monitoring:round_close": ("POST", "monitoring_round", _ROUND_WRITE),
    "monitoring:round_deadline": ("POST", "monitoring_round", _ROUND_WRITE),
    "monitoring:round_units_add": ("POST", "monitoring_round", _ROUND_WRITE),
    "monitoring:report": ("GET", "monitoring_report", _REPORT),
    # submitted: the save is refused as not editable (400) to whoever may edit it
    "monitoring:report_save": (
        "POST",
        "monitoring_report",
        {**_REPORT, "admin": 400, "reviewer": 400, "observer": 403, "wuhan": 400},
    ),
    "monitoring:report_submit": (
        "POST",
        "monitoring_report",
        {**_REPORT, "admin": 302, "reviewer": 302, "observer": 403, "wuhan": 302},
    ),
    "monitoring:report_return": ("POST", "monitoring_report", _REVIEW),
    "monitoring:report_approve": ("POST", "monitoring_report", _REVIEW),
    "monitoring:report_grade": ("POST", "monitoring_report", _REVIEW),
    "monitoring:report_reopen": ("POST", "monitoring_report", {**_REVIEW, "reviewer": 403}),
    "monitoring:evidence_upload": (
        "POST",
        "monitoring_report",
        {**_REPORT, "admin": 400, "reviewer": 400, "observer": 403, "wuhan": 400},
    ),
    "monitoring:evidence": ("GET", "monitoring_evidence", _REPORT),
    # 评分规则核对: any bureau staff (it reads no project's data), never a unit
    "monitoring:scoring_check": (
        "GET",
        None,
        {**{role: 200 for role in ROLES}, "anonymous": LOGIN, "wuhan": 403, "outsider": 403},
    ),
    "monitoring:evidence_remove": (
        "POST",
        "monitoring_evidence",
        {**_REPORT, "admin": 302, "reviewer": 302, "observer": 403, "wuhan": 302},
    ),
}


def monitoring_objects(project, row, media_root) -> dict:
    """A round, 武汉市's submitted report with one value, and a file on disk under `media_root`."""
    from monitoring.models import Evidence, Report, ReportValue, Round

    round_ = Round.objects.create(project=project, kind="monitoring", year=2022, reference_date=date(2022, 6, 30))
    report = Report.objects.create(round=round_, unit=row.unit, status="submitted")
    cell = row.cells.select_related("column").first()
    value = ReportValue.objects.create(
        report=report, cell=cell, column=cell.column, order=1, label=cell.column.name, category=cell.column.category
    )
    (media_root / "monitoring").mkdir(exist_ok=True)
    (media_root / "monitoring" / "m.pdf").write_bytes(b"%PDF-1.4\n")
    evidence = Evidence.objects.create(
        report=report,
        value=value,
        file="monitoring/m.pdf",
        original_name="台账.pdf",
        content_type="application/pdf",
        size=9,
    )
    return {
        "monitoring_round": [round_.pk],
        "monitoring_report": [report.pk],
        "monitoring_evidence": [evidence.pk],
    }
