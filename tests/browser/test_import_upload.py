"""A county reporter uploads last year's ledger, reads the preview and confirms, in a real
Chromium: the upload goes through the page's progress script, the preview lists the new
row and the change old → new, and the projects are in the ledger afterwards."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.workbook.conftest import write_sheets
from zhaoshang.ledger.models import Project

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HEADER = [
    "项目编号*",
    "项目名称*",
    "责任单位编码*",
    "项目阶段*",
    "合同投资额(万元)",
    "合同签订日期",
]


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.mark.browser
def test_reporter_uploads_reads_the_preview_and_confirms(page, live_server, personas, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    book = write_sheets(
        tmp_path / "凯里市台账.xlsx",
        {
            "项目": [
                HEADER,
                [
                    "KL-001",
                    "新能源电池材料生产线项目（一期）",
                    "522601",
                    "合同",
                    30000,
                    "2026-11-05",
                ],
                ["KL-201", "凯里市去年续建项目", "522601", "洽谈", None, None],
            ]
        },
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "r522601")
    page.fill("#id_password", personas.password)
    page.click("button[type=submit]")

    page.click(".mainnav >> text=导入")
    expect(page.locator("h1")).to_have_text("从 Excel 导入数据")
    page.set_input_files("#import-file", str(book))
    page.get_by_role("button", name="上传并检查").click()

    expect(page.locator("h1")).to_have_text("导入预览：凯里市台账.xlsx")
    assert "/import/" in page.url
    expect(page.locator("#import-verdict")).to_contain_text("检查通过")
    counts = page.locator("#import-counts tr[data-sheet=项目] td")
    expect(counts).to_have_text(["1", "1", "0"])
    expect(page.locator(".creates")).to_contain_text("第3行 KL-201")
    update = page.locator("table.updates tbody tr").first
    expect(update.locator(".old")).to_have_text("新能源电池材料生产线项目")
    expect(update.locator(".new")).to_have_text("新能源电池材料生产线项目（一期）")
    assert not Project.objects.filter(code="KL-201").exists()
    page.screenshot(path=str(ARTIFACTS / "import-preview.png"), full_page=True)

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("h1")).to_have_text("已导入：凯里市台账.xlsx")
    expect(page.locator("#import-counts tr[data-sheet=项目] td")).to_have_text(["1", "1", "0"])
    page.get_by_role("link", name="查看项目台账").click()
    expect(page.locator("body")).to_contain_text("凯里市去年续建项目")
    assert Project.objects.get(code="KL-001").name == "新能源电池材料生产线项目（一期）"
