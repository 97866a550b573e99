"""docs/api.md's curl examples, run as written against a live server.

Each example is a ```sh block after a comment `<!-- test: status=N set NAME=path … -->`: the block
runs in bash with the variables the document tells the reader to set (API, TOKEN, REVIEWER_TOKEN,
and those read from earlier answers), its answer must have status N, and `set` reads the next
variables from the JSON answer, as the reader would. curl's `-w` comes from a curlrc, not the doc.
`setup=NAME` first does what the doc says happens on a page (SETUPS), e.g. the bureau opens a round.
"""

import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from projects.demo import demo_accounts_load

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
EXAMPLE = re.compile(r"<!-- test: (?P<spec>[^>]*) -->\n```sh\n(?P<command>.*?)\n```", re.S)


def examples() -> list[tuple[int, dict[str, str], str, str]]:
    found = []
    for match in EXAMPLE.finditer(DOC.read_text()):
        spec = match.group("spec").split()
        setup = next((item.removeprefix("setup=") for item in spec if item.startswith("setup=")), "")
        spec = [item for item in spec if not item.startswith("setup=")]
        status = int(spec[0].removeprefix("status="))
        sets = dict(item.split("=", 1) for item in spec[2:]) if len(spec) > 1 and spec[1] == "set" else {}
        found.append((status, sets, match.group("command"), setup))
    return found


def _open_monitoring_round(env: dict) -> None:
    """The bureau opens a 监控 round of the project of the unit's (approved) row, on its page."""
    from monitoring.services import round_open
    from targets.models import TableRow

    project = TableRow.objects.get(pk=env["ROW"]).table.project
    reviewer = get_user_model().objects.get(username="reviewer")
    round_open(
        project=project,
        kind="monitoring",
        reference_date=date(2022, 6, 30),
        deadline=None,
        lag_threshold=Decimal(20),
        actor=reviewer,
    )


SETUPS = {"monitoring_round": _open_monitoring_round}


def _dig(data, path: str):
    for key in path.split("."):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def _create_token(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, "--name", "文档示例", stdout=out)
    return out.getvalue().strip()


def test_the_documented_examples_cover_a_units_fill_and_submit_and_a_review():
    commands = "\n".join(command for _status, _sets, command, _setup in examples())
    paths = ("/rows/?year=", "/tables/$TABLE/", "X PATCH", "/submit/", "/return/", "/approve/", "/exports/")
    for path in (*paths, "/reports/$REPORT/", "values"):
        assert path in commands, path


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_the_curl_examples_of_docs_api_md_work_as_written(seeded_transactional_db, live_server, tmp_path):
    demo_accounts_load()  # wtu (武汉轻工大学) and reviewer; the Hubei tables open
    (tmp_path / ".curlrc").write_text('write-out = "\\n%{http_code}"\nmax-time = 60\n')
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(tmp_path),
        "CURL_HOME": str(tmp_path),
        "API": live_server.url,
        "TOKEN": _create_token("wtu"),
        "REVIEWER_TOKEN": _create_token("reviewer"),
    }
    found = examples()
    assert len(found) >= 10
    for status, sets, command, setup in found:
        if setup:
            SETUPS[setup](env)
        result = subprocess.run(
            ["bash", "-c", command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90
        )
        body, _, code = result.stdout.rpartition("\n")
        assert int(code or 0) == status, (command, result.stdout[-2000:], result.stderr[-500:])
        if "-o " in command:
            continue
        answer = json.loads(body)
        if status >= 400:
            assert answer["detail"] and re.search(r"[\u4e00-\u9fff]", answer["detail"]), answer
        for name, path in sets.items():
            env[name] = str(_dig(answer, path))
    assert (tmp_path / "全部附件.xlsx").read_bytes()[:2] == b"PK"
