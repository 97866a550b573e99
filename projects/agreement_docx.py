"""The 任务书 as a Word document laid out like the issued form (python-docx)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.exporters.agreement_annex import metric_totals
from reports.exporters.base import xml_safe
from targets.values import format_number

from .agreement_rules import budget_figures, report_due_dates
from .models import Agreement, BudgetSourceKind
from .numerals import rmb_upper

BODY = "仿宋_GB2312"
TITLE = "黑体"


def _font(run, name=BODY, size=12, bold=False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _para(doc, text="", *, size=12, name=BODY, align=None, bold=False):
    paragraph = doc.add_paragraph()
    _font(paragraph.add_run(xml_safe(text)), name=name, size=size, bold=bold)
    if align:
        paragraph.alignment = align
    return paragraph


def _table(doc, rows: list[list[str]], widths=None):
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = ""
            _font(cell.paragraphs[0].add_run("" if value is None else xml_safe(str(value))), size=10.5)
    return table


def _money(value) -> str:
    return "" if value is None else format_number(value)


def agreement_docx(agreement: Agreement) -> bytes:
    doc = Document()
    undertaker = agreement.undertaker.name if agreement.undertaker else ""
    _para(doc, "附件3", size=12, name=TITLE)
    _para(doc, f"项目编号（省局填写）：{agreement.code}")
    _para(doc, agreement.title.replace("（平台类）", ""), size=20, name=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "（平台类）", size=16, name=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"项目名称：{agreement.project.name}")
    _para(doc, f"委托单位（甲方）：（盖章）{agreement.principal.name}")
    _para(doc, f"承担单位（乙方）：（盖章）{undertaker}")
    _para(doc, f"项目负责人：{agreement.undertaker_leader}    联系电话：{agreement.undertaker_phone}")
    _para(doc, f"项目期限：{agreement.start_year}年{agreement.start_month}月至{agreement.end_year}年{agreement.end_month}月")

    _para(doc, "一、基本情况", size=14, name=TITLE)
    rows = [
        ["甲方", "单位名称", agreement.principal.name, "", ""],
        ["", "代 表 人", agreement.principal_representative, "职务", agreement.principal_representative_title],
        ["", "联络人", agreement.principal_liaison, "职务", agreement.principal_liaison_title],
        ["", "联系电话", agreement.principal_phone, "电子邮箱", agreement.principal_email],
        ["", "通讯地址", agreement.principal_address, "", ""],
        ["乙方", "承担单位", undertaker, "", ""],
        ["", "项目负责人", agreement.undertaker_leader, "职务", agreement.undertaker_leader_title],
        ["", "项目联系人", agreement.undertaker_contact, "职务", agreement.undertaker_contact_title],
        ["", "联系电话", agreement.undertaker_phone, "电子邮箱", agreement.undertaker_email],
        ["", "通讯地址", agreement.undertaker_address, "", ""],
        ["", "银行账户（全称）", agreement.bank_account_name, "开户银行（全称，含清算行号）", agreement.bank_name],
        ["", "账号", agreement.bank_account, "", ""],
    ]
    for index, p in enumerate(agreement.participants.all(), start=1):
        rows += [["参与单位", f"参与单位{index}", p.name, "", ""], ["", "项目联系人", p.contact, "职务", p.contact_title],
                 ["", "联系电话", p.phone, "电子邮箱", p.email], ["", "通讯地址", p.address, "", ""]]
    _table(doc, rows)

    _para(doc, "二、项目主要任务", size=14, name=TITLE)
    for line in agreement.tasks_text.splitlines():
        _para(doc, line)
    _para(doc, "三、项目总体进度安排和阶段目标", size=14, name=TITLE)
    _para(doc, "（一）项目总体进度安排", bold=True)
    for line in agreement.schedule_text.splitlines():
        _para(doc, line)
    _para(doc, "（二）阶段目标（按年度设计）", bold=True)
    for goal in agreement.stage_goals.all():
        _para(doc, f"{goal.year}年：{goal.text}")

    _para(doc, "四、项目交付成果", size=14, name=TITLE)
    _para(doc, f"功能类指标：{agreement.deliverables_function}")
    _para(doc, f"服务类指标：{agreement.deliverables_service}")
    _para(doc, "附表：  子平台年度绩效目标量化汇总表", bold=True)
    annex = [["年     度", *[str(y) for y in agreement.years], "合计"]]
    group = None
    for item in metric_totals(agreement):
        metric = item["metric"]
        if metric.group and metric.group != group:
            annex.append([metric.group] + [""] * (len(agreement.years) + 1))
        group = metric.group
        annex.append([metric.label, *[_money(v) for v in item["values"]], _money(item["total"])])
    _table(doc, annex)

    _para(doc, "五、经费来源及预算安排", size=14, name=TITLE)
    _para(doc, "单位：万元", align=WD_ALIGN_PARAGRAPH.RIGHT)
    sources = {s.kind: s.amount for s in agreement.budget_sources.all()}
    allocations = list(agreement.allocations.all())
    expenses = list(agreement.expenses.all())
    figures = budget_figures(sources, [{"amount": a.amount} for a in allocations],
                             [{"amount": e.amount, "is_equipment": e.is_equipment} for e in expenses])
    budget = [["项目资金来源", "资金来源", "金  额", "占总额比重（%）"],
              ["", "合  计", _money(figures["total"]), "100" if figures["total"] else ""]]
    for number, kind in enumerate(BudgetSourceKind, start=1):
        share = figures["shares"].get(kind)
        budget.append(["", f"{number}.{kind.label}", _money(sources.get(kind)), "" if share is None else format_number(share)])
    budget.append(["财政经费分配", "单位", "金  额", ""])
    budget += [["", a.party, _money(a.amount), ""] for a in allocations]
    budget.append(["", "合 计", _money(figures["allocated"]), ""])
    budget.append(["专项经费支出预算", "经费开支内容", "预算金额", "说  明"])
    budget += [["", e.content, _money(e.amount), e.explanation] for e in expenses]
    budget.append(["", "合计", _money(figures["expensed"]), ""])
    _table(doc, budget)
    _para(doc, "经费使用说明：（分项列出金额，并注明测算依据，其中专项经费主要用于专利转化服务工作，原则上用于基础设施建设或信息化软硬件等设备购置的费用不得超过专项经费总额的20%）", size=10.5)

    _para(doc, "六、项目主要参与人", size=14, name=TITLE)
    people = [["姓名", "性别", "年龄", "职务职称", "学历", "专业", "本项目工作时间（月/年）", "工作单位", "所承担的任务角色"]]
    people += [[p.name, p.gender, str(p.age), p.title, p.education, p.major, str(p.months_per_year), p.workplace,
                p.get_role_display()] for p in agreement.staff.all()]
    _table(doc, people)
    _para(doc, "（主平台不得超过12人，子平台不得超过10人）", size=10.5)

    _para(doc, "七、双方权利与义务", size=14, name=TITLE)
    yuan = figures["special"] * 10000
    due = report_due_dates(agreement.start_year, agreement.end_year, agreement.end_month)
    _para(doc, f"1、甲方向乙方拨付财政资金总额为人民币{format_number(yuan)}元（大写：{rmb_upper(yuan)}），乙方确保财政资金专款专用。")
    _para(doc, "2、甲方有权根据本任务书规定的内容，检查项目进展和经费使用情况。乙方接受甲方项目中期检查，并向甲方提交《项目中期报告》。")
    progress = "、".join(f"{d.year}年{d.month}月{d.day}日" for d in due["progress"])
    _para(doc, f"3、乙方应于项目期内每年12月31日前（{progress}）向甲方提交项目实施进展报告，于{due['final'].year}年{due['final'].month}月"
               f"{due['final'].day}日前向甲方提交项目成果（附项目涉及的资料素材、软件及文档电子版）和经费使用决算报告（加盖财务印章）。")
    _para(doc, "4、甲方按此任务书对乙方项目组织验收，并留存项目验收档案。")
    _para(doc, "5、本任务执行期间，如遇不可抗力，致使任务无法履行时，双方应按有关法律规定及时协商处理。")
    signatures = [[f"甲方：{agreement.principal.name}", f"乙方（承担单位）：{undertaker}"], ["（盖章）", "（盖章）"],
                  ["代表：(签章)", "代表：(签章)"], ["年  月  日", "年  月  日"]]
    for index, p in enumerate(agreement.participants.all(), start=1):
        signatures += [[f"参与单位{index}：{p.name}", ""], ["（盖章）", ""], ["代表：(签章)", ""], ["年  月  日", ""]]
    table = _table(doc, signatures)
    table.style = None
    if agreement.issued_by:
        _para(doc, f"{agreement.issued_by}    {agreement.issued_on:%Y年%-m月%-d日}印发" if agreement.issued_on else agreement.issued_by)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
