"""Flat lists through django-import-export: units, users with roles, the catalogue."""

import pytest
import tablib
from django.contrib.auth import get_user_model

from targets.models import IndicatorCategory
from targets.resources import IndicatorCategoryResource
from units.models import Membership, Unit
from units.resources import MembershipResource, UnitResource

pytestmark = pytest.mark.django_db


def _import(resource, headers, rows, dry_run=False):
    data = tablib.Dataset(*rows, headers=headers)
    return resource().import_data(data, dry_run=dry_run, raise_errors=False, use_transactions=True)


def test_units_import_with_chinese_categories_and_update_in_place():
    result = _import(
        UnitResource,
        ["单位名称", "类别", "挂牌名称", "联系人", "联系电话", "通讯地址"],
        [["神农架林区", "市州", "", "王五", "0719-1234567", "松柏镇"], ["武汉市", "市州", "", "赵六", "", ""]],
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert Unit.objects.get(name="神农架林区").category == "region"
    assert Unit.objects.get(name="武汉市").contact_person == "赵六"


def test_a_bad_unit_row_stops_the_whole_import_and_names_the_row():
    before = Unit.objects.count()
    result = _import(
        UnitResource,
        ["单位名称", "类别", "挂牌名称", "联系人", "联系电话", "通讯地址"],
        [["甲市", "市州", "", "", "", ""], ["乙部", "部委", "", "", "", ""]],
    )
    assert result.has_errors()
    error = result.row_errors()[0]
    assert error[0] == 2 and "类别“部委”无效" in str(error[1][0].error)
    assert Unit.objects.count() == before


def test_users_import_with_their_unit_and_role():
    result = _import(
        MembershipResource,
        ["用户名", "姓名", "电子邮箱", "单位名称", "角色"],
        [["xiangyang", "襄阳市填报员", "xy@example.cn", "襄阳市", "单位填报员"]],
    )
    assert not result.has_errors()
    user = get_user_model().objects.get(username="xiangyang")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == "filler"


def test_the_catalogue_imports_a_new_second_level_category():
    result = _import(
        IndicatorCategoryResource, ["级别", "名称", "上级指标", "排序"], [[2, "公平性指标", "效益指标", 9]]
    )
    assert not result.has_errors()
    assert IndicatorCategory.objects.get(name="公平性指标").parent.name == "效益指标"
