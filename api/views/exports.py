"""Export jobs: start the project's 全部附件, poll its progress, download the file (the requester's alone),
build a failed or expired one again."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from reports.access import ExportExpired, export_job_for_download, export_job_for_owner, project_for_export
from reports.services import (
    EXPIRED_MESSAGE,
    RETRYABLE,
    export_job_create,
    export_job_expire_unstarted,
    export_job_retry,
)
from units import policy
from units.files import file_response

from ..exceptions import Conflict
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


class Expired(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = EXPIRED_MESSAGE


class ExportDownload(generics.GenericAPIView):
    serializer_class = ExportJobSerializer

    @extend_schema(
        summary="下载导出的文件",
        description="文件本身；对象存储开启签名链接时为 302 跳转到有效期数秒的下载地址。已过期的文件：410。",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="文件"),
            302: OpenApiResponse(description="跳转到签名下载地址"),
            410: OpenApiResponse(description="已过期，请重新导出"),
        },
    )
    def get(self, request, pk):
        try:
            job = export_job_for_download(request.user, pk)
        except ExportExpired:
            raise Expired() from None
        return file_response(job.file, filename=job.download_name, content_type=job.content_type)


class ExportRetry(generics.GenericAPIView):
    serializer_class = ExportJobSerializer

    @extend_schema(request=None, responses={202: ExportJobSerializer}, summary="重新导出（失败或已过期的任务）")
    def post(self, request, pk):
        job = export_job_for_owner(request.user, pk)
        if not policy.can_use_export_job(request.user, job):  # permissions may have changed since
            raise Http404("没有找到该项目")
        if job.status not in RETRYABLE:
            raise Conflict("该导出任务未失败也未过期，无需重新导出")
        job = export_job_retry(job=job)
        job.refresh_from_db()
        return Response(ExportJobSerializer(job, context=self.get_serializer_context()).data, status=202)
