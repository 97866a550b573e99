"""Every download says which project, which table or form and which year, and no two downloads of
different objects share a name (the seven 广州开发区 projects all downloaded under one name)."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from projects.agreements.services import agreement_create
from projects.downloads import download_name
from projects.models import Project
from reports.exporters import exporters_for
from reports.models import ExportJob
from targets.models import TargetTable
from units.files import content_disposition
from units.models import Unit

pytestmark = pytest.mark.django_db


def _name(response) -> str:
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="') and "filename*=UTF-8''" in header, header
    fallback = re.search(r'filename="([^"]*)"', header)[1]
    assert fallback.isascii() and fallback
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def _every_export_url(admin_user) -> list[str]:
    urls = []
    for project in Project.objects.all():
        urls += [reverse("reports:export_project", args=[project.pk, e.identifier]) for e in exporters_for(project)]
        for table in TargetTable.objects.filter(project=project):
            urls += [
                reverse("reports:export_table", args=[table.pk]),
                reverse("reports:table_template", args=[table.pk]),
            ]
        for agreement in project.agreements.all():
            urls += [reverse("reports:export_agreement", args=[agreement.pk])]
            urls += [reverse("projects:agreement_word", args=[agreement.pk])]
    return urls


def test_no_two_downloads_of_different_objects_share_a_name(client, admin_user, hubei):
    agreement_create(
        project=hubei, undertaker=Unit.objects.get(name="湖北省知识产权发展中心"), platform_kind="sub", actor=admin_user
    )
    client.force_login(admin_user)
    names = {}
    for url in _every_export_url(admin_user):
        response = client.get(url)
        assert response.status_code == 200, url
        names.setdefault(_name(response), []).append(url)
    shared = {name: urls for name, urls in names.items() if len(urls) > 1}
    assert not shared
    assert len(names) > 30


def test_the_seven_guangzhou_kfq_lists_say_which_project_and_year(client, admin_user):
    client.force_login(admin_user)
    projects = Project.objects.filter(code__startswith="gzkfq-")
    assert projects.count() == 7
    names = []
    for project in projects:
        response = client.get(reverse("reports:export_project", args=[project.pk, "expenditure_list"]))
        name = _name(response)
        assert name.startswith(project.name) and name.endswith("项目支出绩效目标表（含转移支付项目）.xlsx"), name
        if project.budget_year:
            assert f"{project.budget_year}年" in name
        names.append(name)
    assert len(set(names)) == 7


def test_a_table_export_names_its_project_table_and_year(client, admin_user, hubei):
    table = TargetTable.objects.get(project=hubei, title__contains="市州类")
    client.force_login(admin_user)
    assert _name(client.get(reverse("reports:export_table", args=[table.pk]))) == (
        "专利转化专项计划资金-湖北省专利转化专项计划区域绩效目标表-市州类（2022年度）.xlsx"
    )
    as_of = _name(client.get(reverse("reports:export_table", args=[table.pk]), {"as_of": "2022-06-30"}))
    assert as_of.endswith("市州类（2022年度）-截至2022-06-30的批复值.xlsx")


def test_a_filler_s_template_says_whose_it_is(client, wuhan, wuhan_row, open_table):
    client.force_login(wuhan)
    name = _name(client.get(reverse("reports:table_template", args=[wuhan_row.table_id])))
    assert name.endswith("-填报模板-武汉市.xlsx") and "市州类" in name


def test_namesakes_of_the_same_year_are_told_apart_by_their_code(hubei):
    twin = Project.objects.create(code="hubei-twin", name=hubei.name, budget_year=hubei.budget_year)
    first, second = download_name(hubei, "全部附件", ext="xlsx"), download_name(twin, "全部附件", ext="xlsx")
    assert first != second and "（hubei-twin）" in second
    twin.budget_year = 2030
    twin.save()
    assert download_name(twin, "全部附件", ext="xlsx") == "专利转化专项计划资金-2030年-全部附件.xlsx"


def test_a_long_name_is_cut_and_stays_a_legal_file_name(guangzhou):
    name = download_name(guangzhou, "a/b:c*?", "省财政专项转移支付绩效目标表（二级项目）", ext="xlsx")
    assert len(name) < 200 and "…" in name and not re.search(r'[\\/:*?"<>|]', name)
    assert name.fallback.startswith("gd-transfer-guangzhou-2020") and name.fallback.isascii()
    assert content_disposition(name).startswith('attachment; filename="gd-transfer-guangzhou-2020')


def test_job_downloads_name_the_project_and_what_they_hold(admin_user, hubei):
    agreement = agreement_create(
        project=hubei, undertaker=Unit.objects.get(name="湖北省知识产权发展中心"), platform_kind="sub", actor=admin_user
    )
    bundle = ExportJob.objects.create(project=hubei, owner=admin_user)
    pdf = ExportJob.objects.create(project=hubei, owner=admin_user, agreement=agreement)
    assert bundle.download_name == "专利转化专项计划资金-2022年-全部附件.xlsx"
    assert pdf.download_name == "专利转化专项计划资金-2022年-任务书-湖北省知识产权发展中心.pdf"


def test_an_uploaded_file_keeps_its_name_with_an_ascii_fallback():
    header = content_disposition("专利质押台账 2022.pdf")
    assert (
        header
        == "attachment; filename=\"2022.pdf\"; filename*=UTF-8''%E4%B8%93%E5%88%A9%E8%B4%A8%E6%8A%BC%E5%8F%B0%E8%B4%A6%202022.pdf"
    )
