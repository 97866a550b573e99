"""The record of 催报 (targets.reminder_services): who was reminded of which table, on which day.

Named TargetTable by string: targets.models imports this module, never the other way round."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from units.models import Unit


class TableReminder(models.Model):
    """催报: a unit reminded, on a day, to submit its row of a table. One per table, unit and day
    (the constraint): a second click the same day reminds nobody twice (targets.reminder_services)."""

    table = models.ForeignKey(
        "targets.TargetTable", verbose_name="目标表", on_delete=models.CASCADE, related_name="reminders"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("催报日期")
    sent_at = models.DateTimeField("催报时间", auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="催报人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "催报记录"
        verbose_name_plural = "催报记录"
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["table", "unit", "day"], name="reminder_once_a_day_per_unit")]

    def __str__(self):
        return f"{self.table} / {self.unit} {self.day}"
