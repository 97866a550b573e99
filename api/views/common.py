"""What the API views share: the query parameters they document."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from targets.models import TableStatus
from targets.review import ReviewStatus

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="年度：只列出包含该年度的对象")
PROJECT = OpenApiParameter("project", OpenApiTypes.INT, description="项目编号（id）")
TABLE = OpenApiParameter("table", OpenApiTypes.INT, description="目标表编号（id）")
UNIT = OpenApiParameter("unit", OpenApiTypes.INT, description="单位编号（id）")
ROW = OpenApiParameter("row", OpenApiTypes.INT, description="填报行编号（id）")
COLUMN = OpenApiParameter("column", OpenApiTypes.INT, description="列编号（id）")
ROW_STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=list(ReviewStatus.values), description="填报状态")
TABLE_STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=list(TableStatus.values), description="目标表状态")
