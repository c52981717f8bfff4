"""Assembling the brief's view model: every computed sentence and number comes from the records."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.assemble import Selection, assemble, chain_sentence, creation_date, deadline_note, figure_text
from dossier.dates import PartialDate
from dossier.models import Figure
from dossier.validate import validate


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new))


def test_one_chapter_per_provision_with_evidence_in_catalog_order(root: Path) -> None:
    dossier = assemble(validate(root))
    assert [c.provision.id for c in dossier.chapters] == ["2397-OP8", "2375-OP17"]
    assert [c.number for c in dossier.chapters] == [1, 2]
    assert [f.id for f in dossier.chapters[0].findings] == ["fixture-15000-workers", "fixture-student-visas"]


def test_matrix_keeps_provisions_without_evidence(root: Path) -> None:
    validated = validate(root)
    dossier = assemble(validated)
    assert [row.provision.id for row in dossier.matrix] == [p.id for p in validated.catalog.provisions]
    by_id = {row.provision.id: row for row in dossier.matrix}
    assert by_id["2397-OP8"].counts == [2] and by_id["2397-OP8"].chapter is not None
    assert by_id["2397-OP1"].counts == [0] and by_id["2397-OP1"].chapter is None


def test_backlinks_and_shared_origin_are_noted_both_ways(root: Path) -> None:
    evidence = root / "evidence"
    edit(evidence / "fixture-student-visas.yaml", "  - The Kyiv Independent\nprovisions",
         "  - South Korean intelligence\n  - The Kyiv Independent\nprovisions")
    findings = {f.id: f for f in assemble(validate(root)).findings}
    visas, workers = findings["fixture-student-visas"], findings["fixture-15000-workers"]
    assert [link.id for link in workers.corroborated_by] == ["fixture-student-visas"]
    assert workers.corroborated_by[0].shared_origin == "South Korean intelligence"
    for finding in (visas, workers):
        assert len(finding.independence_notes) == 1
        assert "not independent corroboration" in finding.independence_notes[0]


def test_independent_origins_get_no_note(root: Path) -> None:
    findings = {f.id: f for f in assemble(validate(root)).findings}
    assert findings["fixture-student-visas"].corroborates[0].shared_origin is None
    assert findings["fixture-student-visas"].independence_notes == []


@pytest.mark.parametrize("event_date, expected", [
    ("2020", "Event (2020) is after the deadline of 22 December 2019."),
    ("2019-12-23", "Event (23 December 2019) is after the deadline"),
    ("2018-06", "Event (June 2018) is before the deadline"),
    ("2019", "Event date (2019) is too coarse to tell whether it falls before or after the deadline"),
    ("2019-12", "Event date (December 2019) is too coarse to tell"),
])
def test_deadline_note_at_the_precision_the_date_allows(root: Path, event_date: str, expected: str) -> None:
    edit(root / "evidence" / "fixture-15000-workers.yaml", 'date: "2025"', f'date: "{event_date}"')
    validated = validate(root)
    finding = next(f for f in assemble(validated).findings if f.id == "fixture-15000-workers")
    note = finding.deadline_notes["2397-OP8"]
    assert note.startswith(expected)
    assert "March" not in note, "reporting dates are not compared with events"


def test_undated_event_cannot_be_placed_but_the_report_date_is_given(root: Path) -> None:
    validated = validate(root)
    record = next(r for r in validated.records if r.id == "fixture-student-visas")
    note = deadline_note(record, validated.provisions["2397-OP8"], validated.sources[record.source])
    assert note.startswith("Event date not established, so it cannot be placed against the deadline of 22 December")
    assert "the report itself dates from" in note


def test_provisions_without_conduct_deadline_get_no_note(root: Path) -> None:
    finding = next(f for f in assemble(validate(root)).findings if f.id == "fixture-student-visas")
    assert set(finding.deadline_notes) == {"2397-OP8"}  # 2375-OP17 has no deadline


@pytest.mark.parametrize("selection, expected", [
    (Selection(), {"fixture-15000-workers", "fixture-student-visas"}),
    (Selection(provisions=("2375-OP17",)), {"fixture-student-visas"}),
    (Selection(status="reviewed"), {"fixture-15000-workers"}),
    (Selection(since=PartialDate.parse("2025-01")), {"fixture-15000-workers"}),  # "2025" lies after January 2025 starts
    (Selection(until=PartialDate.parse("2024-12")), set()),  # undated records never match a date window
    (Selection(since=PartialDate.parse("2026")), set()),
])
def test_selection(root: Path, selection: Selection, expected: set[str]) -> None:
    dossier = assemble(validate(root), selection)
    assert {f.id for f in dossier.findings} == expected


def test_focused_brief_describes_its_selection() -> None:
    selection = Selection(("2397-OP8",), PartialDate.parse("2024-01"), PartialDate.parse("2025-12"), "reviewed")
    assert selection.describe() == "provision 2397-OP8; events from January 2024 to December 2025; reviewed records only"
    assert Selection().describe() == "all records" and Selection().is_everything


def test_summary_counts_come_from_the_records(root: Path) -> None:
    dossier = assemble(validate(root))
    assert len(dossier.findings) == 2 and dossier.drafts == 1
    assert dossier.figures_total == 1
    assert [h.text for h in dossier.headline_figures] == ["about 15,000 workers"]
    assert dossier.date_range == ("2025", "2025")
    assert [f.id for f in dossier.undated] == ["fixture-student-visas"]
    assert dossier.strongest[0].id == "fixture-15000-workers"  # reviewed before draft


def test_chain_sentence_reads_origin_last() -> None:
    assert chain_sentence(["South Korean intelligence", "The Wall Street Journal", "The Kyiv Independent"]) == (
        "The Kyiv Independent reports, citing The Wall Street Journal, which cites South Korean intelligence")
    assert chain_sentence(["Daily NK"]) == "Daily NK reports"


def test_figure_text_keeps_ranges_and_qualifiers() -> None:
    assert figure_text(Figure(quantity=60000, quantity_max=70000, unit="rubles", qualifier="exactly")) == (
        "60,000–70,000 rubles")
    assert figure_text(Figure(quantity=15000, unit="workers", qualifier="about")) == "about 15,000 workers"


def test_creation_date_never_reads_the_clock() -> None:
    d = PartialDate.parse
    assert creation_date([d("2024"), d("2023-12-13"), None], None) == "2023-12-13"
    assert creation_date([d("2024")], None) == "2017-12-22"
    assert creation_date([d("2023-12-13")], 1700000000) == "2023-11-14"


def test_assembling_invalid_evidence_is_refused(root: Path) -> None:
    edit(root / "evidence" / "fixture-student-visas.yaml", "on student visas.", "on tourist visas.")
    with pytest.raises(ValueError, match="invalid evidence"):
        assemble(validate(root))
