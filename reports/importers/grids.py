"""What every reader produces: a sheet or a Word table as a grid of cell values."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


class ImportFileError(Exception):
    """The file cannot be read at all; the message says why, in Chinese."""


@dataclass(slots=True)  # a sheet may hold 200,000 of them
class GridCell:
    value: object = None
    formula: bool = False

    @property
    def text(self) -> str:
        return cell_text(self.value)


# Blank cells of a row share one instance: nothing writes to a GridCell once read.
EMPTY = GridCell()


@dataclass
class Grid:
    name: str
    rows: list[list[GridCell]] = field(default_factory=list)

    def text(self, row: int, col: int) -> str:
        """1-based, like a spreadsheet; outside the grid is blank."""
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1].text
        return ""

    def cell(self, row: int, col: int) -> GridCell:
        if row - 1 < len(self.rows) and col - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return EMPTY


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious `.0`, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # Excel shows 15 significant digits: 0.1 + 0.2, stored as 0.30000000000000004, reads 0.3.
        number = Decimal(format(value, ".15g"))
        return format(number.normalize(), "f") if number.is_finite() else repr(value)
    return str(value).strip()
