"""Projects: the header, the funding and the indicator tree with its long-term and annual targets."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from projects.access import project_for_user

from .. import filters, selectors
from ..serializers import ProjectListSerializer, ProjectSerializer


@extend_schema(summary="可见的项目")
class ProjectList(generics.ListAPIView):
    filter_backends = [filters.QueryFilterBackend]
    filterset_class = filters.ProjectFilter
    serializer_class = ProjectListSerializer

    def get_queryset(self):
        return selectors.projects_for(self.request.user)


@extend_schema(summary="项目：表头、资金来源、指标体系及长期、年度目标")
class ProjectDetail(generics.GenericAPIView):
    serializer_class = ProjectSerializer

    def get(self, request, pk):
        project = project_for_user(request.user, pk)
        context = {**self.get_serializer_context(), **selectors.project_detail(project)}
        return Response(ProjectSerializer(project, context=context).data)
