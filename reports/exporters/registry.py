from monitoring.models import Report, Round
from projects.models import Agreement, Project
from targets.models import TargetTable

from .agreement_annex import AgreementAnnexExporter
from .agreement_budget import AgreementBudgetExporter
from .attachment2 import Attachment2Exporter
from .expenditure_list import ExpenditureListExporter
from .handdown_review import HanddownReviewExporter
from .monitoring_table import MonitoringTableExporter
from .rollup import RollupExporter
from .round_summary import RoundSummaryExporter
from .self_evaluation import SelfEvaluationExporter
from .transfer_secondary import TransferSecondaryExporter
from .unit_table import UnitTableExporter
from .unsubmitted import UnsubmittedExporter

LAYOUTS = {
    exporter.identifier: exporter
    for exporter in (
        Attachment2Exporter(),
        UnitTableExporter(),
        AgreementAnnexExporter(),
        AgreementBudgetExporter(),
        ExpenditureListExporter(),
        TransferSecondaryExporter(),
        RollupExporter(),
        HanddownReviewExporter(),
        SelfEvaluationExporter(),
        MonitoringTableExporter(),
        RoundSummaryExporter(),
        UnsubmittedExporter(),
    )
}

_TAKES = {Project: "project", TargetTable: "table", Agreement: "agreement", Report: "report", Round: "round"}


def exporter_for(identifier: str):
    try:
        return LAYOUTS[identifier]
    except KeyError:
        raise LookupError(f"没有名为“{identifier}”的版式（可选：{'、'.join(LAYOUTS)}）") from None


def exporters_for(obj, user=None) -> list:
    """The layouts that apply to `obj`; given a user, only those the policy lets them use on it."""
    takes = _TAKES.get(type(obj))
    return [
        e for e in LAYOUTS.values() if e.takes == takes and e.applies_to(obj) and (user is None or e.allows(user, obj))
    ]
