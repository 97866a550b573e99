"""Pages: numbered for lists of projects, tables and rows; a cursor for cells (stable while rows change)."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class ListPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = "页码无效"


class CellCursorPagination(CursorPagination):
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 2000
    ordering = "id"
    invalid_cursor_message = "游标无效"
