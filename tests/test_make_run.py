"""`make run PORT=8001` serves on that port; the README's demo accounts say what load_demo prints."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from projects.demo import DEMO_ACCOUNTS
from units.models import Role

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
@pytest.mark.parametrize(("port", "expected"), [(None, "8000"), ("8001", "8001")])
def test_make_run_serves_on_the_port_asked(port, expected):
    args = ["make", "-n", "run"] + ([f"PORT={port}"] if port else [])
    commands = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    serve = [line for line in commands.splitlines() if "runserver" in line]
    assert serve and serve[-1].endswith(f"runserver 127.0.0.1:{expected}")
    assert f"http://127.0.0.1:{expected}/" in commands  # the address it prints, and the e-mails' links


def test_the_readme_gives_each_demo_account_the_role_load_demo_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", readme, re.M))
    for username, _display, unit, role in DEMO_ACCOUNTS:
        # load_demo prints “<role>（<unit>）”: the README's row names that role, and the unit for a filler.
        assert Role(role).label in rows[username], username
        if role == Role.FILLER:
            assert f"{Role(role).label} of {unit}" in rows[username], username
