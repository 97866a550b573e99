from django.conf import settings
from django.db import models
from django.utils import timezone

from projects.downloads import download_name
from projects.models import Project


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    # Its file was deleted after settings.EXPORT_RETENTION_DAYS; 重新导出 builds it again.
    EXPIRED = "expired", "已过期"


class ExportJob(models.Model):
    """A file being built by a Celery worker, with its progress: a project's 全部附件 workbook,
    a 任务书 PDF, the .zip of every unit's 自评表 (监控表) of a round, or one sheet as PDF (the
    附件2 of a project, a unit table) for clerks who file paper."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="export_jobs")
    # Set for a 任务书 PDF (projects.agreements.pdf); blank for the project's 全部附件 workbook.
    agreement = models.ForeignKey(
        "projects.Agreement",
        verbose_name="任务书",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pdf_jobs",
    )
    # Set for the .zip of every unit's form of a round (reports.unit_forms).
    round = models.ForeignKey(
        "monitoring.Round",
        verbose_name="轮次",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    # Set for a sheet printed as PDF (“print what you see”): the layout, and the table for a unit table.
    layout = models.CharField("版式", max_length=40, blank=True)
    table = models.ForeignKey(
        "targets.TargetTable",
        verbose_name="目标表",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    status = models.CharField("状态", max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    # Sheets of a workbook, steps of a PDF, or unit forms of a round's .zip.
    done_sheets = models.PositiveIntegerField("已完成", default=0)
    total_sheets = models.PositiveIntegerField("总数", default=0)
    file = models.FileField("文件", upload_to="exports/", blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    # When it was last handed to the workers (again on 重试): a job not started within
    # settings.EXPORT_JOB_START_SECONDS of this is marked failed instead of waiting for ever.
    queued_at = models.DateTimeField("排队时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]
        # The retention sweep's query: finished files past their days.
        indexes = [models.Index(fields=["status", "finished_at"], name="reports_export_sweep_idx")]

    def __str__(self):
        return f"{self.project} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return int(100 * self.done_sheets / self.total_sheets) if self.total_sheets else 0

    @property
    def label(self) -> str:
        if self.round_id:
            return f"{self.round}·每个单位的{self.round.form_name}"
        if self.layout:
            return f"{self.sheet_title} PDF"
        return "任务书 PDF" if self.agreement_id else "全部附件"

    @property
    def sheet_title(self) -> str:
        """What a sheet PDF prints: the table's title, or the layout's (the registry is reports')."""
        if self.table_id:
            return self.table.title
        from .exporters import exporter_for

        return exporter_for(self.layout).title

    @property
    def download_name(self) -> str:
        if self.agreement_id:
            return download_name(self.project, "任务书", self.agreement.owner_label, ext="pdf")
        if self.round_id:
            return download_name(self.project, str(self.round), f"各单位{self.round.form_name}", ext="zip")
        if self.layout:
            return download_name(self.project, self.sheet_title, ext="pdf")
        return download_name(self.project, "全部附件", ext="xlsx")

    @property
    def content_type(self) -> str:
        if self.agreement_id or self.layout:
            return "application/pdf"
        if self.round_id:
            return "application/zip"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    INVALID = "invalid", "有错误"
    APPLIED = "applied", "已导入"
    FAILED = "failed", "导入失败"


class ImportJob(models.Model):
    """An uploaded file, its preview and, once confirmed, its result."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        Project, verbose_name="项目", null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs"
    )
    filename = models.CharField("文件名", max_length=255)
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    plan = models.JSONField("预览", default=dict)
    message = models.TextField("结果", blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} · {self.get_status_display()}"
