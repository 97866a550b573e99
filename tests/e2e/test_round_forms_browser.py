"""每个单位的自评表 in Chromium: the reviewer starts the .zip from the round page, the job page shows
its progress by unit form, and the download holds one 自评表 per unit of the demo round."""

import zipfile
from io import BytesIO

from playwright.sync_api import expect

from monitoring.demo import monitoring_demo_load
from monitoring.models import GradeLevel, Report, Round

from .conftest import screenshot


def test_the_reviewer_downloads_every_units_self_evaluation_as_one_zip(login, demo, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    GradeLevel.objects.all().delete()  # as a test before may have left it (flushed): the demo still grades
    monitoring_demo_load()
    round_ = Round.objects.get(kind="self_evaluation")
    units = Report.objects.filter(round=round_, unit__isnull=False).count()
    page = login("reviewer")
    page.goto(f"{demo}/monitoring/rounds/{round_.pk}/")
    screenshot(page, "round_forms_button")
    page.click("button:has-text('导出每个单位的自评表（.zip）')")
    expect(page.locator("#job-download")).to_be_visible()  # no worker here: the job ran eagerly
    expect(page.locator("#job-count")).to_have_text(f"{units}/{units}")
    expect(page.locator("h1")).to_contain_text("每个单位的自评表")
    screenshot(page, "round_forms_zip")
    with page.expect_download() as download:
        page.click("#job-download a")
    path = download.value.path()
    assert download.value.suggested_filename == f"{round_.project.name}-{round_}-各单位自评表.zip"
    names = zipfile.ZipFile(BytesIO(open(path, "rb").read())).namelist()
    assert len(names) == units and all(name.endswith("自评表.xlsx") for name in names)
