"""The project's own reviewables on the live stack: a 任务书 from its creation to approval, a
地方主管部门's filing, and 复制到新年度 from the project page."""

import pytest

from .steps import project_id
from .web import messages_of

pytestmark = pytest.mark.live_stack

PLATFORM = "湖北省知识产权发展中心"
# New lines of a list go into the page's blank rows, numbered from 50.
SECTIONS = {
    "basic": {
        "undertaker_leader": "张明",
        "undertaker_leader_title": "主任",
        "undertaker_contact": "李华",
        "undertaker_contact_title": "科长",
        "undertaker_phone": "027-87654321",
        "undertaker_email": "lihua@example.cn",
        "undertaker_address": "武汉市武昌区",
        "bank_account_name": PLATFORM,
        "bank_name": "中国工商银行武汉水果湖支行（102521000123）",
        "bank_account": "3202001234567890123",
    },
    "budget": {
        "source-special": "160",
        "source-self": "40",
        "a-50-party": PLATFORM,
        "a-50-amount": "160",
        "e-50-content": "平台功能开发",
        "e-50-amount": "100",
        "e-51-content": "专题培训",
        "e-51-amount": "60",
    },
    "staff": {
        **{f"s-50-{k}": v for k, v in {"name": "张明", "role": "leader"}.items()},
        **{f"s-51-{k}": v for k, v in {"name": "王芳", "role": "finance"}.items()},
        **{
            f"s-{n}-{k}": v
            for n in (50, 51)
            for k, v in {"gender": "男", "age": "40", "months_per_year": "6", "workplace": PLATFORM}.items()
        },
    },
}


def _agreement_status(db, agreement: int) -> str:
    return db.one("select status from projects_agreement where id = %s", agreement)


def test_an_agreement_is_issued_filled_submitted_returned_and_approved(stack, users):
    db, admin, reviewer, platform = stack.db, users("admin"), users("reviewer"), users("platform")
    project = project_id(db)
    undertaker = db.one("select id from units_unit where name = %s", PLATFORM)
    page = admin.submit(
        f"/projects/{project}/edit/",
        f"/projects/{project}/agreements/new/",
        {"undertaker": undertaker, "platform_kind": "sub"},
    )
    agreement = db.one("select id from projects_agreement where undertaker_id = %s", undertaker)
    assert _agreement_status(db, agreement) == "not_started", messages_of(page)

    here = f"/agreements/{agreement}/"
    for section, fields in SECTIONS.items():
        page = platform.submit(here, f"/save/{section}/", fields)
        assert "已保存" in messages_of(page), (section, messages_of(page))
    metric = db.one(
        'select id from projects_agreementmetric where agreement_id = %s order by "order" limit 1', agreement
    )
    years = [y for (y,) in db.rows("select year from projects_agreementstagegoal where agreement_id = %s", agreement)]
    page = platform.submit(here, "/save/annex/", {f"m-{metric}-{year}": str(1000 + year % 10) for year in years})
    assert "已保存" in messages_of(page), messages_of(page)
    content = platform.form(here, "/save/content/")
    page = platform.submit(
        here, "/save/content/", {f"goal-{y}": f"{y}年阶段目标" for y in years if f"goal-{y}" in content.names}
    )
    assert "已保存" in messages_of(page), messages_of(page)
    assert db.one("select undertaker_leader from projects_agreement where id = %s", agreement) == "张明"
    assert db.one("select count(*) from projects_agreementstaff where agreement_id = %s", agreement) == 2

    page = platform.submit(here, f"/agreements/{agreement}/submit/")
    assert _agreement_status(db, agreement) == "submitted", messages_of(page)
    page = reviewer.submit(here, f"/agreements/{agreement}/return/", {"comment": "请补充服务类指标"})
    assert db.one("select status, review_comment from projects_agreement where id = %s", agreement) == (
        "returned",
        "请补充服务类指标",
    ), messages_of(page)
    page = platform.submit(here, "/save/content/", {"deliverables_service": "年度服务企业1000家"})
    assert "已保存" in messages_of(page), messages_of(page)
    platform.submit(here, f"/agreements/{agreement}/submit/")
    page = reviewer.submit(here, f"/agreements/{agreement}/approve/")
    assert _agreement_status(db, agreement) == "approved", messages_of(page)
    assert "任务书已审核通过" in messages_of(page)
    word = platform.get(f"/agreements/{agreement}.docx")
    assert word.status_code == 200 and word.content[:2] == b"PK"


def test_a_department_filing_is_saved_submitted_returned_and_approved(stack, users):
    db, department, bureau = stack.db, users("guangzhou"), users("gdadmin")
    project = project_id(db, "gd-transfer-guangzhou")
    here = f"/projects/{project}/filing/"
    form = department.form(here, "/filing/save/")
    # The named indicators' targets; the write-in rows (留白行, `write-<id>-name`) stay blank, as a
    # department leaves the ones it does not use.
    write_ins = {n.split("-")[1] for n in form.names if n.startswith("write-")}
    targets = sorted(n for n in form.names if n.startswith("target-") and n.split("-")[1] not in write_ins)
    assert targets, form.names
    header = {
        "leader": "陈主任",
        "phone": "020-12345678",
        "funding_requirement": "200",
        "overall_goal": "推进知识产权证券化",
    }
    page = department.submit(here, "/filing/save/", {**header, **{name: "≥10项" for name in targets}})
    filing = db.one(
        "select f.id, f.status, p.leader, p.funding_requirement from projects_projectfiling f "
        "join projects_project p on p.id = f.project_id where p.id = %s",
        project,
    )
    assert filing[1:3] == ("draft", "陈主任") and filing[3] == 200, messages_of(page)
    assert {
        raw
        for (raw,) in db.rows(
            "select t.raw from targets_target t join targets_indicator i on i.id = t.indicator_id "
            "where i.project_id = %s",
            project,
        )
    } >= {"≥10项"}

    page = department.submit(here, "/filing/submit/")
    assert db.one("select status from projects_projectfiling where id = %s", filing[0]) == "submitted", messages_of(
        page
    )
    page = bureau.submit(here, "/filing/return/", {"comment": "请细化年度目标"})
    assert db.one("select status from projects_projectfiling where id = %s", filing[0]) == "returned", messages_of(page)
    page = department.submit(here, "/filing/save/", {"overall_goal": "推进知识产权证券化，年度发行1单"})
    department.submit(here, "/filing/submit/")
    page = bureau.submit(here, "/filing/approve/")
    assert db.one(
        "select f.status, p.overall_goal from projects_projectfiling f join projects_project p on p.id = f.project_id "
        "where f.id = %s",
        filing[0],
    ) == (
        "approved",
        "推进知识产权证券化，年度发行1单",
    ), messages_of(page)


def test_copy_year_from_the_project_page_makes_next_years_project_with_its_tables(stack, users):
    db, admin = stack.db, users("admin")
    project = project_id(db)
    tables = db.one("select count(*) from targets_targettable where project_id = %s", project)
    page = admin.submit(
        f"/projects/{project}/edit/", f"/projects/{project}/copy-year/", {"year": "2023", "values": "copy"}
    )
    copy = db.one("select id, budget_year from projects_project where copied_from_id = %s", project)
    assert copy[1] == 2023, messages_of(page)
    assert any("已复制到2023年度" in m for m in messages_of(page))
    assert db.one("select count(*) from targets_targettable where project_id = %s", copy[0]) == tables
    statuses = {
        s
        for (s,) in db.rows(
            "select distinct r.status from targets_tablerow r join targets_targettable t on t.id = r.table_id "
            "where t.project_id = %s",
            copy[0],
        )
    }
    assert statuses == {"not_started"}
    assert "2023" in admin.page(f"/projects/{copy[0]}/edit/")
