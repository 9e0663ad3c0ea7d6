"""Shrink the console screenshots of a browser-test run (var/screenshots/*.png) into the README's JPEGs.

Usage: ``.venv/bin/python -m pytest tests/web/console`` then ``.venv/bin/python scripts/console_screenshots.py``.
Uses Debian's chromium through Playwright (no image library needed).
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SOURCE, TARGET = ROOT / "var" / "screenshots", ROOT / "docs" / "console"
NAMES = ("dashboard", "demand-detail", "matches", "simulator")
WIDTH, MAX_HEIGHT, QUALITY = 960, 900, 70


def main() -> None:
    """Write docs/console/<name>.jpg for each screenshot in ``NAMES``."""
    TARGET.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": WIDTH, "height": 600})
        for name in NAMES:
            data = base64.b64encode((SOURCE / f"{name}.png").read_bytes()).decode()
            page.set_content(f'<body style="margin:0"><img id="shot" style="width:{WIDTH}px;display:block" '
                             f'src="data:image/png;base64,{data}"></body>')
            page.wait_for_function("document.getElementById('shot').complete")
            height = (page.locator("#shot").bounding_box() or {"height": MAX_HEIGHT})["height"]
            page.screenshot(path=str(TARGET / f"{name}.jpg"), type="jpeg", quality=QUALITY,
                            clip={"x": 0, "y": 0, "width": WIDTH, "height": min(height, MAX_HEIGHT)})
            print(f"wrote {TARGET / f'{name}.jpg'}")
        browser.close()


if __name__ == "__main__":
    main()
