from celery import shared_task

from .services import table_cells_reparse


@shared_task(acks_late=True)
def table_cells_reparse_task(table_id: int) -> int:
    return table_cells_reparse(table_id=table_id)
