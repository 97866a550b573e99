from django.db import models
from django.urls import reverse
from guardian.models import UserObjectPermissionBase

from review.engine import Reviewable, ReviewEvent
from targets.models import TargetPeriods
from units import inputs, policy
from units.models import Unit


class ProjectLevel(models.TextChoices):
    PRIMARY = "primary", "一级项目"
    SECONDARY = "secondary", "二级项目"


class Project(models.Model):
    """A funded programme and the header block of its target table."""

    code = models.SlugField("项目编号", max_length=60, unique=True, allow_unicode=False)
    name = models.CharField("项目名称", max_length=500)
    title = models.CharField(
        "表头标题", max_length=300, blank=True, help_text="如：湖北省2022年服务业发展（专利转化专项计划）绩效目标表"
    )
    level = models.CharField("项目等级", max_length=16, choices=ProjectLevel.choices, default=ProjectLevel.PRIMARY)
    parent = models.ForeignKey(
        "self", verbose_name="上级项目", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    competent_department = models.ForeignKey(
        Unit, verbose_name="主管部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provincial_department = models.ForeignKey(
        Unit, verbose_name="省级主管部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    local_department = models.ForeignKey(
        Unit, verbose_name="地方主管部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    budget_unit = models.ForeignKey(
        Unit, verbose_name="预算单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leader = models.CharField("项目负责人", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=60, blank=True)
    address = models.CharField("单位地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    fund_type = models.CharField("资金类型", max_length=100, blank=True)
    budget_year = models.PositiveIntegerField("预算年度", null=True, blank=True)
    start_year = models.PositiveIntegerField("起始年度", null=True, blank=True)
    end_year = models.PositiveIntegerField("结束年度", null=True, blank=True)
    funding_requirement = inputs.DecimalField(
        "资金需求（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    money_unit = models.CharField("金额单位", max_length=10, default="万元")
    expenditure_content = models.TextField("支出内容", blank=True)
    policy_basis = models.TextField("政策依据", blank=True)
    overall_goal = models.TextField("总体绩效目标", blank=True)
    long_term_goal = models.TextField("长期目标", blank=True)
    target_periods = models.CharField(
        "目标期间", max_length=32, choices=TargetPeriods.choices, default=TargetPeriods.LONG_TERM_AND_ANNUAL
    )
    note = models.TextField("注", blank=True)
    source = models.CharField("来源文件", max_length=200, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    # The project of the year before, when this one was made by 复制到新年度 (projects.copying).
    copied_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["order", "code"]
        permissions = [(policy.REVIEW_PERMISSION, "审核本项目的填报")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funding_requirement__gte=0) | models.Q(funding_requirement__isnull=True),
                name="project_funding_requirement_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(start_year__lte=models.F("end_year")),
                name="project_years_ordered",
            ),
            # One copy of a project per year: 复制到新年度 refuses a second one.
            models.UniqueConstraint(fields=["copied_from", "budget_year"], name="project_one_copy_per_year"),
        ]

    def __str__(self):
        return self.name


class ProjectUserObjectPermission(UserObjectPermissionBase):
    """Per-project grants (a reviewer assigned to a project), with a real foreign key."""

    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "项目授权"
        verbose_name_plural = "项目授权"


class FundingSource(models.Model):
    """A line of 项目资金来源: 年度金额, 其中：中央补助 5,000.00 …"""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="funding_sources")
    order = models.PositiveIntegerField("排序", default=0)
    source_project = models.CharField("来源项目", max_length=200, blank=True)
    label = models.CharField("金额说明", max_length=100, blank=True, help_text="如：年度金额：、其中：中央补助")
    amount = inputs.DecimalField("金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "资金来源"
        verbose_name_plural = "资金来源"
        ordering = ["project", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "order"], name="funding_source_order_unique")]

    def __str__(self):
        return f"{self.label or self.source_project} {self.amount if self.amount is not None else ''}".strip()


class PlatformKind(models.TextChoices):
    MAIN = "main", "总平台"
    SUB = "sub", "子平台"


class AgreementQuerySet(models.QuerySet):
    def issued(self):
        """Real 任务书: issued to an undertaking unit, filled by it."""
        return self.filter(undertaker__isnull=False)

    def formats(self):
        """The bureau's 任务书格式 of a project (甲方, period, 附表 metrics): no unit's, never filled."""
        return self.filter(undertaker__isnull=True)


class Agreement(Reviewable):
    """任务书 of a platform project: the parties, the period and its annexed yearly table.

    Without an undertaker it is the project's 任务书格式: the bureau's template each issued
    任务书 is made from (projects.agreements.formats). A format is named and listed as such,
    never as a unit's 任务书 (`Agreement.objects.issued()` lists the real ones)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="agreements")
    code = models.CharField("项目编号（省局填写）", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    platform_kind = models.CharField("平台类型", max_length=8, choices=PlatformKind.choices, default=PlatformKind.SUB)
    principal = models.ForeignKey(
        Unit, verbose_name="委托单位（甲方）", on_delete=models.PROTECT, related_name="agreements_as_principal"
    )
    principal_representative = models.CharField("甲方代表人", max_length=60, blank=True)
    principal_representative_title = models.CharField("甲方代表人职务", max_length=60, blank=True)
    principal_liaison = models.CharField("甲方联络人", max_length=60, blank=True)
    principal_liaison_title = models.CharField("甲方联络人职务", max_length=60, blank=True)
    principal_phone = models.CharField("甲方联系电话", max_length=60, blank=True)
    principal_email = models.EmailField("甲方电子邮箱", blank=True)
    principal_address = models.CharField("甲方通讯地址", max_length=200, blank=True)
    undertaker = models.ForeignKey(
        Unit,
        verbose_name="承担单位（乙方）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements_as_undertaker",
    )
    start_year = models.PositiveIntegerField("起始年")
    start_month = models.PositiveSmallIntegerField("起始月")
    end_year = models.PositiveIntegerField("结束年")
    end_month = models.PositiveSmallIntegerField("结束月")
    issued_by = models.CharField("印发单位", max_length=100, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    # 乙方, as filled in by the undertaking unit
    undertaker_leader = models.CharField("项目负责人", max_length=60, blank=True)
    undertaker_leader_title = models.CharField("项目负责人职务", max_length=60, blank=True)
    undertaker_contact = models.CharField("项目联系人", max_length=60, blank=True)
    undertaker_contact_title = models.CharField("项目联系人职务", max_length=60, blank=True)
    undertaker_phone = models.CharField("乙方联系电话", max_length=60, blank=True)
    undertaker_email = models.EmailField("乙方电子邮箱", blank=True)
    undertaker_address = models.CharField("乙方通讯地址", max_length=200, blank=True)
    bank_account_name = models.CharField("银行账户（全称）", max_length=200, blank=True)
    bank_name = models.CharField("开户银行（全称，含清算行号）", max_length=200, blank=True)
    bank_account = models.CharField("账号", max_length=60, blank=True)
    # sections
    tasks_text = models.TextField("项目主要任务", blank=True)
    schedule_text = models.TextField("总体进度安排", blank=True)
    deliverables_function = models.TextField("功能类指标", blank=True)
    deliverables_service = models.TextField("服务类指标", blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "任务书"
        verbose_name_plural = "任务书"
        constraints = [
            # A project has one 任务书格式: 下达任务书 copies it, and a second would be a guess.
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(undertaker__isnull=True), name="agreement_one_format_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(start_month__gte=1, start_month__lte=12, end_month__gte=1, end_month__lte=12),
                name="agreement_months_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__lt=models.F("end_year"))
                | models.Q(start_year=models.F("end_year"), start_month__lte=models.F("end_month")),
                name="agreement_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.title}（任务书格式）" if self.is_format else self.title

    @property
    def is_format(self) -> bool:
        return self.undertaker_id is None

    @property
    def owner_label(self) -> str:
        """Whose it is, in a file name or a heading: the undertaking unit, or 任务书格式."""
        return self.undertaker.name if self.undertaker_id else "任务书格式"

    # --- as a reviewable (review.engine) ---
    audit_code = "projects.agreement"
    review_noun = "任务书"
    review_rules = {
        ReviewEvent.SUBMITTED: "can_submit_agreement",
        ReviewEvent.RETURNED: "can_review_agreement",
        ReviewEvent.APPROVED: "can_review_agreement",
    }

    @property
    def edit_label(self) -> str:
        return "任务书"

    def get_absolute_url(self) -> str:
        return reverse("projects:agreement", args=[self.pk])

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class MetricKind(models.TextChoices):
    QUANTITY = "quantity", "数量（合计求和）"
    MONEY = "money", "金额（合计求和）"
    RATE = "rate", "增幅（不求和）"


class AgreementMetric(models.Model):
    """A row of 附表 子平台年度绩效目标量化汇总表."""

    agreement = models.ForeignKey(Agreement, verbose_name="任务书", on_delete=models.CASCADE, related_name="metrics")
    order = models.PositiveIntegerField("排序")
    group = models.CharField("分组", max_length=100, blank=True, help_text="如：专利质押融资情况")
    name = models.CharField("指标", max_length=100)
    measure_unit = models.CharField("计量单位", max_length=20, blank=True)
    kind = models.CharField("类型", max_length=16, choices=MetricKind.choices)

    class Meta:
        verbose_name = "附表指标"
        verbose_name_plural = "附表指标"
        ordering = ["agreement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "order"], name="agreement_metric_order_unique"),
            models.UniqueConstraint(fields=["agreement", "group", "name"], name="agreement_metric_name_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name}（{self.measure_unit}）" if self.measure_unit else self.name

    @property
    def is_summed(self) -> bool:
        return self.kind != MetricKind.RATE


class AgreementMetricValue(models.Model):
    metric = models.ForeignKey(AgreementMetric, verbose_name="指标", on_delete=models.CASCADE, related_name="values")
    year = models.PositiveIntegerField("年度")
    value = inputs.DecimalField("数值", max_digits=16, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = "附表数值"
        verbose_name_plural = "附表数值"
        constraints = [models.UniqueConstraint(fields=["metric", "year"], name="agreement_value_metric_year_unique")]

    def __str__(self):
        return f"{self.metric} {self.year}: {self.value}"


class AgreementParticipant(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name="任务书", on_delete=models.CASCADE, related_name="participants"
    )
    order = models.PositiveIntegerField("排序")
    name = models.CharField("参与单位", max_length=200)
    contact = models.CharField("项目联系人", max_length=60, blank=True)
    contact_title = models.CharField("职务", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=60, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)

    class Meta:
        verbose_name = "参与单位"
        verbose_name_plural = "参与单位"
        ordering = ["agreement", "order"]

    def __str__(self):
        return self.name


class AgreementStageGoal(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name="任务书", on_delete=models.CASCADE, related_name="stage_goals"
    )
    year = models.PositiveIntegerField("年度")
    text = models.TextField("阶段目标", blank=True)

    class Meta:
        verbose_name = "阶段目标"
        verbose_name_plural = "阶段目标"
        ordering = ["agreement", "year"]
        constraints = [models.UniqueConstraint(fields=["agreement", "year"], name="stage_goal_one_per_year")]

    def __str__(self):
        return f"{self.year}年"


class BudgetSourceKind(models.TextChoices):
    SPECIAL = "special", "省知识产权局专项经费"
    SELF = "self", "自筹经费"
    OTHER = "other", "其他来源"


class AgreementBudgetSource(models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name="任务书", on_delete=models.CASCADE, related_name="budget_sources"
    )
    kind = models.CharField("资金来源", max_length=16, choices=BudgetSourceKind.choices)
    amount = inputs.DecimalField("金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "经费来源"
        verbose_name_plural = "经费来源"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="budget_source_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(amount__isnull=True), name="budget_source_not_negative"
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class AgreementAllocation(models.Model):
    """财政经费分配: how the 专项经费 is split between the 承担单位 and each 参与单位."""

    agreement = models.ForeignKey(
        Agreement, verbose_name="任务书", on_delete=models.CASCADE, related_name="allocations"
    )
    order = models.PositiveIntegerField("排序")
    party = models.CharField("单位", max_length=200)
    amount = inputs.DecimalField("金额（万元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "财政经费分配"
        verbose_name_plural = "财政经费分配"
        ordering = ["agreement", "order"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="allocation_not_negative")]

    def __str__(self):
        return self.party


class AgreementExpense(models.Model):
    """专项经费支出预算 line."""

    agreement = models.ForeignKey(Agreement, verbose_name="任务书", on_delete=models.CASCADE, related_name="expenses")
    order = models.PositiveIntegerField("排序")
    content = models.CharField("经费开支内容", max_length=200)
    amount = inputs.DecimalField("预算金额（万元）", max_digits=14, decimal_places=2)
    explanation = models.TextField("说明", blank=True)
    is_equipment = models.BooleanField("基础设施建设或信息化软硬件等设备购置", default=False)

    class Meta:
        verbose_name = "专项经费支出"
        verbose_name_plural = "专项经费支出"
        ordering = ["agreement", "order"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="expense_not_negative")]

    def __str__(self):
        return self.content


class StaffRole(models.TextChoices):
    LEADER = "leader", "项目负责人"
    FINANCE = "finance", "财务负责人"
    MANAGEMENT = "management", "项目管理"
    IMPLEMENTATION = "implementation", "项目实施"


class AgreementStaff(models.Model):
    agreement = models.ForeignKey(Agreement, verbose_name="任务书", on_delete=models.CASCADE, related_name="staff")
    order = models.PositiveIntegerField("排序")
    name = models.CharField("姓名", max_length=60)
    gender = models.CharField("性别", max_length=4, choices=[("男", "男"), ("女", "女")])
    age = models.PositiveSmallIntegerField("年龄")
    title = models.CharField("职务职称", max_length=60, blank=True)
    education = models.CharField("学历", max_length=30, blank=True)
    major = models.CharField("专业", max_length=60, blank=True)
    months_per_year = models.PositiveSmallIntegerField("本项目工作时间（月/年）")
    workplace = models.CharField("工作单位", max_length=200, blank=True)
    role = models.CharField("所承担的任务角色", max_length=20, choices=StaffRole.choices)

    class Meta:
        verbose_name = "项目主要参与人"
        verbose_name_plural = "项目主要参与人"
        ordering = ["agreement", "order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(months_per_year__gte=1, months_per_year__lte=12), name="staff_months_within_year"
            ),
            models.CheckConstraint(condition=models.Q(age__gte=16, age__lte=100), name="staff_age_plausible"),
        ]

    def __str__(self):
        return self.name


# --- 地方主管部门's filing (organisations) ------------------------------------------------------


class ProjectFiling(Reviewable):
    """A city department's filing of a project it is the 地方主管部门 of (seed 004's 二级项目表):
    the header values and each indicator's target, filled and submitted by the department,
    reviewed by the province. The values live on the project and its targets; this keeps the
    workflow. One per project, made at the first save or submit."""

    project = models.OneToOneField(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="filing")
    unit = models.ForeignKey(Unit, verbose_name="填报单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "主管部门填报"
        verbose_name_plural = "主管部门填报"

    def __str__(self):
        return f"{self.project.title or self.project.name}（{self.unit.name}）"

    # --- as a reviewable (review.engine) ---
    audit_code = "projects.filing"
    review_noun = "填报"
    review_rules = {
        ReviewEvent.SUBMITTED: "can_submit_filing",
        ReviewEvent.RETURNED: "can_review_filing",
        ReviewEvent.APPROVED: "can_review_filing",
    }

    @property
    def review_label(self) -> str:
        return self.project.title or self.project.name

    @property
    def edit_label(self) -> str:
        return "本项目的填报"

    def get_absolute_url(self) -> str:
        return reverse("projects:filing", args=[self.project_id])
