"""The name of every file the product hands out (exports, templates, jobs, PDFs, Word, zips), and
the header that hands it out.

A name says which project (its name, cut to a readable length), which year and which object
(the table, the layout, the unit): `湖北省专利转化专项计划-2022年-附件2 项目绩效目标表.xlsx`. Two
different objects never share a name: a project is told from a namesake of the same year by its
code, and the rest by the parts each caller gives. Before, the seven 广州开发区 projects all
downloaded as `项目支出绩效目标表（含转移支付项目）-项目支出绩效目标表（含转移支付项目）.xlsx`, and a
browser told them apart only by `(1)`, `(2)` …

A name made here carries its ASCII `fallback`; `units.files.content_disposition` puts both in the
header that hands the file out (RFC 6266), for every download, streamed or signed.
"""

from __future__ import annotations

import re

from .models import Project

# What Windows, macOS or a browser refuses or rewrites in a file name, and line breaks.
FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
PROJECT_CHARS = 40  # a project's name is cut here (“…”): 广东's names list four projects in one
NAME_CHARS = 150  # the whole name, before the extension


class DownloadName(str):
    """A file name, with the ASCII name older clients are given (`fallback`)."""

    fallback: str


def _clean(text) -> str:
    return re.sub(r"\s+", " ", FORBIDDEN.sub("", str(text or ""))).strip(" .")


def project_label(project: Project) -> str:
    """The project's name, cut to PROJECT_CHARS; with its code when another project of the same
    budget year reads the same (one query)."""
    name = _clean(project.name) or project.code
    cut = len(name) > PROJECT_CHARS
    label = name[: PROJECT_CHARS - 1] + "…" if cut else name
    twins = Project.objects.filter(budget_year=project.budget_year).exclude(pk=project.pk)
    twins = twins.filter(name__startswith=project.name[: PROJECT_CHARS - 1]) if cut else twins.filter(name=project.name)
    return f"{label}（{project.code}）" if twins.exists() else label


def download_name(
    project: Project, *parts, ext: str, year: int | None = None, label: str | None = None
) -> DownloadName:
    """`<project>-<year>年-<parts…>.<ext>`; the year is left out where a part already names it.
    `year` defaults to the project's budget year; `label`, the project's `project_label`, when the
    caller names many files of one project (no query per file)."""
    year = year or project.budget_year
    segments = [label or project_label(project)]
    texts = [_clean(part) for part in parts if _clean(part)]
    if year and not any(str(year) in text for text in [segments[0], *texts]):
        segments.append(f"{year}年")
    for text in texts:
        if text not in segments:  # a sheet title that repeats the project's own says nothing new
            segments.append(text)
    stem = "-".join(segments)
    if len(stem) > NAME_CHARS:
        stem = stem[: NAME_CHARS - 1] + "…"
    name = DownloadName(f"{stem}.{ext}")
    ascii_parts = [project.code, str(year) if year else "", *(_ascii(text) for text in texts)]
    name.fallback = f"{'-'.join(filter(None, ascii_parts))[:NAME_CHARS]}.{ext}"
    return name


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")
