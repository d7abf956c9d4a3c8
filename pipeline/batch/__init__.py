"""Batch runs: the run over a dump, the engines (in-process, pool, Dask), incremental state, the lock."""
