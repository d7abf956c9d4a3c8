"""The per-page stages: decode -> segment -> classify -> extract -> normalise -> validate,
plus places, sections, objectives, calls and regional plans. Pure: a document in, a
PageResult out; never raises (an exception becomes a rejected page naming the stage).

This is what the workers of the process pool or of a Dask cluster run; `run.py` imports it
only when a run has pages to extract, so a run with nothing new never loads spaCy.

Given a `PageTrace`, the same calls also record what each stage saw and decided, for
`python -m pipeline show` (quality/explain.py): the explanation comes from the code that
extracts, not from a second version of it. Without one, nothing is recorded.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
import traceback
from pathlib import Path
from typing import Any, Callable

from pipeline.kinds.calls import extract_call
from pipeline.layout.classify import classify
from pipeline.ingest.decode import DecodeError, DecodeTrace, decode
from pipeline.layout.classify import Classification
from pipeline.project.fields import FieldTrace, RawProject, extract_fields
from pipeline.models import Page, PageResult, RawDocument, Template, issue
from pipeline.project.normalise import Programme, ProjectValues, assign_programme_period, normalise_project, project_key
from pipeline.project.record import ProjectPlaces, project_row
from pipeline.project.objectives import extract_objectives
from pipeline.places import find_places, project_municipalities
from pipeline.values.programmes import lookup_area, lookup_objective
from pipeline.kinds.regional_plans import read_regional_plan
from pipeline.layout.sections import section_texts, split_sections
from pipeline.layout.segment import Segmented, segment, strip_bullet
from pipeline.project.validate import validate_project


class PageTimeout(Exception):
    """A page took longer than the run's per-page time limit (raised by the batch's timer
    wherever the page's work was; its message names the stage)."""


@dataclass
class PageTrace:
    """What the stages saw and decided for one page, as far as it got (None: not reached)."""

    decode: DecodeTrace = dataclasses.field(default_factory=DecodeTrace)
    fields: FieldTrace = dataclasses.field(default_factory=FieldTrace)
    page: Page | None = None  # the decoded text the later stages read
    seg: Segmented | None = None  # lines, fact block pairs, lists
    cls: Classification | None = None  # kind, template and the evidence for them
    raw: RawProject | None = None  # a project page's values as written, with evidence
    values: ProjectValues | None = None  # ... as normalised and validated
    programme: Programme | None = None


def process_page(page: Page, trace: PageTrace | None = None) -> PageResult:
    """Everything one decoded page contributes to the tables. Never raises."""
    try:
        return _process(page, trace)
    except Exception as exc:  # one page failing never stops the run
        where = traceback.extract_tb(exc.__traceback__)[-1]
        reason = str(exc) if isinstance(exc, PageTimeout) else \
            f"extraction failed in {Path(where.filename).stem}.{where.name}: {type(exc).__name__}: {exc}"
        return PageResult(
            source_file=page.source_file, page_sha256=page.sha256, n_bytes=page.n_bytes,
            page_kind=None, template=None, status="rejected", reason=reason[:500],
            source_url=page.source_url, fetched_at=page.fetched_at,
        )


def _process(page: Page, trace: PageTrace | None) -> PageResult:
    t0 = time.perf_counter()
    text = page.text
    if trace is not None:
        trace.page = page
    seg = segment(text)
    cls = classify(text, seg)
    if trace is not None:
        trace.seg, trace.cls = seg, cls
    t1 = time.perf_counter()
    result = PageResult(
        source_file=page.source_file, page_sha256=page.sha256, n_bytes=page.n_bytes,
        page_kind=cls.page_kind, template=cls.template, status="extracted", reason=None,
        source_url=page.source_url, fetched_at=page.fetched_at, kind_evidence=cls.evidence or None,
    )
    result.timings["segment+classify"] = t1 - t0
    result.issues.extend(i.located(page.source_file, None) for i in page.issues)
    if cls.page_kind == "call":
        call, call_issues = extract_call(text, seg.pairs)
        result.rows["calls"] = [{"source_file": page.source_file, **call}]
        result.issues.extend(i.located(page.source_file, call.get("call_id")) for i in call_issues)
        return result
    if cls.page_kind == "regional_plan":
        rows, plan_issues = read_regional_plan(text)
        result.rows["regional_priorities"] = [{"source_file": page.source_file, **r} for r in rows]
        result.issues.extend(i.located(page.source_file, None) for i in plan_issues)
        if not rows:
            result.status, result.reason = "skipped", "regional plan page without a recognisable region"
        return result
    if cls.page_kind != "project" or cls.template == "empty_fact_block":
        result.status, result.reason = "skipped", f"{cls.page_kind} page: {cls.reason}"
        return result
    raw = extract_fields(text, seg, cls, trace.fields if trace is not None else None)
    t2 = time.perf_counter()
    values, issues = normalise_project(raw, text)
    values, invalid = validate_project(values)
    programme, period_issues = assign_programme_period(values, raw)
    if trace is not None:
        trace.raw, trace.values, trace.programme = raw, values, programme
    issues += invalid + period_issues
    t3 = time.perf_counter()
    result.timings["extract"] = t2 - t1
    result.timings["normalise+validate"] = t3 - t2
    key = project_key(values.diarienummer, values.title, values.owner)
    t4 = time.perf_counter()
    places = _add_places(result, values, seg, key, page.source_file, cls.template)
    t5 = time.perf_counter()
    body = seg.body()
    if values.title and body.startswith(values.title) and body[len(values.title):].lstrip(" \t")[:1] in ("\n", ""):
        # the heading line is the title, not the summary; a first sentence that begins with the
        # project's name ("Jobbsteget ger ...") is the summary and keeps its first word
        body = body[len(values.title):].lstrip()
    sections = split_sections(body)
    period = programme.period
    objectives = extract_objectives(sections, programme_area=values.programme_area,
                                    specific_objective=values.specific_objective, period=period)
    result.rows["project_objectives"] = [
        {"project_key": key, "source_file": page.source_file, **o} for o in objectives
    ]
    result.project = project_row(
        page=page, template=cls.template, key=key, values=values, programme=programme,
        programme_area_name=_objective_name(lookup_area, values.programme_area, period),
        specific_objective_name=_objective_name(lookup_objective, values.specific_objective, period),
        sections=section_texts(sections), places=places,
    )
    result.timings["places"] = t5 - t4
    result.timings["sections+objectives"] = time.perf_counter() - t5
    result.issues.extend(i.located(page.source_file, key) for i in issues)
    result.rows["page_fields"] = [
        {"source_file": page.source_file, "project_key": key, "field": p.field, "label": p.label, "value": p.value}
        for p in seg.pairs
    ]
    return result


LIST_HEADINGS = {"kommun", "kommuner", "kommuner som berörs", "berörda kommuner"}


LIST_TEMPLATES = {"bank_glued"}  # layouts whose pages end with a Kommun list


def _add_places(result: PageResult, values: ProjectValues, seg: Any, key: str, source_file: str,
                template: Template) -> ProjectPlaces:
    """Municipalities and counties of a project page: listed, named, owner, mentioned.

    The page's mentions go into result's project_municipalities rows and its issues; the
    ones taken as the project's are returned for its project_pages row.

    On layouts that always end with a Kommun list, a page without the list was cut off: its
    prose is not allowed to stand in for the list (the list may say otherwise), and its lists
    are null (unknown), not [] (the page names none).
    """
    listed: list[str] = next((items for heading, items in seg.lists.items() if heading.strip().casefold() in LIST_HEADINGS), [])
    # the Kommun list is passed as listed items; its lines are not prose
    list_lines = {x.casefold() for x in listed} | LIST_HEADINGS if listed else set()
    prose = "\n".join(ln for _, ln in seg.prose_lines() if not list_lines or strip_bullet(ln).casefold() not in list_lines)
    owner = ", ".join(x for x in (values.owner, values.owner_unit) if x) or None
    places = find_places(prose, listed_items=listed, owner=owner, title=values.title)
    result.rows["project_municipalities"] = [
        {"project_key": key, "source_file": source_file, "kommunkod": m.kommunkod, "kommun": m.kommun,
         "lanskod": m.lanskod, "lan": m.lan, "esf_region": m.esf_region, "nuts2": m.nuts2,
         "role": m.role, "evidence": m.evidence}
        for m in places.mentions
    ]
    chosen = project_municipalities(places)
    cut_off = template in LIST_TEMPLATES and not listed
    if cut_off and chosen:
        result.issues.append(issue("no_municipality_list",
                                   "the page has no Kommun list (cut off?); municipalities named in its prose "
                                   "are in project_municipalities but not taken as the project's",
                                   source_file=source_file, project_key=key, field="municipalities",
                                   evidence=", ".join(m.kommun for m in chosen)))
        chosen = []
        places = dataclasses.replace(places, counties=tuple(c for c in places.counties if c.role == "listed"))
    roles = {chosen[0].role} if chosen else {"listed", "named"}
    county_codes: list[str] = []
    county_names: list[str] = []
    for c in places.counties:
        if c.role in roles and c.lanskod not in county_codes:
            county_codes.append(c.lanskod)
            county_names.append(c.lan)
    issues = result.issues
    for d in places.doubtful:
        issues.append(issue("doubtful_place", f"{d.name!r} left out: {d.reason}", source_file=source_file,
                            project_key=key, field="municipalities", evidence=d.evidence))
    for item in places.unmatched_list_items:
        issues.append(issue("unknown_municipality", f"Kommun list item is not one of the 290 municipalities: {item!r}",
                            source_file=source_file, project_key=key, field="municipalities", evidence=item))
    region = values.region
    if region and region != "Nationellt":
        for m in chosen:
            if m.esf_region != region:
                issues.append(issue("municipality_outside_region",
                                    f"{m.kommun} ({m.lan}) is in {m.esf_region}, not in the page's region {region}",
                                    source_file=source_file, project_key=key, field="municipalities",
                                    evidence=m.evidence))
    if cut_off:
        return ProjectPlaces(municipalities=None, municipality_codes=None, counties=None, county_codes=None)
    return ProjectPlaces(municipalities=[m.kommun for m in chosen], municipality_codes=[m.kommunkod for m in chosen],
                         counties=county_names, county_codes=county_codes)


def _objective_name(lookup: Callable[..., list[Any]], code: str | None, period: str | None) -> str | None:
    """The reference name of an area/objective code, only when the period pins one entry down."""
    if not code or not period:
        return None
    names = {o.name for o in lookup(code, period) if o.code == code and o.name}
    return names.pop() if len(names) == 1 else None


def process_document(doc: RawDocument, trace: PageTrace | None = None) -> PageResult:
    """Decode then process one document; unreadable input becomes a rejected page. With
    `trace`, what every stage saw and decided is recorded there too."""
    base = dict(source_file=doc.source_file, page_sha256=doc.sha256, n_bytes=doc.n_bytes,
                page_kind=None, template=None, status="rejected",
                source_url=doc.source_url, fetched_at=doc.fetched_at)
    if doc.error is not None or doc.data is None:
        return PageResult(reason=doc.error or "no data", **base)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    try:
        page = decode(doc, trace.decode if trace is not None else None)
    except DecodeError as exc:
        return PageResult(reason=str(exc), **base)  # type: ignore[arg-type]
    except PageTimeout as exc:
        return PageResult(reason=str(exc)[:500], **base)  # type: ignore[arg-type]
    except Exception as exc:  # a decoder bug must not stop the run either
        return PageResult(reason=f"decoding failed: {type(exc).__name__}: {exc}"[:500], **base)  # type: ignore[arg-type]
    t1 = time.perf_counter()
    result = process_page(page, trace)
    result.timings["decode"] = t1 - t0
    return result
