"""The 任务书 as a Word document laid out like the issued form (python-docx)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from targets.values import format_number
from units.inputs import xml_safe

from ..models import Agreement, BudgetSourceKind, PlatformKind, StaffRole
from ..numerals import chinese_count, chinese_year, rmb_upper
from . import form_text as form
from .rules import report_due_dates
from .selectors import metric_totals, stored_budget
from .services import FUNCTION_INDICATORS, TASKS

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
    # Row by row: table.cell(r, c) lays out the whole grid for each cell (quadratic in the cells).
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = ""
            _font(cell.paragraphs[0].add_run("" if value is None else xml_safe(str(value))), size=10.5)
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)  # the grid: what LibreOffice lays out by
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
    return table


def _merge(first, last):
    # Merging keeps each merged cell's (empty) paragraph; drop them so the label is one line.
    cell = first.merge(last)
    for paragraph in cell.paragraphs[1:]:
        if not paragraph.text:
            paragraph._element.getparent().remove(paragraph._element)
    return cell


def _merge_labels(table, rows: list[list[str]], *, span_values=False):
    """As the form prints it: a block's label (甲方, 财政经费分配, …) runs down the first column
    over its block; with span_values, a value with no 职务 or 电子邮箱 beside it spans its row."""
    starts = [r for r, values in enumerate(rows) if values[0]] + [len(rows)]
    for start, end in zip(starts, starts[1:]):
        if end - 1 > start:
            _merge(table.cell(start, 0), table.cell(end - 1, 0))
    if span_values:
        for r, values in enumerate(rows):
            if not values[3] and not values[4]:
                _merge(table.cell(r, 2), table.cell(r, 4))


def _money(value) -> str:
    return "" if value is None else format_number(value)


def _heading(doc, text):
    return _para(doc, text, size=14, name=TITLE)


def _lines(doc, text: str):
    for line in text.splitlines():
        _para(doc, line)


def _entered_total(total, amounts):
    """A 合计 is printed only once an amount is entered: the blank form leaves it blank, not 0."""
    return total if any(a is not None for a in amounts) else None


def _own_text(agreement: Agreement, kind: str, field: str, printed: str) -> str:
    """The agreement's own text in the section of its platform kind; the form's printed text in
    the other kind's section and on the blank form, as the issued form shows both."""
    if agreement.undertaker_id is None or agreement.platform_kind != kind:
        return printed
    return getattr(agreement, field)


def agreement_docx(agreement: Agreement) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # 任务书为A4纸
    section.left_margin = section.right_margin = Cm(2.5)
    participants = list(agreement.participants.all())
    _cover(doc, agreement)
    _basic(doc, agreement, participants)
    _tasks(doc, agreement)
    _deliverables(doc, agreement)
    special = _budget(doc, agreement)
    _staff(doc, agreement)
    _obligations(doc, agreement, special)
    _signatures(doc, agreement, participants)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cover(doc, agreement: Agreement):
    undertaker = agreement.undertaker.name if agreement.undertaker else ""
    _para(doc, "附件3", size=12, name=TITLE)
    _para(doc, f"项目编号（省局填写）：{agreement.code}")
    _para(doc, agreement.title.replace("（平台类）", ""), size=20, name=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "（平台类）", size=16, name=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"项目名称：{agreement.project.name}")
    _para(doc, f"委托单位（甲方）：（盖章）{agreement.principal.name}")
    _para(doc, f"承担单位（乙方）：（盖章）{undertaker}")
    _para(doc, f"项目负责人：{agreement.undertaker_leader}    联系电话：{agreement.undertaker_phone}")
    _para(
        doc,
        f"项目期限：{agreement.start_year}年{agreement.start_month}月至{agreement.end_year}年{agreement.end_month}月",
    )
    made = agreement.issued_on.year if agreement.issued_on else agreement.start_year
    _para(doc, agreement.principal.name, size=16, name=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{chinese_year(made)}年制", size=16, name=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_page_break()
    _para(doc, "填写说明", size=16, name=TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    for line in form.INSTRUCTIONS:
        _para(doc, line.format(principal=agreement.principal.name))
    doc.add_page_break()


def _basic(doc, agreement: Agreement, participants):
    undertaker = agreement.undertaker.name if agreement.undertaker else ""
    _heading(doc, "一、基本情况")
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
    slots = [(p.name, p.contact, p.contact_title, p.phone, p.email, p.address) for p in participants]
    slots += [("",) * 6] * (form.PARTICIPANT_SLOTS - len(slots))
    for index, (name, contact, title, phone, email, address) in enumerate(slots, start=1):
        rows += [
            ["参与单位" if index == 1 else "", f"参与单位{index}", name, "", ""],
            ["", "项目联系人", contact, "职务", title],
            ["", "联系电话", phone, "电子邮箱", email],
            ["", "通讯地址", address, "", ""],
        ]
    _merge_labels(_table(doc, rows, widths=[1.6, 3.0, 4.6, 2.6, 4.2]), rows, span_values=True)


def _tasks(doc, agreement: Agreement):
    _heading(doc, "二、项目主要任务")
    _para(doc, form.TASKS_PREAMBLE)
    for kind, heading in ((PlatformKind.MAIN, "一、总平台任务"), (PlatformKind.SUB, "二、子平台任务")):
        _para(doc, heading, bold=True)
        _lines(doc, _own_text(agreement, kind, "tasks_text", TASKS[kind]))
    _para(doc, form.TASKS_OTHER, bold=True)

    _heading(doc, "三、项目总体进度安排和阶段目标")
    _para(doc, form.SCHEDULE_NOTE.format(years=chinese_count(len(agreement.years))))
    _para(doc, "（一）项目总体进度安排", bold=True)
    _lines(doc, agreement.schedule_text)
    _para(doc, "（二）阶段目标（按年度设计）", bold=True)
    for goal in agreement.stage_goals.all():
        _para(doc, f"{goal.year}年：{goal.text}")


def _deliverables(doc, agreement: Agreement):
    main, sub = PlatformKind.MAIN, PlatformKind.SUB
    _heading(doc, "四、项目交付成果")
    _para(doc, form.DELIVERABLES_PREAMBLE)
    _para(doc, "一、总平台目标（总平台承担单位填写）", bold=True)
    _para(doc, f"功能类指标：{_own_text(agreement, main, 'deliverables_function', FUNCTION_INDICATORS[main])}")
    _para(doc, "包括以下功能：")
    for line in form.MAIN_FUNCTIONS:
        _para(doc, line)
    _para(doc, f"服务类指标：{_own_text(agreement, main, 'deliverables_service', '')}")
    for line in form.MAIN_SERVICES:
        _para(doc, line)
    _para(doc, "二、子平台目标（子平台承担单位填写）", bold=True)
    _para(doc, f"功能类指标：{_own_text(agreement, sub, 'deliverables_function', FUNCTION_INDICATORS[sub])}")
    _para(doc, f"服务类指标：{form.SUB_SERVICE_NOTE}")
    _lines(doc, _own_text(agreement, sub, "deliverables_service", ""))
    _annex(doc, agreement)


def _annex(doc, agreement: Agreement):
    _para(doc, "附表：  子平台年度绩效目标量化汇总表", bold=True)
    annex = [["年     度", *[str(y) for y in agreement.years], "合计"]]
    group = None
    for item in metric_totals(agreement):
        metric = item["metric"]
        if metric.group and metric.group != group:
            annex.append([metric.group] + [""] * (len(agreement.years) + 1))
        group = metric.group
        annex.append([metric.label, *[_money(v) for v in item["values"]], _money(item["total"])])
    _table(doc, annex, widths=[5.0] + [(16 - 5.0) / (len(agreement.years) + 1)] * (len(agreement.years) + 1))


def _budget(doc, agreement: Agreement):
    """五: sources, allocation, expenses. Returns the 专项经费 entered (万元), or None."""
    _heading(doc, "五、经费来源及预算安排")
    _para(doc, "单位：万元", align=WD_ALIGN_PARAGRAPH.RIGHT)
    sources, allocations, expenses, figures = stored_budget(agreement)
    total = _entered_total(figures["total"], sources.values())
    budget = [
        ["项目资金来源", "资金来源", "金  额", "占总额比重（%）"],
        ["", "合  计", _money(total), "100" if total else ""],
    ]
    for number, kind in enumerate(BudgetSourceKind, start=1):
        share = figures["shares"].get(kind)
        budget.append(
            ["", f"{number}.{kind.label}", _money(sources.get(kind)), "" if share is None else format_number(share)]
        )
    budget.append(["财政经费分配", "单位", "金  额", ""])
    parties = [[a.party, _money(a.amount)] for a in allocations]
    parties = parties or [["承担单位", ""]] + [[f"参与单位{n}", ""] for n in range(1, form.PARTICIPANT_SLOTS + 1)]
    budget += [["", party, amount, ""] for party, amount in parties]
    budget.append(["", "合 计", _money(_entered_total(figures["allocated"], [a.amount for a in allocations])), ""])
    budget.append(["专项经费支出预算", "经费开支内容", "预算金额", "说  明"])
    lines = [["", e.content, _money(e.amount), e.explanation] for e in expenses] or [["", "……", "", ""]]
    lines += [[""] * 4 for _ in range(form.EXPENSE_ROWS - len(lines))]
    budget += lines
    budget.append(["", "合计", _money(_entered_total(figures["expensed"], [e.amount for e in expenses])), ""])
    _merge_labels(_table(doc, budget, widths=[2.8, 5.2, 3.0, 5.0]), budget)
    _para(doc, form.BUDGET_NOTE, size=10.5)
    return sources.get(BudgetSourceKind.SPECIAL)


def _staff(doc, agreement: Agreement):
    _heading(doc, "六、项目主要参与人")
    staff = list(agreement.staff.all())
    people = [
        ["姓名", "性别", "年龄", "职务职称", "学历", "专业", "本项目工作时间（月/年）", "工作单位", "所承担的任务角色"]
    ]
    people += [
        [
            p.name,
            p.gender,
            str(p.age),
            p.title,
            p.education,
            p.major,
            str(p.months_per_year),
            p.workplace,
            p.get_role_display(),
        ]
        for p in staff
    ]
    # The form pre-prints the roles every team needs; the rows still empty keep those not yet taken.
    covered = {p.role for p in staff}
    open_roles = [label for value, label in StaffRole.choices if value not in covered]
    for _ in range(form.STAFF_ROWS - len(staff)):
        people.append([""] * 8 + [open_roles.pop(0) if open_roles else ""])
    _table(doc, people, widths=[1.8, 1.1, 1.1, 1.9, 1.5, 1.7, 1.9, 2.6, 2.4])
    _para(doc, form.STAFF_NOTE, size=10.5)


def _obligations(doc, agreement: Agreement, special):
    _heading(doc, "七、双方权利与义务")
    if special is None:
        amount = form.FUNDS_BLANK
    else:
        yuan = special * 10000
        amount = f"{format_number(yuan)}元（大写：{rmb_upper(yuan)}）"
    due = report_due_dates(agreement.start_year, agreement.end_year, agreement.end_month)
    progress = "、".join(f"{d.year}年{d.month}月{d.day}日" for d in due["progress"])
    final = due["final"]
    for clause in (
        form.OBLIGATION_FUNDS.format(amount=amount),
        form.OBLIGATION_CHECKS,
        form.OBLIGATION_REPORTS.format(progress=f"（{progress}）", final=f"{final.year}年{final.month}月{final.day}日"),
        form.OBLIGATION_ACCEPTANCE,
        form.OBLIGATION_OTHER,
    ):
        _para(doc, clause)


def _signature_block(left: str, right: str) -> list[list[str]]:
    def both(text):
        return [text, text if right else ""]

    return [[left, right], both("（盖章）"), both("代表：(签章)"), both("年  月  日")]


def _signatures(doc, agreement: Agreement, participants):
    undertaker = agreement.undertaker.name if agreement.undertaker else ""
    rows = _signature_block(f"甲方：{agreement.principal.name}", f"乙方（承担单位）：{undertaker}")
    # Two 参与单位 blocks even before any is named: the form is signed by hand where none is printed.
    names = [p.name for p in participants] + [""] * (form.PARTICIPANT_SLOTS - len(participants))
    for i in range(0, len(names), 2):
        right = f"参与单位{chinese_count(i + 2)}：{names[i + 1]}" if i + 1 < len(names) else ""
        rows += _signature_block(f"参与单位{chinese_count(i + 1)}：{names[i]}", right)
    table = _table(doc, rows, widths=[8, 8])
    table.style = None
    if agreement.issued_by:
        _para(
            doc,
            f"{agreement.issued_by}    {agreement.issued_on:%Y年%-m月%-d日}印发"
            if agreement.issued_on
            else agreement.issued_by,
        )
