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
    # The official order (武汉市, 宜昌市, 襄阳市 …): the seed files' order, set by the seed loader.
    order = models.PositiveIntegerField("排序", default=0, help_text="官方顺序，越小越靠前")

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["category", "order", "name"]

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


class AuditEntry(models.Model):
    """One audit log for every app: who did what to which object, before and after.

    Action codes are dotted (`targets.row.approved`, `targets.cell.changed`).
    Entries are only ever added.
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=40)
    object_label = models.CharField("对象", max_length=300, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    comment = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.action} {self.object_label or self.object_type + '#' + self.object_id}"


class NotificationKind(models.TextChoices):
    TABLE_OPENED = "table_opened", "目标表开放填报"
    ROW_RETURNED = "row_returned", "填报被退回"
    ROW_SUBMITTED = "row_submitted", "单位已提交"
    ROW_APPROVED = "row_approved", "填报已通过"
    ROW_REOPENED = "row_reopened", "填报被重新打开"
    DEADLINE_SOON = "deadline_soon", "截止提醒"
    REMINDER = "reminder", "催报"
    ROUND_OPENED = "round_opened", "监控/自评开始填报"
    REPORT_SUBMITTED = "report_submitted", "监控/自评报告已提交"
    REPORT_RETURNED = "report_returned", "监控/自评报告被退回"
    REPORT_APPROVED = "report_approved", "监控/自评报告已通过"


class Notification(models.Model):
    """A message in a user's in-app inbox; also sent by e-mail after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=32, choices=NotificationKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    # What the message is about, so that a reminder is sent once per row and deadline.
    subject_key = models.CharField("主题", max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    # The outbox: an e-mail is owed while emailed_at is empty. This says when it was last
    # handed to the broker, so the sweep hands over again only what was never taken or lost.
    email_queued_at = models.DateTimeField("邮件入队时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["emailed_at", "email_queued_at"], name="notification_outbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_key"],
                condition=~models.Q(subject_key=""),
                name="notification_once_per_subject",
            )
        ]

    def __str__(self):
        return self.title
