"""The 项目资金 block by source (ReportBudget), the monitoring form's answers per value, and the
unit's 实际完成情况. A report's old budget figures become its 当年财政拨款 line (年初预算数 = the
prefilled annual budget, 全年预算数 = the adjusted one, 执行数 as reported); a project's own report
opened without money (the Hubei project, whose money is in its 资金来源: 中央补助 5,000) gets its
budget from the 资金来源 unless approved (its score was approved as it stood)."""

import django.db.models.deletion
from django.db import migrations, models

from monitoring.budget import sources_from_funding

SOURCES = ("current", "carryover", "other")
AMOUNTS = ("initial_budget", "annual_budget", "executed", "expected")


def _project_amounts(FundingSource, project_id, requirement):
    entries = [
        (f"{s.label}{s.source_project}", s.amount)
        for s in FundingSource.objects.filter(project_id=project_id).order_by("order", "pk")
    ]
    amounts = sources_from_funding(entries)
    if not amounts and requirement:
        amounts = {"current": requirement}
    return amounts


def _line_figures(report, FundingSource) -> dict[str, dict]:
    figures = {source: {} for source in SOURCES}
    if report.budget_applicable and report.annual_budget is not None:
        figures["current"] = {
            "initial_budget": report.annual_budget,
            "annual_budget": report.adjusted_budget if report.adjusted_budget is not None else report.annual_budget,
            "executed": report.executed,
        }
    elif report.unit_id is None and report.status != "approved":
        project = report.round.project
        for source, amount in _project_amounts(FundingSource, project.pk, project.funding_requirement).items():
            figures[source] = {"initial_budget": amount, "annual_budget": amount}
    return figures


def _snapshot_budget(old: dict) -> dict:
    new = {f"{source}.{name}": "" for source in SOURCES for name in AMOUNTS}
    annual = old.get("annual_budget", "")
    new["current.initial_budget"] = annual
    new["current.annual_budget"] = old.get("adjusted_budget", "") or annual
    new["current.executed"] = old.get("executed", "")
    return new | {"budget_reason": old.get("budget_reason", ""), "goal_achievement": ""}


def budget_lines_from_report_fields(apps, schema_editor):
    Report = apps.get_model("monitoring", "Report")
    ReportBudget = apps.get_model("monitoring", "ReportBudget")
    ReportSnapshot = apps.get_model("monitoring", "ReportSnapshot")
    FundingSource = apps.get_model("projects", "FundingSource")
    lines = []
    for report in Report.objects.select_related("round__project").iterator():
        figures = _line_figures(report, FundingSource)
        lines += [ReportBudget(report=report, source=source, **figures[source]) for source in SOURCES]
    ReportBudget.objects.bulk_create(lines, batch_size=1000)
    for snapshot in ReportSnapshot.objects.iterator():
        if "annual_budget" in (snapshot.budget or {}) or not snapshot.budget:
            snapshot.budget = _snapshot_budget(snapshot.budget or {})
            snapshot.save(update_fields=["budget"])


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0002_grade_levels'),
        ('projects', '0005_merge_yearly_cycle'),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='goal_achievement',
            field=models.TextField(blank=True, help_text='年度总体目标的实际完成情况（单位填写）', verbose_name='实际完成情况'),
        ),
        migrations.AddField(
            model_name='reportvalue',
            name='deviation_categories',
            field=models.CharField(blank=True, help_text='经费保障、制度保障…的代码，以逗号分隔', max_length=100, verbose_name='偏差原因类别'),
        ),
        migrations.AddField(
            model_name='reportvalue',
            name='expected',
            field=models.TextField(blank=True, verbose_name='全年预计完成值'),
        ),
        migrations.AddField(
            model_name='reportvalue',
            name='likelihood',
            field=models.CharField(blank=True, choices=[('certain', '确定能'), ('possible', '有可能'), ('impossible', '完全不可能')], max_length=16, verbose_name='完成目标可能性'),
        ),
        migrations.AlterField(
            model_name='reportsnapshot',
            name='budget',
            field=models.JSONField(default=dict, help_text='{来源.字段: 金额, budget_reason, goal_achievement}', verbose_name='预算执行'),
        ),
        migrations.AlterField(
            model_name='reportsnapshot',
            name='values',
            field=models.JSONField(help_text='{完成值编号: {raw, expected, likelihood, deviation_categories, deviation_reason, …}}', verbose_name='完成值'),
        ),
        migrations.AlterField(
            model_name='reportvalue',
            name='corrective_measure',
            field=models.TextField(blank=True, help_text='监控表的“完成目标采取的措施”', verbose_name='纠偏措施'),
        ),
        migrations.AlterField(
            model_name='reportvalue',
            name='shortfall_reason',
            field=models.TextField(blank=True, help_text='自评表的“偏差原因分析及改进措施”', verbose_name='未完成原因分析'),
        ),
        migrations.CreateModel(
            name='ReportBudget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('current', '当年财政拨款'), ('carryover', '上年结转资金'), ('other', '其他资金')], max_length=16, verbose_name='资金来源')),
                ('initial_budget', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='年初预算数（万元）')),
                ('annual_budget', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='全年预算数（万元）')),
                ('executed', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='执行数（万元）')),
                ('expected', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='全年预计执行数（万元）')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='budget_lines', to='monitoring.report', verbose_name='报告')),
            ],
            options={
                'verbose_name': '项目资金',
                'verbose_name_plural': '项目资金',
                'constraints': [models.UniqueConstraint(fields=('report', 'source'), name='report_budget_once_per_source'), models.CheckConstraint(condition=models.Q(('initial_budget__gte', 0), ('initial_budget__isnull', True), _connector='OR'), name='report_budget_initial_budget_not_negative'), models.CheckConstraint(condition=models.Q(('annual_budget__gte', 0), ('annual_budget__isnull', True), _connector='OR'), name='report_budget_annual_budget_not_negative'), models.CheckConstraint(condition=models.Q(('executed__gte', 0), ('executed__isnull', True), _connector='OR'), name='report_budget_executed_not_negative'), models.CheckConstraint(condition=models.Q(('expected__gte', 0), ('expected__isnull', True), _connector='OR'), name='report_budget_expected_not_negative')],
            },
        ),
            migrations.RunPython(budget_lines_from_report_fields, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='report',
            name='adjusted_budget',
        ),
        migrations.RemoveField(
            model_name='report',
            name='annual_budget',
        ),
        migrations.RemoveField(
            model_name='report',
            name='budget_applicable',
        ),
        migrations.RemoveField(
            model_name='report',
            name='executed',
        ),
    ]
