"""A fresh clone is complete: its documents point inside it and no test reads outside it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_file_the_readme_points_to_is_in_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paths = re.findall(r"\]\(([^)#:]+)[^)]*\)", readme) + re.findall(r"`((?:\.\./|docs/)[^`\s]+)`", readme)
    assert "docs/design.md" in paths
    for path in paths:
        resolved = (ROOT / path).resolve()
        assert resolved.is_relative_to(ROOT) and resolved.exists(), path


def test_the_design_notes_are_written_for_deploying_and_extending():
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    for heading in ("## 3. The target value", "## 5. Who may do what", "## 9. Running it", "### Extending"):
        assert heading in design
    assert "../shared" not in design


def test_each_seed_names_its_original_document_and_the_repository_has_it():
    for seed in sorted((ROOT / "fixtures" / "seeds").glob("*.yaml")):
        source = re.search(r"^# Source: (\S+)", seed.read_text(encoding="utf-8"), re.M).group(1)
        assert (ROOT / source).is_file(), f"{seed.name}: {source}"


def test_no_test_reads_files_outside_the_repository():
    for test_file in sorted(set((ROOT / "tests").rglob("*.py")) - {Path(__file__).resolve()}):
        source = test_file.read_text(encoding="utf-8")
        for pattern in (r"\.\./", r"[\"'/]shared[\"'/]", r"parents\[\d+\]\.parent"):
            assert not re.search(pattern, source), f"{test_file.relative_to(ROOT)}: {pattern}"
