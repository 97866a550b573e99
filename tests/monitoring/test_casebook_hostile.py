"""评分规则核对 against hostile tables: what a spreadsheet would run, what csv cannot read, what is
too wide to hold (the probes of the hostile pass on PostgreSQL)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from monitoring import casebook


@pytest.mark.parametrize("cell", ["-A1", "-B2", "-a1", "-Sheet1", "=1+1", "+1", "@SUM(A1)", "-1+2", "\t=1"])
def test_a_cell_a_spreadsheet_would_read_as_a_formula_is_quoted_in_the_csv(cell):
    text = casebook.to_csv([["指标值"], [cell]])
    assert list(csv.reader(io.StringIO(text)))[1] == ["'" + cell]


@pytest.mark.parametrize("cell", ["-5份", "-5", "-0.5%", "－5份"])
def test_a_signed_number_with_its_unit_is_left_as_written(cell):
    assert list(csv.reader(io.StringIO(casebook.to_csv([["指标值"], [cell]]))))[1] == [cell]


def test_a_table_wider_than_any_case_is_refused_before_it_is_padded():
    text = "指标值,完成值,分值\n" + "x," * 5000 + "\n" + "a\n" * 100
    with pytest.raises(casebook.CaseError, match="列数过多"):
        casebook.score_table(text)


@pytest.mark.django_db
def test_a_cell_longer_than_csvs_field_limit_is_refused_not_a_server_error(client, reviewer):
    client.force_login(reviewer)
    text = '指标值,完成值,分值\n"' + "x" * 200_000 + '",1,10\n'
    response = client.post(reverse("monitoring:scoring_check"), {"cases": text})
    assert response.status_code == 400
    assert "单元格过长" in response.content.decode()
