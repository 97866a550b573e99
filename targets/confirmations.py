"""A unit's word on a flagged value (targets.plausibility): "yes, this is right, because …".

One per (row, column): the value it speaks for (`raw`) and the reason. A confirmation holds only
while the cell still holds that value; a changed value is flagged again until confirmed again.
Each confirmation is also an audit entry (`targets.cell.plausibility_confirmed`), so a replaced
reason stays in the row's history.

This module names TableRow and TableColumn by string: targets.models imports it, never the
other way round.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ValueConfirmation(models.Model):
    row = models.ForeignKey(
        "targets.TableRow", verbose_name="填报行", on_delete=models.CASCADE, related_name="value_confirmations"
    )
    column = models.ForeignKey("targets.TableColumn", verbose_name="列", on_delete=models.CASCADE, related_name="+")
    raw = models.TextField("确认的值", blank=True)
    reason = models.TextField("说明")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间")

    class Meta:
        verbose_name = "提示确认"
        verbose_name_plural = "提示确认（合理性）"
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="confirmation_one_per_cell"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="confirmation_has_reason"),
        ]

    def __str__(self):
        return f"{self.raw}：{self.reason}"

    def holds_for(self, raw: str) -> bool:
        return self.raw == raw
