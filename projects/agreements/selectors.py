"""Reads of the 任务书: the 附表 with its totals (also read by the 附表 exporter)."""

from __future__ import annotations

from decimal import Decimal

from ..models import Agreement


def metric_totals(agreement: Agreement) -> list[dict]:
    """Each metric with its value per year and its 合计 (None for rates). One query.

    合计 sums quantities and money; growth rates (%) are not summed and their 合计 stays blank.
    """
    metrics = list(agreement.metrics.prefetch_related("values").order_by("order"))
    rows = []
    for metric in metrics:
        by_year = {v.year: v.value for v in metric.values.all()}
        values = [by_year.get(year) for year in agreement.years]
        present = [v for v in values if v is not None]
        total = sum(present, Decimal(0)) if metric.is_summed and present else None
        rows.append({"metric": metric, "values": values, "total": total})
    return rows
