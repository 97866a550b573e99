"""The URLs of the monitoring forms, summary and dashboard in the URL × role matrix
(tests/test_security_matrix.py), on the objects of tests/monitoring/matrix.py."""

from tests.monitoring.matrix import _REPORT, _ROUNDS

FORMS_MATRIX = {
    # the 自评表 / 监控表 download: whoever may see the report
    "reports:export_report": ("GET", "monitoring_report", _REPORT),
    # the round's summary and its 汇总表: the project's bureau staff, as the round page
    "monitoring:round_summary": ("GET", "monitoring_round", _ROUNDS),
    "reports:export_round_summary": ("GET", "monitoring_round", _ROUNDS),
    "monitoring:round_dashboard": ("GET", "monitoring_round", _ROUNDS),
}
