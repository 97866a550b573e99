"""The review workflow of anything a unit fills and the bureau reviews (a target row, a 调整申请,
a 任务书, a filing, a monitoring report).

未填报 → 填报中 → 已提交 → (已退回 → 填报中 …) → 已通过 (locked; an admin may reopen).

It sits below every app that has a reviewable (targets, projects, monitoring) and above `units`,
whose policy, audit and notifications it uses. A reviewable inherits `Reviewable` and declares only
what differs: its labels, its audit code, the policy question of each step, its snapshot
and its notifications. `transition()` is the one way a status moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from units import policy
from units.audit import audit_record
from units.inputs import check_text
from units.notifications import notify


class ReviewStatus(models.TextChoices):
    """The filling workflow of anything a unit fills and the bureau reviews."""

    NOT_STARTED = "not_started", "未填报"
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已通过"


# The groups of statuses, named once.
EDITABLE = frozenset({ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED})
SUBMITTABLE = EDITABLE  # what may be edited may be submitted (the table's window aside)
# The first edit of these moves them to 填报中.
STARTS_EDITING = frozenset({ReviewStatus.NOT_STARTED, ReviewStatus.RETURNED})


class ReviewEvent(models.TextChoices):
    """A step of the workflow; its label is the verb of the refusal message."""

    SUBMITTED = "submitted", "提交"
    RETURNED = "returned", "退回"
    APPROVED = "approved", "通过"
    REOPENED = "reopened", "重新打开"


# Which statuses each step starts from, and where it leads.
STEPS = {
    ReviewEvent.SUBMITTED: (SUBMITTABLE, ReviewStatus.SUBMITTED),
    ReviewEvent.RETURNED: (frozenset({ReviewStatus.SUBMITTED}), ReviewStatus.RETURNED),
    ReviewEvent.APPROVED: (frozenset({ReviewStatus.SUBMITTED}), ReviewStatus.APPROVED),
    ReviewEvent.REOPENED: (frozenset({ReviewStatus.APPROVED}), ReviewStatus.RETURNED),
}


class TransitionRefused(ValidationError):
    pass


class NotEditable(ValidationError):
    """Submitted or approved: nothing was saved."""


class StaleVersion(ValidationError):
    """It changed since the editor loaded it; nothing was saved."""


@dataclass(frozen=True)
class Notice:
    """A notification a reviewable declares for a step."""

    recipients: list
    kind: str
    title: str
    body: str
    link: str


class Reviewable(models.Model):
    """Status, version and who submitted and reviewed, with the editing checks.

    A concrete reviewable sets `audit_code` and `review_noun`, and defines `review_label`,
    `edit_label`, `review_rules` (step → the name of a policy question, its app's rule) and, if it
    keeps one, `review_snapshot()`. Who hears of a step, and what they read, is not the model's: the
    service that takes the step passes it to `transition()` (`notice=`).
    """

    audit_code = ""  # e.g. "targets.row": the audit actions are "<code>.<event>"
    review_noun = ""  # the refusal's noun: 行, 任务书
    review_rules: dict[str, str] = {}  # e.g. {ReviewEvent.SUBMITTED: "can_submit_row"}

    status = models.CharField("状态", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.NOT_STARTED)
    version = models.PositiveIntegerField("版本", default=1)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField("审核意见", blank=True)

    class Meta:
        abstract = True

    @property
    def review_label(self) -> str:
        return str(self)

    @property
    def edit_label(self) -> str:
        return f"“{self.review_label}”"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    def check_editable(self, expected_version: int) -> None:
        """Before a save: still editable, and still the version the editor loaded."""
        if not self.is_editable:
            raise NotEditable(f"{self.edit_label}当前为“{self.get_status_display()}”，不能修改")
        if self.version != expected_version:
            raise StaleVersion(
                f"{self.edit_label}已被他人修改（当前版本 {self.version}，您编辑的是版本 {expected_version}），请刷新后再保存"
            )

    def mark_edited(self) -> str | None:
        """After a changing save: the version goes up; the first edit starts 填报中.
        Returns the status it left, if it moved. The caller writes both fields."""
        self.version += 1
        if self.status in STARTS_EDITING:
            before, self.status = self.status, ReviewStatus.DRAFT
            return before
        return None

    def review_snapshot(self, event: str, actor) -> None:
        """Keep what was reviewed, if this reviewable keeps it."""


def lock(model: type[Reviewable], pk: int, related=()) -> Reviewable:
    # Only the object's own row is locked: PostgreSQL cannot lock the nullable side of a join.
    return model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)


def _check_step(obj: Reviewable, event: str) -> str:
    allowed, to = STEPS[event]
    if obj.status not in allowed:
        allowed_labels = "、".join(s.label for s in ReviewStatus if s in allowed)
        raise TransitionRefused(
            f"“{obj.review_label}”当前为“{ReviewStatus(obj.status).label}”，"
            f"只有{allowed_labels}的{obj.review_noun}才能{ReviewEvent(event).label}"
        )
    return to


def _stamps(event: str, actor, comment: str) -> dict:
    """Who took the step and when, in the Reviewable's own fields."""
    now = timezone.now()
    if event == ReviewEvent.SUBMITTED:
        return {"submitted_at": now, "submitted_by": actor}
    if event in (ReviewEvent.RETURNED, ReviewEvent.APPROVED):
        return {"reviewed_at": now, "reviewed_by": actor, "review_comment": comment}
    return {"review_comment": comment}


def transition(
    obj: Reviewable,
    *,
    event: str,
    actor,
    notice: Callable[[Reviewable, str, str], Notice | None],
    comment: str = "",
    **fields,
) -> Reviewable:
    """Move `obj` one step: ask the policy, refuse an illegal step with no change, write
    the audit entry and the snapshot, and notify (the e-mail leaves after commit).

    `obj` is locked here again whatever the caller fetched, so the check sees the committed
    status. Who and when are stamped here; `fields` are what a reviewable adds to a step.
    `notice(obj, event, comment)`: who hears of the step and what they read (or None), written
    beside the steps in the reviewable's service module."""
    comment = (comment or "").strip()
    if event == ReviewEvent.RETURNED and not comment:
        raise TransitionRefused("退回时必须填写退回意见")
    fields = {**_stamps(event, actor, comment), **fields}
    rule = getattr(policy, obj.review_rules[event]) if event in obj.review_rules else None
    if actor is not None and rule is not None and not rule(actor, obj):
        raise PermissionDenied("您没有执行此操作的权限")
    check_text(comment, "“意见（原因）”")
    with transaction.atomic():
        rows = type(obj)._base_manager.filter(pk=obj.pk)
        obj.status, obj.version = (
            rows.select_for_update().values_list("status", "version").get()
        )  # one table: no join to spare
        to = _check_step(obj, event)
        before = obj.status
        updated = rows.filter(status=before).update(status=to, **fields)
        if updated != 1:  # the row lock makes this impossible; if it happens, nothing is written
            raise StaleVersion(f"{obj.review_label}已被他人修改，请刷新后重试")
        obj.status = to
        for name, value in fields.items():
            setattr(obj, name, value)
        audit_record(
            actor=actor,
            action=f"{obj.audit_code}.{event}",  # each app registers its reviewables' codes
            obj=obj,
            before={"status": before},
            after={"status": to, "version": obj.version},
            comment=comment,
            label=obj.review_label,
        )
        obj.review_snapshot(event, actor)
        sent = notice(obj, event, comment)
        if sent is not None:
            # The inbox entry commits with the step; its e-mail is queued after commit.
            notify(recipients=sent.recipients, kind=sent.kind, title=sent.title, body=sent.body, link=sent.link)
    return obj


# --- the review queue -----------------------------------------------------------------------------
# Target rows are the queue's own; every other reviewable (a 任务书 today) registers where its
# submitted objects waiting for a user are found, when its app starts, so that the queue lists
# them without this layer knowing the apps above it.
_QUEUE_SOURCES: list[Callable] = []


def queue_register(source: Callable) -> None:
    """`source(user)` lists the submitted objects of one kind that `user` may review."""
    if source not in _QUEUE_SOURCES:
        _QUEUE_SOURCES.append(source)


def queue_others(user) -> list[Reviewable]:
    return [obj for source in _QUEUE_SOURCES for obj in source(user)]
