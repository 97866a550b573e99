"""The grade table is data; grading must still work when it has been emptied (a flushed database)."""

import pytest

from monitoring.models import DEFAULT_GRADE_LEVELS, GradeLevel

pytestmark = pytest.mark.django_db


def test_an_emptied_grade_table_gets_the_rules_three_levels_back():
    GradeLevel.objects.all().delete()
    levels = GradeLevel.in_force()
    assert [(g.code, g.name, g.percent) for g in levels] == [(c, n, p) for c, n, p, _ in DEFAULT_GRADE_LEVELS]


def test_a_grade_table_the_bureau_changed_is_kept():
    GradeLevel.objects.filter(code="partial").update(name="基本达成")
    GradeLevel.objects.create(code="exceeded", name="超额达成", percent=100, order=0)
    names = [g.name for g in GradeLevel.in_force()]
    assert names[0] == "超额达成" and "基本达成" in names and len(names) == 4
