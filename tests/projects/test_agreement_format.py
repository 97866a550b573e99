"""The 任务书格式: carried by 复制到新年度, created and edited by the bureau's admin in the app, and
named and listed as a format, never as a unit's 任务书."""

import pytest
from django.urls import reverse

from projects.agreements.format_services import format_of
from projects.agreements.services import agreement_create
from projects.copying import project_copy_year
from projects.models import Agreement
from reports.bundles import project_items
from units.models import AuditEntry, Membership, Role, Unit

pytestmark = pytest.mark.django_db

PLATFORM = "湖北省知识产权发展中心"


def _form_post(project, **changes):
    """What the format page posts for the stored format, with `changes`."""
    form = format_of(project)
    data = {
        "version": form.version,
        "title": form.title,
        "principal": form.principal_id,
        "principal_representative": form.principal_representative,
        "principal_phone": form.principal_phone,
        "start_year": form.start_year,
        "start_month": form.start_month,
        "end_year": form.end_year,
        "end_month": form.end_month,
        "issued_by": form.issued_by,
        "issued_on": form.issued_on.isoformat() if form.issued_on else "",
    }
    for n, m in enumerate(form.metrics.order_by("order"), start=1):
        data |= {f"m-{n}-group": m.group, f"m-{n}-name": m.name, f"m-{n}-measure_unit": m.measure_unit}
        data[f"m-{n}-kind"] = m.kind
    return data | changes


def test_a_copied_year_carries_the_format_with_its_period_moved_and_issues_a_agreement(hubei, admin_user):
    seed = format_of(hubei)
    copy = project_copy_year(project=hubei, year=2023, actor=admin_user)
    form = format_of(copy)
    assert form is not None and form.pk != seed.pk and form.is_format
    assert (form.start_year, form.start_month, form.end_year, form.end_month) == (
        seed.start_year + 1,
        seed.start_month,
        seed.end_year + 1,
        seed.end_month,
    )
    assert (form.principal_id, form.principal_phone, form.issued_on) == (seed.principal_id, seed.principal_phone, None)
    assert [(m.group, m.name, m.measure_unit, m.kind) for m in form.metrics.order_by("order")] == [
        (m.group, m.name, m.measure_unit, m.kind) for m in seed.metrics.order_by("order")
    ]
    # What was refused before (“该项目没有任务书格式…请先载入种子数据”) now works on the copy.
    issued = agreement_create(
        project=copy, undertaker=Unit.objects.get(name=PLATFORM), platform_kind="sub", actor=admin_user
    )
    assert issued.years == [2022, 2023, 2024] and issued.metrics.count() == 12
    assert AuditEntry.objects.filter(action="projects.agreement_format.created", object_id=str(form.pk)).exists()


def test_a_copy_of_a_project_whose_only_agreement_was_issued_takes_its_terms_as_the_format(hubei, admin_user):
    issued = agreement_create(
        project=hubei, undertaker=Unit.objects.get(name=PLATFORM), platform_kind="sub", actor=admin_user
    )
    Agreement.objects.formats().filter(project=hubei).delete()
    form = format_of(project_copy_year(project=hubei, year=2023, actor=admin_user))
    assert (form.principal_id, form.start_year, form.metrics.count()) == (
        issued.principal_id,
        issued.start_year + 1,
        12,
    )


def test_the_bureau_admin_edits_the_format_in_the_app_and_the_next_agreement_follows_it(client, hubei, hubei_admin):
    client.force_login(hubei_admin)
    page = client.get(reverse("projects:agreement_format", args=[hubei.pk]))
    assert page.status_code == 200 and "任务书格式" in page.content.decode()
    data = _form_post(hubei, principal_phone="027-11112222", **{"m-13-name": "新增运营活动", "m-13-kind": "quantity"})
    data["m-13-measure_unit"] = "场"
    response = client.post(reverse("projects:agreement_format", args=[hubei.pk]), data)
    assert response.status_code == 302
    form = format_of(hubei)
    assert form.principal_phone == "027-11112222" and form.metrics.count() == 13 and form.version == 2
    entry = AuditEntry.objects.get(action="projects.agreement_format.changed", object_id=str(form.pk))
    assert entry.after["principal_phone"] == "027-11112222" and entry.actor == hubei_admin
    issued = agreement_create(
        project=hubei, undertaker=Unit.objects.get(name=PLATFORM), platform_kind="sub", actor=hubei_admin
    )
    assert issued.principal_phone == "027-11112222" and issued.metrics.last().name == "新增运营活动"


def test_a_project_without_a_format_gets_one_from_the_page_then_issues(client, hubei, hubei_admin):
    Agreement.objects.formats().filter(project=hubei).delete()
    client.force_login(hubei_admin)
    refused = client.post(
        reverse("projects:agreement_new", args=[hubei.pk]),
        {"undertaker": Unit.objects.get(name=PLATFORM).pk, "platform_kind": "sub"},
        follow=True,
    )
    assert "还没有任务书格式" in refused.content.decode()
    bureau = Unit.objects.get(name="湖北省知识产权局")
    data = {
        "title": "2022年项目任务书",
        "principal": bureau.pk,
        "start_year": 2022,
        "start_month": 1,
        "end_year": 2022,
        "end_month": 12,
        **{"m-1-name": "专利转让", "m-1-measure_unit": "件", "m-1-kind": "quantity"},
    }
    assert client.post(reverse("projects:agreement_format", args=[hubei.pk]), data).status_code == 302
    issued = agreement_create(
        project=hubei, undertaker=Unit.objects.get(name=PLATFORM), platform_kind="sub", actor=hubei_admin
    )
    assert (issued.principal, issued.years, [m.name for m in issued.metrics.all()]) == (bureau, [2022], ["专利转让"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_month": "13"}, "月份应在 1 到 12 之间"),
        ({"end_year": "2019"}, "项目期限的结束早于开始"),
        ({"m-1-kind": "volume"}, "类型无效"),
        ({"m-2-name": "", "m-2-group": "孤立分组"}, "缺少指标名称"),
        ({"principal_email": "not-an-address"}, "“甲方电子邮箱”"),
    ],
)
def test_bad_input_on_the_format_is_refused_naming_it_and_nothing_changes(client, hubei, hubei_admin, changes, message):
    client.force_login(hubei_admin)
    before = (format_of(hubei).version, format_of(hubei).metrics.count())
    response = client.post(reverse("projects:agreement_format", args=[hubei.pk]), _form_post(hubei, **changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert (format_of(hubei).version, format_of(hubei).metrics.count()) == before


def test_a_format_changed_meanwhile_is_not_overwritten(client, hubei, hubei_admin):
    client.force_login(hubei_admin)
    stale = _form_post(hubei, principal_phone="111")
    assert client.post(reverse("projects:agreement_format", args=[hubei.pk]), _form_post(hubei)).status_code == 302
    response = client.post(reverse("projects:agreement_format", args=[hubei.pk]), stale)
    assert response.status_code == 409 and format_of(hubei).principal_phone != "111"


def test_only_the_project_s_own_bureau_admin_edits_its_format(client, hubei, other_province_admin, reviewer, wuhan):
    url = reverse("projects:agreement_format", args=[hubei.pk])
    client.force_login(other_province_admin)
    assert client.get(url).status_code == 404
    client.force_login(wuhan)
    assert client.get(url).status_code == 404
    client.force_login(reviewer)  # reads it, cannot change it
    assert client.get(url).status_code == 200
    assert client.post(url, _form_post(hubei, principal_phone="1")).status_code == 403


def test_the_format_is_named_as_a_format_and_never_listed_as_a_unit_s_agreement(client, hubei, admin_user):
    form = format_of(hubei)
    client.force_login(admin_user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("reports:export_agreement", args=[form.pk]) not in home
    editor = client.get(reverse("projects:edit", args=[hubei.pk])).content.decode()
    assert "任务书格式" in editor and "子平台 · 未填报" not in editor and "尚未下达任务书" in editor
    page = client.get(reverse("projects:agreement", args=[form.pk])).content.decode()
    assert "<h1>任务书格式" in page and "提交任务书" not in page
    assert all(obj != form for _, obj in project_items(hubei, admin_user))
    # Nothing of a unit's 任务书 applies to the format: no section saves, no steps.
    saved = client.post(reverse("projects:agreement_save", args=[form.pk, "basic"]), {"version": form.version})
    assert saved.status_code == 404
    assert client.post(reverse("projects:agreement_submit", args=[form.pk])).status_code == 404


def test_a_project_holds_one_format(hubei):
    from django.db import IntegrityError, transaction

    form = format_of(hubei)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            project=hubei,
            title="第二个格式",
            principal=form.principal,
            start_year=2022,
            start_month=1,
            end_year=2022,
            end_month=12,
        )


def test_a_platform_filler_sees_its_own_agreement_and_no_format(client, hubei, admin_user, django_user_model):
    issued = agreement_create(
        project=hubei, undertaker=Unit.objects.get(name=PLATFORM), platform_kind="sub", actor=admin_user
    )
    user = django_user_model.objects.create_user("t-pf", password="x-pass-2022!")
    Membership.objects.create(user=user, unit=issued.undertaker, role=Role.FILLER)
    client.force_login(user)
    home = client.get(reverse("home")).content.decode()
    assert home.count(reverse("reports:export_agreement", args=[issued.pk])) == 1
    assert reverse("reports:export_agreement", args=[format_of(hubei).pk]) not in home
    assert client.get(reverse("projects:agreement_format", args=[hubei.pk])).status_code == 404
