"""The 项目资金 block: prefilled at round open from the project's 资金来源, a unit's row funding or its
任务书's budget, by source (当年财政拨款 / 上年结转资金 / 其他资金); 年初预算数 and 全年预算数 set by the
bureau (audited, versioned, never by the unit); 执行数 reported by the unit per source; 执行率 × 10
on the total; no budget → 不适用 and the total scaled to 100."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from monitoring.budget import sources_from_funding
from monitoring.budget_services import report_budget_set
from monitoring.models import Report, ReportBudget, RoundKind
from monitoring.selectors import report_page
from monitoring.services import report_approve, report_save, report_submit, round_open
from projects.models import FundingSource
from review.engine import StaleVersion
from targets.models import TableRow
from units.models import AuditEntry

from .conftest import fill

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # the Hubei seed: a blank 年度金额 and its part 其中：中央补助
        ([("年度金额：", None), ("其中：中央补助", D("5000.00"))], {"current": D("5000")}),
        # a total and its parts are not added twice; what the total holds beyond them is 当年财政拨款
        ([("年度金额：", D("8000")), ("其中：中央补助", D("5000"))], {"current": D("8000")}),
        (
            [("年度金额：", D("9000")), ("其中：省级财政", D("6000")), ("其中：上年结转", D("2000"))],
            {"current": D("7000"), "carryover": D("2000")},
        ),
        ([("资金合计", D("300"))], {"current": D("300")}),
        (
            [("中央补助", D("100")), ("单位自筹资金", D("40")), ("其他资金", D("10"))],
            {"current": D("100"), "other": D("50")},
        ),
        ([("上年结余资金", D("12.5"))], {"carryover": D("12.5")}),
        ([("年度金额：", None)], {}),
        ([], {}),
    ],
)
def test_the_funding_sources_give_the_budget_by_source(lines, expected):
    assert sources_from_funding(lines) == expected


def _open(project, actor, day=31):
    return round_open(
        project=project,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(2022, 12, day),
        deadline=None,
        lag_threshold=D("10"),
        actor=actor,
    )


def test_a_project_without_funding_sources_brings_its_funding_requirement(hubei, approved_wuhan, admin_user):
    FundingSource.objects.filter(project=hubei).delete()
    type(hubei).objects.filter(pk=hubei.pk).update(funding_requirement=D("460"))
    hubei.refresh_from_db()
    report = Report.objects.get(round=_open(hubei, admin_user), unit__isnull=True)
    assert [(line.source, line.annual_budget) for line in report.budget.lines if line.has_budget] == [
        ("current", D("460"))
    ]


def test_a_platform_brings_its_agreements_sources_where_its_row_has_no_funding(hubei, platform_agreement):
    from monitoring.budget_services import unit_budgets

    platform = platform_agreement.undertaker_id
    assert unit_budgets(hubei)[platform] == {"current": D("160")}  # the seed's row: 160万
    TableRow.objects.filter(table__project=hubei, unit_id=platform).update(funding=None)
    # the 任务书: 专项经费 160 is this year's appropriation, 自筹 40 其他资金
    assert unit_budgets(hubei)[platform] == {"current": D("160"), "other": D("40")}


def _set(report, actor, **by_source):
    report.refresh_from_db()
    return report_budget_set(report_id=report.pk, expected_version=report.version, actor=actor, budget=by_source)


def test_the_bureau_sets_the_budget_by_source_audited_and_versioned(wuhan_evaluation, reviewer):
    _set(
        wuhan_evaluation,
        reviewer,
        current={"initial_budget": D("160"), "annual_budget": D("150")},
        carryover={"initial_budget": D("20"), "annual_budget": None},  # 全年预算数 blank: the 年初预算数
    )
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    assert report.version == 2 and report.status == "not_started"  # the unit's report, not started by the bureau
    assert [(line.initial_budget, line.annual_budget) for line in report.budget.lines] == [
        (D("160"), D("150")),
        (D("20"), D("20")),
        (None, None),
    ]
    assert report.budget.total.annual_budget == D("170")
    entry = AuditEntry.objects.get(action="monitoring.report.budget_set")
    assert entry.actor == reviewer
    assert entry.before == {
        "当年财政拨款·全年预算数": "160.00",
        "上年结转资金·年初预算数": "",
        "上年结转资金·全年预算数": "",
    }
    assert entry.after == {
        "当年财政拨款·全年预算数": "150",
        "上年结转资金·年初预算数": "20",
        "上年结转资金·全年预算数": "20",
    }
    _set(report, reviewer, current={"initial_budget": D("160"), "annual_budget": D("150")})  # nothing changes
    assert Report.objects.get(pk=report.pk).version == 2


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ({"current": {"annual_budget": D("-1")}}, "“当年财政拨款”的全年预算数不能为负数"),
        ({"current": {"annual_budget": D("1e20")}}, "“当年财政拨款”的全年预算数"),
        ({"central": {"annual_budget": D("1")}}, "没有这一资金来源：central"),
        ({"current": {"executed": D("1")}}, "不能在此修改：执行数"),
    ],
)
def test_a_bad_budget_figure_is_refused_naming_it_and_nothing_changes(wuhan_evaluation, reviewer, budget, message):
    with pytest.raises(ValidationError, match=message):
        report_budget_set(report_id=wuhan_evaluation.pk, expected_version=1, actor=reviewer, budget=budget)
    assert Report.objects.get(pk=wuhan_evaluation.pk).budget.total.annual_budget == D("160")


def test_only_the_bureau_sets_the_budget_and_never_on_an_approved_or_stale_report(
    wuhan_evaluation, wuhan, reviewer, other_reviewer
):
    budget = {"current": {"annual_budget": D("100")}}
    for user in (wuhan, other_reviewer):
        with pytest.raises(PermissionDenied):
            report_budget_set(report_id=wuhan_evaluation.pk, expected_version=1, actor=user, budget=budget)
    with pytest.raises(StaleVersion):
        report_budget_set(report_id=wuhan_evaluation.pk, expected_version=7, actor=reviewer, budget=budget)
    # the unit cannot slip its budget into its own save
    with pytest.raises(ValidationError, match="年初预算数和全年预算数由省局设定"):
        report_save(report_id=wuhan_evaluation.pk, expected_version=1, actor=wuhan, values={}, budget=budget)
    with pytest.raises(ValidationError, match="年初预算数和全年预算数由省局设定"):
        report_save(
            report_id=wuhan_evaluation.pk, expected_version=1, actor=wuhan, values={}, budget={"annual_budget": D(1)}
        )
    Report.objects.filter(pk=wuhan_evaluation.pk).update(status="approved")
    with pytest.raises(ValidationError, match="报告已审核通过"):
        report_budget_set(report_id=wuhan_evaluation.pk, expected_version=1, actor=reviewer, budget=budget)
    assert Report.objects.get(pk=wuhan_evaluation.pk).budget.total.annual_budget == D("160")


def test_the_budget_form_is_on_the_report_page_for_the_bureau_only(client, wuhan_evaluation, wuhan, reviewer):
    url = reverse("monitoring:report", args=[wuhan_evaluation.pk])
    client.force_login(wuhan)
    assert 'name="annual_budget-current"' not in client.get(url).content.decode()
    assert client.post(reverse("monitoring:report_budget", args=[wuhan_evaluation.pk]), {}).status_code == 403
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert 'name="annual_budget-current"' in page and 'id="budget-set"' in page
    post = {"version": 1, "initial_budget-current": "160", "annual_budget-current": "", "annual_budget-other": "30"}
    response = client.post(reverse("monitoring:report_budget", args=[wuhan_evaluation.pk]), post)
    assert response.status_code == 302 and response.url.endswith("#budget")
    budget = Report.objects.get(pk=wuhan_evaluation.pk).budget
    assert (budget.lines[0].annual_budget, budget.lines[2].annual_budget) == (D("160"), D("30"))
    refused = client.post(
        reverse("monitoring:report_budget", args=[wuhan_evaluation.pk]), {"version": 2, "annual_budget-other": "三十"}
    )
    assert refused.status_code == 400 and "“其他资金的全年预算数”应填写数字" in refused.content.decode()


def test_each_funded_source_needs_its_execution_and_the_total_is_scored(wuhan_evaluation, wuhan, reviewer):
    _set(wuhan_evaluation, reviewer, other={"initial_budget": D("40"), "annual_budget": D("40")})
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    actuals = {v.label: v.target_raw for v in report.values.all()}  # each target met as written
    report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=wuhan,
        values=fill(report, actuals),
        budget={"current": {"executed": D("160")}},
    )
    with pytest.raises(ValidationError, match="请填写预算执行数：其他资金"):
        report_submit(report_id=report.pk, actor=wuhan)
    # several sources: an execution without its source is refused
    with pytest.raises(ValidationError, match="请按资金来源分别填写执行数"):
        report_save(
            report_id=report.pk, expected_version=report.version + 1, actor=wuhan, values={}, budget={"executed": 1}
        )
    report.refresh_from_db()
    report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=wuhan,
        values={},
        budget={"other": {"executed": D("20")}},
    )
    assert report_submit(report_id=report.pk, actor=wuhan).status == "submitted"
    page = report_page(Report.objects.get(pk=report.pk), reviewer)
    # 180 of 200: 90% → 9.00
    assert page["budget"].total.executed == D("180") and page["scores"]["budget_points"] == D("9.00")


def test_a_report_without_budget_is_not_applicable_until_the_bureau_sets_one(wuhan_evaluation, wuhan, reviewer):
    _set(wuhan_evaluation, reviewer, current={"initial_budget": None, "annual_budget": None})
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    page = report_page(report, reviewer)
    assert not page["budget"].applicable and page["scores"]["budget_applicable"] is False
    assert page["scores"]["budget_points"] is None
    _set(report, reviewer, carryover={"initial_budget": D("50"), "annual_budget": D("50")})
    page = report_page(Report.objects.get(pk=report.pk), reviewer)
    assert page["budget"].applicable and page["budget"].lines[1].has_budget


def test_an_approved_reports_budget_waits_for_a_reopening(wuhan_evaluation, wuhan, reviewer, admin_user):
    report = Report.objects.get(pk=wuhan_evaluation.pk)
    report_save(
        report_id=report.pk,
        expected_version=1,
        actor=wuhan,
        values=fill(report, {v.label: v.target_raw for v in report.values.all()}),
        budget={"executed": D("160")},  # the one funded source, named or not
    )
    assert ReportBudget.objects.get(report=report, source="current").executed == D("160")
    report_submit(report_id=report.pk, actor=wuhan)
    ids = {v.label: v.pk for v in report.values.all()}
    from monitoring.services import report_grade

    report_grade(
        report_id=report.pk,
        actor=reviewer,
        grades={ids[label]: ("achieved", None) for label in ids if "增幅" in label},
    )
    report_approve(report_id=report.pk, actor=reviewer)
    client_budget = {"current": {"annual_budget": D("100")}}
    with pytest.raises(ValidationError, match="请先重新打开"):
        report_budget_set(report_id=report.pk, expected_version=4, actor=admin_user, budget=client_budget)
