"""`python -m pipeline.quality.report [OUT_DIR] [--output FILE]`: the same as `python -m pipeline report`.

Kept because the page's footer and older notes name this command; the arguments are parsed by
pipeline.cli, the one place that owns the command line."""

from __future__ import annotations

import sys

from pipeline.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["report", *sys.argv[1:]]))
