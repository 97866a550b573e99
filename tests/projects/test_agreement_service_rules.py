"""The 任务书's services ask the rules themselves (projects/permissions.py through units.policy), so a
command, a task or the API that calls them cannot skip the page's check: an outsider is refused with
PermissionDenied and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied

from projects.agreements import services
from projects.models import Agreement
from units.models import Unit

pytestmark = pytest.mark.django_db

SAVES = {
    "basic": lambda pk, actor: services.agreement_save_basic(
        agreement_id=pk, expected_version=1, data={}, participants=[], actor=actor
    ),
    "content": lambda pk, actor: services.agreement_save_content(
        agreement_id=pk, expected_version=1, data={}, stage_goals={}, actor=actor
    ),
    "annex": lambda pk, actor: services.agreement_save_annex(
        agreement_id=pk, expected_version=1, values={}, actor=actor
    ),
    "budget": lambda pk, actor: services.agreement_save_budget(
        agreement_id=pk, expected_version=1, sources={}, allocations=[], expenses=[], actor=actor
    ),
    "staff": lambda pk, actor: services.agreement_save_staff(
        agreement_id=pk, expected_version=1, staff=[], actor=actor
    ),
}


@pytest.mark.parametrize("section", sorted(SAVES))
def test_an_outsider_cannot_save_a_section_of_the_agreement(section, outsider, platform_agreement):
    with pytest.raises(PermissionDenied):
        SAVES[section](platform_agreement.pk, outsider)
    agreement = Agreement.objects.get(pk=platform_agreement.pk)
    assert agreement.version == 1 and agreement.status == platform_agreement.status


def test_a_unit_filler_cannot_issue_an_agreement(wuhan, hubei, admin_user, platform_agreement):
    undertaker = Unit.objects.get(name="湖北省知识产权发展中心")
    platform_agreement.delete()  # so that only the rule could refuse it
    with pytest.raises(PermissionDenied):
        services.agreement_create(project=hubei, undertaker=undertaker, platform_kind="sub", actor=wuhan)
    assert not Agreement.objects.filter(project=hubei, undertaker=undertaker).exists()
