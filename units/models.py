from django.conf import settings
from django.db import models


class UnitCategory(models.TextChoices):
    BUREAU = "bureau", "省局"
    REGION = "region", "市州"
    UNIVERSITY = "university", "高校院所"
    OPERATION_CENTRE = "operation_centre", "运营中心"
    PLATFORM = "platform", "平台"
    DEPARTMENT = "department", "主管部门"


class Unit(models.Model):
    """A body that files or receives targets: the bureau, a 市州, a university, a centre."""

    name = models.CharField("单位名称", max_length=200, unique=True)
    short_name = models.CharField("简称", max_length=60, blank=True)
    category = models.CharField("类别", max_length=32, choices=UnitCategory.choices, db_index=True)
    designation = models.CharField(
        "挂牌名称", max_length=200, blank=True, help_text="如：湖北省光电产业知识产权运营中心"
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    contact_person = models.CharField("联系人", max_length=60, blank=True)
    contact_title = models.CharField("职务", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=60, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    bank_account_name = models.CharField("银行账户（全称）", max_length=200, blank=True)
    bank_name = models.CharField("开户银行（全称，含清算行号）", max_length=200, blank=True)
    bank_account = models.CharField("账号", max_length=60, blank=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "省局管理员"
    REVIEWER = "reviewer", "省局审核员"
    FILLER = "filler", "单位填报员"
    OBSERVER = "observer", "观察员"


class Membership(models.Model):
    """Who works for which unit, in which role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "单位成员"
        verbose_name_plural = "单位成员"
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="membership_user_unit_unique")]

    def __str__(self):
        return f"{self.user} @ {self.unit}（{self.get_role_display()}）"
