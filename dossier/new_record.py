"""`dossier new`: a commented skeleton record citing a registered source.

The skeleton is deliberately invalid: each blank placeholder fails validation
with a message naming the field, so `dossier validate` is the checklist of what
is left to fill in. Its comments are the models' own field descriptions (the
hover text editors show), laid out by templates/record.yaml.j2.
"""

from __future__ import annotations

import difflib
import re
import textwrap
import typing
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from .add_source import INPUTS_LOCK
from .errors import ScaffoldError
from .files import create_new, writer_lock
from .models import SLUG_PATTERN, Record, language_tag_problem, primary_language
from .resources import template_folder
from .schema import MODELINE
from .yaml_read import read_yaml
from .yaml_write import yaml_scalar

REGISTER = Path("seeds") / "sources.yaml"
MAX_ID = 120


def new_record(root: Path, source_id: str, record_id: str | None = None) -> Path:
    """Write evidence/<id>.yaml, a commented skeleton citing `source_id`; never overwrites."""
    if record_id is not None and not is_slug(record_id):
        raise ScaffoldError(f"'{record_id}' is not a valid id; use lower-case letters, digits and single hyphens")
    if not is_slug(source_id):  # it becomes part of a file name: never '../..' or a path, whatever a file says
        raise ScaffoldError(f"'{source_id}' is not a valid source id; use lower-case letters, digits and single "
                            "hyphens")
    source = _registered_source(root, source_id)
    if source.get("kind") == "image":
        raise ScaffoldError(f"source '{source_id}' is an image, archived as an exhibit: an image is never quoted, so "
                            "no record can cite it; nothing was written. Archive the page or document it shows "
                            "(text, html, pdf, warc or wacz) with dossier add-source, and quote that")
    folder = root / "evidence"
    with writer_lock(root / INPUTS_LOCK, "evidence/"):
        record_id = record_id or _free_record_id(folder, source_id)
        path = folder / f"{record_id}.yaml"
        if path.exists():
            raise ScaffoldError(f"evidence/{path.name} already exists; nothing was written (choose another --id)")
        folder.mkdir(parents=True, exist_ok=True)
        text = skeleton(record_id, source_id, str(source.get("outlet") or ""), _source_language(source))
        create_new(path, text.encode("utf-8"))
    return path


def _registered_source(root: Path, source_id: str) -> dict[str, Any]:
    """The register entry for `source_id`, read leniently: a problem elsewhere in the register does not block."""
    path = root / REGISTER
    if not path.is_file():
        raise ScaffoldError(f"there is no {REGISTER} here (is --root right?); archive the article first with "
                            "dossier add-source")
    doc, problems = read_yaml(path, str(REGISTER))
    if doc is None:
        raise ScaffoldError(f"{REGISTER} cannot be read, fix it first:\n" + "\n".join(p.text() for p in problems))
    entries = doc.data.get("sources") if isinstance(doc.data, dict) else None
    by_id = {str(e.get("id")): e for e in entries or [] if isinstance(e, dict)}
    if source_id not in by_id:
        close = difflib.get_close_matches(source_id, list(by_id), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else "; `dossier add-source` prints the id of a new source"
        raise ScaffoldError(f"source '{source_id}' is not in {REGISTER}{hint}")
    return by_id[source_id]


def _source_language(source: dict[str, Any]) -> str:
    """The source's language tag, for the skeleton's comments; English when the register's tag is not valid
    (`validate` reports it there, and a comment must never carry text from a file it does not check)."""
    language = source.get("language")
    return language if isinstance(language, str) and language_tag_problem(language) is None else "en"


def _free_record_id(folder: Path, source_id: str) -> str:
    """`<source id>-<n>`, the first n with no file yet; the analyst may rename it to say what it shows."""
    stem = source_id[: MAX_ID - 4].rstrip("-")
    number = 1
    while (folder / f"{stem}-{number}.yaml").exists():
        number += 1
    return f"{stem}-{number}"


def is_slug(value: str) -> bool:
    return bool(re.match(SLUG_PATTERN, value)) and len(value) <= MAX_ID


def field_help(path: str, indent: str = "", model: type[BaseModel] = Record, width: int = 100) -> str:
    """A field's description from the models, as YAML comment lines: `event.date` is Record.event's `date`."""
    current: type[BaseModel] = model
    *parents, name = path.split(".")
    for parent in parents:
        annotation = current.model_fields[parent].annotation
        # An optional block (`translation: Translation | None`) is described by the model inside it.
        inner = [a for a in (annotation, *typing.get_args(annotation))
                 if isinstance(a, type) and issubclass(a, BaseModel)]
        assert inner, path
        current = inner[0]
    description = current.model_fields[name].description
    if not description:
        raise ValueError(f"{path} has no description in the models")
    lines = textwrap.wrap(description, width=width - len(indent) - 2, break_long_words=False, break_on_hyphens=False)
    return "\n".join(f"{indent}# {line}" for line in lines)


def skeleton(record_id: str, source_id: str, outlet: str, language: str = "en") -> str:
    """The text of a new record: every field present and commented, the blanks invalid until filled in.

    A source not in English (by the primary subtag of its `language`) gets the translation block too, since
    every passage quoted from it needs one; an English source's skeleton only says where to declare another
    language.
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_folder()), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["yaml"] = yaml_scalar
    template = env.get_template("record.yaml.j2")
    return template.render(modeline=MODELINE, record_id=record_id, source_id=source_id, outlet=outlet,
                           help=field_help, language=language, translated=primary_language(language) != "en")
