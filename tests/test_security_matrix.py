"""Every URL the project defines, walked as every role and as an anonymous visitor.

The expected answer is written down for each (URL, role). A new URL pattern, named or not, that is
neither put in MATRIX nor excused in EXCUSED with its reason fails
`test_matrix_covers_every_url_pattern`. A refused request must leave every table as it was (the
fingerprint of every model, tests/fingerprint.py) and the row it aims at as it was. The methods
a URL does not take are walked in tests/test_security_methods.py.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from targets.models import ReviewStatus, TableRow
from tests.api.matrix import API_MATRIX, API_NAMES, PAGE_ROUTES
from tests.fingerprint import changed, fingerprint
from tests.monitoring.matrix import MONITORING_MATRIX, monitoring_objects
from tests.monitoring.matrix_forms import FORMS_MATRIX
from units.models import Notification

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "admin", "reviewer", "other_reviewer", "observer", "wuhan", "outsider"]
# Organisations: a second province's admin (广东, not a superuser) and a 地方主管部门's filler (广州).
# Their answers to the URLs above are derived below (SECOND_PROVINCE); the filing URLs name them.
ORG_ROLES = ["other_province_admin", "department"]
LOGIN = "login"  # a redirect to the login page
# Answers that refuse: nothing may change (bad input 400, conflict 409 included).
REFUSED = (LOGIN, 400, 401, 403, 404, 405, 409)

# name: (method, object, {role: expected}); objects: row = 武汉市's row (submitted), table = 市州 table,
# notification = one of wuhan's, removed = a removed row of the 市州 table.
ALL = dict.fromkeys(ROLES[1:], 200)
EDITOR = {
    "anonymous": LOGIN,
    "admin": 200,
    "reviewer": 403,
    "other_reviewer": 404,
    "observer": 403,
    "wuhan": 403,
    "outsider": 403,
}
EDITOR_POST = {**EDITOR, "admin": 302}
READER = {
    "anonymous": LOGIN,
    "admin": 200,
    "reviewer": 200,
    "other_reviewer": 404,
    "observer": 200,
    "wuhan": 200,
    "outsider": 200,
}
AGREEMENT = {
    "anonymous": LOGIN,
    "admin": 200,
    "reviewer": 200,
    "other_reviewer": 404,
    "observer": 200,
    "wuhan": 404,
    "outsider": 404,
}
ADJUSTMENT_DECISION = {
    "anonymous": LOGIN,
    "admin": 302,
    "reviewer": 302,
    "other_reviewer": 404,
    "observer": 403,
    "wuhan": 403,
    "outsider": 404,
}
OWNER = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "wuhan": 200}
MATRIX = {
    "home": ("GET", None, {"anonymous": LOGIN, **ALL}),
    "targets:row": (
        "GET",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 200,
            "reviewer": 200,
            "other_reviewer": 404,
            "observer": 200,
            "wuhan": 200,
            "outsider": 404,
        },
    ),
    "targets:row_save": (
        "POST",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 400,
            "reviewer": 400,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 400,
            "outsider": 404,
        },
    ),
    "targets:row_submit": (
        "POST",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 403,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 302,
            "outsider": 404,
        },
    ),
    "targets:row_return": (
        "POST",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 302,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 403,
            "outsider": 404,
        },
    ),
    "targets:row_approve": (
        "POST",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 302,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 403,
            "outsider": 404,
        },
    ),
    "targets:row_reopen": (
        "POST",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 403,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 403,
            "outsider": 404,
        },
    ),
    "targets:row_remove": (
        "POST",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 403,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 403,
            "outsider": 404,
        },
    ),
    "targets:row_restore": (
        "POST",
        "removed",
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 403,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 404,
            "outsider": 404,
        },
    ),
    "targets:row_cells_save": (
        "POST",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 400,
            "reviewer": 400,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 400,
            "outsider": 404,
        },
    ),
    # 调整: asked on the row (submitted here, so refused with the row page again: 400) by its unit or
    # the admin; decided by the project's reviewers; the 批复 versions read by whoever sees the row.
    "targets:row_adjust": (
        "POST",
        "row",
        {
            "anonymous": LOGIN,
            "admin": 400,
            "reviewer": 403,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 400,
            "outsider": 404,
        },
    ),
    "targets:row_versions": ("GET", "row", {**READER, "outsider": 404}),
    "targets:adjustment_approve": ("POST", "adjustment", ADJUSTMENT_DECISION),
    "targets:adjustment_refuse": ("POST", "adjustment", ADJUSTMENT_DECISION),
    # 宜昌市 (the outsider) has a row of its own in this table: it gets the grid, with that row only.
    "targets:table_grid": (
        "GET",
        "table",
        {
            "anonymous": LOGIN,
            "admin": 200,
            "reviewer": 200,
            "other_reviewer": 404,
            "observer": 200,
            "wuhan": 200,
            "outsider": 200,
        },
    ),
    "targets:review_queue": (
        "GET",
        None,
        {
            "anonymous": LOGIN,
            "admin": 200,
            "reviewer": 200,
            "other_reviewer": 200,
            "observer": 403,
            "wuhan": 403,
            "outsider": 403,
        },
    ),
    "targets:review_approve_many": (
        "POST",
        None,
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 302,
            "other_reviewer": 302,
            "observer": 403,
            "wuhan": 403,
            "outsider": 403,
        },
    ),
    "targets:table_progress": (
        "GET",
        "table",
        {
            "anonymous": LOGIN,
            "admin": 200,
            "reviewer": 200,
            "other_reviewer": 404,
            "observer": 200,
            "wuhan": 404,
            "outsider": 404,
        },
    ),
    "targets:table_open": (
        "POST",
        "table",
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 403,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 404,
            "outsider": 404,
        },
    ),
    "targets:table_close": (
        "POST",
        "table",
        {
            "anonymous": LOGIN,
            "admin": 302,
            "reviewer": 403,
            "other_reviewer": 404,
            "observer": 403,
            "wuhan": 404,
            "outsider": 404,
        },
    ),
    # Handed-down tables (下达): the matrix's 市州 table is unit-filled, so the 下达值 URLs answer 404 to
    # whoever may see the row (tests/targets/test_handed_down.py walks them on a handed-down table).
    "targets:row_assigned_save": ("POST", "row", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)}),
    "targets:row_assigned_answer": ("POST", "row", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)}),
    "targets:row_assigned_confirm_all": ("POST", "row", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)}),
    "targets:table_hand_down": ("POST", "table", {**EDITOR_POST, "wuhan": 404, "outsider": 404}),
    # Editors: bureau admins only. A filler of a unit in the project knows it exists (403);
    # a reviewer of another project does not (404). Whole tables are bureau-only (404 for fillers).
    "projects:edit": ("GET", "project", EDITOR),
    "projects:new": ("GET", None, {**dict.fromkeys(EDITOR, 403), "anonymous": LOGIN, "admin": 200}),
    "projects:agreement_format": ("GET", "project", {**READER, "wuhan": 404, "outsider": 404}),
    "projects:indicators_save": ("POST", "project", EDITOR_POST),
    # The editor's live pairing flags: the rule over what is typed, answered to who may edit (nothing saved).
    "projects:indicators_pairing": ("POST", "project", EDITOR),
    "projects:indicator_add": ("POST", "project", EDITOR_POST),
    "projects:indicator_move": ("POST", "indicator", EDITOR_POST),
    "projects:indicator_remove": ("POST", "indicator", EDITOR_POST),
    "projects:table_create": ("POST", "project", EDITOR_POST),
    "projects:copy_year": ("POST", "project", EDITOR_POST),
    "targets:table_edit": ("GET", "table", {**EDITOR, "wuhan": 404, "outsider": 404}),
    "targets:table_units": ("POST", "table", {**EDITOR_POST, "wuhan": 404, "outsider": 404}),
    "targets:table_rollup": ("POST", "table", {**EDITOR_POST, "wuhan": 404, "outsider": 404}),
    "targets:table_funding": ("POST", "table", {**EDITOR_POST, "wuhan": 404, "outsider": 404}),
    # 催报: the project's admin and reviewer; the list of units not submitted: its bureau staff.
    "targets:table_remind": ("POST", "table", {**EDITOR_POST, "reviewer": 302, "wuhan": 404, "outsider": 404}),
    "reports:export_table_unsubmitted": ("GET", "table", {**READER, "wuhan": 404, "outsider": 404}),
    # A row's funding is the bureau's: its admin and the project's reviewer; the unit reads it only.
    "targets:row_funding": ("POST", "row", {**EDITOR_POST, "reviewer": 302, "other_reviewer": 404, "outsider": 404}),
    # The roll-up adds up every unit's values: who sees whole tables of the project; fillers 404.
    "projects:rollup": ("GET", "project", {**READER, "wuhan": 404, "outsider": 404}),
    # Exports: what the user could read on screen. A filler's table export holds only their row
    # (checked in tests/reports); a job and its file are their requester's alone.
    "reports:export_project": ("GET", "project_layout", READER),
    # The 附表 of the platform's filled 任务书 answers as its page does: 404 to the 武汉市 filler.
    "reports:export_agreement": ("GET", "agreement_sub", AGREEMENT),
    "reports:export_table": ("GET", "table", READER),
    # 下达值|申报值 对照表: only of a handed-down table (the matrix's is unit-filled: 404 to everyone).
    "reports:export_table_handdown": ("GET", "table", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)}),
    "reports:export_bundle": ("POST", "project", {**READER, **{r: 302 for r in READER if READER[r] == 200}}),
    # A sheet as PDF (print what you see): a job for who may have the sheet, as 全部附件.
    "reports:export_project_pdf": (
        "POST",
        "project_layout",
        {**READER, **{r: 302 for r in READER if READER[r] == 200}},
    ),
    "reports:export_table_pdf": ("POST", "table", {**READER, **{r: 302 for r in READER if READER[r] == 200}}),
    "reports:export_job": ("GET", "job", OWNER),
    "reports:export_job_download": ("GET", "job", OWNER),
    # Importing writes: the observer, who changes nothing, is refused the template and the upload page.
    "reports:table_template": ("GET", "table", {**READER, "observer": 403}),
    "reports:import_upload": ("GET", None, {"anonymous": LOGIN, **ALL, "observer": 403}),
    "reports:export_job_retry": ("POST", "job", {**OWNER, "wuhan": 302}),
    "reports:import_job": ("GET", "import", OWNER),
    "reports:import_apply": ("POST", "import", {**OWNER, "wuhan": 302}),
    # 任务书 of 湖北省知识产权发展中心, filled in (附表 and budget): none of the cast fills it, so fillers get 404.
    "projects:agreement_new": ("POST", "project", EDITOR_POST),
    "projects:agreement": ("GET", "agreement_sub", AGREEMENT),
    "projects:agreement_word": ("GET", "agreement_sub", AGREEMENT),
    "reports:agreement_pdf": ("GET", "agreement_sub", AGREEMENT),
    "projects:agreement_save": (
        "POST",
        "agreement_section",
        {**AGREEMENT, "admin": 302, "reviewer": 403, "observer": 403},
    ),
    # The budget section's live check: the rules over what is typed, answered to who may see the page.
    "projects:agreement_budget_check": ("POST", "agreement_sub", AGREEMENT),
    "projects:agreement_submit": (
        "POST",
        "agreement_sub",
        {**AGREEMENT, "admin": 302, "reviewer": 403, "observer": 403},
    ),
    "projects:agreement_return": (
        "POST",
        "agreement_sub",
        {**AGREEMENT, "admin": 302, "reviewer": 302, "observer": 403},
    ),
    "projects:agreement_approve": (
        "POST",
        "agreement_sub",
        {**AGREEMENT, "admin": 302, "reviewer": 302, "observer": 403},
    ),
    "units:inbox": ("GET", None, {"anonymous": LOGIN, **ALL}),
    "units:notification_read": (
        "POST",
        "notification",
        {
            "anonymous": LOGIN,
            "admin": 404,
            "reviewer": 404,
            "other_reviewer": 404,
            "observer": 404,
            "wuhan": 302,
            "outsider": 404,
        },
    ),
    "units:inbox_read_all": ("POST", None, {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}),
    # Django's own auth views.
    "login": ("GET", None, dict.fromkeys(ROLES, 200)),
    "logout": ("POST", None, dict.fromkeys(ROLES, 302)),
    "password_change": ("GET", None, {"anonymous": LOGIN, **ALL}),
    "password_change_done": ("GET", None, {"anonymous": LOGIN, **ALL}),
    "password_reset": ("GET", None, dict.fromkeys(ROLES, 200)),
    "password_reset_done": ("GET", None, dict.fromkeys(ROLES, 200)),
    "password_reset_confirm": ("GET", "reset", dict.fromkeys(ROLES, 200)),
    "password_reset_complete": ("GET", None, dict.fromkeys(ROLES, 200)),
    # The admin, as a whole: only superusers get in (it lists every province's units and projects).
    "admin:index": ("GET", None, {"anonymous": LOGIN, "admin": 200, **dict.fromkeys(ROLES[2:], LOGIN)}),
}
MATRIX.update(MONITORING_MATRIX)
MATRIX.update(FORMS_MATRIX)

# --- organisations ---------------------------------------------------------------------------------
# Every object above is Hubei's (its rows, tables, 任务书, imports, exports, jobs). The second
# province's admin and the 广州 department's filler have no business there: 404 on every one of
# them. Pages of no object answer them as they answer a bureau admin and a filler of Hubei's
# (the review queue is the province's admin's too, scoped to Guangdong's projects); Django's admin is
# a superuser's only.
SECOND_PROVINCE = {"other_province_admin": "admin", "department": "wuhan"}
UNSCOPED = (None, "reset")  # no object, or the password reset link
MATRIX = {
    name: (
        method,
        obj,
        {**{r: answers[like] if obj in UNSCOPED else 404 for r, like in SECOND_PROVINCE.items()}, **answers},
    )
    for name, (method, obj, answers) in MATRIX.items()
}
MATRIX["admin:index"][2]["other_province_admin"] = LOGIN

# The 地方主管部门's filing of seed 004's 广州 二级项目 table ("filing": that project, not yet filed).
# The department and the admins of its province (and a superuser) fill and submit it; the province
# (its admin, the project's reviewer `other_reviewer`) reviews it; Hubei's staff and fillers do not see it.
FILING_READER = {
    "anonymous": LOGIN,
    "admin": 200,
    "reviewer": 404,
    "other_reviewer": 200,
    "observer": 404,
    "wuhan": 404,
    "outsider": 404,
    "other_province_admin": 200,
    "department": 200,
}
FILING_FILLER = {**FILING_READER, "admin": 302, "other_reviewer": 403, "other_province_admin": 302, "department": 302}
FILING_REVIEWER = {**FILING_READER, "admin": 302, "other_reviewer": 302, "other_province_admin": 302, "department": 403}
MATRIX.update(
    {
        "projects:filing": ("GET", "filing", FILING_READER),
        "projects:filing_save": ("POST", "filing", FILING_FILLER),
        "projects:filing_submit": ("POST", "filing", FILING_FILLER),
        "projects:filing_return": ("POST", "filing", FILING_REVIEWER),
        "projects:filing_approve": ("POST", "filing", FILING_REVIEWER),
    }
)
ROLES = ROLES + ORG_ROLES


# URL patterns the matrices do not walk: {name, or an unnamed pattern's whole route: why}. (Django's
# admin site is one door, walked as admin:index: every page of it asks admin.site.has_permission.)
EXCUSED: dict[str, str] = {}


def url_patterns(resolver=None, prefix="", route=""):
    """Every URL pattern, named or not: its name with namespace, or, unnamed, its whole route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if namespace == "admin:":
                yield "admin:index"  # the admin site is one door, checked by its has_permission
                continue
            yield from url_patterns(entry, namespace, route + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + entry.name if entry.name else route + str(entry.pattern)


def uncovered(patterns, covered) -> set[str]:
    return set(patterns) - set(covered) - set(EXCUSED)


def test_matrix_covers_every_url_pattern():
    patterns = set(url_patterns())
    missing = uncovered(patterns, set(MATRIX) | API_NAMES)
    assert missing == set(), "put the new URL in MATRIX (an API route: tests/api/matrix.py) or EXCUSED with why"
    assert (set(MATRIX) | API_NAMES) - patterns == set()


def test_an_unnamed_pattern_is_not_skipped():
    from django.http import HttpResponse
    from django.urls import path
    from django.urls.resolvers import RegexPattern

    def view(request):
        return HttpResponse()

    conf = URLResolver(RegexPattern(r"^/"), [path("ok/", view, name="ok"), path("hidden/<int:pk>/", view)])
    assert set(url_patterns(conf)) == {"ok", "hidden/<int:pk>/"}
    assert uncovered(url_patterns(conf), {"ok"}) == {"hidden/<int:pk>/"}


@pytest.fixture
def cast(admin_user, reviewer, other_reviewer, observer, wuhan, outsider, other_province_admin, guangzhou_filler):
    return {
        "other_province_admin": other_province_admin,
        "department": guangzhou_filler,
        "anonymous": None,
        "admin": admin_user,
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "observer": observer,
        "wuhan": wuhan,
        "outsider": outsider,
    }


@pytest.fixture
def objects(wuhan_row, wuhan, open_table, platform_agreement, settings, tmp_path):
    from projects.models import Agreement, Project
    from reports.models import ExportJob
    from targets.models import AdjustmentRequest

    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "wuhan.xlsx").write_bytes(b"PK")
    job = ExportJob.objects.create(project=open_table.project, owner=wuhan, status="done", file="exports/wuhan.xlsx")
    from reports.importers import ImportPlan
    from reports.models import ImportJob

    import_job = ImportJob.objects.create(owner=wuhan, filename="x.xlsx", status="invalid", plan=ImportPlan().to_dict())
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.SUBMITTED)
    removed = TableRow.objects.get(table=open_table, unit__name="潜江市")
    TableRow.objects.filter(pk=removed.pk).update(removed_at="2022-01-01T00:00:00Z")
    notification = Notification.objects.create(recipient=wuhan, kind="row_returned", title="退回", link="/")
    adjustment = AdjustmentRequest.objects.create(
        row=wuhan_row, values={}, reason="复核", base_version=1, status=ReviewStatus.SUBMITTED
    )
    project = open_table.project
    sub = platform_agreement
    return {
        "agreement_sub": [sub.pk],
        "agreement_section": [sub.pk, "basic"],
        "row": [wuhan_row.pk],
        "table": [open_table.pk],
        "notification": [notification.pk],
        "adjustment": [adjustment.pk],
        "project": [project.pk],
        "indicator": [project.indicators.first().pk],
        "project_layout": [project.pk, "attachment2"],
        "agreement": [Agreement.objects.get(undertaker__isnull=True).pk],
        "job": [job.pk],
        "import": [import_job.pk],
        "removed": [removed.pk],
        "reset": ["MQ", "set-password"],
        "filing": [Project.objects.get(code="gd-transfer-guangzhou").pk],
        None: [],
        **monitoring_objects(project, wuhan_row, tmp_path),
    }


def _row_state(pk):
    row = TableRow.all_objects.get(pk=pk)
    return (
        row.status,
        row.version,
        row.removed_at,
        list(row.cells.order_by("column_id").values_list("raw", flat=True)),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_expected(name, role, cast, objects, wuhan_row):
    method, obj, answers = MATRIX[name]
    expected = answers[role]
    client = Client()
    if cast[role] is not None:
        client.force_login(cast[role])
    url = reverse(name, args=objects[obj])
    before = _row_state(wuhan_row.pk)
    data = {
        "version": "1",
        f"col-{wuhan_row.table.columns.get(order=1).pk}": "很多",
        "comment": "请修改",
        "reason": "复核",
        "deadline": "2099-01-01T10:00",
        "rows": [wuhan_row.pk],
    }
    tables = fingerprint()
    response = client.get(url) if method == "GET" else client.post(url, data)
    if expected == LOGIN:
        assert response.status_code == 302 and "/login/" in response.url, (name, role, response.status_code)
    else:
        assert response.status_code == expected, (name, role, response.status_code)
    if expected in REFUSED:
        assert _row_state(wuhan_row.pk) == before
        assert changed(tables, fingerprint()) == {}, (name, role)


def test_a_filler_cannot_write_another_tables_column_through_a_form_field(client, wuhan, wuhan_row, open_table):
    from targets.models import TableColumn

    foreign = TableColumn.objects.exclude(table=wuhan_row.table).first()
    foreign_cells_before = list(foreign.cells.values_list("raw", flat=True))
    client.force_login(wuhan)
    client.post(reverse("targets:row_save", args=[wuhan_row.pk]), {"version": 1, f"col-{foreign.pk}": "999"})
    assert list(foreign.cells.values_list("raw", flat=True)) == foreign_cells_before
    assert TableRow.objects.get(pk=wuhan_row.pk).version == 1


def test_a_reviewer_cannot_bulk_approve_a_row_of_a_project_not_assigned(client, other_reviewer, wuhan_row, open_table):
    TableRow.objects.filter(pk=wuhan_row.pk).update(status=ReviewStatus.SUBMITTED)
    client.force_login(other_reviewer)
    response = client.post(reverse("targets:review_approve_many"), {"rows": [wuhan_row.pk]}, follow=True)
    assert "不在您的待审核列表中" in response.content.decode()
    assert TableRow.objects.get(pk=wuhan_row.pk).status == ReviewStatus.SUBMITTED


def test_csrf_is_enforced_on_posts(wuhan, wuhan_row, open_table):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wuhan)
    response = client.post(reverse("targets:row_submit", args=[wuhan_row.pk]))
    assert response.status_code == 403
    assert TableRow.objects.get(pk=wuhan_row.pk).status == ReviewStatus.NOT_STARTED


def test_login_failures_are_rate_limited(client, django_user_model):
    django_user_model.objects.create_user("locked", password="right-pass-2022!")
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "locked", "password": "wrong"})
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    # The fifth failure locks the account on this address; even the right password is refused.
    assert client.post(reverse("login"), {"username": "locked", "password": "wrong"}).status_code == 429
    response = client.post(reverse("login"), {"username": "locked", "password": "right-pass-2022!"})
    assert response.status_code == 429 and "已暂时锁定" in response.content.decode()


def test_a_correct_login_lands_on_the_home_page(client, django_user_model):
    django_user_model.objects.create_user("fine", password="right-pass-2022!")
    response = client.post(reverse("login"), {"username": "fine", "password": "right-pass-2022!"})
    assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.parametrize("password", ["12345678", "password", "short", "20221122"])
def test_passwords_follow_djangos_validators(password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)


# --- every file: only for who may open its object's own page ---------------------------------------

# file URL name: (object kind, its page's URL name, method). A project's page is its card on the
# home page (where its exports are offered); a job's page is the job page.
FILE_URLS = {
    "reports:export_project": ("project_layout", None, "GET"),
    "reports:export_bundle": ("project", None, "POST"),
    "reports:export_project_pdf": ("project_layout", None, "POST"),
    "reports:export_table": ("table", "targets:table_grid", "GET"),
    "reports:export_table_pdf": ("table", "targets:table_grid", "POST"),
    "reports:table_template": ("table", "targets:table_grid", "GET"),
    "reports:export_table_handdown": ("table", "targets:table_grid", "GET"),
    "reports:export_agreement": ("agreement", "projects:agreement", "GET"),
    "projects:agreement_word": ("agreement", "projects:agreement", "GET"),
    "reports:agreement_pdf": ("agreement", "projects:agreement", "GET"),
    "reports:export_job_download": ("job", "reports:export_job", "GET"),
    "reports:export_round_forms": ("monitoring_round", "monitoring:round", "POST"),
}


@pytest.fixture
def file_objects(objects, admin_user, platform_agreement):
    """Objects of several reaches: the 市州 table (wuhan has a row), the 高校院所 table (wuhan has
    none), the blank seed 任务书 and the platform's filled one, a Hubei and a Guangdong project,
    wuhan's job and the admin's."""
    from projects.models import Agreement, Project
    from reports.models import ExportJob
    from targets.models import TargetTable

    gd = Project.objects.get(code="gd-transfer-guangzhou")
    admins_job = ExportJob.objects.create(project=gd, owner=admin_user, status="done", file="exports/wuhan.xlsx")
    hubei_pk = objects["project"][0]
    return {
        "project_layout": [[hubei_pk, "attachment2"], [gd.pk, "transfer_secondary"]],
        "project": [[hubei_pk], [gd.pk]],
        "table": [objects["table"], [TargetTable.objects.get(title__contains="高校院所类").pk]],
        "agreement": [[Agreement.objects.get(undertaker__isnull=True).pk], [platform_agreement.pk]],
        "job": [objects["job"], [admins_job.pk]],
        "monitoring_round": [objects["monitoring_round"]],
    }


def _may_open_page(client, page, kind, args) -> bool:
    if page is None:  # a project: its card on the home page
        response = client.get(reverse("home"))
        return (
            response.status_code == 200 and reverse("reports:export_bundle", args=args[:1]) in response.content.decode()
        )
    return client.get(reverse(page, args=args)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_a_file_is_given_only_to_who_may_open_its_objects_page(role, cast, file_objects, monkeypatch):
    # The PDF gate is what is checked here, not LibreOffice: without it the view answers 503 at once.
    monkeypatch.setenv("PATH", "/nonexistent")
    client = Client()
    if cast[role] is not None:
        client.force_login(cast[role])
    for name, (kind, page, method) in FILE_URLS.items():
        for args in file_objects[kind]:
            url = reverse(name, args=args)
            response = client.get(url) if method == "GET" else client.post(url)
            allowed = _may_open_page(client, page, kind, args)
            if allowed:
                # A role may still be refused a file it has no use for (403), but never by an error.
                assert response.status_code < 500 or (name.endswith("pdf") and response.status_code == 503), (
                    name,
                    args,
                    role,
                    response.status_code,
                )
            else:
                assert response.status_code in (302, 404), (name, args, role, response.status_code)
                if response.status_code == 302:
                    assert "/login/" in response.url, (name, args, role)


def test_the_wuhan_filler_gets_no_file_of_the_platforms_filled_agreement(client, wuhan, platform_agreement):
    client.force_login(wuhan)
    assert client.get(reverse("projects:agreement", args=[platform_agreement.pk])).status_code == 404
    for name in ("reports:export_agreement", "projects:agreement_word", "reports:agreement_pdf"):
        assert client.get(reverse(name, args=[platform_agreement.pk])).status_code == 404, name


# --- the API's routes (tests/api/matrix.py): each method, with each role's token ----------------------


@pytest.fixture
def api_tokens(cast):
    from api.services import api_token_create

    return {role: api_token_create(user=user, name="矩阵")[1] for role, user in cast.items() if user is not None}


def _api_client(name, role, cast, tokens):
    """The route's client, logged in (a page route: the session) or holding the role's token."""
    from rest_framework.test import APIClient

    if name in PAGE_ROUTES:
        client = Client()
        if cast[role] is not None:
            client.force_login(cast[role])
        return client
    client = APIClient()
    if role in tokens:
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[role]}")
    return client


def _api_request(client, name, method, args, data):
    url = reverse(name, args=args)
    if name in PAGE_ROUTES:
        return client.get(url) if method == "GET" else client.post(url, data or {})
    return getattr(client, method.lower())(url, data, format="json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(API_MATRIX))
def test_api_route_answers_each_role_as_expected(route, role, cast, objects, api_tokens, wuhan_row, wuhan):
    from django.core.cache import cache

    from api.services import api_token_create

    cache.clear()  # throttle counts
    name, method = route
    obj, answers = API_MATRIX[route]
    expected = answers[role]
    objects = {**objects, "token": [api_token_create(user=wuhan, name="被吊销")[0].pk]}
    column = wuhan_row.table.columns.get(order=1).pk
    data = (
        {"version": 1, "cells": {str(column): "很多"}, "comment": "请修改", "name": "矩阵"} if method != "GET" else None
    )
    client = _api_client(name, role, cast, api_tokens)
    before = _row_state(wuhan_row.pk)
    tables = fingerprint()
    response = _api_request(client, name, method, objects[obj], data)
    if expected == LOGIN:
        assert response.status_code == 302 and "/login/" in response.url, (route, role, response.status_code)
    else:
        assert response.status_code == expected, (route, role, response.status_code)
    if expected in REFUSED:
        assert _row_state(wuhan_row.pk) == before
        assert changed(tables, fingerprint()) == {}, (route, role)


# --- a copied year's tables before they are published (未发布) ------------------------------------
# The copy holds last year's values until the bureau has checked them and opened the table: its
# fillers see nothing of it (page, file, API, home page) until then; the bureau sees it all along.

UNPUBLISHED_URLS = [
    ("targets:table_grid", "table"),
    ("targets:row", "row"),
    ("targets:row_versions", "row"),
    ("reports:export_table", "table"),
    ("reports:table_template", "table"),
    ("api:table", "table"),
    ("api:row", "row"),
]


@pytest.fixture
def unpublished(hubei, admin_user, wuhan_row):
    from projects.copying import project_copy_year
    from targets.models import TargetTable

    copy = project_copy_year(project=hubei, year=2023, actor=admin_user, copy_values=True)
    table = TargetTable.objects.get(project=copy, unit_category="region")
    assert table.status == "draft"
    return {"project": copy, "table": table, "row": TableRow.objects.get(table=table, unit=wuhan_row.unit)}


@pytest.mark.parametrize("name, obj", UNPUBLISHED_URLS)
def test_a_filler_sees_no_table_of_a_copied_year_until_it_is_published(
    client, wuhan, reviewer, admin_user, unpublished, name, obj
):
    from targets.workflow import table_open

    url = reverse(name, args=[unpublished[obj].pk])
    client.force_login(wuhan)
    assert client.get(url).status_code == 404, name
    client.force_login(admin_user)
    assert client.get(url).status_code == 200, name  # the bureau checks the copy before publishing it
    table_open(table_id=unpublished["table"].pk, actor=admin_user, deadline=None)
    client.force_login(wuhan)
    assert client.get(url).status_code == 200, name


def test_a_filler_lists_nothing_of_an_unpublished_copy(client, wuhan, unpublished):
    from tests.api.conftest import token_client

    copy, table, row = unpublished["project"], unpublished["table"], unpublished["row"]
    client.force_login(wuhan)
    home = client.get(reverse("home"))
    assert copy.pk not in [p.pk for p in home.context["projects"]]
    assert row.pk not in [r.pk for r in home.context["my_rows"]]
    assert client.get(reverse("reports:export_bundle", args=[copy.pk])).status_code in (404, 405)
    api = token_client(wuhan)
    assert copy.pk not in [p["id"] for p in api.get("/api/v1/projects/").json()["results"]]
    assert table.pk not in [t["id"] for t in api.get("/api/v1/tables/").json()["results"]]
    assert row.pk not in [r["id"] for r in api.get("/api/v1/rows/").json()["results"]]
    assert not api.get("/api/v1/cells/", {"row": row.pk}).json()["results"]
