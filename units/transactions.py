"""The one convention for writes: every public function of a write module is one transaction.

`@transaction.atomic` is the rule (`tests/test_transactions.py` scans the write modules for it).
A function that must commit as it goes, a long job whose progress other requests read while it
runs, says so with `@commits_in_steps(why)`: each of its writes is then a transaction of its own
and the reason stays beside the code."""

from __future__ import annotations

from collections.abc import Callable


def commits_in_steps(why: str) -> Callable:
    if not why.strip():
        raise ValueError("commits_in_steps needs the reason the function is not one transaction")

    def mark(function: Callable) -> Callable:
        function.commits_in_steps = why
        return function

    return mark
