"""What was approved, version by version (批复 v1, v2 …), and the adjustments asked of it (调整 / 报批).

A row's approved values are kept each time the row becomes approved: by a review, after an admin's
reopen, or by an approved adjustment request. An adjustment request is itself a reviewable: a unit
asks to change some cells of an approved row with a reason; the project's reviewer approves it (the
cells change and a new version is kept) or refuses it with a comment (nothing changes). While it is
pending, the approved values stay in the cells, so every page and export prints them.

This module names TableRow only by string ("targets.TableRow"): targets.models imports it (the
row's approval hook), never the other way round.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.urls import reverse

from review.engine import Reviewable, ReviewEvent, ReviewStatus


class VersionSource(models.TextChoices):
    REVIEW = "review", "审核通过"
    REOPEN = "reopen", "重新打开后审核通过"
    ADJUSTMENT = "adjustment", "调整申请获批"


class ApprovedVersion(models.Model):
    """批复 vN: the values of a row as approved, with who, when and why."""

    row = models.ForeignKey(
        "targets.TableRow", verbose_name="填报行", on_delete=models.CASCADE, related_name="approved_versions"
    )
    number = models.PositiveIntegerField("批复版本号")
    row_version = models.PositiveIntegerField("行版本")
    values = models.JSONField("各列的值", help_text="{列编号: 指标值原文}")
    narrative = models.TextField("文字目标", blank=True)
    source = models.CharField("来源", max_length=16, choices=VersionSource.choices)
    reason = models.TextField("原因", blank=True, help_text="调整申请或重新打开的理由")
    comment = models.TextField("审核意见", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("批准时间")
    adjustment = models.OneToOneField(
        "targets.AdjustmentRequest",
        verbose_name="调整申请",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_version",
    )

    class Meta:
        verbose_name = "批复版本"
        verbose_name_plural = "批复版本"
        ordering = ["row", "number"]
        constraints = [
            models.UniqueConstraint(fields=["row", "number"], name="approved_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="approved_version_number_positive"),
        ]

    def __str__(self):
        return f"{self.row} 批复 v{self.number}"

    @property
    def label(self) -> str:
        return f"批复 v{self.number}"


def approved_version_record(
    *, row, values: dict, actor, at, source: str = "", reason: str = "", comment: str = "", adjustment=None
) -> ApprovedVersion:
    """Keep the row's values as its next approved version. The caller holds the row's lock,
    so the next number cannot be taken meanwhile (the constraint would refuse it anyway)."""
    last = ApprovedVersion.objects.filter(row=row).aggregate(n=Max("number"))["n"] or 0
    return ApprovedVersion.objects.create(
        row=row,
        number=last + 1,
        row_version=row.version,
        values=values,
        narrative=row.narrative,
        source=source or (VersionSource.REOPEN if last else VersionSource.REVIEW),
        reason=reason,
        comment=comment,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
        adjustment=adjustment,
    )


# A pending request: asked and not yet decided.
PENDING = (ReviewStatus.NOT_STARTED, ReviewStatus.SUBMITTED)


class AdjustmentRequest(Reviewable):
    """调整申请: a unit asks to change some cells (and the 文字目标) of an approved row."""

    row = models.ForeignKey(
        "targets.TableRow", verbose_name="填报行", on_delete=models.CASCADE, related_name="adjustments"
    )
    values = models.JSONField("申请的值", default=dict, help_text="{列编号: 新的指标值原文}，只含要改的列")
    # None: the 文字目标 is not asked to change ("" asks to clear it).
    narrative = models.TextField("申请的文字目标", null=True, blank=True, help_text="不改文字目标时为空")  # noqa: DJ001
    reason = models.TextField("调整理由")
    base_version = models.PositiveIntegerField("申请时的行版本")
    before = models.JSONField("申请时的批复值", default=dict, help_text="{列编号: 原值}，与申请的值对照")
    before_narrative = models.TextField("申请时的文字目标", blank=True)

    class Meta:
        verbose_name = "调整申请"
        verbose_name_plural = "调整申请"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # At most one request waits on a row.
            models.UniqueConstraint(
                fields=["row"], condition=models.Q(status__in=PENDING), name="adjustment_one_pending_per_row"
            ),
        ]

    def __str__(self):
        return f"{self.row} 调整申请"

    # --- as a reviewable (review.engine) ---
    audit_code = "targets.adjustment"
    review_noun = "调整申请"
    review_rules = {
        ReviewEvent.SUBMITTED: "can_submit_adjustment",
        ReviewEvent.RETURNED: "can_decide_adjustment",
        ReviewEvent.APPROVED: "can_decide_adjustment",
    }

    @property
    def review_label(self) -> str:
        return f"{self.row.unit.name} 的调整申请"

    @property
    def project(self):
        """The review queue lists it under its project."""
        return self.row.table.project

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def decision_label(self) -> str:
        return {ReviewStatus.APPROVED: "已批准", ReviewStatus.RETURNED: "未批准"}.get(self.status, "待审核")

    def get_absolute_url(self) -> str:
        return reverse("targets:row", args=[self.row_id]) + "#adjustment"
