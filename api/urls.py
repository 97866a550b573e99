"""The API's routes: /api/v1/ (JSON), the schema and its Swagger UI, and the token page.

Every route is in the security matrix (tests/api/matrix.py)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

# schema: the token scheme's OpenAPI description, registered with the schema's URLs (not when the
# apps are ready: a worker process, which serves no API, then never imports drf-spectacular).
from . import schema, token_views  # noqa: F401
from .schema import SwaggerView
from .views import exports, monitoring, projects, rollup, rows, tables

app_name = "api"

v1 = [
    path("api/v1/projects/", projects.ProjectList.as_view(), name="projects"),
    path("api/v1/projects/<int:pk>/", projects.ProjectDetail.as_view(), name="project"),
    path("api/v1/projects/<int:pk>/exports/", exports.ExportStart.as_view(), name="export_start"),
    path("api/v1/tables/", tables.TableList.as_view(), name="tables"),
    path("api/v1/tables/<int:pk>/", tables.TableDetail.as_view(), name="table"),
    path("api/v1/rows/", rows.RowList.as_view(), name="rows"),
    path("api/v1/rows/<int:pk>/", rows.RowDetail.as_view(), name="row"),
    path("api/v1/rows/<int:pk>/submit/", rows.RowSubmit.as_view(), name="row_submit"),
    path("api/v1/rows/<int:pk>/approve/", rows.RowApprove.as_view(), name="row_approve"),
    path("api/v1/rows/<int:pk>/return/", rows.RowReturn.as_view(), name="row_return"),
    path("api/v1/cells/", rows.CellList.as_view(), name="cells"),
    path("api/v1/exports/<int:pk>/", exports.ExportDetail.as_view(), name="export"),
    path("api/v1/exports/<int:pk>/download/", exports.ExportDownload.as_view(), name="export_download"),
    path("api/v1/exports/<int:pk>/retry/", exports.ExportRetry.as_view(), name="export_retry"),
    # 绩效运行监控 and 自评: rounds, reports (完成值, progress, scores), the unit's writes, the review.
    path("api/v1/projects/<int:pk>/rounds/", monitoring.RoundList.as_view(), name="rounds"),
    path("api/v1/rounds/<int:pk>/reports/", monitoring.RoundReportList.as_view(), name="round_reports"),
    path("api/v1/reports/", monitoring.ReportList.as_view(), name="reports"),
    path("api/v1/reports/<int:pk>/", monitoring.ReportDetail.as_view(), name="report"),
    path("api/v1/reports/<int:pk>/submit/", monitoring.ReportSubmit.as_view(), name="report_submit"),
    path("api/v1/reports/<int:pk>/grade/", monitoring.ReportGrade.as_view(), name="report_grade"),
    path("api/v1/reports/<int:pk>/return/", monitoring.ReportReturn.as_view(), name="report_return"),
    path("api/v1/reports/<int:pk>/approve/", monitoring.ReportApprove.as_view(), name="report_approve"),
    # The roll-up (汇总), over the page's selector.
    path("api/v1/projects/<int:pk>/rollup/", rollup.ProjectRollup.as_view(), name="rollup"),
]

urlpatterns = [
    *v1,
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("account/api-tokens/", token_views.token_list, name="tokens"),
    path("account/api-tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
