"""The URLs of the monitoring forms, summary and dashboard in the URL × role matrix
(tests/test_security_matrix.py), on the objects of tests/monitoring/matrix.py."""

from tests.monitoring.matrix import _REPORT, _REVIEW, _ROUNDS

FORMS_MATRIX = {
    # the 自评表 / 监控表 download: whoever may see the report
    "reports:export_report": ("GET", "monitoring_report", _REPORT),
    # the round's summary and its 汇总表: the project's bureau staff, as the round page
    "monitoring:round_summary": ("GET", "monitoring_round", _ROUNDS),
    "reports:export_round_summary": ("GET", "monitoring_round", _ROUNDS),
    # every unit's form of the round in one .zip, as an export job (302 to the job's page): the
    # round page's readers, observer included (it reads, writes nothing of the round); units 404
    "reports:export_round_forms": (
        "POST",
        "monitoring_round",
        {**_ROUNDS, "admin": 302, "reviewer": 302, "observer": 302},
    ),
    "monitoring:round_dashboard": ("GET", "monitoring_round", _ROUNDS),
    # the bureau's 年初预算数 / 全年预算数 of a report: the project's reviewers and admins (a post
    # without its version is answered on the page); the unit and observers may not
    "monitoring:report_budget": ("POST", "monitoring_report", _REVIEW),
}
