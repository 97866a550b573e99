"""A row's funding (`武汉市（160万）`): the bureau sets it in the table editor and on the row page,
Decimal, audited, refused naming the unit when it is not a number."""

from decimal import Decimal

import pytest
from django.urls import reverse

from targets.models import TableRow
from units.models import AuditEntry

pytestmark = pytest.mark.django_db


def _table_post(rows: dict, shown: dict | None = None) -> dict:
    data = {f"funding-{row.pk}": value for row, value in rows.items()}
    for row in rows:
        data[f"shown-{row.pk}"] = (shown or {}).get(row, "" if row.funding is None else f"{row.funding.normalize():f}")
    return data


def test_the_admin_sets_funding_for_several_units_in_the_table_editor(client, admin_user, wuhan_row):
    yichang = TableRow.objects.get(table=wuhan_row.table, unit__name="宜昌市")
    client.force_login(admin_user)
    page = client.get(reverse("targets:table_edit", args=[wuhan_row.table_id])).content.decode()
    assert f'name="funding-{wuhan_row.pk}"' in page
    response = client.post(
        reverse("targets:table_funding", args=[wuhan_row.table_id]),
        _table_post({wuhan_row: "160", yichang: "1,200.5万"}),
        follow=True,
    )
    assert "已保存 2 个单位的资金：武汉市、宜昌市" in response.content.decode()
    wuhan_row.refresh_from_db()
    yichang.refresh_from_db()
    assert (wuhan_row.funding, yichang.funding) == (Decimal("160"), Decimal("1200.5"))
    assert isinstance(wuhan_row.funding, Decimal) and wuhan_row.unit_label == "武汉市（160万）"
    entry = AuditEntry.objects.get(action="targets.row.funding_changed", object_id=str(yichang.pk))
    assert (entry.before, entry.after, entry.actor) == ({"funding": ""}, {"funding": "1200.5"}, admin_user)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("一百六十", "“宜昌市”的资金应为数字（万元），收到“一百六十”"),
        ("-5", "“宜昌市”的资金不能为负数"),
        ("1e400", "“宜昌市”的资金"),
        ("123456789012345", "“宜昌市”的资金数值过大"),
    ],
)
def test_bad_funding_is_refused_naming_the_unit_and_nothing_is_saved(client, admin_user, wuhan_row, typed, message):
    yichang = TableRow.objects.get(table=wuhan_row.table, unit__name="宜昌市")
    client.force_login(admin_user)
    response = client.post(
        reverse("targets:table_funding", args=[wuhan_row.table_id]),
        _table_post({wuhan_row: "99", yichang: typed}),
        follow=True,
    )
    assert message in response.content.decode()
    wuhan_row.refresh_from_db()
    assert wuhan_row.funding is None  # the good value beside it is not saved either
    assert not AuditEntry.objects.filter(action="targets.row.funding_changed").exists()


def test_a_reviewer_sets_it_on_the_row_page_and_a_unit_cannot(client, reviewer, wuhan, wuhan_row, open_table):
    client.force_login(reviewer)
    page = client.get(reverse("targets:row", args=[wuhan_row.pk])).content.decode()
    assert 'action="%s"' % reverse("targets:row_funding", args=[wuhan_row.pk]) in page
    client.post(reverse("targets:row_funding", args=[wuhan_row.pk]), {"funding": "160", "shown": ""})
    wuhan_row.refresh_from_db()
    assert wuhan_row.funding == Decimal("160")
    client.force_login(wuhan)
    page = client.get(reverse("targets:row", args=[wuhan_row.pk])).content.decode()
    assert "资金：160 万元" in page and reverse("targets:row_funding", args=[wuhan_row.pk]) not in page
    response = client.post(reverse("targets:row_funding", args=[wuhan_row.pk]), {"funding": "999", "shown": "160"})
    assert response.status_code == 403
    wuhan_row.refresh_from_db()
    assert wuhan_row.funding == Decimal("160")


def test_funding_changed_meanwhile_is_not_overwritten(client, admin_user, wuhan_row):
    TableRow.objects.filter(pk=wuhan_row.pk).update(funding=Decimal("200"))
    client.force_login(admin_user)
    response = client.post(
        reverse("targets:row_funding", args=[wuhan_row.pk]), {"funding": "150", "shown": "160"}, follow=True
    )
    assert "资金已被他人修改：“武汉市”（现为 200）" in response.content.decode()
    wuhan_row.refresh_from_db()
    assert wuhan_row.funding == Decimal("200")


def test_a_row_of_another_table_is_refused(client, admin_user, wuhan_row, hubei):
    other = TableRow.objects.exclude(table=wuhan_row.table).filter(table__project=hubei).first()
    client.force_login(admin_user)
    response = client.post(
        reverse("targets:table_funding", args=[wuhan_row.table_id]), {f"funding-{other.pk}": "5"}, follow=True
    )
    assert "不属于本表" in response.content.decode()
    other.refresh_from_db()
    assert other.funding != Decimal("5")
