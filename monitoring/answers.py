"""The vocabularies of the 绩效运行监控表's answers (财预〔2019〕136号): how likely a target is to be
met, and the categories of the reasons it lags."""

from django.db import models


class Likelihood(models.TextChoices):
    """完成目标可能性 (财预〔2019〕136号)."""

    CERTAIN = "certain", "确定能"
    POSSIBLE = "possible", "有可能"
    IMPOSSIBLE = "impossible", "完全不可能"


class DeviationCategory(models.TextChoices):
    """偏差原因分析's categories (财预〔2019〕136号), any of which may apply."""

    FUNDING = "funding", "经费保障"
    SYSTEM = "system", "制度保障"
    STAFF = "staff", "人员保障"
    HARDWARE = "hardware", "硬件条件保障"
    OTHER = "other", "其他"
