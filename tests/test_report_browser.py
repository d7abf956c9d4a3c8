"""The report renders in a real browser (headless Chromium), when one is installed."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from pipeline.quality.report import build_report
from pipeline.batch.run import run

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")


def screenshot(html: Path, png: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1280,2000", html.as_uri()],
        capture_output=True, text=True, timeout=180,
    )


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(RAW, out)
    report = build_report(out)
    png = tmp_path / "report.png"
    proc = screenshot(report, png, tmp_path / "profile")
    assert png.is_file(), f"no screenshot; chromium said: {proc.stderr[-2000:]}"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000, "a blank page compresses to almost nothing"

    import matplotlib.image as mpimg

    pixels = mpimg.imread(str(png))
    assert pixels.std() > 0.05, "the screenshot is (nearly) one colour"
    # the plots are drawn: some clearly saturated (non-grey) pixels, e.g. the bar colours
    rgb = pixels[..., :3]
    saturation = rgb.max(axis=-1) - rgb.min(axis=-1)
    assert (saturation > 0.25).mean() > 0.002


_PROBE = """<script>window.addEventListener('load', () => {
  const boxes = [...document.querySelectorAll('div.scroll')].map(d => ({
    table: d.querySelector('table').className, scroll: d.scrollWidth, client: d.clientWidth}));
  const sec = document.getElementById('fill-records');
  document.body.setAttribute('data-probe', JSON.stringify({
    boxes, page: document.documentElement.scrollWidth, window: window.innerWidth,
    records: sec ? sec.getBoundingClientRect().height : 0,
    cells: document.querySelectorAll('#fill-records td.fill').length}));
});</script>"""


def test_wide_tables_scroll_inside_the_page(tmp_path: Path) -> None:
    """A run over a folder with a long path (no place to break it): the Last runs table scrolls
    in its own box, the page itself does not get wider than the window, and the fill rates of
    calls and regional plans are drawn."""
    import json
    import re

    import pyarrow.parquet as pq

    from test_report_golden import small_tables
    from pipeline.tables.write import to_arrow

    out = small_tables(tmp_path / "out")
    long_dir = "/srv/dumps/" + "_".join(["nightly_crawl_of_the_regional_esf_sites"] * 6)
    runs = pq.read_table(out / "runs.parquet").to_pylist()
    runs[-1]["raw_dir"] = long_dir
    pq.write_table(to_arrow("runs", runs), out / "runs.parquet")
    page = build_report(out).read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    proc = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    m = re.search(r'data-probe="([^"]*)"', proc.stdout)
    assert m, f"no probe in the DOM; chromium said: {proc.stderr[-2000:]}"
    found = json.loads(m.group(1).replace("&quot;", '"'))
    runs_box = next(b for b in found["boxes"] if b["table"] == "runs")
    assert runs_box["scroll"] > runs_box["client"] > 0  # the path runs into the box's scroll area
    assert found["page"] <= found["window"]  # ... and not off the page
    assert found["records"] > 100 and found["cells"] > 0
