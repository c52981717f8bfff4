"""The comparison as a pull-request summary in Markdown.

Everything from the inputs is escaped before it goes into Markdown: the
summary lands in a pull request page and must not be able to reshape it.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ..dates import display_written
from ..problems import summary_line
from ..validate import Validated
from .compare import ChapterChange, EntryChange, FieldChange, RecordChange, RecordFile, Review

MAX_ERRORS_SHOWN = 20
LONG_TEXT = 80  # longer values are summarised as a word diff, not shown in full before and after

# Within one line that never starts a block, these are the characters that can format, link, embed HTML,
# break a table cell or mention someone; each is escaped with a backslash, which CommonMark allows for all.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&@])")


# What GitHub turns into links, references or pictures even when escaped: addresses, issue and pull-request
# references, mentions, emoji shortcodes. Inside a code span it does none of that.
_AUTOLINKED = re.compile(r"(?i)\b(?:https?|ftp)://[^\s)\]>]+|\bwww\.[^\s)\]>]+|(?<![\w/])[\w.-]+/[\w.-]+#\d+|(?<!\w)(?:GH-|#|!)\d+\b"
                         r"|(?<!\w)@[\w-]+|:[a-z0-9_+-]+:|\b[\w.+-]+@[\w-]+\.[\w.-]+|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")


def md(text: Any) -> str:
    """Input text as inert Markdown: one line, every character that could format, link or mention escaped.

    Fragments GitHub would autolink (an address, #12, @someone, :rocket:, a commit hash) become code spans.
    """
    line = " ".join(str(text).split()).replace("\u200e", "").replace("\u200f", "")
    out, at = [], 0
    for match in _AUTOLINKED.finditer(line):
        out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", line[at:match.start()]))
        out.append(code(match.group()))
        at = match.end()
    out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", line[at:]))
    return "".join(out)


def code(text: Any) -> str:
    """An id or path as inline code; backticks inside cannot close it early."""
    value = " ".join(str(text).split()).replace("`", "'")
    return f"`{value}`"


def cell_code(text: Any) -> str:
    """Inline code inside a table cell: GitHub splits cells at a `|` even within code, unless escaped."""
    return code(text).replace("|", "\\|")


def fenced(text: str) -> str:
    """A block shown verbatim: the fence is longer than any run of backticks inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def review_markdown(result: Review) -> str:
    """The pull-request summary: validation first, then what leaves, enters and changes in the brief."""
    parts = [f"## Evidence changes: {code(result.base)} → {code(result.head)}", validation_section(result.validation),
             headline(result)]
    parts += removed_section(result.removed)
    parts += captures_section(result.captures_edited, result.captures_removed)
    parts += added_section(result.added)
    parts += changed_section(result.changed)
    parts += sources_section(result)
    parts += chapters_section(result.chapters)
    parts += entry_section("Provisions catalog changed", result.catalog_changed, "provision")
    if result.cover_changed:
        parts.append("### Cover (brief.yaml)\n" + "\n".join(f"- {change_line(c)}" for c in result.cover_changed))
    return "\n\n".join(p for p in parts if p) + "\n"


def validation_section(validated: Validated) -> str:
    summary = summary_line(len(validated.records), validated.problems)
    if validated.ok:
        return f"✅ **Valid at head**: {summary}."
    errors = [p for p in validated.problems if p.is_error]
    shown = "\n".join(p.text() for p in errors[:MAX_ERRORS_SHOWN])
    more = f"\n…and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
    return (f"❌ **Invalid at head**: {summary}. The brief cannot be built until these are fixed "
            f"(`dossier validate` lists them all):\n\n{fenced(shown + more)}")


def headline(result: Review) -> str:
    if not result.evidence_changed:
        return "No change to the evidence, the source register, the captures, the catalog or the cover."
    counts = [plural(len(result.added), "record") + " added", f"{len(result.removed)} removed",
              f"{len(result.changed)} changed", plural(len(result.sources_added), "source") + " added",
              plural(len(result.chapters), "chapter") + " of the brief affected"]
    return "**In short:** " + "; ".join(counts) + "."


def record_line(record: RecordFile) -> str:
    """`id`: title, then where the finding sits in the brief (source, provisions, grade, status)."""
    if record.data is None:
        return f"- {code(record.id)}: the file does not parse (see the validation report)"
    grading = record.get("grading") if isinstance(record.get("grading"), dict) else {}
    grade = f"{grading.get('reliability') or ''}{grading.get('credibility') or ''}"
    details = [f"source {code(record.get('source'))}" if record.get("source") else "no source yet",
               "provisions " + ", ".join(map(code, record.provision_ids())) if record.provision_ids()
               else "no provision yet",
               f"grade {md(grade)}" if grade else "not graded yet",
               md(record.get("status") or "no status")]
    return f"- {code(record.id)}: {md(record.title) or '(no title yet)'}\n  ({'; '.join(details)})"


def removed_section(removed: list[RecordFile]) -> list[str]:
    if not removed:
        return []
    lines = "\n".join(record_line(r) for r in removed)
    return [f"### ⚠️ Records removed ({len(removed)})\n\nThese findings leave the brief. Check that this is "
            f"intended and that no record still cites them.\n\n{lines}"]


def captures_section(edited: list[str], removed: list[str]) -> list[str]:
    if not (edited or removed):
        return []
    lines = [f"- {code(p)} was **edited**" for p in edited] + [f"- {code(p)} was **removed**" for p in removed]
    return ["### ⚠️ Archived captures touched\n\nCaptures are evidence and are never edited; a new capture is "
            "archived as a new source with `dossier add-source`.\n\n" + "\n".join(lines)]


def added_section(added: list[RecordFile]) -> list[str]:
    if not added:
        return []
    blocks = []
    for record in added:
        block = record_line(record)
        event = record.get("event") if isinstance(record.get("event"), dict) else {}
        if record.data is not None:
            block += f"\n  - event: {md(display_written(event.get('date')) if event.get('date') else 'date unknown')}"
            block += f", {md(event['place'])}" if event.get("place") else ""
            block += f"\n  - passage: “{md(record.get('passage'))}”" if record.get("passage") else ""
        blocks.append(block)
    return [f"### Records added ({len(added)})\n\n" + "\n".join(blocks)]


def changed_section(changed: list[RecordChange]) -> list[str]:
    if not changed:
        return []
    blocks = []
    for change in changed:
        title = md(change.after.title or change.before.title)
        lines = [f"- {code(change.after.id)}: {title}"] + [f"  - {change_line(f)}" for f in change.fields]
        blocks.append("\n".join(lines))
    return [f"### Records changed ({len(changed)})\n\n" + "\n".join(blocks)]


def sources_section(result: Review) -> list[str]:
    parts = []
    if result.sources_added:
        lines = "\n".join(source_line(s) for s in result.sources_added)
        parts.append(f"### Sources added ({len(result.sources_added)})\n\n{lines}")
    if result.sources_removed:
        lines = "\n".join(source_line(s) for s in result.sources_removed)
        parts.append(f"### ⚠️ Sources removed ({len(result.sources_removed)})\n\n{lines}")
    parts += entry_section("Sources changed", result.sources_changed, "source")
    return parts


def source_line(source: dict[str, Any]) -> str:
    title = f"“{md(source['title'])}”" if source.get("title") else "untitled"
    published = md(display_written(source.get("published"))) if source.get("published") else "date unknown"
    digest = str(source.get("sha256") or "")[:12]
    return (f"- {code(source.get('id'))}: {md(source.get('outlet') or 'no outlet')}, {title}, {published}, "
            f"{md(source.get('origin') or '')} (capture {code('seeds/' + str(source.get('capture')))}, "
            f"SHA-256 {code(digest + '…')})")


def entry_section(heading: str, changes: list[EntryChange], kind: str) -> list[str]:
    if not changes:
        return []
    lines = []
    for change in changes:
        lines.append(f"- {kind} {code(change.id)}")
        lines += [f"  - {change_line(f)}" for f in change.fields]
    return [f"### {heading} ({len(changes)})\n\n" + "\n".join(lines)]


def chapters_section(chapters: list[ChapterChange]) -> list[str]:
    if not chapters:
        return []
    rows = ["| Provision | Findings | What changes |", "|---|---|---|"]
    for chapter in chapters:
        what = [chapter.kind] if chapter.kind != "changed" else []
        what += [f"{label} {', '.join(map(cell_code, ids))}" for label, ids in
                 (("added", chapter.added), ("removed", chapter.removed), ("changed", chapter.changed)) if ids]
        what += ["provision text changed"] if chapter.provision_text_changed else []
        name = f"{cell_code(chapter.provision)} {md(chapter.title)}".strip()
        rows.append(f"| {name} | {chapter.before} → {chapter.after} | {'; '.join(what)} |")
    return [f"### Chapters of the brief that change ({len(chapters)})\n\n" + "\n".join(rows)]


def change_line(change: FieldChange) -> str:
    """One field's change in words: short values before → after, long text as a word diff, lists as +/−."""
    name = code(change.name)
    before, after = change.before, change.after
    if isinstance(before, list) and isinstance(after, list):
        return f"{name}: {list_change(before, after)}"
    if isinstance(before, dict) and isinstance(after, dict):
        inner = [FieldChange(f"{change.name}.{key}", before.get(key), after.get(key))
                 for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)]
        return "; ".join(change_line(c) for c in inner)
    if isinstance(before, str) and isinstance(after, str) and max(len(before), len(after)) > LONG_TEXT:
        return f"{name}: {word_diff(before, after)}"
    return f"{name}: {short(before)} → {short(after)}"


def short(value: Any) -> str:
    if value is None:
        return "(none)"
    text = md(compact(value))
    return text if len(text) <= LONG_TEXT * 2 else text[:LONG_TEXT * 2] + "…"


def compact(value: Any) -> str:
    """A value in one line: a grading reads `C3`, a figure `about 150 workers`, a tag its provision id."""
    if isinstance(value, dict):
        if {"reliability", "credibility"} <= value.keys():
            return f"{value['reliability']}{value['credibility']}"
        if "quantity" in value:
            upper = f"–{value['quantity_max']}" if value.get("quantity_max") is not None else ""
            return f"{value.get('qualifier', '')} {value['quantity']}{upper} {value.get('unit', '')}".strip()
        for key in ("id", "name"):
            if key in value:
                return str(value[key])
        return ", ".join(f"{k}: {compact(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(compact(v) for v in value) if value else "[]"
    return str(value)


def list_change(before: list[Any], after: list[Any]) -> str:
    """Items gone (−) and come (+), items kept but edited (their fields), or a pure reordering."""
    old = {item_label(item): item for item in before}
    new = {item_label(item): item for item in after}
    parts = [f"−{short(label)}" for label in old if label not in new]
    parts += [f"+{short(label)}" for label in new if label not in old]
    parts += [f"{short(label)}: {short_dict_diff(old[label], new[label])}" for label in old
              if label in new and old[label] != new[label]]
    return ", ".join(parts) if parts else f"reordered: {short(after)}"


def item_label(item: Any) -> str:
    """How a list item is recognised across revisions: a tag by its provision id, an actor by name."""
    if isinstance(item, dict):
        for key in ("id", "name"):
            if isinstance(item.get(key), (str, int)):
                return str(item[key])
    return compact(item)


def short_dict_diff(before: Any, after: Any) -> str:
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        return ", ".join(f"{md(k)} {short(before.get(k))} → {short(after.get(k))}" for k in keys)
    return f"{short(before)} → {short(after)}"


def word_diff(before: str, after: str, context: int = 4) -> str:
    """Only the words that change, with a little context: ~~removed~~ **added**."""
    old, new = before.split(), after.split()
    if old == new:
        return "only spaces or line breaks changed"
    opcodes = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    pieces: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            pieces.append(context_words(old[i1:i2], context, index == 0, index == len(opcodes) - 1))
            continue
        if i2 > i1:
            pieces.append(f"~~{md(' '.join(old[i1:i2]))}~~")
        if j2 > j1:
            pieces.append(f"**{md(' '.join(new[j1:j2]))}**")
    return " ".join(pieces)


def context_words(words: list[str], context: int, first: bool, last: bool) -> str:
    """Unchanged words between changes: only `context` of them next to each change, the rest elided."""
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(words) <= keep_head + keep_tail + 2:  # eliding one or two words would save nothing
        return md(" ".join(words))
    head, tail = words[:keep_head], words[len(words) - keep_tail:]
    return " ".join(part for part in (md(" ".join(head)), "…", md(" ".join(tail))) if part)

