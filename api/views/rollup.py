"""The roll-up (汇总): each project indicator against what the units' values add up to.

The page's own read (targets.selectors.project_rollup) and permission (policy.can_view_rollup,
through projects.access.project_for_rollup: 404 to whoever may not see it)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from projects.access import project_for_rollup
from targets.selectors import project_rollup

from ..monitoring_serializers import RollupLineSerializer, rollup_line_data


@extend_schema(summary="项目汇总：各单位的指标值合计与项目指标对照（本项目的省局人员）")
class ProjectRollup(generics.GenericAPIView):
    serializer_class = RollupLineSerializer
    pagination_class = None

    @extend_schema(responses=RollupLineSerializer(many=True))
    def get(self, request, pk):
        project = project_for_rollup(request.user, pk)
        return Response([rollup_line_data(line) for line in project_rollup(project)])
