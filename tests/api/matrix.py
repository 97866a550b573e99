"""The security matrix of the API's routes, by (URL name, method): the expected status per role.

Run by tests/test_security_matrix.py (`test_api_route_answers_each_role_as_expected`), which also
fails for a URL pattern listed neither there nor here. JSON routes are called with each role's
token (anonymous: none, 401); the token page with the session, as a page.

Objects as in the page matrix: row = 武汉市's row (submitted), table = the open 市州 table,
project = Hubei, job = an export job of wuhan's (done); token = one of wuhan's tokens.
"""

LOGIN = "login"

ALL = {
    "anonymous": 401,
    "admin": 200,
    "reviewer": 200,
    "other_reviewer": 200,
    "observer": 200,
    "wuhan": 200,
    "outsider": 200,
}
PROJECT_READER = {**ALL, "other_reviewer": 404}
ROW_READER = {**ALL, "other_reviewer": 404, "outsider": 404}
REVIEW = {
    "anonymous": 401,
    "admin": 200,
    "reviewer": 200,
    "other_reviewer": 404,
    "observer": 403,
    "wuhan": 403,
    "outsider": 404,
}
JOB_OWNER = {
    "anonymous": 401,
    "admin": 404,
    "reviewer": 404,
    "other_reviewer": 404,
    "observer": 404,
    "wuhan": 200,
    "outsider": 404,
}
# A project's rounds and its roll-up: its bureau staff; units never see them.
ROUNDS = {**REVIEW, "observer": 200, "wuhan": 404}
REPORT = {**ROUNDS, "wuhan": 200}
REPORT_REVIEW = {**REPORT, "observer": 403, "wuhan": 403}
PAGE = {"anonymous": LOGIN, **{role: 200 for role in ALL if role != "anonymous"}}

API_MATRIX = {
    ("api:projects", "GET"): (None, ALL),
    ("api:project", "GET"): ("project", PROJECT_READER),
    # An export shows what the caller may read: a filler's file holds their own row only.
    ("api:export_start", "POST"): ("project", {**PROJECT_READER, **{r: 202 for r in ALL if PROJECT_READER[r] == 200}}),
    ("api:tables", "GET"): (None, ALL),
    # 宜昌市 (the outsider) has a row of its own in this table: it sees the table, and its own row only.
    ("api:table", "GET"): ("table", PROJECT_READER),
    ("api:rows", "GET"): (None, ALL),
    ("api:cells", "GET"): (None, ALL),
    ("api:row", "GET"): ("row", ROW_READER),
    # Who may edit the row is told the value is not a number (400, as the grid); the observer may not (403).
    ("api:row", "PATCH"): ("row", {**ROW_READER, "admin": 400, "reviewer": 400, "observer": 403, "wuhan": 400}),
    ("api:row", "DELETE"): ("row", {**{r: 405 for r in ALL}, "anonymous": 401}),
    ("api:row_submit", "POST"): ("row", {**ROW_READER, "admin": 409, "reviewer": 403, "observer": 403, "wuhan": 409}),
    ("api:row_approve", "POST"): ("row", REVIEW),
    ("api:row_return", "POST"): ("row", REVIEW),
    ("api:export", "GET"): ("job", JOB_OWNER),
    ("api:export_download", "GET"): ("job", JOB_OWNER),
    # The job is done: nothing to build again (409); retried when failed or expired.
    ("api:export_retry", "POST"): ("job", {**JOB_OWNER, "wuhan": 409}),
    # 绩效运行监控 / 自评 (monitoring_round, monitoring_report: tests/monitoring/matrix.py — 武汉市's report,
    # submitted, in a monitoring round) and the roll-up: the project's bureau staff; a unit its own report.
    ("api:rounds", "GET"): ("project", ROUNDS),
    ("api:round_reports", "GET"): ("monitoring_round", ROUNDS),
    ("api:reports", "GET"): (None, ALL),
    ("api:report", "GET"): ("monitoring_report", REPORT),
    # Submitted: who may edit it is told it is not editable (409); the observer may not (403).
    ("api:report", "PATCH"): (
        "monitoring_report",
        {**REPORT, "admin": 409, "reviewer": 409, "observer": 403, "wuhan": 409},
    ),
    ("api:report_submit", "POST"): (
        "monitoring_report",
        {**REPORT, "admin": 409, "reviewer": 409, "observer": 403, "wuhan": 409},
    ),
    # The matrix's body has no `grades`: a reviewer is told so (400).
    ("api:report_grade", "POST"): ("monitoring_report", {**REPORT_REVIEW, "admin": 400, "reviewer": 400}),
    ("api:report_return", "POST"): ("monitoring_report", REPORT_REVIEW),
    ("api:report_approve", "POST"): ("monitoring_report", REPORT_REVIEW),
    ("api:rollup", "GET"): ("project", ROUNDS),
    ("api:schema", "GET"): (None, ALL),
    ("api:docs", "GET"): (None, ALL),
    # The token page: each user's own tokens; another's token is a 404.
    ("api:tokens", "GET"): (None, PAGE),
    ("api:tokens", "POST"): (None, PAGE),
    ("api:token_revoke", "POST"): (
        "token",
        {"anonymous": LOGIN, **{r: 404 for r in ALL if r != "anonymous"}, "wuhan": 302},
    ),
}

# A second province's admin and the 广州 department's filler (tests/test_security_matrix.py, ORG_ROLES):
# every object here is Hubei's, a 404 to them; routes of no object (and a method no one may use) answer
# them as Hubei's admin and filler.
SECOND_PROVINCE = {"other_province_admin": "admin", "department": "wuhan"}
API_MATRIX = {
    route: (
        obj,
        {
            **{r: answers[like] if obj is None or answers[like] == 405 else 404 for r, like in SECOND_PROVINCE.items()},
            **answers,
        },
    )
    for route, (obj, answers) in API_MATRIX.items()
}

# Routes answered as pages (session, login redirect), not as JSON.
PAGE_ROUTES = {"api:tokens", "api:token_revoke"}

API_NAMES = {name for name, _method in API_MATRIX}
