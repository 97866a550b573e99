"""The bureau's project editor and table editor."""

from pathlib import Path

import pytest
from django.urls import reverse

from projects.models import FundingSource, Project
from targets.models import Cell, Indicator, TableColumn, TableRow, Target, TargetTable
from targets.selectors import project_indicator_tree
from tests.targets.test_rules import pairing_problems
from units.models import AuditEntry, Unit

pytestmark = pytest.mark.django_db


def _project_post(project, **changes):
    from projects.forms import FundingSourceFormSet, ProjectForm

    form = ProjectForm(instance=project)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        data[name] = "" if value is None else getattr(value, "pk", value)
    funding = FundingSourceFormSet(instance=project)
    data.update(
        {
            f"{funding.prefix}-TOTAL_FORMS": len(funding.forms),
            f"{funding.prefix}-INITIAL_FORMS": funding.initial_form_count(),
            f"{funding.prefix}-MIN_NUM_FORMS": 0,
            f"{funding.prefix}-MAX_NUM_FORMS": 1000,
        }
    )
    for index, f in enumerate(funding.forms):
        data[f"{funding.prefix}-{index}-id"] = f.instance.pk or ""
        for name in ("source_project", "label", "amount"):
            value = f.initial.get(name)
            data[f"{funding.prefix}-{index}-{name}"] = "" if value is None else value
    data.update(changes)
    return data


def test_the_header_and_funding_are_saved_and_audited(client, admin_user, hubei):
    client.force_login(admin_user)
    data = _project_post(hubei, leader="张三", **{"funding_sources-1-amount": "5200.50"})
    response = client.post(reverse("projects:edit", args=[hubei.pk]), data)
    assert response.status_code == 302
    hubei.refresh_from_db()
    assert hubei.leader == "张三"
    assert str(FundingSource.objects.get(project=hubei, label="其中：中央补助").amount) == "5200.50"
    entry = AuditEntry.objects.get(action="projects.project.changed")
    assert (entry.before, entry.after, entry.actor) == ({"leader": "李述武"}, {"leader": "张三"}, admin_user)


def test_a_bad_header_is_refused_on_its_field_and_nothing_is_saved(client, admin_user, hubei):
    client.force_login(admin_user)
    data = _project_post(hubei, leader="张三", start_year="2024", end_year="2021")
    response = client.post(reverse("projects:edit", args=[hubei.pk]), data)
    assert response.status_code == 400 and "结束年度不能早于起始年度" in response.content.decode()
    hubei.refresh_from_db()
    assert hubei.leader == "李述武"


def test_indicators_are_renamed_moved_between_categories_and_their_targets_edited(client, admin_user, hubei):
    client.force_login(admin_user)
    tree = project_indicator_tree(hubei)
    data = {"indicator": [i.pk for i in tree]}
    for i in tree:
        data.update(
            {
                f"ind-{i.pk}-category": i.category_id,
                f"ind-{i.pk}-name": i.name,
                f"ind-{i.pk}-unit": "",
                f"ind-{i.pk}-basis": i.basis,
                f"ind-{i.pk}-long_term": i.long_term.raw,
                f"ind-{i.pk}-annual": i.annual.raw,
            }
        )
    first = tree[0]
    social = hubei.indicators.model.category.field.related_model.objects.get(name="社会效益指标")
    data.update(
        {
            f"ind-{first.pk}-name": "收集中小微企业专利技术需求信息",
            f"ind-{first.pk}-annual": "≥3500条",
            f"ind-{first.pk}-category": social.pk,
        }
    )
    client.post(reverse("projects:indicators_save", args=[hubei.pk]), data)
    first.refresh_from_db()
    assert (first.name, first.category.name) == ("收集中小微企业专利技术需求信息", "社会效益指标")
    annual = Target.objects.get(indicator=first, period="annual")
    assert (annual.raw, annual.comparator, annual.number) == ("≥3500条", "≥", 3500)
    assert AuditEntry.objects.filter(action="targets.target.changed").count() == 1


def test_a_refused_indicator_field_keeps_what_was_typed_beside_its_error(client, admin_user, hubei):
    client.force_login(admin_user)
    tree = project_indicator_tree(hubei)
    data = {"indicator": [i.pk for i in tree]}
    for i in tree:
        data |= {
            f"ind-{i.pk}-category": i.category_id,
            f"ind-{i.pk}-name": i.name,
            f"ind-{i.pk}-unit": i.measure_unit,
            f"ind-{i.pk}-basis": i.basis,
            f"ind-{i.pk}-long_term": i.long_term.raw,
            f"ind-{i.pk}-annual": i.annual.raw,
            f"ind-{i.pk}-direction": i.direction,
            f"ind-{i.pk}-shares": i.part_shares,
        }
    first, second, third = tree[0], tree[1], tree[2]
    data |= {
        f"ind-{third.pk}-annual": "≥99999999999999999999999条",
        f"ind-{first.pk}-name": "收集中小微企业专利技术需求信息（新）",
        f"ind-{first.pk}-annual": "≥3500条",
        f"ind-{second.pk}-shares": "六比四",
        f"ind-{second.pk}-category": "999999",
    }
    before = (
        list(Indicator.objects.values_list("pk", "name", "category", "part_shares")),
        list(Target.objects.values_list("pk", "raw")),
    )
    response = client.post(reverse("projects:indicators_save", args=[hubei.pk]), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "收集中小微企业专利技术需求信息（新）</textarea>" in body and 'value="≥3500条"' in body
    assert f'name="ind-{second.pk}-shares" value="六比四"' in body
    assert "的分项分值比例应为数字，如 6:4</span>" in body
    assert '<span class="field-error">指标类别无效</span>' in body
    assert (
        f'value="≥99999999999999999999999条" class="pair annual" aria-label="年度目标值"><span class="field-error">“{third.name}”的年度绩效目标数值过大'
        in body
    )
    assert "表单不完整" not in body
    after = (
        list(Indicator.objects.values_list("pk", "name", "category", "part_shares")),
        list(Target.objects.values_list("pk", "raw")),
    )
    assert after == before and not AuditEntry.objects.filter(action__startswith="targets.").exists()


def test_a_missing_counterpart_is_flagged_on_the_page_by_name(client, admin_user, hubei):
    Target.objects.filter(indicator__project=hubei, indicator__name="全省专利质押融资金额", period="long_term").delete()
    client.force_login(admin_user)
    body = client.get(reverse("projects:edit", args=[hubei.pk])).content.decode()
    assert '<span class="pair-flag">有年度目标，缺少对应的长期目标</span>' in body
    # The page's live check asks the server (indicators_pairing): the script holds no text nor rule.
    script = (Path(__file__).resolve().parents[2] / "static/js/pairing.js").read_text(encoding="utf-8")
    assert 'src="/static/js/pairing.js"' in body and "缺少对应" not in script and "&&" not in script
    assert pairing_problems(hubei) == ["“全省专利质押融资金额”有年度目标，缺少对应的长期目标"]


def test_the_pairing_check_answers_the_indicators_as_typed(client, admin_user, hubei, outsider):
    first, second, third = Indicator.objects.filter(project=hubei).order_by("order")[:3]
    typed = {
        "indicator": [str(first.pk), str(second.pk), str(third.pk), "x"],
        f"ind-{first.pk}-long_term": "≥100件",
        f"ind-{first.pk}-annual": " ",
        f"ind-{second.pk}-annual": "≥10件",
        f"ind-{third.pk}-long_term": "≥1",
        f"ind-{third.pk}-annual": "≥1",
    }
    url = reverse("projects:indicators_pairing", args=[hubei.pk])
    client.force_login(admin_user)
    before = list(Target.objects.values_list("pk", "raw"))
    assert client.post(url, typed).json() == {
        "problems": {
            str(first.pk): "有长期目标，缺少对应的年度目标",
            str(second.pk): "有年度目标，缺少对应的长期目标",
            str(third.pk): "",
        }
    }
    assert list(Target.objects.values_list("pk", "raw")) == before  # asked, not saved
    client.force_login(outsider)
    assert client.post(url, typed).status_code == 404


def test_add_move_and_remove_indicators(client, admin_user, hubei):
    client.force_login(admin_user)
    quantity = Indicator.objects.filter(project=hubei).first().category
    client.post(
        reverse("projects:indicator_add", args=[hubei.pk]),
        {"category": quantity.pk, "name": "举办专利转化对接活动", "long_term": "≥30场", "annual": "≥10场"},
    )
    new = Indicator.objects.get(project=hubei, name="举办专利转化对接活动")
    assert set(new.targets.values_list("period", "raw")) == {("long_term", "≥30场"), ("annual", "≥10场")}
    assert pairing_problems(hubei) == []

    names = lambda: list(Indicator.objects.filter(project=hubei).order_by("order").values_list("name", flat=True))  # noqa: E731
    client.post(reverse("projects:indicator_move", args=[new.pk]), {"direction": "up"})
    assert names()[-2:] == ["举办专利转化对接活动", "全省专利质押融资金额"]

    client.post(reverse("projects:indicator_remove", args=[new.pk]))
    assert "举办专利转化对接活动" not in names()
    assert Indicator.all_objects.filter(pk=new.pk, removed_at__isnull=False).exists()


def _columns_post(table, **changes):
    data = {"column": [c.pk for c in table.columns.order_by("order")] + ["new"]}
    for c in table.columns.all():
        data.update(
            {
                f"c-{c.pk}-category": c.category_id,
                f"c-{c.pk}-name": c.name,
                f"c-{c.pk}-unit": c.measure_unit,
                f"c-{c.pk}-kind": c.value_kind,
                f"c-{c.pk}-blank": "on",
            }
        )
    data.update(
        {"c-new-category": table.columns.first().category_id, "c-new-name": "", "c-new-unit": "", "c-new-kind": "any"}
    )
    data.update(changes)
    return data


def test_columns_are_added_renamed_and_cells_follow_a_unit_change(
    client, admin_user, django_capture_on_commit_callbacks
):
    table = TargetTable.objects.get(title__contains="市州类")
    client.force_login(admin_user)
    pledge = table.columns.get(name="专利质押融资金额")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("targets:table_edit", args=[table.pk]),
            _columns_post(table, **{f"c-{pledge.pk}-unit": "亿元", "c-new-name": "新增指标", "c-new-kind": "text"}),
        )
    assert len(callbacks) == 1  # the re-parse task is queued after commit
    assert response.status_code == 302
    assert list(table.columns.order_by("order").values_list("name", flat=True))[-1] == "新增指标"
    cell = Cell.objects.get(row__unit__name="武汉市", column=pledge)
    assert (cell.raw, cell.measure_unit) == ("200000", "亿元")  # re-read after the column changed


def test_a_refused_column_field_keeps_what_was_typed_beside_its_error(client, admin_user):
    table = TargetTable.objects.get(title__contains="市州类")
    client.force_login(admin_user)
    pledge = table.columns.get(name="专利质押融资金额")
    before = list(TableColumn.objects.filter(table=table).values_list("pk", "name", "measure_unit", "part_shares"))
    changes = {
        f"c-{pledge.pk}-name": "专利质押融资金额（改）",
        f"c-{pledge.pk}-shares": "六比四",
        "c-new-name": "新增指标",
        "c-new-unit": "场",
        "c-new-kind": "nonsense",
    }
    response = client.post(reverse("targets:table_edit", args=[table.pk]), _columns_post(table, **changes))
    body = response.content.decode()
    assert response.status_code == 400
    assert f'name="c-{pledge.pk}-name" value="专利质押融资金额（改）"' in body
    assert f'name="c-{pledge.pk}-shares" value="六比四"' in body
    assert "“专利质押融资金额（改）”的分项分值比例应为数字，如 6:4</span>" in body
    assert 'name="c-new-name" value="新增指标"' in body and 'name="c-new-unit" value="场"' in body
    assert '</select><span class="field-error">值类型无效</span>' in body
    assert "表单不完整" not in body
    after = list(TableColumn.objects.filter(table=table).values_list("pk", "name", "measure_unit", "part_shares"))
    assert after == before and not AuditEntry.objects.filter(action__startswith="targets.").exists()


def test_a_column_with_values_cannot_be_deleted(client, admin_user):
    table = TargetTable.objects.get(title__contains="市州类")
    client.force_login(admin_user)
    pledge = table.columns.get(name="专利质押融资金额")
    response = client.post(
        reverse("targets:table_edit", args=[table.pk]),
        _columns_post(table, **{f"c-{pledge.pk}-delete": "on"}),
        follow=True,
    )
    assert "已有 16 个单位填写了数值，不能删除该列" in response.content.decode()
    assert TableColumn.objects.filter(pk=pledge.pk).exists()


def test_units_are_added_and_removed_recoverably(client, admin_user):
    table = TargetTable.objects.get(title__contains="市州类")
    client.force_login(admin_user)
    keep = set(table.rows.exclude(unit__name="潜江市").values_list("unit_id", flat=True))
    newcomer = Unit.objects.create(name="神农架林区", category="region")
    client.post(reverse("targets:table_units", args=[table.pk]), {"units": sorted(keep | {newcomer.pk})})
    assert set(table.rows.values_list("unit__name", flat=True)) >= {"神农架林区"}
    assert not table.rows.filter(unit__name="潜江市").exists()
    assert TableRow.all_objects.filter(table=table, unit__name="潜江市").exists()
    client.post(
        reverse("targets:table_units", args=[table.pk]),
        {"units": sorted(keep | {newcomer.pk, Unit.objects.get(name="潜江市").pk})},
    )
    assert table.rows.filter(unit__name="潜江市").exists()
    university = Unit.objects.get(name="武汉轻工大学")
    response = client.post(reverse("targets:table_units", args=[table.pk]), {"units": [university.pk]}, follow=True)
    assert "只能选择市州类单位" in response.content.decode()
    assert table.rows.count() == 17


def test_a_new_table_is_created_for_a_project(client, admin_user, hubei):
    client.force_login(admin_user)
    response = client.post(
        reverse("projects:table_create", args=[hubei.pk]),
        {
            "title": "湖北省专利转化专项计划绩效目标表-平台类（2023年度）",
            "unit_category": "platform",
            "start_year": "2023",
            "end_year": "2023",
        },
    )
    table = TargetTable.objects.get(title="湖北省专利转化专项计划绩效目标表-平台类（2023年度）")
    assert response.url == reverse("targets:table_edit", args=[table.pk])
    assert Project.objects.get(pk=hubei.pk).tables.count() == 5


@pytest.mark.parametrize("odd", ["99999999999999999999999", "²"])
def test_a_unit_id_that_is_not_a_plain_id_is_refused_with_a_message(client, admin_user, odd):
    table = TargetTable.objects.get(title__contains="市州类")
    before = set(table.rows.values_list("unit_id", flat=True))
    client.force_login(admin_user)
    response = client.post(reverse("targets:table_units", args=[table.pk]), {"units": [*before, odd]}, follow=True)
    assert response.status_code == 200 and "单位选择无效" in response.content.decode()
    assert set(table.rows.values_list("unit_id", flat=True)) == before
