"""One page explained: `python -m pipeline show FILE [--text] [--json]`.

The first thing to reach for when a value in the tables looks wrong. The page goes through
`process.process_document`, the function every run uses, with a `PageTrace` that the stages
fill in as they go; this module only arranges what they recorded (nothing here re-reads,
re-classifies or re-extracts anything, so the explanation cannot drift from the extraction).

The `--json` structure (`show_version` 1; keys are only ever added):

    {"show_version": 1,
     "status": "extracted" | "skipped" | "rejected", "reason": str | null,
     "read": {"file", "source_file", "reader" (plain | gzip | jsonl | warc), "gzip_layers",
              "record" (str | null), "media_type" (text | html), "bytes", "sha256",
              "source_url", "fetched_at", "declared_charset", "encoding", "markup_chars",
              "text_chars", "text_lines", "repairs": [ISSUE], "damage": [str]},
     "text": {"lines": [str], "total_lines": int, "complete": bool},
     "kind": {"page_kind", "template", "layout", "reason", "evidence"} | null,
     "fact_block": [{"line", "label", "field", "value"}],
     "fields": [{"field", "value", "as_written", "evidence", "rule", "issues": [code]}],
     "candidates": [{"field", "value", "evidence", "rule", "problem", "chosen", "reason"}],
     "rows": {table: [row]}   (calls, regional_priorities, project_municipalities, project_objectives),
     "issues": [ISSUE]}
    ISSUE = {"severity", "code", "field", "message", "evidence"}

A file holding several pages (JSON lines, WARC) without a record chosen gives instead
{"show_version": 1, "file", "reader", "gzip_layers", "records": [{"record", "source_file",
"bytes", "source_url", "error"}]}.
"""

from __future__ import annotations

import dataclasses
import shutil
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.ingest.read import DEFAULT_MAX_BYTES, file_format, file_name, read_path
from pipeline.models import Issue, PageResult, RawDocument

if TYPE_CHECKING:  # process.py (and spaCy with it) is imported when a page is explained
    from pipeline.process import PageTrace

SHOW_VERSION = 1
HEAD_LINES = 15  # lines of text shown without --text
LONG_VALUE = 90  # characters of a long value (a summary) shown in the text view (--json: all)
# The columns of the extra rows shown in the text view (--json: every column).
ROW_COLUMNS = {"project_municipalities": ("kommun", "lan", "role", "evidence")}

# Page columns that say where the page came from: shown under "read", not as fields.
_PAGE_COLUMNS = {"source_file", "page_sha256", "template", "source_url", "fetched_at"}
# Columns the stages compute from other values rather than read from one label (the rule shown).
DERIVED = {
    "project_key": "the diarienummer, else a hash of the title and the owner",
    "owner_unit": "the department after a comma in the owner's name",
    "nuts2": "the region's NUTS 2 code",
    "fund": "the fund's label, the grant's label, or the one fund the page names",
    "programme_period": "from the codes, the id, the period label and (ESF) the dates",
    "programme_area_name": "the reference name of the programme area code",
    "specific_objective_name": "the reference name of the objective code",
    "summary": "the page's text under its summary heading (or its first section)",
    "background": "the section under a background heading",
    "objectives_text": "the section under an objectives heading",
    "target_groups_text": "the section under a target group heading",
    "municipalities": "places: the Kommun list, else the places the page names (see project_municipalities)",
    "municipality_codes": "places: the codes of `municipalities`",
    "counties": "places: the counties of the municipalities taken",
    "county_codes": "places: the codes of `counties`",
}
# A column whose own label is missing may be read from these labels' values (normalise.py).
READ_FROM = {
    "start_date": ("period",), "end_date": ("period",), "owner_unit": ("owner",),
    "eu_cofinancing_rate_pct": ("eu_contribution",), "eu_grant_sek": ("other_fund_grant_sek",),
}
_READERS = {"plain": "plain file", "gzip": "gzip-compressed page", "jsonl": "JSON lines",
            "warc": "WARC archive", "": "not readable"}


class ShowError(Exception):
    """The file or record asked for does not exist (a usage error; str(exc) says which)."""


@dataclass(frozen=True)
class RecordEntry:
    """One page of a file holding several: what the index of `show` lists."""

    record: str
    source_file: str
    bytes: int
    source_url: str | None
    error: str | None


def target(arg: str, record: str | None) -> tuple[Path, str | None]:
    """The file and the record asked for: `FILE`, `FILE#N` (when no file has that name) or
    `FILE --record N`."""
    path = Path(arg)
    if not path.exists() and "#" in arg:
        base, _, rec = arg.rpartition("#")
        if Path(base).exists():
            if record is not None and record != rec:
                raise ShowError(f"{arg}: two records asked for (#{rec} and --record {record})")
            return Path(base), rec
    if not path.exists():
        raise ShowError(f"{arg}: no such file")
    if path.is_dir():
        raise ShowError(f"{arg}: is a folder; show explains one file (extract reads folders)")
    return path, record


def explain(path: Path, record: str | None = None, *, full_text: bool = False,
            max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """The explanation of one page of `path` (see the module docstring for the structure), or
    the index of its records when it holds several and none was chosen. Raises ShowError when
    the record does not exist."""
    fmt = file_format(path)
    docs = read_path(path, max_bytes=max_bytes)
    if record is not None:
        doc = _select(docs, record)
        if doc is None:
            raise ShowError(f"{path}: no record #{record} (run `python -m pipeline show {path}` for the list)")
        return explain_document(doc, path, fmt.reader, fmt.gzip_layers, record, full_text=full_text)
    first = next(docs, None)
    second = next(docs, None)
    if first is None:
        raise ShowError(f"{path}: no page in the file")
    if "#" not in first.source_file[len(file_name(path.name)):]:  # a one-page file (plain or gzip)
        ex = explain_document(first, path, fmt.reader, fmt.gzip_layers, None, full_text=full_text)
        ex["read"]["damage"] = [d.error for d in _chain(second, None, docs) if d is not None and d.error]
        return ex
    entries = [_entry(d) for d in _chain(first, second, docs)]
    return {"show_version": SHOW_VERSION, "file": str(path), "reader": fmt.reader, "gzip_layers": fmt.gzip_layers,
            "records": [dataclasses.asdict(e) for e in entries]}


def _select(docs: Iterator[RawDocument], record: str) -> RawDocument | None:
    """Record `record` of a file ("3", or "error" for the note of a damaged archive), read lazily:
    the records before it are read and dropped, as `extract` reads them."""
    for d in docs:
        _, sep, rec = d.source_file.rpartition("#")
        if sep and rec == record:
            return d
    return None


def _chain(first: RawDocument | None, second: RawDocument | None,
           rest: Iterator[RawDocument] | None) -> Iterator[RawDocument]:
    """The documents peeked at, then the rest of the file's."""
    if first is not None:
        yield first
    if second is not None:
        yield second
    if rest is not None:
        yield from rest


def _entry(doc: RawDocument) -> RecordEntry:
    rec = doc.source_file.rpartition("#")[2] if "#" in doc.source_file else ""
    return RecordEntry(rec, doc.source_file, doc.n_bytes, doc.source_url, doc.error)


def explain_document(doc: RawDocument, path: Path, reader: str, gzip_layers: int, record: str | None,
                     *, full_text: bool = False) -> dict[str, Any]:
    """One document through `process_document` with a trace, arranged for reading."""
    from pipeline.process import PageTrace, process_document

    trace = PageTrace()
    result = process_document(doc, trace)
    page = trace.page
    text = page.text if page is not None else ""
    lines = text.split("\n") if text else []  # numbered as the fact block's lines are
    if lines and not lines[-1]:
        lines.pop()  # the line break that ends the last line starts no line
    shown = lines if full_text else lines[:HEAD_LINES]
    read = {
        "file": str(path), "source_file": doc.source_file, "reader": reader, "gzip_layers": gzip_layers,
        "record": record, "media_type": doc.media_type, "bytes": doc.n_bytes, "sha256": doc.sha256,
        "source_url": doc.source_url, "fetched_at": doc.fetched_at, "declared_charset": doc.declared_charset,
        "encoding": trace.decode.encoding or None, "markup_chars": trace.decode.markup_chars,
        "text_chars": len(text) if page is not None else None, "text_lines": len(lines) if page is not None else None,
        "repairs": [_issue(i) for i in (page.issues if page is not None else ())],
        "damage": [],  # a cut-off gzip page: where the damage is (the bytes before it are the page)
    }
    cls, seg = trace.cls, trace.seg
    kind = None if cls is None else {
        "page_kind": cls.page_kind, "template": cls.template, "layout": seg.layout if seg is not None else None,
        "reason": cls.reason, "evidence": result.kind_evidence,
    }
    fact_block = [] if seg is None else [
        {"line": p.line + 1, "label": p.label, "field": p.field, "value": p.value} for p in seg.pairs
    ]
    return {
        "show_version": SHOW_VERSION, "status": result.status, "reason": result.reason, "read": read,
        "text": {"lines": shown, "total_lines": len(lines), "complete": len(shown) == len(lines)},
        "kind": kind, "fact_block": fact_block, "fields": _fields(trace, result),
        "candidates": [
            {"field": o.candidate.field, "value": o.candidate.value, "evidence": o.candidate.evidence,
             "rule": o.candidate.rule, "problem": o.candidate.problem, "chosen": o.chosen, "reason": o.reason}
            for o in trace.fields.outcomes
        ],
        "rows": {t: [{k: _jsonable(v) for k, v in r.items() if k not in {"source_file", "project_key"}} for r in rows]
                 for t, rows in result.rows.items() if t != "page_fields" and rows},
        "issues": [_issue(i) for i in result.issues],
    }


def _fields(trace: PageTrace, result: PageResult) -> list[dict[str, Any]]:
    """Every column of the page's record: value, as written, evidence, rule and its issues."""
    by_field: dict[str, list[str]] = {}
    for i in result.issues:
        if i.field:
            by_field.setdefault(i.field, []).append(i.code)
    raw = trace.raw
    if result.project is not None and raw is not None:
        rules = dict(trace.fields.rules)
        for o in trace.fields.outcomes:
            if o.chosen:
                rules[o.candidate.field] = f"reader: {o.candidate.rule}"
        out = []
        for col, value in result.project.items():
            if col in _PAGE_COLUMNS:
                continue
            src = col if col in raw.values else None
            if src is None and (value not in (None, []) or col in by_field):  # read from another label
                src = next((a for a in READ_FROM.get(col, ()) if a in raw.values), None)
            rule = rules.get(src) if src else None
            if src and src != col and rule:
                rule = f"{rule}, as {src}"
            out.append({"field": col, "value": _jsonable(value),
                        "as_written": raw.values.get(src) if src else None,
                        "evidence": raw.evidence.get(src) if src else None,
                        "rule": rule or DERIVED.get(col), "issues": by_field.get(col, [])})
        return out
    calls = result.rows.get("calls")
    if calls:  # the call reader gives values, not a rule per field
        return [{"field": k, "value": _jsonable(v), "as_written": None, "evidence": None,
                 "rule": "call reader (kinds/calls.py)", "issues": by_field.get(k, [])}
                for k, v in calls[0].items() if k != "source_file"]
    return []


def _issue(i: Issue) -> dict[str, Any]:
    return {"severity": i.severity, "code": i.code, "field": i.field, "message": i.message, "evidence": i.evidence}


def _jsonable(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def main_show(arg: str, record: str | None, *, full_text: bool, as_json: bool, max_bytes: int) -> int:
    """`python -m pipeline show`: 0 when the page (or the file's list of records) was shown,
    2 when the file or the record does not exist."""
    import json
    import sys

    if hasattr(sys.stdout, "reconfigure"):  # a page's odd characters never stop the explanation
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        path, rec = target(arg, record)
        ex = explain(path, rec, full_text=full_text, max_bytes=max_bytes)
    except ShowError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        print(json.dumps(ex, ensure_ascii=False, indent=1) if as_json else render(ex), flush=True)
    except BrokenPipeError:  # `show FILE | head`: the reader has seen enough
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


# --------------------------------------------------------------------------- text


def render(ex: dict[str, Any], width: int | None = None) -> str:
    """The explanation for a terminal: sections, aligned columns, long values wrapped."""
    w = width or max(80, min(160, shutil.get_terminal_size((100, 24)).columns))
    if "records" in ex:
        return _render_index(ex, w)
    out: list[str] = []
    read, kind = ex["read"], ex["kind"]
    out.append(read["file"] + (f"#{read['record']}" if read["record"] is not None else ""))
    out.extend(_wrap(("status", ex["status"] + (f": {ex['reason']}" if ex["reason"] else "")), w, 2))
    if kind:
        out.extend(_wrap(("kind", f"{kind['page_kind']} page, template {kind['template']}"), w, 2))
    out += _section("READ")
    container = _READERS.get(read["reader"], read["reader"])
    if read["gzip_layers"] and read["reader"] != "gzip":
        container += ", gzip-compressed"
    rows = [("file", f"{read['file']} ({container})")]
    if read["record"] is not None:
        rows.append(("record", f"#{read['record']}"))
    for key, label in (("source_url", "url"), ("fetched_at", "fetched")):
        if read[key]:
            rows.append((label, read[key]))
    size = f"{_show(read['bytes'])} bytes"
    rows.append(("content", f"{read['media_type']}, {size}" + (f", sha256 {read['sha256'][:12]}…" if read["sha256"] else "")))
    if read["encoding"]:
        rows.append(("encoding", read["encoding"]))
    if read["markup_chars"] is not None and read["text_chars"] is not None:
        rows.append(("html", f"{_show(read['markup_chars'])} characters of markup → {_show(read['text_chars'])} of "
                             "the page's own text (site chrome dropped)"))
    elif read["text_chars"] is not None:
        rows.append(("text", f"{_show(read['text_chars'])} characters, {read['text_lines']} lines"))
    for d in read["damage"]:
        rows.append(("damage", d))
    rows.append(("repairs", "; ".join(f"{r['code']}: {r['message']}" + (f" ({r['evidence']})" if r["evidence"] else "")
                                      for r in read["repairs"]) or "none"))
    for r in rows:
        out.extend(_wrap(r, w, 2))
    text = ex["text"]
    if text["total_lines"]:
        n = len(text["lines"])
        more = "" if text["complete"] else f"; --text shows all {text['total_lines']}"
        out += _section(f"TEXT the later stages read (lines 1-{n} of {text['total_lines']}{more})")
        digits = len(str(n))
        for i, ln in enumerate(text["lines"], 1):
            out.append(_cut(f"  {i:>{digits}} │ {ln}", w) if not ex["text"]["complete"] or len(text["lines"]) <= HEAD_LINES
                       else f"  {i:>{digits}} │ {ln}")
    if kind:
        out += _section("PAGE KIND")
        for r in (("kind", kind["page_kind"]), ("template", kind["template"] + (f" (fact block layout: {kind['layout']})" if kind["layout"] else "")),
                  ("decided by", kind["reason"]), ("evidence", kind["evidence"] or "—")):
            out.extend(_wrap(r, w, 2))
    if ex["fact_block"]:
        out += _section(f"FACT BLOCK ({len(ex['fact_block'])} label/value pairs)")
        out += _table(("line", "label", "field", "value"),
                      [(str(p["line"]), p["label"], p["field"], p["value"] or "(empty)") for p in ex["fact_block"]], w, (5, 34, 24))
    out += _render_fields(ex, w)
    if ex["candidates"]:
        lost = sum(not c["chosen"] for c in ex["candidates"])
        out += _section(f"CANDIDATES ({len(ex['candidates'])}: {len(ex['candidates']) - lost} taken, {lost} lost)")
        fw = min(24, max(len(c["field"]) for c in ex["candidates"]))
        vw = min(30, max(len(_show(c["value"])) for c in ex["candidates"]))
        for c in ex["candidates"]:
            head = f"  {_cut(c['field'], fw):<{fw}}  {_cut(_show(c['value']), vw):<{vw}}  "
            out.extend(_wrap((head, ("TAKEN  " if c["chosen"] else "LOST   ") + c["reason"]), w, 0, len(head)))
            out.extend(_wrap((" " * (fw + 4), f"{c['rule']}: “{_one_line(c['evidence'])}”"), w, 0, fw + 4))
    for table, rows_ in ex["rows"].items():
        if table == "calls":
            continue  # shown as the fields
        out += _section(f"{table.upper()} ({_rows(len(rows_))})")
        cols = [k for k in ROW_COLUMNS.get(table, rows_[0]) if any(r.get(k) not in (None, [], "") for r in rows_)]
        out += _table(tuple(cols), [tuple(_show(r.get(k)) for k in cols) for r in rows_], w,
                      tuple(24 for _ in cols[:-1]))
    out += _section(f"ISSUES ({len(ex['issues'])})")
    if not ex["issues"]:
        out.append("  none")
    for i in ex["issues"]:
        out.append(f"  {i['severity']:<8} {i['code']}" + (f"  ({i['field']})" if i["field"] else ""))
        out.extend(_wrap(("", i["message"]), w, 2, 9))
        if i["evidence"]:
            out.extend(_wrap(("", f"evidence: “{_one_line(i['evidence'])}”"), w, 2, 9))
    return "\n".join(out)


def _render_fields(ex: dict[str, Any], w: int) -> list[str]:
    fields = ex["fields"]
    if not fields:
        if ex["rows"]:
            return []  # a regional plan: its rows are shown below
        why = "the page was rejected before its fields were read" if ex["status"] == "rejected" else ex["reason"]
        return _section("FIELDS") + [f"  none: {why or 'no record'}"]
    shown = [f for f in fields if f["value"] not in (None, []) or f["as_written"] or f["issues"]]
    empty = [f["field"] for f in fields if f not in shown]
    lost_fields = {c["field"] for c in ex["candidates"] if not c["chosen"]}
    rows = []
    for f in shown:
        value = _cut(_show(f["value"]), LONG_VALUE)
        notes = []
        rule = f["rule"] or ("no candidate kept" if f["field"] in lost_fields else "")
        if rule.startswith("fact block"):  # its evidence is the label and the value: say only what changed
            if f["as_written"] is not None and f["as_written"] != value:
                notes.append(f"as written “{_one_line(f['as_written'])}”")
        elif f["evidence"] and _one_line(f["evidence"]) != value:
            notes.append(f"“{_one_line(f['evidence'])}”")
        if f["issues"]:
            notes.append("issue " + ", ".join(f["issues"]))
        if f["field"] in lost_fields:
            notes.append("candidates lost")
        rows.append((f["field"], value, "; ".join([rule, *notes]) if rule else "; ".join(notes)))
    out = _section(f"FIELDS ({len(shown)} with a value or a note, {len(empty)} empty)")
    rules = {f["rule"] for f in shown}
    if len(rules) == 1 and len(shown) > 1:  # one reader gave every value (a call): say it once
        out.append(f"  every value: {rules.pop()}")
        rows = [(f, v, d.split("; ", 1)[1] if "; " in d else "") for f, v, d in rows]
    out += _table(("field", "value", "rule; evidence, notes"), rows, w, (26, 30))
    if empty:
        out.extend(_wrap(("empty", ", ".join(empty) + " (no value and no note)"), w, 2))
    return out


def _render_index(ex: dict[str, Any], w: int) -> str:
    container = _READERS.get(ex["reader"], ex["reader"])
    if ex["gzip_layers"] and ex["reader"] != "gzip":
        container += ", gzip-compressed"
    out = [f"{ex['file']}: {container}, {len(ex['records'])} records; choose one with "
           f"`python -m pipeline show {ex['file']}#N` (or --record N)", ""]
    out += _table(("record", "bytes", "url or why unreadable"),
                  [("#" + r["record"], str(r["bytes"]), r["error"] or r["source_url"] or "—") for r in ex["records"]], w, (8, 10))
    return "\n".join(out)


def _rows(n: int) -> str:
    return "1 row" if n == 1 else f"{n} rows"


def _section(title: str) -> list[str]:
    return ["", title]


def _show(v: Any) -> str:
    """A value as a reader writes it: kronor grouped by thousands, lists comma-separated."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return f"{v:,}".replace(",", " ")
    if isinstance(v, list):
        return ", ".join(_show(x) for x in v) or "—"
    return _one_line(str(v))


def _one_line(s: str) -> str:
    return " / ".join(part.strip() for part in s.split("\n") if part.strip())


def _wrap(row: tuple[str, str], w: int, indent: int, key_width: int = 12) -> list[str]:
    key, value = row
    head = " " * indent + f"{key:<{key_width}}"
    if len(head) > indent + key_width:
        head += " "
    return textwrap.wrap(value, width=w, initial_indent=head, subsequent_indent=" " * len(head),
                         break_long_words=True, break_on_hyphens=False) or [head.rstrip()]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], w: int, caps: Sequence[int]) -> list[str]:
    """Aligned columns, every cell wrapped within its column: every column but the last at most
    its cap wide, the last taking the rest of the line."""
    n = len(headers)
    widths = []
    for c in range(n - 1):
        cap = caps[c] if c < len(caps) else 24
        widths.append(min(cap, max([len(headers[c]), *(len(r[c]) for r in rows)])))
    widths.append(max(20, w - 2 - sum(x + 2 for x in widths)))

    def line(cells: Sequence[str]) -> list[str]:
        wrapped = [textwrap.wrap(cells[c], width=widths[c], break_long_words=True, break_on_hyphens=False) or [""]
                   for c in range(n)]
        return ["  " + "  ".join(f"{(col[k] if k < len(col) else ''):<{widths[c]}}" for c, col in enumerate(wrapped)).rstrip()
                for k in range(max(map(len, wrapped)))]

    out = line(headers)
    for r in rows:
        out += line(r)
    return out


def _cut(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
