"""The one check every entry path uses: numbers against their column's precision, text
against control characters (issue 11, items 2 and 3)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.models import AgreementExpense
from targets.models import Cell
from units.inputs import check_number, check_text, number_problem, read_number

NUMBER = Cell._meta.get_field("number")  # 24 digits, 6 decimal places
AMOUNT = AgreementExpense._meta.get_field("amount")  # 14 digits, 2 decimal places


@pytest.mark.parametrize("text", ["123456789012345678", "-123456789012345678", "0.000001", "123456789012345678.999999"])
def test_numbers_that_fit_the_column_pass(text):
    check_number(Decimal(text), NUMBER, "“数值”")


@pytest.mark.parametrize("text", ["1234567890123456789", "1e19", "NaN", "Infinity", "-1234567890123456789"])
def test_numbers_wider_than_the_column_are_refused_with_its_precision(text):
    with pytest.raises(ValidationError) as refused:
        check_number(Decimal(text), NUMBER, "“数值”")
    assert refused.value.messages == ["“数值”数值过大（最多 18 位整数、6 位小数）"]


HUGE = ["1E+1000000", "-1E+1000000", "1E+999999999999", "Infinity", "-Infinity", "NaN", "sNaN"]


@pytest.mark.parametrize("text", [*HUGE, "1e-1000000"])
def test_a_number_with_a_huge_exponent_is_refused_as_too_large_never_raised_past(text):
    # normalize() overflowed on 1E+1000000: an OverflowError escaped every form (a 500).
    with pytest.raises(ValidationError) as refused:
        check_number(Decimal(text), AMOUNT, "“金额”")
    assert refused.value.messages[0].startswith("“金额”数值过大")
    assert number_problem(Decimal(text), NUMBER).startswith("数值过大")


@pytest.mark.parametrize("text", [*HUGE, "1e-1000000", "1E+99999999999999999999999", "1E" + "9" * 5000])
def test_the_one_number_reader_refuses_huge_exponents_naming_where(text):
    with pytest.raises(ValidationError) as refused:
        read_number(text, "“执行数”", AMOUNT)
    assert refused.value.messages[0].startswith("“执行数”数值过大")


@pytest.mark.parametrize(
    "raw, number",
    [("1,200.50", "1200.50"), ("１２０", "120"), (" 8 ", "8"), ("1e3", "1000"), ("", None), (None, None), (5, "5")],
)
def test_the_one_number_reader_reads_what_people_type(raw, number):
    read = read_number(raw, "“执行数”", AMOUNT)
    assert (None if read is None else f"{read:f}") == number


@pytest.mark.parametrize("raw", ["八十", "1 000", "٣", "0x10", "1_000", "--1", True, "1.2.3"])
def test_the_one_number_reader_names_what_is_no_number(raw):
    with pytest.raises(ValidationError, match="“执行数”应填写数字"):
        read_number(raw, "“执行数”", AMOUNT)


@pytest.mark.django_db
def test_every_model_form_reads_numbers_with_the_one_reader():
    from django.forms import modelform_factory

    form = modelform_factory(AgreementExpense, fields=["amount"])({"amount": "1E+1000000"})
    assert not form.is_valid() and form.errors["amount"][0].startswith("数值过大")
    form = modelform_factory(AgreementExpense, fields=["amount"])({"amount": "1,200.5"})
    assert form.is_valid() and form.cleaned_data["amount"] == Decimal("1200.5")


def test_extra_decimals_are_refused_not_rounded_away_from_what_was_typed():
    with pytest.raises(ValidationError, match="小数位数过多（最多 2 位小数）"):
        check_number(Decimal("68.001"), AMOUNT)
    check_number(Decimal("68.00"), AMOUNT)
    with pytest.raises(ValidationError, match="小数位数过多（最多 6 位小数）"):
        check_number(Decimal("0.0000000001"), NUMBER)
    check_number(Decimal("0.000001"), NUMBER)


def test_a_spreadsheet_float_reads_as_excel_shows_it():
    from reports.importers.grids import cell_text

    assert [cell_text(v) for v in (0.1 + 0.2, 3.0, 1e20, 12.5, 1 / 3)] == [
        "0.3",
        "3",
        "100000000000000000000",
        "12.5",
        "0.333333333333333",
    ]


@pytest.mark.parametrize("char", ["\u0000", "\u0008", "\u000b", "\u000c", "\u000e", "\u001b", "\u001f", "\u007f"])
def test_control_characters_are_refused_naming_where_and_which(char):
    with pytest.raises(ValidationError) as refused:
        check_text(f"甲{char}乙", "“备注”")
    assert refused.value.messages[0].startswith(f"“备注”含有不可见的控制字符（U+{ord(char):04X}）")


def test_tabs_line_breaks_and_ordinary_text_pass():
    check_text("第一行\r\n第二行\t≥500条　（全角空格）", "“备注”")
    check_text(None)


INVISIBLE = {
    "改变文字显示方向": ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
    "零宽度": ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"],
    "非字符": ["\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"],
}


@pytest.mark.parametrize(
    "kind, char", [(kind, char) for kind, chars in INVISIBLE.items() for char in chars], ids=lambda v: repr(v)
)
def test_bidi_zero_width_and_noncharacters_are_refused_naming_where_and_which(kind, char):
    """U+202E shows "0001" for "1000" on screen and on paper; a zero-width space makes two equal-looking
    values differ; a noncharacter cannot be written to .xlsx/.docx."""
    with pytest.raises(ValidationError) as refused:
        check_text(f"1000{char}条", "“备注”")
    message = refused.value.messages[0]
    assert message.startswith("“备注”含有") and kind in message and f"U+{ord(char):04X}" in message


def test_ordinary_chinese_punctuation_and_symbols_pass():
    check_text("≥500条；“显著增长”（较上年）·—…《通知》①％‰㎡ 中文　全角空格 emoji 🙂")
