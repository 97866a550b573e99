"""The policy answers with the rules each app registers at ready() (units.policy.rules_register)."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from monitoring import permissions as monitoring_permissions
from projects import permissions as project_permissions
from reports import permissions as report_permissions
from reports.exporters.registry import LAYOUTS
from review.engine import Reviewable
from targets import permissions as target_permissions
from units import policy

MODULES = (target_permissions, project_permissions, monitoring_permissions, report_permissions)


def test_every_rule_of_the_apps_answers_through_the_policy():
    for module in MODULES:
        for rule in module.RULES:
            assert getattr(policy, rule.__name__) is rule, rule.__name__


def test_a_rule_is_asked_where_it_is_defined():
    assert policy.can_review_report is monitoring_permissions.can_review_report
    assert policy.can_edit_row is target_permissions.can_edit_row
    assert policy.can_view_agreement is project_permissions.can_view_agreement


def test_an_unknown_rule_is_an_attribute_error():
    with pytest.raises(AttributeError):
        policy.can_teleport_row  # noqa: B018


def test_a_rule_registered_twice_under_one_name_is_refused():
    def can_review_report(user, report):  # another rule under a taken name
        return True

    with pytest.raises(ImproperlyConfigured):
        policy.rules_register(can_review_report)
    assert policy.can_review_report is monitoring_permissions.can_review_report


def test_a_rule_cannot_shadow_a_governance_predicate():
    def reviews_project(user, project):
        return True

    with pytest.raises(ImproperlyConfigured):
        policy.rules_register(reviews_project)


def test_every_reviewable_names_registered_rules_for_its_steps():
    reviewables = [m for m in apps.get_models() if issubclass(m, Reviewable)]
    assert len(reviewables) >= 5
    for model in reviewables:
        assert model.review_rules, model
        for name in model.review_rules.values():
            assert callable(getattr(policy, name)), f"{model.__name__}: {name}"


def test_every_exporter_needs_a_registered_export_permission():
    needed = {exporter.permission for exporter in LAYOUTS.values()}
    assert needed and needed <= set(policy.EXPORT_PERMISSIONS)


def test_the_projects_app_says_which_field_names_a_projects_governing_bureau():
    assert policy.governed_filter({1, 2}, "project__").children == [("project__competent_department_id__in", {1, 2})]
