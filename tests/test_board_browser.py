"""The public board in a real browser: Debian's Chromium, headless, driven by Playwright (its
own browser download is never used). No console error, no request leaving the page, a page
that is not blank at 1280 and 390 px wide and fits the phone's width, the indicators' names
shown with their diacritics, and an A4 PDF when printed.

Required in CI (``.ci/run`` installs Chromium and sets ``CI``); skipped elsewhere when the
machine has no Chromium."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NAMES = (
    "Tổng thu ngân sách nhà nước trên địa bàn",
    "Tỷ lệ người dân tham gia bảo hiểm y tế",
    "Mức độ hài lòng của người dân với sự phục vụ của chính quyền",
)

pytestmark = pytest.mark.process


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Chromium for the board's test (.ci/run installs it)")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def board(ready, tmp_path: Path) -> Path:
    for unit, indicator, value, day in (
        ("K01", "VIEC_LAM", "30", "2026-03-31"),
        ("K02", "VIEC_LAM", "12", "2026-04-30"),
        ("K01", "BHYT", "3100/3200", "2026-06-30"),
        ("PHUONG", "THU_NS", "52,3", "2026-06-30"),
    ):
        assert ready("report", unit, indicator, value, "--date", day).code == 0
    done = ready("brief", "--period", "2026-H1", "-o", "bang-tin")
    assert done.code == 0, done.err
    return tmp_path / "bang-tin" / "bang-tin-2026-H1.html"


def _not_blank(png: bytes) -> bool:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    low, high = image.getextrema()
    return high - low > 100 and len(image.getcolors(maxcolors=1 << 16) or range(2)) > 10


def test_the_board_in_chromium(chromium: str, board: Path) -> None:
    from playwright.sync_api import sync_playwright

    url = board.resolve().as_uri()
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.on(
                    "console",
                    lambda message: (
                        problems.append(message.text)
                        if message.type in ("error", "warning")
                        else None
                    ),
                )
                page.on("pageerror", lambda error: problems.append(str(error)))
                page.on("request", lambda request: requests.append(request.url))
                page.goto(url, wait_until="load")
                assert _not_blank(page.screenshot()), width
                text = page.inner_text("body")
                for name in NAMES:
                    assert name in text  # the diacritics as the plan writes them
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, (width, scroll)  # wide tables scroll in their box
                charts = page.eval_on_selector_all(
                    "figure svg", "svgs => svgs.map(s => s.getBoundingClientRect().width)"
                )
                assert charts and min(charts) > 0.5 * min(width, 1200) - 40
                if width == 1280:
                    pdf = page.pdf(format="A4")
                    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 2
                page.close()
        finally:
            browser.close()
    assert problems == []
    assert set(requests) == {url}  # the page itself, and nothing else
