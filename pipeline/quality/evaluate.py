"""Evaluation: per-field precision and recall of the tables against hand labels.

The labels follow ../shared/dev-pages/gold.jsonl: one object per page with `file`, `kind` and
the label fields. Scoring, per page and field:
- a value we output that equals the label is a true positive;
- a value we output that differs from the label, or that the label says is absent (null), is a
  false positive (and a differing value also a false negative);
- a labelled value we do not output is a false negative.
Project fields are scored on project pages (kinds esf_project_*, other_fund_project); a project
record on any other page counts every one of its values as false positives. Call fields are
scored on `call` pages against calls.parquet when that table exists. Text is compared
case-insensitively with whitespace collapsed; empty lists count as no value on both sides.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.project.normalise import programme_area_code
from pipeline.values.regions import canonical_region

PROJECT_KINDS = {"esf_project_2007_2013", "esf_project_2014_2020", "esf_project_2021_2027", "other_fund_project"}
# gold field -> output column of project_pages
PROJECT_FIELDS = {
    "title": "title", "project_id": "diarienummer", "owner": "owner", "contact_person": "contact_name",
    "email": "contact_email", "phone": "contact_phone", "region": "region",
    "programme_area": "programme_area", "specific_objective": "specific_objective", "phase": "phase",
    "esf_grant_sek": "eu_grant_sek", "total_budget_sek": "total_budget_sek",
    "period_start": "start_date", "period_end": "end_date",
    "planned_participants": "planned_participants", "cofinancing_rate_pct": "eu_cofinancing_rate_pct",
    "intervention_type": "intervention_type", "municipalities": "municipalities",
}
CALL_FIELDS = {
    "title": "title", "project_id": "call_id", "region": "region", "programme_area": "programme_area",
    "total_budget_sek": "amount_sek", "period_start": "opens", "period_end": "closes",
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _norm(gold_field: str, value: Any) -> Any:
    """One comparable form for a label or an output value."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = list(value.tolist() if hasattr(value, "tolist") else value)
        return tuple(sorted(" ".join(str(x).split()).casefold() for x in items)) or None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value), 2)
    s = " ".join(str(value).split())
    if not s:
        return None
    if gold_field == "region":
        s = canonical_region(s) or s
    if gold_field == "programme_area":
        s = programme_area_code(s) or s
    return s.casefold()


def _owner(row: dict[str, Any]) -> Any:
    owner, unit = row.get("owner"), row.get("owner_unit")
    if owner is None or (not isinstance(owner, str)):
        return owner
    return f"{owner}, {unit}" if isinstance(unit, str) and unit else owner


def score_rows(gold: list[dict[str, Any]], rows_by_file: dict[str, dict[str, Any]], kinds: set[str],
               fields: dict[str, str]) -> dict[str, Score]:
    scores: dict[str, Score] = defaultdict(Score)
    for g in gold:
        row = rows_by_file.get(g["file"])
        in_scope = g["kind"] in kinds
        for gf, col in fields.items():
            if row is None:
                pred = None
            elif gf == "owner":
                pred = _owner(row)
            elif gf == "esf_grant_sek" and row.get("fund") not in (None, "ESF", "ESF+"):
                pred = None  # eu_grant_sek holds another fund's grant there; the label is the ESF grant
            else:
                pred = row.get(col)
            p = _norm(gf, pred)
            t = _norm(gf, g.get(gf)) if in_scope else None
            s = scores[gf]
            if p is not None and t is not None and p == t:
                s.tp += 1
            else:
                if p is not None:
                    s.fp += 1
                    s.errors.append(f"{g['file']}: got {pred!r}, label {g.get(gf) if in_scope else '(not a ' + '/'.join(sorted(kinds))[:20] + ' page)'!r}")
                if t is not None:
                    s.fn += 1
                    if p is None:
                        s.errors.append(f"{g['file']}: missed {g.get(gf)!r}")
    return scores


def total(scores: dict[str, Score]) -> Score:
    t = Score()
    for s in scores.values():
        t.tp, t.fp, t.fn = t.tp + s.tp, t.fp + s.fp, t.fn + s.fn
    return t


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    df = pd.read_parquet(path)
    return {r["source_file"]: r for r in df.to_dict("records")}


def evaluate(raw_dir: Path, gold_path: Path) -> dict[str, Any]:
    from pipeline.batch.run import run

    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run(raw_dir, out)
        projects = _rows(out / "project_pages.parquet")
        calls = _rows(out / "calls.parquet")
        has_calls = (out / "calls.parquet").exists()
        pages = _rows(out / "pages.parquet")
    project_scores = score_rows(gold, projects, PROJECT_KINDS, PROJECT_FIELDS)
    call_scores = score_rows(gold, calls, {"call"}, CALL_FIELDS) if has_calls else {}
    kinds_right = sum(
        1 for g in gold
        if (pages.get(g["file"], {}).get("page_kind") == "project") == (g["kind"] in PROJECT_KINDS)
    )
    return {"project": project_scores, "call": call_scores, "n_pages": len(gold), "kinds_right": kinds_right,
            "by_kind": by_kind(gold, pages, projects, calls)}


def by_kind(gold: list[dict[str, Any]], pages: dict[str, dict[str, Any]], projects: dict[str, dict[str, Any]],
            calls: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per labelled page kind: pages, and how many got a project record, a call record, or the
    page kind the pipeline gave them."""
    out: dict[str, dict[str, int]] = {}
    for g in gold:
        k = out.setdefault(g["kind"], {"pages": 0, "project_record": 0, "call_record": 0})
        k["pages"] += 1
        k["project_record"] += g["file"] in projects
        k["call_record"] += g["file"] in calls
        kind = pages.get(g["file"], {}).get("page_kind") or "unread"
        k[f"kind={kind}"] = k.get(f"kind={kind}", 0) + 1
    return dict(sorted(out.items()))


def figures(result: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in ("project", "call"):
        if result[part]:
            t = total(result[part])
            out[f"{part}_precision"] = round(t.precision, 4)
            out[f"{part}_recall"] = round(t.recall, 4)
    others = result.get("by_kind", {}).get("other")
    if others and others["pages"]:
        # share of look-alike pages given no project record: precision first, so its floor is 1
        out["other_without_record"] = round(1 - others["project_record"] / others["pages"], 4)
    muni = result["project"].get("municipalities")
    if muni is not None:
        out["municipalities_precision"] = round(muni.precision, 4)
        out["municipalities_recall"] = round(muni.recall, 4)
    return out


def render(result: dict[str, Any], show_errors: bool = True) -> str:
    lines = [f"Pages: {result['n_pages']}; project/non-project classification right on {result['kinds_right']}"]
    if result.get("by_kind"):
        lines.append(f"\n  {'labelled kind':<24}{'pages':>6}{'project rec':>12}{'call rec':>9}  page kinds given")
        for kind, c in result["by_kind"].items():
            given = ", ".join(f"{k[5:]} {n}" for k, n in sorted(c.items()) if k.startswith("kind="))
            lines.append(f"  {kind:<24}{c['pages']:>6}{c['project_record']:>12}{c['call_record']:>9}  {given}")
    for part, title in (("project", "Project pages"), ("call", "Call pages (calls.parquet)")):
        scores = result[part]
        if not scores:
            continue
        lines.append(f"\n{title}")
        lines.append(f"  {'field':<22}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}")
        for name, s in scores.items():
            lines.append(f"  {name:<22}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>8.3f}")
        t = total(scores)
        lines.append(f"  {'ALL':<22}{t.tp:>5}{t.fp:>5}{t.fn:>5}{t.precision:>11.3f}{t.recall:>8.3f}")
        if show_errors:
            errs = [e for s in scores.values() for e in s.errors]
            if errs:
                lines.append("  differences:")
                lines.extend(f"    {e}" for e in errs[:40])
    return "\n".join(lines)


def main_evaluate(raw_dir: Path, gold: Path, *, floors: Path | None = None, json_out: Path | None = None) -> int:
    if not raw_dir.is_dir() or not gold.is_file():
        print(f"error: need a folder of pages and a gold file (got {raw_dir}, {gold})", file=sys.stderr)
        return 2
    result = evaluate(raw_dir, gold)
    print(render(result))
    figs = figures(result)
    print("\nFigures: " + ", ".join(f"{k}={v:.3f}" for k, v in figs.items()))
    if json_out:
        json_out.write_text(json.dumps(figs, indent=1), encoding="utf-8")
    if floors:
        wanted = json.loads(floors.read_text(encoding="utf-8"))
        low = {k: (figs.get(k, 0.0), v) for k, v in wanted.items() if figs.get(k, 0.0) < v}
        if low:
            print("BELOW FLOOR: " + ", ".join(f"{k} {got:.3f} < {floor:.3f}" for k, (got, floor) in low.items()))
            return 1
        print(f"All figures at or above the floors in {floors}.")
    return 0
