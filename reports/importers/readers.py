"""Per-element readers for worksheets and Word tables: only non-empty cells are kept, and the
row, column and cell caps are checked on each cell as it is read, before the row is built."""

from __future__ import annotations

from .grids import EMPTY, Grid, GridCell, ImportFileError
from .ooxml import LOCAL, MAX_CELL_TEXT, Budget, local

TEXT_TOO_LONG = f"单元格文字超过 {MAX_CELL_TEXT} 个字符（Excel 的上限），文件可能已损坏"


def column_number(ref: str) -> int:
    """`XFD1000` -> 16384; the letters of a cell reference as a 1-based column."""
    number = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            number = number * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            number = number * 26 + ord(ch) - 96
        else:
            break
    return number


def materialise(name: str, rows: dict[int, list[GridCell]]) -> Grid:
    """Rows by number into a grid; gaps are empty rows, trailing empty rows are not there at all."""
    grid = Grid(name=name)
    grid.rows = [rows.get(r, []) for r in range(1, max(rows, default=0) + 1)]
    return grid


class SheetReader:
    """One worksheet. `convert(kind, style, text)` turns a cell's stored text into its value."""

    def __init__(self, name: str, budget: Budget, convert):
        self.name, self.budget, self.convert = name, budget, convert
        self.where = "工作表“" + name.replace("{", "{{").replace("}", "}}") + "”"
        self.limits = budget.limits
        self.rows: dict[int, list[GridCell]] = {}
        self.row, self.col = 0, 0
        self.cells: dict[int, GridCell] = {}
        self.cell = None  # (column, type, style) of the cell being read
        self.value: list[str] | None = None
        self.formula: list[str] | None = None
        self.target = None
        self.length = 0
        self.phonetic = 0

    def start(self, tag, attrs):
        self.budget.element()
        tag = LOCAL[tag]
        if tag == "c":
            ref = attrs.get("r")
            self.col = column_number(ref) if ref else self.col + 1
            self.cell = (self.col, attrs.get("t", "n"), attrs.get("s", "0"))
            self.value = self.formula = None
        elif self.cell is not None and tag in ("v", "f") or (tag == "t" and self.cell and not self.phonetic):
            self.target, self.length = [], 0
            if tag == "f":
                self.formula = self.target
            elif self.value is None:
                self.value = self.target
            else:
                self.target = self.value  # the runs of a rich inline string, one after another
        elif tag == "row":
            self._row_start(attrs.get("r"))
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "dimension":
            self._check_declared(attrs.get("ref", ""))

    def end(self, tag):
        tag = LOCAL[tag]
        if tag == "c":
            self._cell_end()
        elif tag in ("v", "f", "t"):
            self.target = None
        elif tag == "row":
            self._row_end()
        elif tag == "rPh":
            self.phonetic -= 1

    def data(self, text):
        if self.target is not None:
            self.length += len(text)
            if self.length > MAX_CELL_TEXT:
                raise ImportFileError(f"工作表“{self.name}”第{self.row}行：{TEXT_TOO_LONG}")
            self.budget.text(len(text))
            self.target.append(text)

    def _check_declared(self, ref: str) -> None:
        # The declared width is refused outright: readers that pad rows to it (openpyxl's do)
        # would build 16,384 cells a row. The declared height is not: LibreOffice declares its
        # padding to row 1,048,576, and rows are counted as they come instead.
        width = column_number(ref.rpartition(":")[2])
        if width > self.limits.columns:
            raise ImportFileError(
                f"工作表“{self.name}”声明的数据范围为 {ref}（{width} 列），超过 {self.limits.columns} 列的上限，已拒绝"
            )

    def _row_start(self, number) -> None:
        try:
            self.row = int(number) if number else self.row + 1
        except ValueError:
            raise ImportFileError(f"工作表“{self.name}”已损坏（行号“{number[:20]}”）") from None
        self.col, self.cells = 0, {}

    def _cell_end(self) -> None:
        column, kind, style = self.cell
        self.cell = None
        if self.formula is not None:
            value, formula = "=" + "".join(self.formula), True
        elif self.value is not None:
            value, formula = self.convert(kind, style, "".join(self.value)), False
        else:
            return
        if value is None or value == "":
            return
        if self.row > self.limits.rows:
            raise ImportFileError(f"工作表“{self.name}”超过 {self.limits.rows} 行，请分批导入")
        if column > self.limits.columns:
            raise ImportFileError(
                f"工作表“{self.name}”第{self.row}行第{column}列有数据，"
                f"超过 {self.limits.columns} 列的上限，请删除多余的列后再上传"
            )
        self.budget.cell(self.where)
        self.cells[column] = GridCell(value=value, formula=formula)

    def _row_end(self) -> None:
        if self.cells:
            self.budget.row()
            row = [EMPTY] * max(self.cells)
            for column, cell in self.cells.items():
                row[column - 1] = cell
            self.rows[self.row] = row
        self.cells = {}

    def grid(self) -> Grid:
        return materialise(self.name, self.rows)


class TableReader:
    """The tables of a Word body. Like python-docx's `row.cells`: a cell spanning columns
    repeats its text, a vertically merged cell shows the text of the cell it continues;
    tables nested in a cell are not read (as Word's cell text leaves them out). Elements are
    placed by their depth (`level`), which costs less per element than a stack of names."""

    def __init__(self, budget: Budget):
        self.budget, self.limits = budget, budget.limits
        self.grids: list[Grid] = []
        self.level = 0
        self.body = -10  # the level of <w:body>; a table directly in it is level body + 1
        self.table = 0
        self.rows: dict[int, list[GridCell]] | None = None
        self.row: list[GridCell] = []
        self.offsets: dict[int, str] = {}
        self.above: dict[int, str] = {}
        self.tc: dict | None = None
        self.text: list[str] | None = None  # the paragraph being read
        self.in_text = False
        self.length = 0
        self.before = 0
        self.where = ""

    def start(self, tag, attrs):
        self.budget.element()
        self.level += 1
        tag = LOCAL[tag]
        if self.rows is None:
            if tag == "tbl" and self.level == self.body + 1:
                self.budget.grid(len(self.grids), "表格")
                self.rows, self.table, self.where = {}, self.level, f"Word 表{len(self.grids) + 1}"
            elif tag == "body":
                self.body = self.level
        elif tag == "t":
            self.in_text = self.text is not None
        elif tag == "p":
            if self.tc is not None and self.level == self.table + 3:
                self.text = []
        elif tag == "tc":
            if self.level == self.table + 2:
                self.tc, self.length = {"span": 1, "merge": None, "paragraphs": []}, 0
        elif tag == "tr":
            if self.level == self.table + 1:
                self.row, self.offsets, self.before = [], {}, 0
        elif tag in ("tab", "br", "cr"):
            if self.text is not None:
                self.text.append("\t" if tag == "tab" else "\n")
        elif tag == "gridSpan" and self.tc is not None and self.level == self.table + 4:
            self.tc["span"] = self._number(attrs)
        elif tag == "vMerge" and self.tc is not None and self.level == self.table + 4:
            self.tc["merge"] = next((v for k, v in attrs.items() if local(k) == "val"), "continue")
        elif tag == "gridBefore" and self.tc is None and self.level == self.table + 3:
            self.before = self._number(attrs)

    def _number(self, attrs) -> int:
        value = next((v for k, v in attrs.items() if local(k) == "val"), "1")
        number = int(value) if value.isdigit() and len(value) < 7 else self.limits.columns + 1
        return max(number, 1)

    def end(self, tag):
        level = self.level
        self.level -= 1
        if self.rows is None:
            return
        tag = LOCAL[tag]
        if tag == "t":
            self.in_text = False
        elif tag == "p":
            if self.text is not None and level == self.table + 3:
                self.tc["paragraphs"].append("".join(self.text))
                self.text = None
        elif tag == "tc":
            if self.tc is not None and level == self.table + 2:
                self._cell_end()
        elif tag == "tr":
            if level == self.table + 1:
                self._row_end()
        elif tag == "tbl" and level == self.table:
            self.grids.append(materialise(self.where.replace("Word ", ""), self.rows))
            self.rows, self.above = None, {}

    def data(self, text):
        if self.in_text and self.text is not None:
            self.length += len(text)
            if self.length > MAX_CELL_TEXT:
                raise ImportFileError(f"Word 表{len(self.grids) + 1}第{len(self.rows) + 1}行：{TEXT_TOO_LONG}")
            self.budget.text(len(text))
            self.text.append(text)

    def _cell_end(self) -> None:
        offset = self.before + len(self.row)
        span = self.tc["span"]
        if offset + span > self.limits.columns:
            raise ImportFileError(
                f"Word 表{len(self.grids) + 1}第{len(self.rows) + 1}行超过 "
                f"{self.limits.columns} 列的上限，请删除多余的列后再上传"
            )
        if self.tc["merge"] == "continue":
            text = self.above.get(offset, "")
        else:
            text = "\n".join(self.tc["paragraphs"]).strip()
        for i in range(span):
            self.offsets[offset + i] = text
            self.row.append(GridCell(value=text))
        self.budget.cell(self.where)
        self.tc = None

    def _row_end(self) -> None:
        if len(self.rows) >= self.limits.rows:
            raise ImportFileError(f"Word 表{len(self.grids) + 1}超过 {self.limits.rows} 行，请分批导入")
        self.budget.row()
        self.rows[len(self.rows) + 1] = self.row
        self.above, self.row = self.offsets, []
