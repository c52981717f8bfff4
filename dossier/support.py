"""What a key judgement rests on, computed from the evidence, and whether the stated confidence outruns it.

An analyst writes the judgement and its confidence; this module only counts: the findings cited, the
independent origin groups they come from (catalog/origins.yaml), the best and worst grades, how many are
drafts, the latest date they establish, and the records that dispute them. The rules that say what each
confidence needs are data (dossier/data/confidence.yaml), so they can be read and argued with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict

from .dates import PartialDate
from .models import Judgement, Origin, Record, Source
from .resources import data_file
from .rules import name_key
from .yaml_read import parse_yaml


class ConfidenceRule(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    min_groups: int
    best_reliability: str
    reviewed: str


@cache
def confidence_rules() -> dict[str, ConfidenceRule]:
    doc, problems = parse_yaml(data_file("confidence.yaml"), "dossier/data/confidence.yaml")
    if doc is None or not isinstance(doc.data, dict):
        raise RuntimeError("dossier/data/confidence.yaml is broken: " + "; ".join(p.text() for p in problems))
    return {name: ConfidenceRule.model_validate(rule) for name, rule in doc.data.items()}


def origin_of(record: Record, origins: Mapping[str, Origin]) -> Origin | None:
    """The registered origin a record's information starts from (its outlet, when unattributed)."""
    return origins.get(name_key(record.reporting_chain[0]))


def grade_key(record: Record) -> tuple[str, int]:
    """Best first: reliability A before F, then credibility 1 before 6."""
    return (record.grading.reliability, record.grading.credibility)


@dataclass(frozen=True)
class Support:
    findings: int
    groups: tuple[str, ...]  # independent origin group ids, in order of first appearance
    best: str  # best grade, e.g. B2
    worst: str
    drafts: int
    latest: PartialDate | None  # the latest date the findings establish (event, else publication)
    disputed_by: tuple[str, ...]  # records that contradict one of the findings


def judgement_support(judgement: Judgement, records: Mapping[str, Record], sources: Mapping[str, Source],
                      origins: Mapping[str, Origin], contradicted_by: Mapping[str, list[str]]) -> Support:
    cited = [records[i] for i in judgement.rests_on if i in records]
    groups: dict[str, None] = {}
    for record in cited:
        origin = origin_of(record, origins)
        if origin is not None:
            groups.setdefault(origin.group, None)
    ranked = sorted(cited, key=grade_key)
    dates = [r.event.date or (sources[r.source].published if r.source in sources else None) for r in cited]
    known = [d for d in dates if d is not None]
    # The latest point the evidence establishes: the date whose earliest day is latest (an open end counts
    # from its start), then the one that reaches furthest.
    latest = max(known, key=lambda d: (d.earliest or dt.date.min, d.latest or dt.date.max, d.text)) if known else None
    disputes = sorted({other for r in cited for other in contradicted_by.get(r.id, []) if other not in
                       judgement.rests_on})
    return Support(len(cited), tuple(groups), ranked[0].grading.code if ranked else "-",
                   ranked[-1].grading.code if ranked else "-", sum(r.status == "draft" for r in cited), latest,
                   tuple(disputes))


def outruns(confidence: str, support: Support) -> list[str]:
    """Where the stated confidence asks for more than the support gives, in words; empty when it does not."""
    rule = confidence_rules()[confidence]
    reasons = []
    if len(support.groups) < rule.min_groups:
        reasons.append(f"{confidence} confidence asks for at least {rule.min_groups} independent origin groups; "
                       f"this rests on {len(support.groups)}")
    if support.best[:1] > rule.best_reliability:
        reasons.append(f"{confidence} confidence asks for a source graded {rule.best_reliability} or better; "
                       f"the best here is {support.best}")
    if rule.reviewed == "all" and support.drafts:
        reasons.append(f"{confidence} confidence asks for reviewed findings only; {support.drafts} are drafts")
    if rule.reviewed == "some" and support.drafts == support.findings:
        reasons.append(f"{confidence} confidence asks for at least one reviewed finding; all are drafts")
    return reasons
