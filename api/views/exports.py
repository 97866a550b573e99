"""Export jobs: start the project's 全部附件, poll its progress, download the file (the requester's alone)."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from projects.downloads import attach
from reports.access import export_job_for_owner, project_for_export
from reports.services import export_job_create, export_job_expire_unstarted
from units import policy

from ..serializers import ExportJobSerializer


class ExportStart(generics.GenericAPIView):
    serializer_class = ExportJobSerializer

    @extend_schema(request=None, responses={202: ExportJobSerializer}, summary="开始导出项目的全部附件")
    def post(self, request, pk):
        project = project_for_export(request.user, pk)
        job = export_job_create(project=project, owner=request.user)
        job.refresh_from_db()
        return Response(ExportJobSerializer(job, context=self.get_serializer_context()).data, status=202)


class ExportDetail(generics.GenericAPIView):
    serializer_class = ExportJobSerializer

    @extend_schema(summary="导出进度")
    def get(self, request, pk):
        job = export_job_expire_unstarted(job=export_job_for_owner(request.user, pk))
        return Response(ExportJobSerializer(job, context=self.get_serializer_context()).data)


class ExportDownload(generics.GenericAPIView):
    serializer_class = ExportJobSerializer

    @extend_schema(
        summary="下载导出的文件",
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="文件")},
    )
    def get(self, request, pk):
        job = export_job_for_owner(request.user, pk)
        if job.status != "done" or not job.file:
            raise PermissionDenied("文件尚未生成")
        if not policy.can_use_export_job(request.user, job):
            raise Http404("没有找到该项目")
        return attach(FileResponse(job.file.open("rb"), content_type=job.content_type), job.download_name)
