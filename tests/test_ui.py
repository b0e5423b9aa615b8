"""The Dagster UI on a published home, in headless Chromium: layers, an indicator's lineage, contract checks.

Needs Debian's chromium (`.ci/run` installs it). Screenshots are saved to tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import BROWSER_ARGS, CHROMIUM

ARTIFACTS = Path(__file__).parent / "artifacts"
REPO = Path(__file__).resolve().parents[1]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("chromium is missing in CI: .ci/run installs the Debian package before the tests")
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def webserver(published, small_landing):
    home = published.parent.parent
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home / "dagster"),
        "MUTU_HOME": str(home),
        "MUTU_LANDING": str(small_landing),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster-webserver"),
            "-w",
            str(REPO / "workspace.yaml"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"{url}/server_info", timeout=2)
                break
            except OSError as exc:
                if server.poll() is not None:
                    raise RuntimeError("dagster-webserver exited during start-up") from exc
                time.sleep(1)
        else:
            raise RuntimeError("dagster-webserver did not answer within 180 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(webserver):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        tab = browser.new_page(viewport={"width": 1600, "height": 1000})
        yield tab
        browser.close()


def _open(page, url):
    page.goto(url, wait_until="networkidle")
    skip = page.get_by_role("button", name="Skip")  # the community newsletter dialog on first visit
    if skip.count():
        skip.click()
    page.wait_for_timeout(1500)


def test_asset_graph_shows_every_layer(page, webserver):
    _open(page, f"{webserver}/asset-groups")
    text = page.inner_text("body")
    for group in ("landing", "staging", "core", "indicators", "marts", "audit", "publish"):
        assert group in text
    page.screenshot(path=str(ARTIFACTS / "asset_graph.png"))


def test_indicator_lineage_is_visible(page, webserver):
    _open(page, f"{webserver}/assets/indicators/ind_queue_unit_day?view=lineage")
    # The graph shortens a long name in the middle when it is drawn small ("mart_que…_unit_day").
    downstream = re.compile(r"mart_que\w*…?\w*_unit_day")
    page.get_by_text(downstream).first.wait_for(timeout=30_000)
    text = page.inner_text("body")
    assert "fct_queue_ticket" in text and downstream.search(text) and "_service_day" in text
    page.screenshot(path=str(ARTIFACTS / "indicator_lineage.png"))


def test_contract_checks_are_visible_with_their_results(page, webserver):
    _open(page, f"{webserver}/assets/staging/queue_tickets?view=checks")
    page.get_by_text("row_accounting_balanced").first.wait_for(timeout=30_000)
    text = page.inner_text("body")
    for check in ("row_accounting_balanced", "called_not_before_issued", "unit_known", "units_reporting"):
        assert check in text
    assert "Failed" in text and "Succeeded" in text
    page.screenshot(path=str(ARTIFACTS / "queue_checks.png"))
