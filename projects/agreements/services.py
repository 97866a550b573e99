"""The 任务书: created by the bureau for an undertaking unit, filled section by section,
submitted, returned or approved with the same workflow step, permissions and audit as a
target row (review.engine.transition)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from review.engine import Notice, ReviewEvent, TransitionRefused, lock, transition
from units import inputs, policy
from units.audit import audit_record
from units.models import NotificationKind, Unit, UnitCategory
from units.notifications import notify, unit_fillers

from ..audit_actions import ProjectAction
from ..models import (
    Agreement,
    AgreementAllocation,
    AgreementBudgetSource,
    AgreementExpense,
    AgreementMetric,
    AgreementMetricValue,
    AgreementParticipant,
    AgreementStaff,
    AgreementStageGoal,
    BudgetSourceKind,
    PlatformKind,
    Project,
)
from .format_services import format_fields, format_of
from .rules import budget_figures, budget_problems, staff_problems
from .selectors import stored_budget

TASKS = {
    PlatformKind.MAIN: (
        "1.负责制定我省专利技术采集、发布和推广的数据标准，提供数据接口，实现与各子平台间数据共享和互联互通。\n"
        "2.建立专利导航工作对接机制，智能匹配供需信息，精准推送与中小企业需求相匹配的专利技术和合作研发对象，共享和发布专利导航成果。\n"
        "3.围绕上市企业及其后备企业、高新技术企业及后备企业，精准滚动推选高价值专利包。实时发布我省专利转化动态情况，严格监控异常的专利转让、许可行为。"
    ),
    PlatformKind.SUB: (
        "1.建立专利转化供需数据库\n负责采集高校院所和企业供需信息，建立动态更新的专利技术供需库；对存量有效专利实施精准的分析评估，建立存量专利转化实施清单；"
        "建立高校院所技术成果库、技术人才库、企业专利技术需求库，完善湖北省专利技术推广平台的供需数据库；遵守总平台的运行规则、接口标准，可统一接入总平台，实现数据共享。\n"
        "2.构建重点产业专利池并运营\n围绕我省战略性新兴产业，通过托管、买断等多种方式收储专利，建立重点产业专利池，自主开展运营，每年度促成省内中小微企业接受高校院所和国有企业转让、许可、作价入股等方式的专利,"
        "不低于200件，成交金额不低于2000万元（件数和金额以备案登记为准，备案起始时间为2021年元月）；引导相关金融机构、投资公司加大对专利成果转化和产业化的投融资支持。（各平台可结合实际增加此项任务量）\n"
        "3.开展专利推广运营活动\n围绕我省重点产业领域和区域创新集群，依托平台供需数据资源和产业专利池，分行业、分领域，以产学研对接、专利技术推介会、“知识产权楚天行”等形式，"
        "不定期组织线上线下专利技术供需对接活动，加速专利运用转化，主动推广产业专利池等新运营模式。"
    ),
}
FUNCTION_INDICATORS = {
    PlatformKind.MAIN: "承担整个专利转化运用和推广工作的数据支撑、服务支撑和子系统功能交互支撑。",
    PlatformKind.SUB: "专利数据与需求入库、智能匹配、展示推广等功能。",
}

BASIC_FIELDS = [
    "code",
    "undertaker_leader",
    "undertaker_leader_title",
    "undertaker_contact",
    "undertaker_contact_title",
    "undertaker_phone",
    "undertaker_email",
    "undertaker_address",
    "bank_account_name",
    "bank_name",
    "bank_account",
]
# Filled by the bureau, never by the undertaking unit (the form's own wording: 省局填写).
BUREAU_FIELDS = ["code"]
CONTENT_FIELDS = ["tasks_text", "schedule_text", "deliverables_function", "deliverables_service"]


@transaction.atomic
def agreement_create(*, project: Project, undertaker: Unit, platform_kind: str, actor) -> Agreement:
    """A new 任务书 from the bureau's form of the project: parties, period, the 附表's metrics.
    Issued by the project's managers (`policy.can_manage_project`; `actor=None` is the system)."""
    if actor is not None and not policy.can_manage_project(actor, project):
        raise PermissionDenied("只有省局管理员可以下达任务书")
    if undertaker.category != UnitCategory.PLATFORM:
        raise ValidationError("承担单位须为平台类单位")
    form = format_of(project)
    if form is None:
        raise ValidationError(
            "该项目还没有任务书格式：请先在本页“任务书格式”中填写甲方信息、项目期限和附表指标，再下达任务书"
        )
    if Agreement.objects.filter(project=project, undertaker=undertaker).exists():
        raise ValidationError(f"“{undertaker.name}”已有本项目的任务书")
    copied = format_fields(form)
    agreement = Agreement.objects.create(
        project=project,
        undertaker=undertaker,
        platform_kind=platform_kind,
        tasks_text=TASKS[platform_kind],
        deliverables_function=FUNCTION_INDICATORS[platform_kind],
        **copied,
    )
    AgreementMetric.objects.bulk_create(
        AgreementMetric(
            agreement=agreement, order=m.order, group=m.group, name=m.name, measure_unit=m.measure_unit, kind=m.kind
        )
        for m in form.metrics.order_by("order")
    )
    AgreementStageGoal.objects.bulk_create(AgreementStageGoal(agreement=agreement, year=y) for y in agreement.years)
    AgreementBudgetSource.objects.bulk_create(
        AgreementBudgetSource(agreement=agreement, kind=k) for k in BudgetSourceKind
    )
    audit_record(
        actor=actor,
        action=ProjectAction.AGREEMENT_CREATED,
        obj=agreement,
        after={"undertaker": undertaker.name, "platform_kind": platform_kind},
    )
    notify(
        recipients=unit_fillers([undertaker.pk]),
        kind=NotificationKind.TABLE_OPENED,
        title=f"请填写《{agreement.title}》",
        body=f"{project.name}：请登录填写本单位的项目任务书。",
        link=reverse("projects:agreement", args=[agreement.pk]),
    )
    return agreement


def _locked(agreement_id: int) -> Agreement:
    return lock(Agreement, agreement_id, related=("project", "undertaker"))


def _begin_edit(agreement_id: int, expected_version: int, actor) -> Agreement:
    """The 任务书 locked for a section's save: the actor may edit it (`policy.can_edit_agreement`;
    `actor=None` is the system) and it is still editable at the version the editor loaded."""
    agreement = _locked(agreement_id)
    if actor is not None and not policy.can_edit_agreement(actor, agreement):
        raise PermissionDenied("您没有修改该任务书的权限")
    agreement.check_editable(expected_version)
    return agreement


def _finish_edit(agreement: Agreement, *, actor, section: str, before: dict, after: dict) -> Agreement:
    if before == after:
        return agreement
    version = agreement.version
    agreement.mark_edited()
    Agreement.objects.filter(pk=agreement.pk, version=version).update(
        version=agreement.version, status=agreement.status
    )
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    audit_record(
        actor=actor,
        action=ProjectAction(f"projects.agreement.{section}_changed"),
        obj=agreement,
        before={k: before.get(k) for k in sorted(changed)},
        after={k: after.get(k) for k in sorted(changed)},
    )
    return agreement


def _refuse_bad_input(texts: dict[str, str | None], numbers: list[tuple[Decimal | None, object, str]] = ()) -> None:
    """Control characters in any text, or a number its column cannot store: nothing is saved."""
    errors = list(inputs.check_texts(texts).values())
    for number, field, where in numbers:
        try:
            inputs.check_number(number, field, where)
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError(errors)


def _field(model, name: str = "amount"):
    return model._meta.get_field(name)


def _label(field: str) -> str:
    return str(Agreement._meta.get_field(field).verbose_name)


def _text(value) -> str:
    return "" if value is None else f"{value}"


@transaction.atomic
def agreement_save_basic(*, agreement_id: int, expected_version: int, data: dict, participants: list[dict], actor):
    _refuse_bad_input(
        {_label(f): data.get(f, "") for f in BASIC_FIELDS}
        | {
            f"参与单位{n}的{_field(AgreementParticipant, k).verbose_name}": v
            for n, p in enumerate(participants, start=1)
            for k, v in p.items()
        }
    )
    agreement = _begin_edit(agreement_id, expected_version, actor)
    before = {f: getattr(agreement, f) for f in BASIC_FIELDS}
    before["participants"] = [p.name for p in agreement.participants.all()]
    for field in BASIC_FIELDS:
        setattr(agreement, field, data.get(field, ""))
    agreement.save(update_fields=BASIC_FIELDS)
    agreement.participants.all().delete()
    AgreementParticipant.objects.bulk_create(
        AgreementParticipant(agreement=agreement, order=i, **p) for i, p in enumerate(participants, start=1)
    )
    after = {f: getattr(agreement, f) for f in BASIC_FIELDS} | {"participants": [p["name"] for p in participants]}
    return _finish_edit(agreement, actor=actor, section="basic", before=before, after=after)


@transaction.atomic
def agreement_save_content(*, agreement_id: int, expected_version: int, data: dict, stage_goals: dict[int, str], actor):
    _refuse_bad_input(
        {_label(f): data.get(f, "") for f in CONTENT_FIELDS}
        | {f"{year}年阶段目标": text for year, text in stage_goals.items()}
    )
    agreement = _begin_edit(agreement_id, expected_version, actor)
    goals = {g.year: g for g in agreement.stage_goals.all()}
    before = {f: getattr(agreement, f) for f in CONTENT_FIELDS} | {f"{y}年阶段目标": g.text for y, g in goals.items()}
    for field in CONTENT_FIELDS:
        setattr(agreement, field, data.get(field, ""))
    agreement.save(update_fields=CONTENT_FIELDS)
    for year, text in stage_goals.items():
        if year in goals:
            goals[year].text = text
            goals[year].save(update_fields=["text"])
    after = {f: getattr(agreement, f) for f in CONTENT_FIELDS} | {
        f"{y}年阶段目标": stage_goals.get(y, g.text) for y, g in goals.items()
    }
    return _finish_edit(agreement, actor=actor, section="content", before=before, after=after)


@transaction.atomic
def agreement_save_annex(
    *, agreement_id: int, expected_version: int, values: dict[tuple[int, int], Decimal | None], actor
):
    agreement = _begin_edit(agreement_id, expected_version, actor)
    metrics = {m.pk: m for m in agreement.metrics.all()}
    if any(metric_id not in metrics or year not in agreement.years for metric_id, year in values):
        raise ValidationError("附表的指标或年度无效")
    field = _field(AgreementMetricValue, "value")
    _refuse_bad_input({}, [(v, field, f"“{metrics[m].label}”{y}年") for (m, y), v in values.items()])
    current = {(v.metric_id, v.year): v.value for v in AgreementMetricValue.objects.filter(metric__agreement=agreement)}
    before = {f"{metrics[m].label} {y}": _text(v) for (m, y), v in current.items() if v is not None}
    for (metric_id, year), value in values.items():
        AgreementMetricValue.objects.update_or_create(metric_id=metric_id, year=year, defaults={"value": value})
    after = {f"{metrics[m].label} {y}": _text(v) for (m, y), v in {**current, **values}.items() if v is not None}
    return _finish_edit(agreement, actor=actor, section="annex", before=before, after=after)


@transaction.atomic
def agreement_save_budget(
    *,
    agreement_id: int,
    expected_version: int,
    sources: dict[str, Decimal | None],
    allocations: list[dict],
    expenses: list[dict],
    actor,
):
    """Saved only when the 20% rule holds; the totals must agree by submission."""
    _check_budget(sources, allocations, expenses)
    agreement = _begin_edit(agreement_id, expected_version, actor)
    problems = budget_problems(budget_figures(sources, allocations, expenses), complete=False)
    if problems:
        raise ValidationError(problems)
    before = _budget_snapshot(agreement)
    for source in agreement.budget_sources.all():
        source.amount = sources.get(source.kind)
        source.save(update_fields=["amount"])
    agreement.allocations.all().delete()
    AgreementAllocation.objects.bulk_create(
        AgreementAllocation(agreement=agreement, order=i, **a) for i, a in enumerate(allocations, start=1)
    )
    agreement.expenses.all().delete()
    AgreementExpense.objects.bulk_create(
        AgreementExpense(agreement=agreement, order=i, **e) for i, e in enumerate(expenses, start=1)
    )
    return _finish_edit(agreement, actor=actor, section="budget", before=before, after=_budget_snapshot(agreement))


def _check_budget(sources: dict[str, Decimal | None], allocations: list[dict], expenses: list[dict]) -> None:
    numbers = [
        (amount, _field(AgreementBudgetSource), BudgetSourceKind(kind).label) for kind, amount in sources.items()
    ]
    numbers += [(a["amount"], _field(AgreementAllocation), f"“{a['party']}”金额") for a in allocations]
    numbers += [(e["amount"], _field(AgreementExpense), f"“{e['content']}”预算金额") for e in expenses]
    texts = {f"第{n}个分配单位": a["party"] for n, a in enumerate(allocations, start=1)}
    for n, expense in enumerate(expenses, start=1):
        texts |= {f"第{n}项经费开支内容": expense["content"], f"第{n}项经费的说明": expense.get("explanation", "")}
    _refuse_bad_input(texts, numbers)


def _budget_snapshot(agreement: Agreement) -> dict:
    return {
        "sources": {s.kind: _text(s.amount) for s in agreement.budget_sources.all()},
        "allocations": [f"{a.party} {a.amount}" for a in agreement.allocations.all()],
        "expenses": [f"{e.content} {e.amount}{'（设备）' if e.is_equipment else ''}" for e in agreement.expenses.all()],
    }


@transaction.atomic
def agreement_save_staff(*, agreement_id: int, expected_version: int, staff: list[dict], actor):
    _refuse_bad_input(
        {
            f"第{n}人的{_field(AgreementStaff, k).verbose_name}": v
            for n, p in enumerate(staff, start=1)
            for k, v in p.items()
            if isinstance(v, str)
        }
    )
    agreement = _begin_edit(agreement_id, expected_version, actor)
    problems = staff_problems(staff, agreement.platform_kind, complete=False)
    if problems:
        raise ValidationError(problems)
    before = {"staff": [f"{p.name}（{p.get_role_display()}）" for p in agreement.staff.all()]}
    agreement.staff.all().delete()
    people = AgreementStaff.objects.bulk_create(
        AgreementStaff(agreement=agreement, order=i, **p) for i, p in enumerate(staff, start=1)
    )
    after = {"staff": [f"{p.name}（{p.get_role_display()}）" for p in people]}
    return _finish_edit(agreement, actor=actor, section="staff", before=before, after=after)


def submission_problems(agreement: Agreement) -> list[str]:
    """Everything that must hold before the bureau reviews the 任务书."""
    problems = []
    for field in (
        "undertaker_leader",
        "undertaker_contact",
        "undertaker_phone",
        "bank_account_name",
        "bank_name",
        "bank_account",
    ):
        if not getattr(agreement, field):
            problems.append(f"请填写{Agreement._meta.get_field(field).verbose_name}")
    problems += budget_problems(stored_budget(agreement)[3], complete=True)
    problems += staff_problems(
        [{"role": p.role} for p in agreement.staff.all()], agreement.platform_kind, complete=True
    )
    return problems


def _agreement_notice(agreement: Agreement, event: str, comment: str) -> Notice | None:
    """Who hears of a step of a 任务书 and what they read (`review.engine.transition` sends it)."""
    link = agreement.get_absolute_url()
    fillers = unit_fillers([agreement.undertaker_id])
    if event == ReviewEvent.SUBMITTED:
        return Notice(
            recipients=policy.project_reviewers(agreement.project),
            kind=NotificationKind.ROW_SUBMITTED,
            title=f"{agreement.undertaker} 已提交任务书",
            body=f"请审核《{agreement.title}》（版本 {agreement.version}）。",
            link=link,
        )
    if event == ReviewEvent.RETURNED:
        return Notice(
            fillers, NotificationKind.ROW_RETURNED, f"《{agreement.title}》被退回", f"退回意见：{comment}", link
        )
    if event == ReviewEvent.APPROVED:
        body = f"版本 {agreement.version} 已审核通过。"
        return Notice(fillers, NotificationKind.ROW_APPROVED, f"《{agreement.title}》已通过", body, link)
    return None


@transaction.atomic
def agreement_submit(*, agreement_id: int, actor) -> Agreement:
    agreement = _locked(agreement_id)
    problems = submission_problems(agreement)
    if problems:
        raise TransitionRefused(["任务书尚不完整，不能提交："] + problems)
    return transition(agreement, event=ReviewEvent.SUBMITTED, actor=actor, notice=_agreement_notice)


@transaction.atomic
def agreement_return(*, agreement_id: int, actor, comment: str) -> Agreement:
    return transition(
        _locked(agreement_id), event=ReviewEvent.RETURNED, actor=actor, comment=comment, notice=_agreement_notice
    )


@transaction.atomic
def agreement_approve(*, agreement_id: int, actor) -> Agreement:
    return transition(_locked(agreement_id), event=ReviewEvent.APPROVED, actor=actor, notice=_agreement_notice)
