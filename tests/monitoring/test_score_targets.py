"""The finance officer's cases (issue 18's table) and many more, through `score_targets`, the
评分规则核对 page, the report page and the API: all of them `scoring.assess`."""

import codecs
import csv
import io
from datetime import date
from decimal import Decimal
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import casebook, scoring
from monitoring.models import Report, RoundKind
from monitoring.selectors import report_page
from monitoring.services import report_save, round_open
from targets import values as tv
from targets.models import Indicator, IndicatorCategory, Target, TargetPeriod

from ..api.conftest import token_client

# (指标值, 完成值, 分值, 得分, words the 说明 must hold): the table, as a finance officer scores it.
FINANCE_OFFICER = [
    ("0次", "1次", "10", "0.00", ["反向", "超过上限"]),
    ("不少于15家媒体…不少于30篇", "18家媒体发布25篇", "10", "9.17", ["分项1", "分项2", "25 ÷ 30"]),
    ("≥5000项，拨付金额≥8000万元", "5200项，拨付金额7600万元", "10", "9.75", ["7600 ÷ 8000"]),
    ("80%-90%", "95%", "10", "9.47", ["区间", "高于上限", "90 ÷ 95"]),
    ("80%-90%", "75%", "10", "9.38", ["区间", "低于下限", "75 ÷ 80"]),
    ("≥95%", "0.96", "12.86", "不能评分", ["是否指 96%"]),
    ("≥95%", "96%", "12.86", "12.86", ["正向"]),
    ("≥5份", "-5份", "10", "不能评分", ["负数"]),
    ("≥33000件", "3.5万件", "10", "10.00", ["35000件"]),
    ("增长10%", "增长10%", "10", "10.00", ["增长"]),
]


def _csv(rows, header=("指标值", "完成值", "分值")) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _command(tmp_path, text: str, encoding="utf-8", name="cases.csv") -> list[dict]:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    out = io.StringIO()
    call_command("score_targets", str(path), stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.django_db
def test_the_finance_officers_table_gives_their_answers_through_score_targets(tmp_path):
    rows = _command(tmp_path, _csv([case[:3] for case in FINANCE_OFFICER]))
    assert len(rows) == len(FINANCE_OFFICER)
    for row, (target, actual, points, expected, words) in zip(rows, FINANCE_OFFICER):
        assert (row["指标值"], row["完成值"], row["分值"]) == (target, actual, points)  # the table given back
        assert row["得分"] == expected, (target, actual, row["说明"])
        assert all(word in row["说明"] for word in words), row["说明"]
        if expected == "不能评分":
            assert row["说明"].startswith("不能评分：")


# (target, actual, points, direction, baseline, expected cell): rules the issue names, on data of our own.
CASES = [
    # 正向
    ("≥500条", "250条", "15", "", "", "7.50"),
    ("≥500条", "800条", "15", "", "", "15.00"),
    (">10家", "5家", "10", "", "", "5.00"),
    ("3000条", "2400条", "10", "", "", "8.00"),  # a bare number is 正向
    ("不少于200件", "150", "20", "", "", "15.00"),  # the target's unit for a bare 完成值
    ("达到500条", "600条", "10", "", "", "10.00"),  # 达到: reaching it is full
    ("=100%", "90%", "10", "", "", "9.00"),
    ("100人以上", "80人", "10", "", "", "8.00"),
    ("≥70", "63", "9", "", "", "8.10"),
    # 反向: full at or under the ceiling, 指标值 ÷ 完成值 above it; a 0 target is a ceiling of 0
    ("≤10件", "5件", "15", "", "", "15.00"),
    ("≤10件", "20件", "15", "", "", "7.50"),
    ("<5%", "10%", "10", "", "", "5.00"),
    ("10件以内", "40件", "12", "", "", "3.00"),
    ("不超过3次", "4次", "12", "", "", "9.00"),
    ("0次", "0次", "10", "", "", "10.00"),
    ("0起", "2", "10", "", "", "0.00"),
    ("5件", "8件", "10", "反向", "", "6.25"),  # the bureau's 指标性质 over the bare number
    ("5件", "8件", "10", "≤", "", "6.25"),
    # 区间 in several spellings
    ("80%～90%", "85%", "10", "", "", "10.00"),
    ("80%~90%", "100%", "10", "", "", "9.00"),
    ("介于80%和90%之间", "72%", "10", "", "", "9.00"),
    ("80-90%", "60%", "10", "", "", "7.50"),
    ("在60至80人之间", "100人", "10", "", "", "8.00"),
    ("50件", "60件", "10", "区间", "", "8.33"),  # a single number as a range: both bounds
    # multipliers and money units
    ("≥33000件", "3.5万", "10", "", "", "10.00"),
    ("≥2万人次", "15000人次", "10", "", "", "7.50"),
    ("≥35亿元", "470100万元", "15", "", "", "15.00"),
    ("≥35亿元", "175000万元", "15", "", "", "7.50"),
    ("≥5000万元", "0.4亿元", "10", "", "", "8.00"),
    ("≥5千份", "4000份", "10", "", "", "8.00"),
    # changes: against the change asked; a level against the base (given, else typed with the target)
    ("增长10%", "增长5%", "10", "", "", "5.00"),
    ("增长10%", "1050件", "10", "", "1000件", "5.00"),
    ("增长10%（基数：500件）", "560件", "10", "", "", "10.00"),
    ("增长10%", "1050件", "10", "", "", "不能评分"),  # no base at all
    ("下降3%", "下降2%", "9", "", "", "6.00"),
    ("下降3%", "98", "9", "", "100", "6.00"),
    ("下降3%", "增长1%", "9", "", "", "0.00"),
    ("提高5个百分点", "提高4个百分点", "10", "", "", "8.00"),
    ("提高5个百分点", "63%", "10", "", "60%", "6.00"),
    ("增加100件", "560件", "10", "", "500件", "6.00"),
    ("增长10%", "12%", "10", "", "", "10.00"),  # a rate written as a percent is the change reached
    ("同比增长≥5%", "4%", "10", "", "", "8.00"),
    ("下降3%", "-2%", "9", "", "", "6.00"),
    ("下降3%", "2%", "9", "", "", "6.00"),
    # a floor and a ceiling of one unit are a range; durations and deadlines
    ("≥95%且≤100%", "90%", "10", "", "", "9.47"),
    ("不低于80%，不高于90%", "85%", "10", "", "", "10.00"),
    ("30日内完成", "35日", "10", "", "", "8.57"),
    ("≤3个工作日", "2个工作日", "10", "", "", "10.00"),
    ("2022年12月31日前完成", "已完成", "10", "", "", "待评定"),
    ("≥90分", "85分", "10", "", "", "9.44"),
    ("≥10万元", "120000元", "10", "", "", "10.00"),
    ("≥3,000件", "2,400件", "10", "", "", "8.00"),
    ("≥５００条", "４００条", "10", "", "", "8.00"),
    ("5000万元以上", "4000万元", "10", "", "", "8.00"),
    ("≥2万", "2.5万", "10", "", "", "10.00"),
    ("≥2万", "25000", "10", "", "", "不能评分"),  # 万 of what: asked
    # compound
    ("年度商标申请量≥33000件，专利授权量≥22000件", "35000件，20000件", "10", "", "", "9.55"),
    ("拨付金额≥8000万元，受理≥5000项", "受理5200项，拨付金额0.76亿元", "10", "", "", "9.75"),
    ("举办至少2场次培训,每场培训规模至少为50人次", "2场次，每场40人次", "10", "", "", "9.00"),
    # qualitative, and numbers met with words: the reviewer grades
    ("显著增长", "增长明显", "10", "", "", "待评定"),
    ("是", "是", "10", "", "", "待评定"),
    ("有所提升", "提升", "10", "", "", "待评定"),
    ("≥500条", "大部分完成", "10", "", "", "待评定"),
    ("≥500条", "520条", "10", "定性", "", "待评定"),
    # refused, naming why
    ("≥500万元", "30件", "10", "", "", "不能评分"),
    ("≥500件", "5%", "10", "", "", "不能评分"),
    ("≥98%", "1", "10", "", "", "不能评分"),
    ("≥2份", "-1份", "10", "", "", "不能评分"),
    ("≥5000项，拨付金额≥8000万元", "5200项", "10", "", "", "不能评分"),
    ("≥500条", "", "10", "", "", "不能评分"),
    ("≥500条", "500条", "十分", "", "", "不能评分"),
    ("≥500条", "500条", "10", "斜向", "", "不能评分"),
]


@pytest.mark.django_db
def test_every_kind_of_target_through_score_targets(tmp_path):
    header = ("指标值", "完成值", "分值", "方向", "基数")
    rows = _command(tmp_path, _csv([case[:5] for case in CASES], header))
    got = [(c[0], c[1], r["得分"]) for c, r in zip(CASES, rows)]
    assert got == [(c[0], c[1], c[5]) for c in CASES]
    assert all(r["说明"] for r in rows)


@pytest.mark.parametrize(
    ("target", "actual", "words"),
    [
        ("≥500万元", "30件", "完成值的单位“件”与指标值的单位“万元”不一致"),
        ("≥500件", "5%", "完成值的单位“%”与指标值的单位“件”不一致"),
        ("≥98%", "1", "是否指 100%"),
        ("≥5000项，拨付金额≥8000万元", "5200项", "缺少分项“≥8000万元（拨付金额）”"),
        ("增长10%", "1050件", "没有基数"),
    ],
)
def test_a_refusal_says_why(target, actual, words):
    assessment = scoring.assess(tv.parse(target), actual, D(10))
    assert assessment.refused and words in assessment.explanation


def test_a_compound_target_takes_the_bureaus_shares():
    target = tv.parse("不少于15家媒体…不少于30篇")
    assessment = scoring.assess(target, "18家媒体发布25篇", D(10), shares=[D(6), D(4)])
    # 6 × 1 + 4 × 25/30 = 9.33
    assert assessment.score.points == D("9.33") and "按设定比例" in assessment.explanation


def test_the_reviewers_grade_scores_a_qualitative_target_and_says_so():
    assessment = scoring.assess(tv.parse("显著增长"), "增长明显", D(10), judgment=D(60), grade_label="部分达成")
    assert assessment.score.points == D("6.00") and "部分达成（60%）" in assessment.explanation


@pytest.mark.django_db
def test_a_grade_column_scores_qualitative_rows(tmp_path):
    rows = _command(
        tmp_path,
        _csv(
            [("显著增长", "好", "10", "达成"), ("是", "部分", "10", "部分达成 60%"), ("是", "否", "10", "未达成")],
            ("指标值", "完成值", "分值", "评定"),
        ),
    )
    assert [r["得分"] for r in rows] == ["10.00", "6.00", "0.00"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "delimiter", "header"),
    [
        ("utf-8-sig", ",", ["指标值", "完成值", "分值"]),
        ("utf-8", "\t", ["指标值", "完成值", "分值"]),
        ("gbk", ",", ["指标值", "完成值", "分值"]),
        ("utf-16", "\t", ["指标值", "完成值", "分值"]),  # Excel's 「Unicode 文本」
        ("utf-8", ",", [" 年度指标值 ", "实际完成值（件）", "分值（分）"]),
        ("utf-8", ",", ["指标值", "完成值", "分值(分)", "方向"]),
    ],
)
def test_the_table_is_read_as_excel_saves_it(tmp_path, encoding, delimiter, header):
    lines = [delimiter.join(header), delimiter.join(["≥500条", "250条", "15"] + [""] * (len(header) - 3))]
    rows = _command(tmp_path, "\r\n".join(lines) + "\r\n", encoding=encoding)
    assert rows[0]["得分"] == "7.50"


@pytest.mark.django_db
def test_a_table_without_the_required_columns_is_refused_naming_them(tmp_path):
    (tmp_path / "bad.csv").write_text("指标值,分数\n≥5,3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列：完成值、分值"):
        call_command("score_targets", str(tmp_path / "bad.csv"), stdout=io.StringIO())


def test_bytes_in_no_known_encoding_are_refused():
    with pytest.raises(casebook.CaseError, match="编码"):
        casebook.decode("指标值".encode() + b"\xff\x80")
    with pytest.raises(casebook.CaseError, match="UTF-16"):
        casebook.decode(codecs.BOM_UTF16_LE + b"\x00\xd8")


@pytest.mark.django_db
def test_the_command_writes_an_xlsx_with_the_same_cells(tmp_path):
    (tmp_path / "c.csv").write_text(_csv([("0次", "1次", "10"), ("=1+1", "2", "10")]), encoding="utf-8")
    call_command("score_targets", str(tmp_path / "c.csv"), out=str(tmp_path / "out.xlsx"))
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert [c.value for c in sheet[1]] == ["指标值", "完成值", "分值", "得分", "说明"]
    assert sheet["D2"].value == "0.00" and "超过上限" in sheet["E2"].value
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "=1+1"  # text, never a formula


# --- the page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_scores_a_pasted_table_for_bureau_staff(client, observer):
    client.force_login(observer)
    url = reverse("monitoring:scoring_check")
    assert client.get(url).status_code == 200
    pasted = "指标值\t完成值\t分值\n0次\t1次\t10\n80%-90%\t95%\t10\n"
    page = client.post(url, {"cases": pasted}).content.decode()
    assert "超过上限" in page and "9.47" in page
    csv_file = client.post(url, {"cases": pasted, "download": "csv"})
    assert csv_file["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert [r["得分"] for r in rows] == ["0.00", "9.47"]
    xlsx = client.post(url, {"cases": pasted, "download": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).active["D3"].value == "9.47"


@pytest.mark.django_db
def test_the_page_reads_an_uploaded_gbk_file_and_refuses_a_bad_one(client, reviewer):
    client.force_login(reviewer)
    url = reverse("monitoring:scoring_check")
    upload = io.BytesIO("指标值,完成值,分值\n≥5份,-5份,10\n".encode("gbk"))
    upload.name = "cases.csv"
    page = client.post(url, {"file": upload}).content.decode()
    assert "不能评分：" in page and "负数" in page
    response = client.post(url, {"cases": "a,b\n1,2\n"})
    assert response.status_code == 400 and "缺少列" in response.content.decode()


@pytest.mark.django_db
def test_a_filler_may_not_use_the_page(client, wuhan):
    client.force_login(wuhan)
    assert client.get(reverse("monitoring:scoring_check")).status_code == 403
    assert "评分规则核对" not in client.get("/").content.decode()


# --- the report page and the API ------------------------------------------------------------------


@pytest.fixture
def officer_round(hubei, admin_user):
    """The issue's targets as annual indicators of the project, and a 自评 round opened on them."""
    category = IndicatorCategory.objects.filter(level=2, parent__name="产出指标").first()
    start = max(Indicator.all_objects.filter(project=hubei).values_list("order", flat=True)) + 1
    for n, (target, *_rest) in enumerate(FINANCE_OFFICER):
        indicator = Indicator.objects.create(project=hubei, category=category, name=f"核对{n}", order=start + n)
        annual = Target(indicator=indicator, period=TargetPeriod.ANNUAL, year=2022)
        annual.set_value(tv.parse(target))
        annual.save()
    round_ = round_open(
        project=hubei,
        kind=RoundKind.SELF_EVALUATION,
        reference_date=date(2022, 12, 31),
        deadline=None,
        lag_threshold=D("10"),
        actor=admin_user,
    )
    return Report.objects.get(round=round_, unit__isnull=True)


def _values(report) -> dict[str, int]:
    return {v.label: v.pk for v in report.values.all()}


@pytest.mark.django_db
def test_the_finance_officers_table_on_the_report_page_and_in_the_api(officer_round, admin_user, reviewer, client):
    report, ids = officer_round, _values(officer_round)
    for n, (_target, actual, _points, expected, words) in enumerate(FINANCE_OFFICER):
        if expected == "不能评分":  # refused when typed, naming why; nothing saved
            with pytest.raises(ValidationError, match=words[0]):
                report_save(
                    report_id=report.pk,
                    expected_version=Report.objects.get(pk=report.pk).version,
                    actor=admin_user,
                    values={ids[f"核对{n}"]: {"raw": actual}},
                )
            continue
        report_save(
            report_id=report.pk,
            expected_version=Report.objects.get(pk=report.pk).version,
            actor=admin_user,
            values={ids[f"核对{n}"]: {"raw": actual}},
        )
    page = report_page(Report.objects.get(pk=report.pk), reviewer)
    lines = {line.value.label: line for line in page["lines"]}
    scored = [(n, case) for n, case in enumerate(FINANCE_OFFICER) if case[3] != "不能评分"]
    for n, (_t, _a, points, expected, words) in scored:
        line = lines[f"核对{n}"]
        # the same rule for the line's own 分值: the points are its share of them
        assert line.score is not None and all(w in line.explanation for w in words), line.explanation
        assert abs(line.score.ratio * D(points) - D(expected)) < D("0.02"), (n, line.score)
        again = scoring.assess(line.value.target, line.value.raw, line.weight)
        assert line.score.points == again.score.points and line.explanation == again.explanation
    html = client_page(client, reviewer, report)
    assert lines["核对0"].explanation in html and "≥15家（媒体） 且 ≥30篇" in html
    api = token_client(reviewer).get(f"/api/v1/reports/{report.pk}/").json()
    by_id = {v["id"]: v for v in api["values"]}
    for n, _case in scored:
        line = lines[f"核对{n}"]
        data = by_id[line.value.pk]
        assert data["score"]["points"] == f"{line.score.points}" and data["explanation"] == line.explanation
    assert by_id[ids["核对0"]]["direction"] == "反向" and by_id[ids["核对3"]]["direction"] == "区间"


def client_page(client, user, report) -> str:
    client.force_login(user)
    return client.get(reverse("monitoring:report", args=[report.pk])).content.decode()


@pytest.mark.django_db
def test_the_page_refuses_a_bare_fraction_against_a_percent_target_and_asks(officer_round, admin_user, client):
    ids = _values(officer_round)
    client.force_login(admin_user)
    response = client.post(
        reverse("monitoring:report_save", args=[officer_round.pk]),
        {"version": officer_round.version, f"actual-{ids['核对5']}": "0.96"},
    )
    assert response.status_code == 400 and "是否指 96%" in response.content.decode()
    assert Report.objects.get(pk=officer_round.pk).values.get(pk=ids["核对5"]).raw == ""


@pytest.mark.django_db
def test_the_self_evaluation_form_prints_the_direction_and_each_scores_explanation(officer_round, admin_user):
    from tests.monitoring.test_forms import _sheet

    ids = _values(officer_round)
    report_save(
        report_id=officer_round.pk,
        expected_version=officer_round.version,
        actor=admin_user,
        values={ids["核对0"]: {"raw": "1次"}, ids["核对3"]: {"raw": "95%"}},
    )
    report = Report.objects.get(pk=officer_round.pk)
    lines = {line.value.label: line for line in report_page(report, admin_user)["lines"]}
    ws = _sheet(report, admin_user)
    # The Ministry's layout (一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | …) has no column for
    # it: the 得分 cell's comment carries the 指标性质 the score was read by and the explanation.
    label = {"核对0": None, "核对3": None}
    rows = {
        str(row[3].value).split("（")[0]: row for row in ws.iter_rows() if str(row[3].value).split("（")[0] in label
    }
    zero, band = rows["核对0"][7].comment.text, rows["核对3"][7].comment.text
    assert zero == f"指标性质：≤；{lines['核对0'].explanation}" and band.startswith("指标性质：区间；")
    assert "反向" in zero and "高于上限" in band


@pytest.mark.django_db
def test_the_form_asks_for_each_part_of_a_compound_target(officer_round, admin_user, client):
    page = client_page(client, admin_user, officer_round)
    assert "请分项填写，如：15家（媒体），30篇" in page


@pytest.mark.django_db
def test_the_check_page_costs_the_same_queries_for_2_rows_and_200(client, reviewer, django_assert_num_queries):
    client.force_login(reviewer)
    url = reverse("monitoring:scoring_check")
    client.post(url, {"cases": "指标值,完成值,分值\n≥5,3,10\n"})  # sessions and the grade table warmed

    def count(rows: int) -> int:
        text = "指标值,完成值,分值\n" + "".join(f"≥{n + 1}条,{n}条,10\n" for n in range(rows))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, {"cases": text}).status_code == 200
        return len(queries)

    assert count(2) == count(200)


@pytest.mark.django_db
def test_the_bureaus_part_shares_weigh_a_compound_targets_parts_on_the_report(officer_round, admin_user, client):
    ids = _values(officer_round)
    client.force_login(admin_user)
    indicator = Indicator.objects.get(project=officer_round.round.project, name="核对1")
    tree = {i.pk: i for i in Indicator.objects.filter(project=indicator.project)}
    data = {"indicator": [indicator.pk]}
    annual = Target.objects.get(indicator=indicator, period=TargetPeriod.ANNUAL)
    prefix = f"ind-{indicator.pk}-"
    data.update(
        {
            prefix + "category": tree[indicator.pk].category_id,
            prefix + "name": indicator.name,
            prefix + "unit": "",
            prefix + "basis": "",
            prefix + "long_term": annual.raw,
            prefix + "annual": annual.raw,
            prefix + "shares": "6：4",
        }
    )
    response = client.post(reverse("projects:indicators_save", args=[indicator.project_id]), data, follow=True)
    page = response.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).part_shares == "6:4", page[page.find("messages") :][:500]
    report_save(
        report_id=officer_round.pk,
        expected_version=officer_round.version,
        actor=admin_user,
        values={ids["核对1"]: {"raw": "18家媒体发布25篇"}},
    )
    line = next(
        x for x in report_page(Report.objects.get(pk=officer_round.pk), admin_user)["lines"] if x.value.label == "核对1"
    )
    assert "按设定比例" in line.explanation
    assert abs(line.score.ratio - D("0.9333")) < D("0.001")
    data[prefix + "shares"] = "六比四"
    response = client.post(reverse("projects:indicators_save", args=[indicator.project_id]), data, follow=True)
    assert "分项分值比例应为数字" in response.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_a_negative_count_on_its_field_and_saves_nothing(officer_round, admin_user):
    ids = _values(officer_round)
    response = token_client(admin_user).patch(
        f"/api/v1/reports/{officer_round.pk}/",
        {"version": officer_round.version, "values": {str(ids["核对7"]): {"actual": "-5份"}}},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == f"values.{ids['核对7']}.actual" and "负数" in error["message"]
    assert Report.objects.get(pk=officer_round.pk).values.get(pk=ids["核对7"]).raw == ""


def test_a_change_written_whole_is_quoted_once_in_the_explanation():
    from monitoring import scoring
    from targets import values as tv

    line = scoring.assess(tv.parse("增长10%"), "增长12%", Decimal(10))
    assert "完成值 增长12%，" in line.explanation and "增长增长" not in line.explanation
    line = scoring.assess(tv.parse("下降3%"), "下降2%", Decimal(10))
    assert "完成值 下降2%，" in line.explanation and "下降下降" not in line.explanation


def test_score_targets_runs_on_a_database_not_yet_migrated(tmp_path):
    """A finance officer checks the rules on a fresh copy, before any database exists."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    cases = tmp_path / "cases.csv"
    cases.write_text("指标值,完成值,分值\n0次,1次,10\n显著增长,增长明显,10\n", encoding="utf-8-sig")
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings_local", "SQLITE_PATH": str(tmp_path / "empty.db")}
    env.pop("DATABASE_URL", None)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "manage.py", "score_targets", str(cases)], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("0次,1次,10,0.00,反向") and lines[2].startswith("显著增长,增长明显,10,待评定")
