"""load_demo makes a superuser `admin` with the password printed in the README: it refuses to run with
DEBUG off (production settings) unless told explicitly, and says why in Chinese and English."""

import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.deploy.server import ROOT, production_env

pytestmark = pytest.mark.django_db


def test_with_debug_off_it_refuses_and_creates_no_account(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command("load_demo")
    message = str(refused.value)
    assert "拒绝运行" in message and "refuses to run with DEBUG off" in message
    assert "--i-know-this-is-not-production" in message
    assert not get_user_model().objects.filter(username="admin").exists()


def test_forced_with_debug_off_it_runs(settings):
    settings.DEBUG = False
    call_command("load_demo", "--i-know-this-is-not-production")
    assert get_user_model().objects.get(username="admin").is_superuser


def test_with_debug_on_it_runs_as_make_run_does(settings):
    settings.DEBUG = True
    call_command("load_demo")
    assert get_user_model().objects.filter(username="wuhan").exists()


def test_the_production_settings_refuse_it_from_the_command_line(tmp_path):
    env = production_env(tmp_path)  # an empty database: the refusal comes before any query
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DEBUG 关闭（生产配置）时拒绝运行" in result.stderr
