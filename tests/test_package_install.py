"""The package as Dask workers get it: a wheel built from the checkout, installed into a fresh
virtual environment outside the repository, runs `python -m pipeline extract` on its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def _build_wheel(dist: Path) -> Path:
    # from a copy of what a release holds, so no build/ folder left in the checkout can add files
    src = dist.parent / "src"
    shutil.copytree(ROOT / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(src)], check=True, cwd=dist.parent)
    (wheel,) = dist.glob("pipeline-*.whl")
    return wheel


def test_wheel_carries_every_data_file(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "pipeline"
    wanted = {p.relative_to(ROOT).as_posix() for p in package.rglob("*")
              if p.is_file() and p.suffix in (".py", ".csv", ".json", ".txt") and "__pycache__" not in p.parts}
    assert wanted - names == set()
    assert any(n.startswith("pipeline/schemas/") for n in names)


def test_installed_wheel_extracts_outside_the_checkout(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True)
    # the dependencies come from this environment (a plain path entry: its editable-install hook
    # for the checkout is not run), the package itself only from the wheel
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = subprocess.run([str(py), "-c", "import pipeline; print(pipeline.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, check=True, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), where

    raw = tmp_path / "sample"
    for sub in ("esfplus", "html", "utlysningar"):
        shutil.copytree(ROOT / "raw" / sub, raw / sub)
    out = tmp_path / "out"
    done = subprocess.run([str(py), "-m", "pipeline", "extract", str(raw), "--out", str(out), "--quiet"],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    projects = pd.read_parquet(out / "projects.parquet")
    pages = pd.read_parquet(out / "pages.parquet")
    assert len(pages) == sum(1 for p in raw.rglob("*") if p.is_file())
    assert len(projects) > 0 and projects["project_key"].notna().all()
    assert (out / "calls.parquet").exists()
