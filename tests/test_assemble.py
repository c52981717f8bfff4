"""Assembling the brief's view model: every computed sentence and number comes from the records.

The brief as an assessment: judgements first with their computed support, each finding once with a paragraph
number, independence counted by origin group, events placed against deadlines by the range of days they can
have happened.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.assemble import Selection, assemble, chain_sentence, creation_date, figure_text
from dossier.dates import PartialDate
from dossier.models import Figure
from dossier.validate import validate

WORKERS = "evidence/fixture-15000-workers.yaml"
VISAS = "evidence/fixture-student-visas.yaml"
JUDGEMENT = """judgements:
  - id: workers-in-russia
    text: North Korean workers are in the Russian Federation after the repatriation deadline.
    confidence: {confidence}
    rests_on: [{rests_on}]
    why: Two records of one article.
    status: reviewed
"""


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new))


def finding(root: Path, record_id: str):  # type: ignore[no-untyped-def]
    return next(f for f in assemble(validate(root)).findings if f.id == record_id)


# --- chapters and paragraph numbers ---------------------------------------------------------------------------


def test_each_finding_is_printed_once_with_a_paragraph_number(root: Path) -> None:
    dossier = assemble(validate(root))
    assert [c.provision.id for c in dossier.chapters] == ["2397-OP8", "2375-OP17"]
    # Both records are tagged 2397-OP8 first: both are printed there; chapter 2 only refers to one.
    assert [(f.number, f.id) for f in dossier.chapters[0].findings] == [("1.1", "fixture-15000-workers"),
                                                                        ("1.2", "fixture-student-visas")]
    assert dossier.chapters[1].findings == []
    assert [(r.finding.number, r.rationale) for r in dossier.chapters[1].references] == [
        ("1.2", "Student visas used to admit workers, avoiding work authorizations.")]
    assert len(dossier.findings) == 2, "one finding per record"


def test_a_tag_marked_primary_decides_the_chapter(root: Path) -> None:
    edit(root, VISAS, "  - id: 2375-OP17\n", "  - id: 2375-OP17\n    primary: true\n")
    dossier = assemble(validate(root))
    assert [f.id for f in dossier.chapters[1].findings] == ["fixture-student-visas"]
    assert dossier.chapters[1].findings[0].number == "2.1"
    assert [r.finding.number for r in dossier.chapters[0].references] == ["2.1"]


def test_findings_are_numbered_in_order_of_when_they_can_have_happened(root: Path) -> None:
    edit(root, VISAS, "event:\n", 'event:\n  date: "2024-03"\n')
    numbers = {f.id: f.number for f in assemble(validate(root)).findings}
    assert numbers == {"fixture-student-visas": "1.1", "fixture-15000-workers": "1.2"}


# --- related findings and independence --------------------------------------------------------------------------


def test_a_related_finding_is_named_once_with_its_direction(root: Path) -> None:
    edit(root, WORKERS, "corroborates: []", "corroborates:\n  - fixture-student-visas")
    visas = finding(root, "fixture-student-visas")
    assert [(r.finding.number, r.relation) for r in visas.related] == [("1.1", "corroborate each other")]


def test_same_origin_group_is_not_independent(root: Path) -> None:
    # The visas record is the outlet's own statement (group: The Kyiv Independent); the workers record rests on
    # South Korean intelligence. Moved to the same group, the link says so.
    visas = finding(root, "fixture-student-visas")
    assert visas.related[0].relation == "corroborates" and not visas.related[0].same_group
    edit(root, VISAS, "reporting_chain:\n  - The Kyiv Independent\n",
         "reporting_chain:\n  - South Korean National Intelligence Service\n  - The Kyiv Independent\n")
    visas = finding(root, "fixture-student-visas")
    assert visas.related[0].same_group, "NIS and 'South Korean intelligence' are one origin group"


def test_origin_groups_are_counted_as_the_register_says(root: Path) -> None:
    dossier = assemble(validate(root))
    assert [g.id for g in dossier.groups] == ["south-korean-intelligence", "kyiv-independent"]  # by name
    edit(root, VISAS, "reporting_chain:\n  - The Kyiv Independent\n",
         "reporting_chain:\n  - NIS\n  - The Kyiv Independent\n")
    assert [g.id for g in assemble(validate(root)).groups] == ["south-korean-intelligence"]


# --- dates and deadlines ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event_date, place, sentence", [
    ("2020", "after", "The event (2020) falls after the deadline of 22 December 2019."),
    ("2019-12-23", "after", "The event (23 December 2019) falls after the deadline"),
    ("2023-09/..", "after", "The event (September 2023 or later) falls after the deadline"),
    ("2018-06", "before", "The event (June 2018) falls before the deadline"),
    ("../2019-06", "before", "The event (June 2019 or earlier) falls before the deadline"),
    ("2019", "spans", "The event (2019) spans the deadline of 22 December 2019"),
    ("2019~", "spans", "The event (about 2019) spans the deadline"),
    ("2018/..", "spans", "The event (2018 or later) spans the deadline"),
])
def test_an_event_is_placed_by_the_range_of_days_it_can_have_happened(root: Path, event_date: str, place: str,
                                                                      sentence: str) -> None:
    edit(root, WORKERS, 'date: "2025"', f'date: "{event_date}"')
    edit(root, "seeds/sources.yaml", 'published: "2025-05"', 'published: "2025-06"')
    (check,) = finding(root, "fixture-15000-workers").deadline_checks
    assert (check.provision, check.place) == ("2397-OP8", place)
    assert check.sentence.startswith(sentence)


def test_an_undated_event_is_bounded_above_by_its_report(root: Path) -> None:
    visas = finding(root, "fixture-student-visas")
    assert visas.bounds.latest is not None and visas.bounds.latest.isoformat() == "2025-05-31"
    (check,) = visas.deadline_checks
    assert check.place == "spans" and "no later than May 2025 (its report)" in check.sentence
    edit(root, "seeds/sources.yaml", 'published: "2025-05"', 'published: "2019-06"')
    edit(root, WORKERS, 'date: "2025"', 'date: "2019"')
    (check,) = finding(root, "fixture-student-visas").deadline_checks
    assert check.place == "before", "a report from before the deadline places the event before it"


def test_an_event_with_no_bound_at_all_cannot_be_placed(root: Path) -> None:
    edit(root, "seeds/sources.yaml", '    published: "2025-05"\n', "")
    edit(root, "seeds/sources.yaml", "    unknown:\n", "    unknown:\n      published: the page shows no date\n")
    edit(root, WORKERS, 'date: "2025"', 'date: "2024"')
    (check,) = finding(root, "fixture-student-visas").deadline_checks
    assert check.place == "unknown" and check.sentence.startswith("Neither the event nor its report is dated")


def test_provisions_without_conduct_deadline_get_no_check(root: Path) -> None:
    visas = finding(root, "fixture-student-visas")
    assert [c.provision for c in visas.deadline_checks] == ["2397-OP8"]  # 2375-OP17 sets none


def test_figures_carry_their_own_dates(root: Path) -> None:
    edit(root, WORKERS, "    measure: people\n", '    measure: people\n    date: "2024"\n')
    (view,) = finding(root, "fixture-15000-workers").figures
    assert (view.text, view.when) == ("about 15,000 workers", "2024")


# --- key judgements -------------------------------------------------------------------------------------------------


def test_judgements_come_with_the_support_computed_from_the_evidence(root: Path) -> None:
    (root / "judgements.yaml").write_text(JUDGEMENT.format(
        confidence="moderate", rests_on="fixture-15000-workers, fixture-student-visas"))
    dossier = assemble(validate(root))
    (view,) = dossier.judgements
    assert view.number == "KJ1" and [f.number for f in view.findings] == ["1.1", "1.2"]
    assert view.support.findings == 2 and len(view.support.groups) == 2
    assert (view.support.best, view.support.worst, view.support.drafts) == ("B3", "B3", 1)
    assert view.warnings == []
    assert [f.id for f in dossier.key_findings] == ["fixture-15000-workers", "fixture-student-visas"]


@pytest.mark.parametrize("confidence, rests_on, warning", [
    ("high", "fixture-15000-workers", "high confidence asks for at least 2 independent origin groups"),
    ("high", "fixture-15000-workers, fixture-student-visas", "high confidence asks for reviewed findings only"),
    ("moderate", "fixture-student-visas", "moderate confidence asks for at least one reviewed finding"),
])
def test_a_confidence_that_outruns_its_support_is_warned(root: Path, confidence: str, rests_on: str,
                                                        warning: str) -> None:
    (root / "judgements.yaml").write_text(JUDGEMENT.format(confidence=confidence, rests_on=rests_on))
    validated = validate(root)
    assert validated.ok
    assert any(warning in p.message and p.path == "judgements.yaml" and p.line == 4 for p in validated.problems)
    assert any(warning in w for w in assemble(validated).judgements[0].warnings)


def test_a_judgement_citing_a_missing_record_is_an_error(root: Path) -> None:
    (root / "judgements.yaml").write_text(JUDGEMENT.format(confidence="low", rests_on="fixture-15000-worker"))
    problems = [p for p in validate(root).problems if p.is_error]
    assert [(p.path, p.line, p.message) for p in problems] == [
        ("judgements.yaml", 5, "no record with id 'fixture-15000-worker'")]


# --- the summary ----------------------------------------------------------------------------------------------------


def test_summary_counts_come_from_the_records(root: Path) -> None:
    dossier = assemble(validate(root))
    assert len(dossier.findings) == 2 and dossier.drafts == 1
    assert dossier.figures_total == 1
    assert [(row.series, row.view.text) for row in dossier.figure_rows] == [("people", "about 15,000 workers")]
    assert dossier.grade_counts == [("B3", 2)]
    assert [(s.chapter.provision.id, s.findings, s.groups) for s in dossier.summaries] == [
        ("2397-OP8", 2, 2), ("2375-OP17", 1, 1)]
    assert [f.id for f in dossier.undated] == []  # the undated record is bounded by its report
    assert dossier.latest_source is not None and dossier.latest_source.text == "2025-05"


def test_the_same_figure_from_one_origin_group_is_one_row(root: Path) -> None:
    edit(root, VISAS, "status: draft", "figures:\n  - quantity: 15000\n    unit: workers\n    qualifier: about\n"
         "    measure: people\n    derived: the same estimate\nstatus: draft")
    edit(root, VISAS, "reporting_chain:\n  - The Kyiv Independent\n",
         "reporting_chain:\n  - South Korean intelligence\n  - The Kyiv Independent\n")
    (row,) = assemble(validate(root)).figure_rows
    assert [f.number for f in row.findings] == ["1.1", "1.2"]


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


def test_chain_sentence_reads_origin_last() -> None:
    assert chain_sentence(["South Korean intelligence", "The Wall Street Journal", "The Kyiv Independent"]) == (
        "The Kyiv Independent reports, citing The Wall Street Journal, which cites South Korean intelligence")
    assert chain_sentence(["Daily NK"]) == "Daily NK reports"


def test_figure_text_keeps_ranges_and_qualifiers() -> None:
    assert figure_text(Figure(quantity=60000, quantity_max=70000, unit="rubles", qualifier="exactly",
                              measure="money")) == "60,000–70,000 rubles"
    assert figure_text(Figure(quantity=15000, unit="workers", qualifier="about", measure="people")) == (
        "about 15,000 workers")
    assert figure_text(Figure(written="thousands", unit="of workers", qualifier="exactly", measure="people")) == (
        "thousands of workers")


def test_creation_date_never_reads_the_clock() -> None:
    d = PartialDate.parse
    assert creation_date([d("2024"), d("2023-12-13"), None], None) == "2023-12-13"
    assert creation_date([d("2024")], None) == "2017-12-22"
    assert creation_date([d("2023-12-13")], 1700000000) == "2023-11-14"


def test_assembling_invalid_evidence_is_refused(root: Path) -> None:
    edit(root, VISAS, "on student visas.", "on tourist visas.")
    with pytest.raises(ValueError, match="invalid evidence"):
        assemble(validate(root))
