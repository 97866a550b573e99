"""Units in their official order (the seed order), and the table editor's unit list."""

import pytest
from django.urls import reverse

from projects.seeds import read_seed_files, seeds_load
from targets import editing
from targets.models import TableRow, TargetTable
from units.models import AuditEntry, Unit

pytestmark = pytest.mark.django_db

OFFICIAL = ["武汉市", "宜昌市", "襄阳市", "黄石市", "十堰市", "荆州市", "荆门市", "鄂州市"]


def test_the_seed_order_is_the_official_order_not_the_character_codes():
    names = list(Unit.objects.filter(category="region").values_list("name", flat=True))
    assert names[:8] == OFFICIAL
    assert names[-3:] == ["仙桃市", "天门市", "潜江市"]


def test_loading_the_seeds_again_keeps_an_order_set_by_hand():
    Unit.objects.filter(name="潜江市").update(order=0)
    Unit.objects.filter(name="襄阳市").update(order=1000)
    seeds_load(read_seed_files())
    assert Unit.objects.get(name="襄阳市").order == 1000
    assert Unit.objects.get(name="潜江市").order > 0


def test_a_new_table_with_all_units_lists_them_in_the_official_order(client, admin_user, hubei):
    client.force_login(admin_user)
    client.post(
        reverse("projects:table_create", args=[hubei.pk]),
        {"title": "新表", "unit_category": "region", "start_year": "2023", "end_year": "2023", "all_units": "on"},
    )
    table = TargetTable.objects.get(project=hubei, title="新表")
    rows = list(TableRow.objects.filter(table=table).order_by("seq").values_list("unit__name", flat=True))
    assert len(rows) == 16 and rows[:8] == OFFICIAL


def test_units_ticked_in_the_editor_become_rows_in_the_official_order(hubei, admin_user):
    table = editing.table_create(
        project=hubei, title="新表", unit_category="region", start_year=2023, end_year=2023, actor=admin_user
    )
    ids = set(Unit.objects.filter(name__in=["潜江市", "武汉市", "襄阳市", "宜昌市"]).values_list("pk", flat=True))
    editing.table_units_set(table=table, unit_ids=ids, actor=admin_user)
    assert list(table.rows.order_by("seq").values_list("unit__name", flat=True)) == [
        "武汉市",
        "宜昌市",
        "襄阳市",
        "潜江市",
    ]


def test_the_editor_lists_units_in_order_with_select_all_and_by_category(client, admin_user, hubei):
    client.force_login(admin_user)
    table = TargetTable.objects.get(project=hubei, unit_category="region")
    response = client.get(reverse("targets:table_edit", args=[table.pk]))
    body = response.content.decode()
    assert [u.name for u in response.context["units"]][:8] == OFFICIAL
    assert 'data-pick="all"' in body and 'data-pick="category"' in body and "全选市州" in body
    assert body.index(" 武汉市</label>") < body.index(" 宜昌市</label>") < body.index(" 仙桃市</label>")
    wuhan = Unit.objects.get(name="武汉市")
    assert f'name="seq-{wuhan.pk}" value="1"' in body


def test_typed_numbers_reorder_the_rows_and_the_change_is_audited(client, admin_user, hubei):
    client.force_login(admin_user)
    table = TargetTable.objects.get(project=hubei, unit_category="region")
    rows = list(TableRow.objects.filter(table=table).order_by("seq").select_related("unit"))
    data = {"units": [str(r.unit_id) for r in rows]}
    for r in rows:
        data[f"seq-{r.unit_id}"] = str(r.seq)
    wuhan, xiangyang = rows[0], rows[2]
    data[f"seq-{xiangyang.unit_id}"] = "1"
    data[f"seq-{wuhan.unit_id}"] = "3"
    response = client.post(reverse("targets:table_units", args=[table.pk]), data)
    assert response.status_code == 302
    names = list(TableRow.objects.filter(table=table).order_by("seq").values_list("unit__name", flat=True))
    assert names[:3] == ["襄阳市", "宜昌市", "武汉市"]
    assert list(TableRow.objects.filter(table=table).order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 17)
    )
    entry = AuditEntry.objects.get(action="targets.table.units_reordered")
    assert entry.after["units"][:3] == ["襄阳市", "宜昌市", "武汉市"]


def test_a_number_that_is_not_a_whole_number_changes_nothing(client, admin_user, hubei):
    client.force_login(admin_user)
    table = TargetTable.objects.get(project=hubei, unit_category="region")
    rows = list(TableRow.objects.filter(table=table).order_by("seq"))
    data = {"units": [str(r.unit_id) for r in rows], f"seq-{rows[0].unit_id}": "第一"}
    response = client.post(reverse("targets:table_units", args=[table.pk]), data, follow=True)
    assert "序号应为正整数" in response.content.decode()
    assert list(TableRow.objects.filter(table=table).order_by("seq")) == rows


def test_unticked_units_are_removed_and_the_rest_keep_their_order(hubei, admin_user):
    table = TargetTable.objects.get(project=hubei, unit_category="region")
    keep = list(TableRow.objects.filter(table=table).order_by("seq").values_list("unit_id", flat=True))[1:]
    positions = {unit_id: n for n, unit_id in enumerate(keep, start=1)}
    editing.table_units_set(table=table, unit_ids=set(keep), actor=admin_user, positions=positions)
    names = list(TableRow.objects.filter(table=table).order_by("seq").values_list("unit__name", flat=True))
    assert names[:3] == ["宜昌市", "襄阳市", "黄石市"] and "武汉市" not in names
    removed = TableRow.all_objects.get(table=table, unit__name="武汉市")
    assert removed.removed_at is not None and removed.seq == 16
