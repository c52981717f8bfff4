"""The brief's computed wording, read from dossier/data/wording.yaml: scales, defaults and sentence patterns.

Kept as data so that wording can be reviewed and changed without touching the
code that decides which sentence applies.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, model_validator

from .resources import data_file
from .yaml_read import parse_yaml


class _Data(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Cover(_Data):
    title: str
    subtitle: str
    marking: str


class Chain(_Data):
    alone: str
    first: str
    further: str


class Deadline(_Data):
    undated: str
    after: str
    before: str
    spans: str


class Wording(_Data):
    reliability: dict[str, str]  # A-F
    credibility: dict[str, str]  # "1"-"6": keys in dossier's YAML are always text
    cover: Cover
    chain: Chain
    deadline: Deadline
    same_origin: str

    @model_validator(mode="after")
    def _whole_scale(self) -> Wording:
        if list(self.reliability) != list("ABCDEF") or list(self.credibility) != list("123456"):
            raise ValueError("the grading scale must list reliability A-F and credibility 1-6, in order")
        return self


@cache
def wording() -> Wording:
    """The package's wording file, read once (it is package data, the same for every brief)."""
    raw = data_file("wording.yaml")
    doc, problems = parse_yaml(raw, "dossier/data/wording.yaml")
    if doc is None:
        raise RuntimeError("dossier/data/wording.yaml is broken: " + "; ".join(p.text() for p in problems))
    return Wording.model_validate(doc.data)
