"""Every engine writes the same tables: in-process, a 2-worker process pool, and Dask.

The corpus is the sample dump in raw/ plus a small generated corpus (bench/generate.py), read
in small batches so that results cross batch and chunk boundaries. Tables are compared with
pandas, row order included; runs.parquet (the run log: ids, timestamps, engine) is excluded.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch.run import run

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
BATCH = 32


def _generate(out: Path, n_text: int, n_html: int, seed: int) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate_engines", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    mod.generate(out, n_text, n_html, seed)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("engines_raw")
    shutil.copytree(RAW, root / "sample")
    _generate(root / "generated", 150, 10, seed=11)
    return root


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted(out.glob("*.parquet")) if p.stem != "runs"}


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


@pytest.fixture(scope="module")
def local_tables(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("engines_local") / "out"
    s = run(corpus, out, workers=1, full=True, batch_size=BATCH)
    assert s.records["project_pages"] > 100  # the generated pages were really extracted
    return _tables(out)


def test_two_workers_write_the_same_tables(corpus: Path, local_tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    run(corpus, tmp_path / "out", workers=2, full=True, batch_size=BATCH)
    _assert_same(local_tables, _tables(tmp_path / "out"))


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None, silence_logs=40)
    try:
        yield cluster
    finally:
        cluster.close()


def test_dask_address_writes_the_same_tables(corpus: Path, local_tables: dict[str, pd.DataFrame],
                                             dask_cluster, tmp_path: Path) -> None:
    run(corpus, tmp_path / "out", engine="dask", scheduler=dask_cluster.scheduler_address,
        full=True, batch_size=BATCH)
    _assert_same(local_tables, _tables(tmp_path / "out"))


def test_dask_client_writes_the_same_tables(corpus: Path, local_tables: dict[str, pd.DataFrame],
                                            dask_cluster, tmp_path: Path) -> None:
    from distributed import Client

    with Client(dask_cluster) as client:
        run(corpus, tmp_path / "out", engine="dask", scheduler=client, full=True, batch_size=BATCH)
        assert client.status == "running"  # the engine does not close a client it was given
    _assert_same(local_tables, _tables(tmp_path / "out"))


def test_local_engine_does_not_import_distributed(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from pipeline.batch.run import run
        run(Path({str(RAW)!r}), Path({str(tmp_path / 'o1')!r}), workers=1, full=True)
        run(Path({str(RAW)!r}), Path({str(tmp_path / 'o2')!r}), workers=2, full=True)
        loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('distributed', 'dask'))
        print(loaded)
        sys.exit(1 if loaded else 0)
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_run_sets_its_gc_thresholds_and_restores_the_callers(tmp_path: Path) -> None:
    """With workers, the main process collects cycles less often during a run (see
    RUN_GC_THRESHOLDS) and the workers keep the caller's thresholds; in-process nothing
    changes. The caller's thresholds are back afterwards, also after an error."""
    import gc

    from pipeline.batch import engine

    before = gc.get_threshold()
    gc.set_threshold(1234, 5, 6)
    try:
        for workers, expected in ((2, engine.RUN_GC_THRESHOLDS), (1, (1234, 5, 6))):
            seen: list[tuple[int, int, int]] = []
            run(Path(__file__).parent.parent / "raw", tmp_path / f"out{workers}", workers=workers,
                log=lambda event, data: seen.append(gc.get_threshold()))
            assert seen and set(seen) == {expected}, workers
            assert gc.get_threshold() == (1234, 5, 6)
        with engine.gc_for_run(main_only=True):
            pool = engine.ProcessPool(1)
            try:
                assert pool.pool.apply(gc.get_threshold) == (1234, 5, 6)  # a worker
            finally:
                pool.close()
        with pytest.raises(RuntimeError), engine.gc_for_run(main_only=True):
            raise RuntimeError("boom")
        assert gc.get_threshold() == (1234, 5, 6)
    finally:
        gc.set_threshold(*before)
