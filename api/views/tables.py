"""Target tables with their columns; a filler sees the tables holding their rows."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from targets.models import TargetTable
from units import policy
from units.access import visible_or_404

from .. import filters, selectors
from ..serializers import TableListSerializer, TableSerializer


@extend_schema(summary="可见的目标表")
class TableList(generics.ListAPIView):
    filter_backends = [filters.QueryFilterBackend]
    filterset_class = filters.TableFilter
    serializer_class = TableListSerializer

    def get_queryset(self):
        return selectors.tables_for(self.request.user)


@extend_schema(summary="目标表及其列")
class TableDetail(generics.GenericAPIView):
    serializer_class = TableSerializer

    def get(self, request, pk):
        tables = TargetTable.objects.select_related("project")
        table = visible_or_404(tables, pk, request.user, policy.can_open_grid, "没有找到该目标表")
        return Response(TableSerializer(selectors.table_with_columns(table)).data)
