"""The 任务书 of a sub-platform: from empty to approved through the pages, with every rule
refusing bad input on its field and saving nothing half-valid; then the Word document."""

import io
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from django.urls import reverse

from projects.agreements.services import agreement_create
from projects.models import Agreement, AgreementMetricValue
from units.models import AuditEntry, Membership, Role, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_filler(django_user_model):
    user = django_user_model.objects.create_user("t-platform", password="x-pass-2022!", first_name="发展中心填报员")
    Membership.objects.create(user=user, unit=Unit.objects.get(name="湖北省知识产权发展中心"), role=Role.FILLER)
    return user


@pytest.fixture
def agreement(hubei, admin_user):
    return agreement_create(
        project=hubei, undertaker=Unit.objects.get(name="湖北省知识产权发展中心"), platform_kind="sub", actor=admin_user
    )


def _save(client, agreement, section, data):
    agreement.refresh_from_db()
    return client.post(
        reverse("projects:agreement_save", args=[agreement.pk, section]), {"version": agreement.version, **data}
    )


BASIC = {
    "undertaker_leader": "张明",
    "undertaker_leader_title": "主任",
    "undertaker_contact": "李华",
    "undertaker_contact_title": "科长",
    "undertaker_phone": "027-87654321",
    "undertaker_email": "lihua@example.cn",
    "undertaker_address": "武汉市武昌区",
    "bank_account_name": "湖北省知识产权发展中心",
    "bank_name": "中国工商银行武汉水果湖支行（102521000123）",
    "bank_account": "3202001234567890123",
    "p-1-name": "华中科技大学",
    "p-1-contact": "王强",
    "p-1-phone": "027-11112222",
}
BUDGET = {
    "source-special": "160",
    "source-self": "40",
    "source-other": "",
    "a-1-party": "湖北省知识产权发展中心",
    "a-1-amount": "120",
    "a-2-party": "华中科技大学",
    "a-2-amount": "40",
    "e-1-content": "平台功能开发",
    "e-1-amount": "32",
    "e-1-is_equipment": "on",
    "e-2-content": "专题培训",
    "e-2-amount": "68",
    "e-3-content": "对接活动",
    "e-3-amount": "60",
}


def _staff(*roles):
    data = {}
    for n, role in enumerate(roles, start=1):
        data.update(
            {
                f"s-{n}-name": f"人员{n}",
                f"s-{n}-gender": "男",
                f"s-{n}-age": "40",
                f"s-{n}-months_per_year": "6",
                f"s-{n}-role": role,
                f"s-{n}-workplace": "湖北省知识产权发展中心",
            }
        )
    return data


def test_a_new_agreement_is_prefilled_for_its_platform_kind(agreement):
    assert agreement.tasks_text.startswith("1.建立专利转化供需数据库")
    assert agreement.principal_representative == "李述武" and agreement.years == [2021, 2022, 2023]
    assert agreement.metrics.count() == 12 and agreement.stage_goals.count() == 3


def test_a_sub_platform_agreement_goes_from_empty_to_approved(client, agreement, platform_filler, reviewer):
    client.force_login(platform_filler)
    assert client.get(reverse("projects:agreement", args=[agreement.pk])).status_code == 200
    assert _save(client, agreement, "basic", BASIC).status_code == 302
    assert (
        _save(
            client,
            agreement,
            "content",
            {
                "tasks_text": agreement.tasks_text,
                "schedule_text": "2021年建库，2022年运营，2023年验收",
                "goal-2021": "完成数据库建设",
                "goal-2022": "入库专利5000件",
                "goal-2023": "通过验收",
                "deliverables_function": "数据入库",
                "deliverables_service": "见附表",
            },
        ).status_code
        == 302
    )
    count = agreement.metrics.get(name="专利池入库专利数量")
    rate = agreement.metrics.get(name="专利转化数量增幅")
    annex = {
        f"m-{count.pk}-2021": "1000",
        f"m-{count.pk}-2022": "1500",
        f"m-{count.pk}-2023": "2000",
        f"m-{rate.pk}-2022": "15",
    }
    assert _save(client, agreement, "annex", annex).status_code == 302

    # Bad input is refused on its field and nothing of the section is saved.
    over = {**BUDGET, "e-1-amount": "40", "e-2-amount": "60"}
    response = _save(client, agreement, "budget", over)
    assert response.status_code == 400 and "超过专项经费的 20%（32 万元）" in response.content.decode()
    assert not agreement.expenses.exists()
    response = _save(client, agreement, "budget", {**BUDGET, "a-1-amount": "一百二"})
    assert (
        response.status_code == 400
        and "湖北省知识产权发展中心金额应填写数字，“一百二”不是数字" in response.content.decode()
    )
    assert _save(client, agreement, "budget", BUDGET).status_code == 302

    response = _save(client, agreement, "staff", _staff("leader", "finance", *["implementation"] * 9))
    assert (
        response.status_code == 400
        and "子平台的项目主要参与人不得超过 10 人（现有 11 人）" in response.content.decode()
    )
    response = _save(client, agreement, "staff", _staff("leader", "leader", "finance"))
    assert "须有且只有一名项目负责人（现有 2 名）" in response.content.decode()
    assert not agreement.staff.exists()
    response = _save(client, agreement, "staff", {**_staff("leader", "finance"), "s-2-age": "二十"})
    assert "第2人：年龄应为 16 到 100 的整数" in response.content.decode()
    assert (
        _save(client, agreement, "staff", _staff("leader", "finance", "management", "implementation")).status_code
        == 302
    )

    page = client.get(reverse("projects:agreement", args=[agreement.pk])).content.decode()
    assert "壹佰陆拾万元整" in page and "1,600,000.00" in page
    assert "2021年12月31日、2022年12月31日、2023年12月31日前" in page
    assert ">4500<" in page  # 合计 of the quantity; the rate's 合计 stays blank

    client.post(reverse("projects:agreement_submit", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == "submitted"
    client.force_login(reviewer)
    client.post(reverse("projects:agreement_return", args=[agreement.pk]), {"comment": "请补充服务类指标"})
    agreement.refresh_from_db()
    assert (agreement.status, agreement.review_comment) == ("returned", "请补充服务类指标")
    client.force_login(platform_filler)
    _save(
        client, agreement, "content", {"tasks_text": agreement.tasks_text, "deliverables_service": "年度服务企业1000家"}
    )
    client.post(reverse("projects:agreement_submit", args=[agreement.pk]))
    client.force_login(reviewer)
    client.post(reverse("projects:agreement_approve", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert (agreement.status, agreement.reviewed_by) == ("approved", reviewer)

    client.force_login(platform_filler)
    response = _save(client, agreement, "basic", {**BASIC, "undertaker_leader": "改名"})
    assert response.status_code == 400 and "不能修改" in response.content.decode()
    actions = list(
        AuditEntry.objects.filter(object_type="projects.Agreement", object_id=str(agreement.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[0] == "projects.agreement.created" and actions[-3:] == [
        "projects.agreement.content_changed",
        "projects.agreement.submitted",
        "projects.agreement.approved",
    ]
    assert "projects.agreement.returned" in actions


def test_an_incomplete_agreement_cannot_be_submitted_and_says_why(client, agreement, platform_filler):
    client.force_login(platform_filler)
    response = client.post(reverse("projects:agreement_submit", args=[agreement.pk]), follow=True)
    body = response.content.decode()
    for message in [
        "任务书尚不完整，不能提交",
        "请填写项目负责人",
        "请填写省知识产权局专项经费金额",
        "须有且只有一名财务负责人（现有 0 名）",
    ]:
        assert message in body
    agreement.refresh_from_db()
    assert agreement.status == "not_started"


def test_another_unit_cannot_see_or_fill_the_agreement(client, agreement, wuhan, other_reviewer):
    for user in (wuhan, other_reviewer):
        client.force_login(user)
        assert client.get(reverse("projects:agreement", args=[agreement.pk])).status_code == 404
        assert client.post(reverse("projects:agreement_save", args=[agreement.pk, "basic"]), BASIC).status_code == 404


def _filled(agreement, platform_filler):
    from django.test import Client

    client = Client()
    client.force_login(platform_filler)
    _save(client, agreement, "basic", BASIC)
    _save(client, agreement, "budget", BUDGET)
    _save(client, agreement, "staff", _staff("leader", "finance"))
    metric = agreement.metrics.get(name="质押融资金额")
    AgreementMetricValue.objects.create(metric=metric, year=2022, value=Decimal("1.5"))
    agreement.refresh_from_db()
    return agreement


def test_the_word_document_holds_every_part_of_the_agreement(client, agreement, platform_filler):
    import docx

    agreement = _filled(agreement, platform_filler)
    client.force_login(platform_filler)
    response = client.get(reverse("projects:agreement_word", args=[agreement.pk]))
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for heading in [
        "一、基本情况",
        "二、项目主要任务",
        "三、项目总体进度安排和阶段目标",
        "四、项目交付成果",
        "五、经费来源及预算安排",
        "六、项目主要参与人",
        "七、双方权利与义务",
    ]:
        assert heading in text
    assert "人民币1600000元（大写：壹佰陆拾万元整）" in text
    assert "2023年12月31日前向甲方提交项目成果" in text
    for value in [
        "李述武",
        "027-86759076",
        "张明",
        "中国工商银行武汉水果湖支行（102521000123）",
        "3202001234567890123",
        "华中科技大学",
        "质押融资金额（亿元）",
        "1.5",
        "80",
        "20",
        "平台功能开发",
        "项目负责人",
        "（盖章）",
        "代表：(签章)",
    ]:
        assert value in tables or value in text, value


def test_without_libreoffice_the_pdf_job_fails_saying_to_take_the_word_version(
    client, agreement, platform_filler, monkeypatch, django_capture_on_commit_callbacks
):
    from projects.agreements.pdf import NO_OFFICE
    from reports.models import ExportJob

    monkeypatch.setenv("PATH", "/nonexistent")
    client.force_login(platform_filler)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:agreement_pdf", args=[agreement.pk]))
    job = ExportJob.objects.get(agreement=agreement)
    assert response.status_code == 200 and (job.status, job.error) == ("failed", NO_OFFICE)
    assert client.get(reverse("reports:export_job_download", args=[job.pk])).status_code == 403


def test_a_queued_pdf_job_is_shown_again_not_doubled(client, agreement, platform_filler):
    from reports.models import ExportJob

    client.force_login(platform_filler)
    for _ in range(2):  # no on_commit here: the job stays queued
        assert client.get(reverse("reports:agreement_pdf", args=[agreement.pk])).status_code == 200
    assert ExportJob.objects.filter(agreement=agreement, status="pending").count() == 1


@pytest.mark.heavy  # LibreOffice renders the PDF
@pytest.mark.skipif(
    not shutil.which("soffice") and os.environ.get("REQUIRE_LIBREOFFICE") != "1", reason="needs LibreOffice"
)
def test_the_pdf_holds_every_value(
    client, agreement, platform_filler, tmp_path, settings, django_capture_on_commit_callbacks
):
    from reports.models import ExportJob

    settings.MEDIA_ROOT = str(tmp_path / "media")
    agreement = _filled(agreement, platform_filler)
    client.force_login(platform_filler)
    # The link starts a job (LibreOffice runs in a worker, here eagerly) and shows its page.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:agreement_pdf", args=[agreement.pk]))
    assert response.status_code == 200 and "任务书 PDF" in response.content.decode()
    job = ExportJob.objects.get(agreement=agreement, owner=platform_filler)
    assert (job.status, job.done_sheets, job.total_sheets, job.error) == ("done", 2, 2, "")
    response = client.get(reverse("reports:export_job_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"{agreement.project.name}-2022年-任务书-{agreement.undertaker.name}.pdf" in unquote(
        response["Content-Disposition"]
    )
    pdf = tmp_path / "agreement.pdf"
    pdf.write_bytes(b"".join(response.streaming_content))
    text = "".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for value in [
        "壹佰陆拾万元整",
        "湖北省知识产权发展中心",
        "张明",
        "3202001234567890123",
        "平台功能开发",
        "质押融资金额（亿元）",
    ]:
        assert value in text, value
    if os.environ.get("SAVE_EXPORT_PNGS") == "1":
        from pathlib import Path

        target = Path(__file__).resolve().parents[2] / "docs" / "exports" / "agreement"
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(target)], check=True)


# The seed form's printed text, kept in the repo (fixtures/forms) so that the test does not read shared/.
FORM_TEXT = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "fixtures" / "forms" / "001_agreement_text.yaml").read_text(encoding="utf-8")
)


def _word(client, agreement):
    import docx

    response = client.get(reverse("projects:agreement_word", args=[agreement.pk]))
    assert response.status_code == 200
    return docx.Document(io.BytesIO(response.content))


def _squashed_parts(document) -> str:
    # One line per paragraph or cell, whitespace dropped: a sentence must be whole inside one of them.
    parts = [p.text for p in document.paragraphs] + [
        c.text for t in document.tables for row in t.rows for c in row.cells
    ]
    return "\n".join(re.sub(r"\s+", "", part) for part in parts)


def _missing(lines, text) -> list[str]:
    """Lines of the form not printed: each piece between the blanks (＿) must appear."""
    return [line for line in lines if not all(re.sub(r"\s+", "", piece) in text for piece in line.split("＿"))]


def test_the_blank_form_prints_every_sentence_of_the_seed_form(client, admin_user):
    client.force_login(admin_user)
    text = _squashed_parts(_word(client, Agreement.objects.get(undertaker__isnull=True)))
    assert _missing(FORM_TEXT["fixed"], text) == []
    assert _missing(FORM_TEXT["prefilled"], text) == []


@pytest.mark.parametrize("kind", ["sub", "main"])
def test_a_filled_agreement_of_either_platform_kind_carries_every_fixed_sentence(
    client, hubei, admin_user, platform_filler, kind
):
    agreement = agreement_create(
        project=hubei, undertaker=Unit.objects.get(name="湖北省知识产权发展中心"), platform_kind=kind, actor=admin_user
    )
    agreement = _filled(agreement, platform_filler)
    client.force_login(platform_filler)
    text = _squashed_parts(_word(client, agreement))
    assert _missing(FORM_TEXT["fixed"], text) == []
    assert "人民币1600000元（大写：壹佰陆拾万元整），乙方确保财政资金专款专用。" in text
    assert "参与单位一：华中科技大学" in text and "参与单位二：" in text


def test_the_blank_form_leaves_amounts_blank_and_keeps_the_rows_to_write_in(client, admin_user):
    client.force_login(admin_user)
    document = _word(client, Agreement.objects.get(undertaker__isnull=True))
    text = _squashed_parts(document)
    assert "人民币0元" not in text and "零元整" not in text
    assert "人民币（大写）元整，乙方确保财政资金专款专用。" in text
    budget = next(t for t in document.tables if t.cell(0, 0).text == "项目资金来源")
    totals = [[c.text for c in row.cells[2:]] for row in budget.rows if row.cells[1].text.replace(" ", "") == "合计"]
    assert totals == [["", ""]] * 3  # sources, allocation, expenses: none entered, none printed
    assert [row.cells[1].text for row in budget.rows][6:9] == ["承担单位", "参与单位1", "参与单位2"]
    staff = next(t for t in document.tables if t.cell(0, 0).text == "姓名")
    assert [row.cells[-1].text for row in staff.rows[1:]] == ["项目负责人", "财务负责人", "项目管理", "项目实施"] + [
        ""
    ] * 5
    assert all(c.text == "" for row in staff.rows[1:] for c in row.cells[:-1])
    signatures = document.tables[-1]
    assert [c.text for c in signatures.rows[4].cells] == ["参与单位一：", "参与单位二："]


def test_the_history_reads_as_the_page_does_field_names_and_blanks_in_chinese(client, agreement, platform_filler):
    import re

    _filled(agreement, platform_filler)
    client.force_login(platform_filler)
    page = client.get(reverse("projects:agreement", args=[agreement.pk])).content.decode()
    history = re.search(r'<table class="grid history">.*?</table>', page, re.S).group(0)
    assert "项目负责人：张明" in history and "省知识产权局专项经费" in history and "（空）" in history
    for raw in ("{&#x27;", "[]", "None", "undertaker_leader", "special", "&#x27;sub&#x27;"):
        assert raw not in history, raw


def _check(client, agreement, data):
    return client.post(reverse("projects:agreement_budget_check", args=[agreement.pk]), data)


def test_the_budget_check_answers_what_is_typed_with_the_rules_of_the_save(client, agreement, platform_filler):
    """The page's live check: the server's Decimal rules over the unsaved section, nothing saved."""
    client.force_login(platform_filler)
    answer = _check(client, agreement, BUDGET).json()
    assert answer["problems"] == []
    assert answer["text"] == "合计一致；设备购置 32 万元，未超过专项经费的 20%（32 万元）。"
    assert (answer["total"], answer["shares"], answer["allocated"], answer["expensed"]) == (
        "200",
        {"special": "80", "self": "20", "other": "0"},
        "160",
        "160",
    )
    # 32.01 of 160 is over the 20% (float arithmetic would not always say so); totals short of 160.
    over = _check(client, agreement, {**BUDGET, "e-1-amount": "32.01", "e-3-amount": "10"}).json()
    assert over["problems"] == [
        "基础设施建设或信息化软硬件等设备购置共 32.01 万元，超过专项经费的 20%（32 万元）",
        "专项经费支出预算合计 110.01 万元，应等于专项经费 160 万元",
    ]
    # A field the save would refuse is named as the save names it.
    refused = _check(client, agreement, {**BUDGET, "a-1-amount": "一百二"}).json()
    assert refused["problems"] == ["湖北省知识产权发展中心金额应填写数字，“一百二”不是数字"]
    assert "total" not in refused
    assert not agreement.expenses.exists() and not agreement.allocations.exists()


def test_the_budget_check_is_behind_the_pages_rule(client, agreement, outsider):
    client.force_login(outsider)
    assert _check(client, agreement, BUDGET).status_code == 404
    assert client.get(reverse("projects:agreement_budget_check", args=[agreement.pk])).status_code == 405
    client.logout()
    assert _check(client, agreement, BUDGET).status_code == 302
