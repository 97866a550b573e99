"""What every entry path (grid, forms, imports, 任务书 pages, admin) asks of typed input.

A number must fit the column it is stored in, and text must not carry control
characters: both would be accepted by SQLite and then break every later read or
export, so they are refused before anything is written, with a message naming where.
"""

from __future__ import annotations

import decimal
import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property

# C0 controls but tab, newline and carriage return, and DEL (Excel and Word cannot hold them), and lone
# surrogates (JSON can carry them, no database encoding can store them): both only ever arrive by
# copying from another program, or on purpose.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def search_text(raw: str | None, limit: int | None = None) -> str:
    """What a search box was given, as a query: control characters dropped (PostgreSQL refuses a
    NUL in any string it is sent, so `?q=%00` was a 500), trimmed, cut to `limit` characters."""
    text = _CONTROL_RE.sub("", raw or "").strip()
    return text[:limit] if limit is not None else text


def _precision(field) -> tuple[int, int]:
    return field.max_digits - field.decimal_places, field.decimal_places


def too_large_message(field) -> str:
    whole, places = _precision(field)
    return f"数值过大（最多 {whole} 位整数、{places} 位小数）"


# No column holds more than this many decimal places: a number written with a smaller exponent
# (`1e-1000000`) is as far out of range as `1E+1000000`, not merely "too many decimals".
_SMALLEST_EXPONENT = -100


def number_problem(number, field) -> str | None:
    """Why `field` cannot store `number` exactly as written; never raises.

    Read from the number's digits and exponent, not computed: `normalize()`, `abs()` and
    comparisons round in the default context, and overflow on `1E+1000000` (a 500 before)."""
    whole, places = _precision(field)
    if not isinstance(number, decimal.Decimal):  # an int or a float from a spreadsheet or a caller
        number = decimal.Decimal(str(number))
    if not number.is_finite():
        return too_large_message(field)
    if number.is_zero():
        return None
    _sign, digits, exponent = number.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    lowest = exponent + trailing_zeros  # the exponent of the last non-zero digit
    if number.adjusted() >= whole:
        return too_large_message(field)
    if lowest < _SMALLEST_EXPONENT:
        return f"数值过大或过小，超出可保存的范围（最多 {whole} 位整数、{places} 位小数）"
    if lowest < -places:
        return f"小数位数过多（最多 {places} 位小数）"
    return None


def check_number(number: decimal.Decimal | None, field, where: str = "") -> None:
    """Refuse a number `field` cannot store, naming `where` (a cell, a 附表 entry, an amount)."""
    problem = None if number is None else number_problem(number, field)
    if problem:
        raise ValidationError(f"{where}{problem}")


# Thousands separators as typed (full-width ones are folded to these first).
_SEPARATORS = str.maketrans("", "", ",")
# ASCII only: `Decimal()` also reads other scripts' digits, which no export prints back.
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def read_number(raw, where: str, field, *, negative: bool = True) -> decimal.Decimal | None:
    """The one reader of a number typed in a form, sent in JSON or read from a file's cell.

    Blank is None; separators and full-width digits are allowed; anything else that is not a plain
    decimal number is refused naming `where`, as is a number the model field `field` cannot store
    (`1E+1000000`, `Infinity`, `NaN`: “数值过大”), so callers may compute with what it returns.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):  # JSON true is no number
        raise ValidationError(f"{where}应填写数字，“{raw}”不是数字")
    if isinstance(raw, float | int | decimal.Decimal):
        text = str(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).translate(_SEPARATORS).strip()
    if not text:
        return None
    if text.lower().lstrip("+-") in ("inf", "infinity", "nan", "snan"):
        raise ValidationError(f"{where}{too_large_message(field)}")
    if not _PLAIN_NUMBER_RE.fullmatch(text):
        raise ValidationError(f"{where}应填写数字，“{_shown(raw)}”不是数字")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:  # an exponent beyond what Decimal holds: 1E+99999999999999999999
        raise ValidationError(f"{where}{too_large_message(field)}") from None
    check_number(number, field, where)
    if number.as_tuple().exponent > 0:  # 1e3 is stored and shown as 1000 (it fits: no overflow)
        number = number.quantize(decimal.Decimal(1))
    if not negative and number < 0:
        raise ValidationError(f"{where}不能为负数")
    return number


def _shown(raw) -> str:
    text = str(raw)
    return text if len(text) <= 40 else text[:40] + "…"


# A cell or a 文字目标 is printed in one spreadsheet cell (at most 32,767 characters in Excel);
# these caps keep every stored text exportable whole and re-importable from the template.
MAX_CELL_CHARS = 2000
MAX_LONG_TEXT_CHARS = 20000


# Characters that change what printed text reads as without being seen: bidi embeddings, overrides,
# isolates and marks (U+202E turns "1000" into "0001" on screen and in Excel), zero-width characters
# and the BOM (two values that look equal differ), and the noncharacters Unicode reserves
# (U+FDD0–FDEF and the last two of every plane, which XML refuses). Refused as controls are.
_INVISIBLE = [
    (
        re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"),
        "改变文字显示方向的不可见字符（{}），会使显示、打印的文字与实际内容不同",
    ),
    (re.compile("[\u200b-\u200d\u2060-\u2064\ufeff]"), "零宽度的不可见字符（{}），会使看起来相同的内容实际不同"),
    (
        re.compile(
            "[\ufdd0-\ufdef"
            + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
            + "]"
        ),
        " Unicode 非字符（{}），无法导出到 Excel 或 Word",
    ),
]


def text_problem(text: str | None) -> str | None:
    """Why `text` cannot be stored as typed (a control, bidi, zero-width or noncharacter), or None."""
    match = _CONTROL_RE.search(text or "")
    if match:
        return f"含有不可见的控制字符（U+{ord(match.group()):04X}），请删除后重新填写（常见于从其他软件复制的文字）"
    for pattern, what in _INVISIBLE:
        match = pattern.search(text or "")
        if match:
            return f"含有{what.format(f'U+{ord(match.group()):04X}')}，请删除后重新填写"
    return None


def check_text(text: str | None, where: str = "", *, limit: int = MAX_LONG_TEXT_CHARS) -> None:
    """Refuse text with control or other invisible characters (`text_problem`), or longer than
    `limit`, naming `where`."""
    if text and len(text) > limit:
        raise ValidationError(f"{where}内容过长（{len(text)} 字，最多 {limit} 字）")
    problem = text_problem(text)
    if problem:
        raise ValidationError(f"{where}{problem}")


def check_texts(items: dict[str, str | None]) -> dict[str, str]:
    """Errors by key for `{key: text}`, each naming its key (the label of the field)."""
    errors = {}
    for key, text in items.items():
        try:
            check_text(text, f"“{key}”")
        except ValidationError as exc:
            errors[key] = exc.messages[0]
    return errors


class DecimalField(models.DecimalField):
    """A DecimalField that refuses what it cannot store in Chinese, and reads whatever is stored.

    SQLite does not enforce max_digits, and Django's SQLite reader rounds within
    max_digits, so one oversized stored value made every read of its row fail. This
    field reads it as stored (the database's own column is unchanged: no migration).
    """

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

    @cached_property
    def context(self):
        # Used by the SQLite converter to round a stored value to decimal_places.
        return decimal.Context(prec=decimal.MAX_PREC)

    def to_python(self, value):
        if isinstance(value, float):
            value = decimal.Context(prec=self.max_digits).create_decimal_from_float(value)
        return super().to_python(value)

    @cached_property
    def validators(self):
        return [*super(models.DecimalField, self).validators, self._check_fits]

    def _check_fits(self, value):
        check_number(value, self)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NumberFormField, "model_field": self, **kwargs})


class NumberFormField(forms.DecimalField):
    """A form's number, read by `read_number` against the model field it is stored in: the same
    reading and messages as every other entry path (`1E+1000000` is “数值过大”, not a 500)."""

    def __init__(self, model_field, **kwargs):
        kwargs.pop("max_digits", None), kwargs.pop("decimal_places", None)  # the model field's, checked once
        super().__init__(max_digits=None, decimal_places=None, **kwargs)
        self.model_field = model_field

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return read_number(value, "", self.model_field)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid") from None


class RefuseControlCharacters:
    """A form mixin: every text field is checked with `check_text`, the error beside the field."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                try:
                    check_text(value, f"“{self.fields[name].label}”")
                except ValidationError as exc:
                    self.add_error(name, exc.messages[0])
        return data


# What XML 1.0 (hence .xlsx and .docx) cannot hold: C0 controls but tab, LF and CR, and
# the two non-characters. Stored text may still carry them (older data, the admin, SQL).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    """Text an XML writer accepts: illegal control characters dropped; other values as given."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    return value


# The product's JSON bodies nest three or four levels ({"values": {"12": "≥500条"}}); a body nested
# thousands deep (`[[[[…`, 100 KB) made json.loads raise RecursionError, which no view caught (a 500).
MAX_JSON_DEPTH = 32


class MalformedJson(ValueError):
    """A body that is not JSON, or JSON no endpoint of the product takes (too deep, NaN)."""


def _refuse_constant(name: str):
    raise MalformedJson(f"{name} 不是 JSON 数值")


def read_json(data: bytes | str):
    """The one parser of JSON sent by a browser or a client (web views, DRF's parser) or found in an
    uploaded file: the parsed value, or MalformedJson for anything else (never RecursionError)."""
    try:
        value = json.loads(data or "null", parse_constant=_refuse_constant)
    except RecursionError:
        raise MalformedJson("嵌套层数过多") from None
    except (ValueError, TypeError) as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedJson("不是有效的 JSON") from exc
    _check_depth(value)
    return value


def _check_depth(value) -> None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise MalformedJson(f"嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def parse_id(value) -> int | None:
    """An id typed in a URL's query, a form field's name or value, or a JSON key: a plain ASCII
    whole number of database size, else None. `str.isdigit` alone lets through "²" (which int()
    refuses) and 30-digit numbers (which the database refuses): both were 500s."""
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return None
    return int(text)


@contextmanager
def on_field(field: str) -> Iterator[None]:
    """A service's refusal inside names the field it is about (`ValidationError({field: …})`, its
    messages unchanged), so a form can show it beside that field; one already naming a field, or of
    a subclass (a stale version is no field's), passes unchanged."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict") or type(exc) is not ValidationError:
            raise
        raise ValidationError({field: exc.error_list}) from exc
