"""Flat lists through django-import-export in the admin: units, users with their role,
and the indicator catalogue. One header row each; a row that fails stops the whole import
(django-import-export runs it in one transaction and reports the row)."""

from django.contrib.auth import get_user_model
from import_export import fields, resources, widgets

from .models import Membership, Role, Unit, UnitCategory


class UnitResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="单位名称")
    category = fields.Field(attribute="category", column_name="类别")
    designation = fields.Field(attribute="designation", column_name="挂牌名称")
    contact_person = fields.Field(attribute="contact_person", column_name="联系人")
    phone = fields.Field(attribute="phone", column_name="联系电话")
    address = fields.Field(attribute="address", column_name="通讯地址")

    class Meta:
        model = Unit
        import_id_fields = ["name"]
        fields = ["name", "category", "designation", "contact_person", "phone", "address"]
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row, **kwargs):
        # People write the category in Chinese (市州); it is stored by its code (region).
        labels = {label: value for value, label in UnitCategory.choices}
        value = (row.get("类别") or "").strip()
        row["类别"] = labels.get(value, value)
        if row["类别"] not in UnitCategory.values:
            raise ValueError(f"类别“{value}”无效，可选：{'、'.join(labels)}")


class MembershipResource(resources.ModelResource):
    """One user per row: login name, display name, e-mail, unit and role."""

    user = fields.Field(
        attribute="user", column_name="用户名", widget=widgets.ForeignKeyWidget(get_user_model(), field="username")
    )
    unit = fields.Field(attribute="unit", column_name="单位名称", widget=widgets.ForeignKeyWidget(Unit, field="name"))
    role = fields.Field(attribute="role", column_name="角色")

    class Meta:
        model = Membership
        import_id_fields = ["user", "unit"]
        fields = ["user", "unit", "role"]
        skip_unchanged = True

    def before_import_row(self, row, **kwargs):
        labels = {label: value for value, label in Role.choices}
        value = (row.get("角色") or "").strip()
        row["角色"] = labels.get(value, value)
        if row["角色"] not in Role.values:
            raise ValueError(f"角色“{value}”无效，可选：{'、'.join(labels)}")
        username = (row.get("用户名") or "").strip()
        if not username:
            raise ValueError("缺少用户名")
        if not Unit.objects.filter(name=(row.get("单位名称") or "").strip()).exists():
            raise ValueError(f"单位“{row.get('单位名称')}”不存在，请先导入单位")
        # New users get an unusable password: they set one through 忘记密码. In a dry run
        # the whole import is rolled back, these users with it.
        User = get_user_model()
        if not User.objects.filter(username=username).exists():
            user = User(
                username=username, first_name=(row.get("姓名") or "").strip(), email=(row.get("电子邮箱") or "").strip()
            )
            user.set_unusable_password()
            user.save()
