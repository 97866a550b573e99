"""Filling, submitting and reviewing a report: the reasons the rules ask for, the budget, the
grades, the workflow and its audit, the page's figures and its query count."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from monitoring.models import Report, ReportBudget
from monitoring.selectors import report_page
from monitoring.services import report_approve, report_grade, report_reopen, report_return, report_save, report_submit
from review.engine import NotEditable, ReviewStatus, StaleVersion
from units.models import AuditEntry, Notification

from .conftest import fill

pytestmark = pytest.mark.django_db

ON_TRACK = {  # at 2022-06-30 (49.59% of the year)
    "收集中小微企业专利技术需求": "260条",
    "中小微企业接受专利转让次数": "300",
    "专利质押融资金额": "10亿元",  # 100000万元: 50%
    "专利质押项目数": "90",
    "政策惠及的中小微企业营业收入增幅": "增长12%",
    "政策惠及的中小微企业就业人数增幅": "稳步增长",
}


def _save(report, actor, actuals=None, budget=None, texts=None, **value_texts):
    report.refresh_from_db()
    return report_save(
        report_id=report.pk,
        expected_version=report.version,
        actor=actor,
        values=fill(report, actuals or {}, **value_texts),
        budget=budget,
        texts=texts,
    )


def test_a_unit_fills_its_report_and_sees_the_reading_and_progress(wuhan_report, wuhan):
    _save(wuhan_report, wuhan, ON_TRACK, budget={"executed": Decimal("80")})
    context = report_page(Report.objects.get(pk=wuhan_report.pk), wuhan)
    lines = {line.value.label: line for line in context["lines"]}
    pledge = lines["专利质押融资金额"]
    assert pledge.value.raw == "10亿元" and pledge.reading == "10亿元"
    assert pledge.progress == Decimal("50.00")  # 10亿元 = 100000万元 of 200000万元
    assert lines["收集中小微企业专利技术需求"].progress == Decimal("52.00")
    assert lines["政策惠及的中小微企业营业收入增幅"].progress is None
    assert context["elapsed"] == Decimal("49.59") and context["rate_pct"] == Decimal("50.00")
    report = Report.objects.get(pk=wuhan_report.pk)
    assert report.status == "draft" and report.version == 2


def test_progress_lagging_more_than_the_threshold_requires_reason_and_measure(wuhan_report, wuhan):
    _save(wuhan_report, wuhan, ON_TRACK | {"收集中小微企业专利技术需求": "150条"}, budget={"executed": Decimal("80")})
    with pytest.raises(ValidationError) as refused:
        report_submit(report_id=wuhan_report.pk, actor=wuhan)
    assert (
        "“收集中小微企业专利技术需求”进度落后于时间进度超过 10 个百分点，须填写偏差原因和纠偏措施"
        in refused.value.messages
    )
    assert Report.objects.get(pk=wuhan_report.pk).status == "draft"
    label = "收集中小微企业专利技术需求"
    _save(
        wuhan_report,
        wuhan,
        deviation_reason={label: "上半年企业走访延后"},
        corrective_measure={label: "三季度集中走访"},
    )
    assert report_submit(report_id=wuhan_report.pk, actor=wuhan).status == "submitted"


def test_a_lag_within_the_threshold_needs_no_reason(wuhan_report, wuhan):
    _save(wuhan_report, wuhan, ON_TRACK | {"收集中小微企业专利技术需求": "200条"}, budget={"executed": Decimal("1")})
    assert report_submit(report_id=wuhan_report.pk, actor=wuhan).status == "submitted"  # 40% vs 49.59%


def test_blank_actuals_are_refused_at_submission(wuhan_report, wuhan):
    _save(wuhan_report, wuhan, {"收集中小微企业专利技术需求": "260"}, budget={"executed": Decimal("80")})
    with pytest.raises(ValidationError) as refused:
        report_submit(report_id=wuhan_report.pk, actor=wuhan)
    assert "“专利质押项目数”未填写完成值" in refused.value.messages


def test_budget_execution_is_required_where_the_unit_has_money(wuhan_report, wuhan):
    _save(wuhan_report, wuhan, ON_TRACK)
    with pytest.raises(ValidationError, match="请填写预算执行数"):
        report_submit(report_id=wuhan_report.pk, actor=wuhan)


def test_year_end_execution_below_90_percent_requires_a_reason(wuhan_evaluation, wuhan):
    full = dict.fromkeys(ON_TRACK, "")
    full |= {"收集中小微企业专利技术需求": "600条", "中小微企业接受专利转让次数": "600", "专利质押融资金额": "25亿元"}
    full |= {
        "专利质押项目数": "200",
        "政策惠及的中小微企业营业收入增幅": "增长明显",
        "政策惠及的中小微企业就业人数增幅": "有所增长",
    }
    _save(wuhan_evaluation, wuhan, full, budget={"executed": Decimal("140")})  # 87.5%
    with pytest.raises(ValidationError, match="预算执行率 87.50% 低于 90%，须说明原因"):
        report_submit(report_id=wuhan_evaluation.pk, actor=wuhan)
    _save(wuhan_evaluation, wuhan, texts={"budget_reason": "年末一笔支付跨年"})
    assert report_submit(report_id=wuhan_evaluation.pk, actor=wuhan).status == "submitted"


def test_a_target_not_fully_met_at_year_end_needs_a_shortfall_analysis(wuhan_evaluation, wuhan):
    full = {label: "600" for label in ON_TRACK} | {"专利质押融资金额": "20亿元"}
    full |= {"收集中小微企业专利技术需求": "400条"}  # 80%
    _save(wuhan_evaluation, wuhan, full, budget={"executed": Decimal("160")})
    with pytest.raises(ValidationError, match="“收集中小微企业专利技术需求”未完全达成，须填写未完成原因分析"):
        report_submit(report_id=wuhan_evaluation.pk, actor=wuhan)


def _submitted_evaluation(report, filler):
    actuals = {
        "收集中小微企业专利技术需求": "400条",  # 80% of 500: 12.00 of 15
        "中小微企业接受专利转让次数": "600",  # 15.00
        "专利质押融资金额": "25亿元",  # 250000 of 200000万元: 15.00
        "专利质押项目数": "176",  # 15.00
        "政策惠及的中小微企业营业收入增幅": "增长明显",  # graded 达成: 15.00
        "政策惠及的中小微企业就业人数增幅": "略有增长",  # graded 部分达成 60%: 9.00
    }
    _save(
        report,
        filler,
        actuals,
        budget={"executed": Decimal("152")},  # 95% of 160: 9.50
        shortfall_reason={"收集中小微企业专利技术需求": "需求征集渠道不足"},
    )
    return report_submit(report_id=report.pk, actor=filler)


def test_the_reviewer_grades_qualitative_targets_and_the_score_follows(wuhan_evaluation, wuhan, reviewer):
    _submitted_evaluation(wuhan_evaluation, wuhan)
    with pytest.raises(ValidationError, match="请先评定"):
        report_approve(report_id=wuhan_evaluation.pk, actor=reviewer)
    values = {v.label: v.pk for v in wuhan_evaluation.values.all()}
    with pytest.raises(ValidationError, match="须填写得分比例"):
        report_grade(
            report_id=wuhan_evaluation.pk,
            actor=reviewer,
            grades={values["政策惠及的中小微企业就业人数增幅"]: ("partial", None)},
        )
    report_grade(
        report_id=wuhan_evaluation.pk,
        actor=reviewer,
        grades={
            values["政策惠及的中小微企业营业收入增幅"]: ("achieved", None),
            values["政策惠及的中小微企业就业人数增幅"]: ("partial", Decimal("60")),
        },
    )
    context = report_page(Report.objects.get(pk=wuhan_evaluation.pk), reviewer)
    points = {line.value.label: line.score.points for line in context["lines"]}
    # default 分值 by 一级 (no 满意度 here: 产出 56.25 over two columns, 效益 33.75 over four)
    assert list(points.values()) == [Decimal(p) for p in ("22.50", "28.12", "8.44", "8.44", "8.44", "5.06")]
    scores = context["scores"]
    assert (scores["indicator_points"], scores["budget_points"], scores["total"], scores["grade"]) == (
        Decimal("81.00"),
        Decimal("9.50"),
        Decimal("90.50"),
        "优",
    )
    graded = wuhan_evaluation.values.get(pk=values["政策惠及的中小微企业就业人数增幅"])
    assert graded.graded_by == reviewer and graded.graded_at is not None
    report_approve(report_id=wuhan_evaluation.pk, actor=reviewer)
    assert Report.objects.get(pk=wuhan_evaluation.pk).status == "approved"


def test_a_grade_given_stays_in_the_grade_form_to_be_changed(client, wuhan_evaluation, wuhan, reviewer):
    _submitted_evaluation(wuhan_evaluation, wuhan)
    jobs = wuhan_evaluation.values.get(label="政策惠及的中小微企业就业人数增幅").pk
    report_grade(report_id=wuhan_evaluation.pk, actor=reviewer, grades={jobs: ("partial", Decimal("60"))})
    client.force_login(reviewer)
    page = client.get(reverse("monitoring:report", args=[wuhan_evaluation.pk])).content.decode()
    form = page[page.index('id="grade-form"') : page.index("</form>", page.index('id="grade-form"'))]
    assert f'name="grade-{jobs}"' in form and f'name="percent-{jobs}" value="60"' in form
    assert 'value="partial" selected' in form
    client.post(reverse("monitoring:report_grade", args=[wuhan_evaluation.pk]), {f"grade-{jobs}": "achieved"})
    assert wuhan_evaluation.values.get(pk=jobs).grade.code == "achieved"


def test_approving_saves_the_grades_chosen_on_the_page_first(client, wuhan_evaluation, wuhan, reviewer):
    _submitted_evaluation(wuhan_evaluation, wuhan)
    values = {v.label: v.pk for v in wuhan_evaluation.values.all()}
    income, jobs = values["政策惠及的中小微企业营业收入增幅"], values["政策惠及的中小微企业就业人数增幅"]
    client.force_login(reviewer)
    response = client.post(
        reverse("monitoring:report_approve", args=[wuhan_evaluation.pk]),
        {f"grade-{income}": "achieved", f"grade-{jobs}": "partial", f"percent-{jobs}": "60"},
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=wuhan_evaluation.pk).status == "approved"
    graded = {v.pk: (v.grade.code, v.grade_percent) for v in wuhan_evaluation.values.filter(grade__isnull=False)}
    assert graded == {income: ("achieved", None), jobs: ("partial", Decimal("60"))}


def test_approving_before_every_grade_says_one_thing(client, wuhan_evaluation, wuhan, reviewer):
    """Not “评定已保存” and “请先评定：…” side by side: one message says what became of both."""
    _submitted_evaluation(wuhan_evaluation, wuhan)
    income = wuhan_evaluation.values.get(label="政策惠及的中小微企业营业收入增幅").pk
    client.force_login(reviewer)
    response = client.post(
        reverse("monitoring:report_approve", args=[wuhan_evaluation.pk]), {f"grade-{income}": "achieved"}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["评定已保存，但未审核通过：请先评定：政策惠及的中小微企业就业人数增幅"]
    assert Report.objects.get(pk=wuhan_evaluation.pk).status == "submitted"
    assert wuhan_evaluation.values.get(pk=income).grade.code == "achieved"
    jobs = wuhan_evaluation.values.get(label="政策惠及的中小微企业就业人数增幅").pk
    response = client.post(
        reverse("monitoring:report_approve", args=[wuhan_evaluation.pk]),
        {f"grade-{income}": "achieved", f"grade-{jobs}": "not_achieved"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["评定已保存，已审核通过"]


@pytest.mark.parametrize("url_name", ["monitoring:report_grade", "monitoring:report_approve"])
def test_refused_grades_are_shown_again_as_chosen_and_nothing_is_approved(
    client, wuhan_evaluation, wuhan, reviewer, url_name
):
    _submitted_evaluation(wuhan_evaluation, wuhan)
    values = {v.label: v.pk for v in wuhan_evaluation.values.all()}
    income, jobs = values["政策惠及的中小微企业营业收入增幅"], values["政策惠及的中小微企业就业人数增幅"]
    client.force_login(reviewer)
    response = client.post(
        reverse(url_name, args=[wuhan_evaluation.pk]),
        {f"grade-{income}": "achieved", f"grade-{jobs}": "partial", f"percent-{jobs}": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "评定未保存" in page and "须填写得分比例" in page
    chosen = page[page.index(f'name="grade-{income}"') :]
    assert chosen[: chosen.index("</select>")].count("selected") == 1 and 'value="achieved" selected' in chosen
    assert Report.objects.get(pk=wuhan_evaluation.pk).status == "submitted"
    assert not wuhan_evaluation.values.filter(grade__isnull=False).exists()


def test_without_money_the_total_is_scaled_to_100(wuhan_evaluation, wuhan, reviewer):
    ReportBudget.objects.filter(report=wuhan_evaluation).update(initial_budget=None, annual_budget=None)
    _submitted_evaluation(wuhan_evaluation, wuhan)
    values = {v.label: v.pk for v in wuhan_evaluation.values.all()}
    grades = {values["政策惠及的中小微企业营业收入增幅"]: ("achieved", None)}
    grades[values["政策惠及的中小微企业就业人数增幅"]] = ("not_achieved", None)
    report_grade(report_id=wuhan_evaluation.pk, actor=reviewer, grades=grades)
    scores = report_page(Report.objects.get(pk=wuhan_evaluation.pk), reviewer)["scores"]
    # 22.50 + 28.12 + 8.44 × 3 + 0 = 75.94 of 90 → 84.38 of 100
    assert (scores["budget_points"], scores["total"], scores["grade"]) == (None, Decimal("84.38"), "良")


def test_only_the_projects_reviewers_grade_and_only_submitted_reports(
    wuhan_evaluation, wuhan, reviewer, other_reviewer
):
    value = wuhan_evaluation.values.first()
    with pytest.raises(ValidationError, match="只有已提交的报告才能评定"):
        report_grade(report_id=wuhan_evaluation.pk, actor=reviewer, grades={value.pk: ("achieved", None)})
    for user in (wuhan, other_reviewer):
        with pytest.raises(PermissionDenied):
            report_grade(report_id=wuhan_evaluation.pk, actor=user, grades={})


def test_return_approve_reopen_are_audited_and_notified(wuhan_report, wuhan, reviewer, admin_user):
    _save(wuhan_report, wuhan, ON_TRACK, budget={"executed": Decimal("80")})
    report_submit(report_id=wuhan_report.pk, actor=wuhan)
    with pytest.raises(NotEditable):
        _save(wuhan_report, wuhan, {"专利质押项目数": "1"})
    with pytest.raises(ValidationError, match="退回时必须填写退回意见"):
        report_return(report_id=wuhan_report.pk, actor=reviewer, comment="")
    report_return(report_id=wuhan_report.pk, actor=reviewer, comment="请补充佐证")
    assert Notification.objects.filter(recipient=wuhan, kind="report_returned").exists()
    _save(wuhan_report, wuhan, {"专利质押项目数": "95"})
    report_submit(report_id=wuhan_report.pk, actor=wuhan)
    report_approve(report_id=wuhan_report.pk, actor=reviewer)
    with pytest.raises(PermissionDenied):
        report_reopen(report_id=wuhan_report.pk, actor=reviewer, comment="复核")
    report_reopen(report_id=wuhan_report.pk, actor=admin_user, comment="复核")
    actions = list(
        AuditEntry.objects.filter(object_type="monitoring.Report", object_id=str(wuhan_report.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "monitoring.report.changed",
        "monitoring.report.submitted",
        "monitoring.report.returned",
        "monitoring.report.changed",
        "monitoring.report.submitted",
        "monitoring.report.approved",
        "monitoring.report.reopened",
    ]
    changed = AuditEntry.objects.filter(action="monitoring.report.changed").order_by("id").last()
    assert changed.before == {"专利质押项目数": {"完成值": "90"}} and changed.after == {
        "专利质押项目数": {"完成值": "95"}
    }


def test_a_stale_version_saves_nothing(wuhan_report, wuhan):
    with pytest.raises(StaleVersion):
        report_save(report_id=wuhan_report.pk, expected_version=7, actor=wuhan, values=fill(wuhan_report, ON_TRACK))
    assert not wuhan_report.values.exclude(raw="").exists()


def test_a_value_that_cannot_be_stored_is_refused_naming_the_indicator(wuhan_report, wuhan):
    with pytest.raises(ValidationError, match="专利质押项目数"):
        _save(wuhan_report, wuhan, {"收集中小微企业专利技术需求": "260", "专利质押项目数": "1" * 30})
    assert not wuhan_report.values.exclude(raw="").exists()  # all or nothing


def test_another_unit_cannot_save_or_submit(wuhan_report, outsider, observer):
    for user in (outsider, observer):
        with pytest.raises(PermissionDenied):
            report_save(report_id=wuhan_report.pk, expected_version=1, actor=user, values={})
        with pytest.raises(PermissionDenied):
            report_submit(report_id=wuhan_report.pk, actor=user)


def test_the_form_posts_values_budget_and_reasons(client, wuhan_report, wuhan):
    client.force_login(wuhan)
    value = wuhan_report.values.get(label="收集中小微企业专利技术需求")
    data = {
        "version": 1,
        f"actual-{value.pk}": "≥260条",
        f"deviation_reason-{value.pk}": "无",
        "executed-current": "80.5",
        "expected-current": "150",
    }
    response = client.post(reverse("monitoring:report_save", args=[wuhan_report.pk]), data)
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.raw, value.number, value.comparator, value.deviation_reason) == ("≥260条", Decimal("260"), "≥", "无")
    current = Report.objects.get(pk=wuhan_report.pk).budget.lines[0]
    assert (current.executed, current.expected) == (Decimal("80.5"), Decimal("150"))
    response = client.post(
        reverse("monitoring:report_save", args=[wuhan_report.pk]), {"version": 2, "executed-current": "八十"}
    )
    assert response.status_code == 400 and "“当年财政拨款的执行数”应填写数字" in response.content.decode()


def test_the_report_appears_in_the_reviewers_queue_once_submitted(client, wuhan_report, wuhan, reviewer):
    _save(wuhan_report, wuhan, ON_TRACK, budget={"executed": Decimal("80")})
    report_submit(report_id=wuhan_report.pk, actor=wuhan)
    client.force_login(reviewer)
    page = client.get(reverse("targets:review_queue")).content.decode()
    assert reverse("monitoring:report", args=[wuhan_report.pk]) in page


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["wuhan", "reviewer"])
def test_report_page_query_count_is_constant(
    client, wuhan_evaluation, wuhan, reviewer, role, django_assert_num_queries
):
    _submitted_evaluation(wuhan_evaluation, wuhan)
    client.force_login({"wuhan": wuhan, "reviewer": reviewer}[role])
    # 1 session, 2 user, 3 the report with round, project, unit, submitter and reviewer, 4 memberships
    # (policy), [reviewer: grants], 5 values with grade, grader and category, 6 the budget lines,
    # 7 evidence with uploaders, 8 values seen and 9 stored weights, 10 the last review's snapshot,
    # [reviewer: grade levels], 11 history, 12 unread notifications.
    expected = {"wuhan": 12, "reviewer": 14}[role]
    with django_assert_num_queries(expected):
        response = client.get(reverse("monitoring:report", args=[wuhan_evaluation.pk]))
    assert response.status_code == 200


def test_round_and_rounds_pages_query_counts_are_constant(
    client, monitoring_round, evaluation_round, admin_user, django_assert_num_queries
):
    client.force_login(admin_user)
    # 1 session, 2 user, 3 memberships, 4 the round with project and opener, 5 reports with units and
    # submitters, 6 values seen (weights), 7 stored weights, 8 history, 9 units approved after the
    # round opened, 10 unread notifications.
    with django_assert_num_queries(10):
        assert client.get(reverse("monitoring:round", args=[monitoring_round.pk])).status_code == 200
    # 1 session, 2 user, 3 memberships, 4 the project, 5 rounds, 6 report status counts, 7 unread.
    with django_assert_num_queries(7):
        assert client.get(reverse("monitoring:rounds", args=[monitoring_round.project_id])).status_code == 200


def test_after_a_return_the_page_shows_what_changed_since(wuhan_report, wuhan, reviewer):
    _save(wuhan_report, wuhan, ON_TRACK, budget={"executed": Decimal("80")})
    report_submit(report_id=wuhan_report.pk, actor=wuhan)
    report_return(report_id=wuhan_report.pk, actor=reviewer, comment="请核对项目数")
    _save(wuhan_report, wuhan, {"专利质押项目数": "95"}, budget={"executed": Decimal("82")})
    context = report_page(Report.objects.get(pk=wuhan_report.pk), reviewer)
    assert context["last_review"].event == "returned"
    assert [(c["label"], c["before"], c["after"]) for c in context["changes"]] == [
        ("专利质押项目数 · 完成值", "90", "95"),
        ("当年财政拨款 · 执行数", "80.00", "82.00"),
    ]


def test_the_project_report_is_the_bureaus_to_fill(client, monitoring_round, reviewer, wuhan, observer):
    report = Report.objects.get(round=monitoring_round, unit__isnull=True)
    value = report.values.get(label="收集中小微企业专利技术需求")
    assert value.target_raw == "3000条" and value.indicator_id is not None
    client.force_login(wuhan)
    assert client.get(reverse("monitoring:report", args=[report.pk])).status_code == 404
    client.force_login(observer)
    page = client.get(reverse("monitoring:report", args=[report.pk])).content.decode()
    assert "项目整体（附件2）" in page and f'name="actual-{value.pk}"' not in page
    client.force_login(reviewer)
    response = client.post(
        reverse("monitoring:report_save", args=[report.pk]), {"version": 1, f"actual-{value.pk}": "1620条"}
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.number == Decimal("1620")


@pytest.mark.parametrize("in_place", [20, 0], ids=["grid-save", "bulk-import-path"])
def test_a_target_cell_a_monitoring_value_points_at_can_still_be_changed_after_a_reopen(
    wuhan_report, approved_wuhan, admin_user, monkeypatch, in_place
):
    """Bulk writes replace changed cells (DELETE + INSERT, for speed); a cell a report value
    refers to (a protected foreign key) is updated in place instead, so a reopened row saves."""
    from targets import services
    from targets.models import Cell
    from targets.services import row_cells_update
    from targets.workflow import row_reopen

    monkeypatch.setattr(services, "IN_PLACE", in_place)

    value = wuhan_report.values.exclude(cell=None).select_related("cell__column").first()
    cell = value.cell
    row = row_reopen(row_id=approved_wuhan.pk, actor=admin_user, reason="调整目标值")
    row_cells_update(row_id=row.pk, values={cell.column_id: "520"}, expected_version=row.version, actor=admin_user)
    value.refresh_from_db()
    assert value.cell_id == cell.pk
    assert Cell.objects.get(pk=cell.pk).raw == "520"
    assert AuditEntry.objects.filter(action="targets.cell.changed", after={"raw": "520"}).count() == 1


def test_a_bureau_admin_reviews_the_submitted_reports_of_their_own_bureaus_projects_only(
    wuhan_report, hubei_admin, other_province_admin
):
    """The queue asks the policy's review scope: a non-superuser admin of the Hubei bureau reviews
    Hubei's reports (they may approve them), the Guangdong bureau's admin none of them."""
    from monitoring.selectors import reports_to_review

    Report.objects.filter(pk=wuhan_report.pk).update(status=ReviewStatus.SUBMITTED)
    assert [r.pk for r in reports_to_review(hubei_admin)] == [wuhan_report.pk]
    assert reports_to_review(other_province_admin) == []
