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
