"""Make the README's picture of the public board (docs/board.png).

    python tools/board_picture.py            # needs Chromium and Playwright (the test extra)

A simulated first half of 2026 on the shipped plan: every unit reports each indicator of its
agreement at each month's end, somewhere between 60 % and 110 % of the pace its target asks
(the same seed, the same picture); then ``thidua brief --period 2026-H1`` writes the board,
and headless Chromium photographs its top at 1280 x 1400 px.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PICTURE = ROOT / "docs" / "board.png"


def simulate(db: Path) -> None:
    from thiduaCLI import ledger as library
    from thiduaCLI import open_ledger
    from thiduaCLI.domain.calendar import month_end

    chance = random.Random(2026)
    library.init(db, ROOT / "data" / "targets_2026.toml", "mô phỏng")
    with open_ledger(db, today=date(2026, 7, 15)) as ledger:
        plan = ledger.plan
        for unit in plan.units.values():
            for code, target in unit.agreement.items():
                indicator = plan.indicators[code]
                for month in range(1, 7):
                    pace = Decimal(chance.randint(60, 110)) / 100
                    day = month_end(2026, month)
                    if indicator.kind == "cumulative":
                        value: object = (target * pace / 12).quantize(Decimal("0.1"))
                    elif indicator.share and indicator.rollup == "ratio":
                        whole = 1000
                        value = (min(whole, int(target * pace * 10)), whole)
                    else:
                        value = min(target * pace, Decimal(100) if indicator.share else target * 2)
                        value = Decimal(value).quantize(Decimal("0.1"))
                    ledger.record(unit, code, value, on=day, by="mô phỏng")  # type: ignore[arg-type]


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        print("needs Chromium: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "thidua.sqlite3"
        simulate(db)
        thidua = Path(sys.executable).with_name("thidua")
        subprocess.run(
            [str(thidua), "--db", str(db), "brief", "--period", "2026-H1", "-o", folder, "-q"],
            check=True,
        )
        board = Path(folder) / "bang-tin-2026-H1.html"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(board.as_uri())
            page.screenshot(path=str(PICTURE))
            browser.close()
    print(f"wrote {PICTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
