"""A deterministic mutation fuzzer over the shipped YAML inputs.

`mutant(seed, index, corpus)` turns one of the shipped YAML files (evidence/*.yaml,
seeds/sources.yaml, catalog/provisions.yaml, brief.yaml) into a `Mutant`: a target path
inside a root and the bytes to write there. The same (seed, index) always gives the same
mutant, on any machine and under any PYTHONHASHSEED (the generator is seeded with a string).

The first indices are the attacks issue 14 names (CANON: nesting 1,000 and 50,000 deep,
`source: [id]`, `date: 2020` unquoted, Hangul and emoji, ...); the next `len(FAMILIES)` go
through every family once, in order, so that even a small run covers each kind of attack;
later indices pick a family at random, splices and stacked mutations ("havoc") most often.

Nothing here runs the tool; `tests.fuzz.run` applies mutants to fresh roots and runs the CLI.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# What a root needs for validate, diff and stats: the shipped data (the YAML files at the top of the
# repository, such as brief.yaml, and these folders), not the package or its templates.
ROOT_DIRS = ("catalog", "seeds", "evidence")
MAIN_FILES = ("brief.yaml", "catalog/provisions.yaml", "seeds/sources.yaml")

MAX_MUTANT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Mutant:
    index: int
    family: str
    target: str  # path inside the root, with forward slashes
    data: bytes
    how: str  # a short, replayable description (never the large content itself)


def root_files(repo: Path) -> list[str]:
    """The YAML inputs at the top of a root (brief.yaml, and any added since, such as judgements.yaml)."""
    return sorted(p.name for p in repo.glob("*.yaml") if p.is_file() and not p.name.startswith("."))


def load_corpus(repo: Path = REPO) -> dict[str, bytes]:
    """The shipped YAML files by root-relative path, in a stable order: brief.yaml, the catalog and
    the source register first, then the evidence, then any other YAML input (top level, catalog/, seeds/)."""
    corpus = {name: (repo / name).read_bytes() for name in MAIN_FILES if (repo / name).is_file()}
    for path in sorted((repo / "evidence").glob("*.yaml")):
        corpus[f"evidence/{path.name}"] = path.read_bytes()
    others = root_files(repo) + [f"{d}/{p.name}" for d in ("catalog", "seeds") for p in sorted((repo / d).glob("*.yaml"))]
    for name in others:
        corpus.setdefault(name, (repo / name).read_bytes())
    return corpus


def make_root(dest: Path, repo: Path = REPO) -> Path:
    """A root holding a copy of the repository's data: the top-level YAML files, catalog/, seeds/, evidence/."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in root_files(repo):
        shutil.copy2(repo / name, dest / name)
    for name in ROOT_DIRS:
        shutil.copytree(repo / name, dest / name, symlinks=True)
    return dest


def apply(mutant: Mutant, root: Path) -> Path:
    target = root / mutant.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(mutant.data)
    return target


# --- helpers over lines --------------------------------------------------------------------

KEY_LINE = re.compile(rb"^(?P<indent>[ ]*(?:- )?)(?P<key>[A-Za-z_][\w-]*):(?P<rest>(?: .*)?)$")


def split(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def join(lines: list[bytes]) -> bytes:
    return b"\n".join(lines)


def kind_of(target: str) -> str:
    if target.startswith("evidence/"):
        return "evidence"
    return {"seeds/sources.yaml": "sources", "catalog/provisions.yaml": "provisions", "brief.yaml": "brief"}.get(
        target, "other")


def key_lines(lines: list[bytes], key: bytes | None = None) -> list[int]:
    out = []
    for i, line in enumerate(lines):
        m = KEY_LINE.match(line)
        if m and (key is None or m["key"] == key):
            out.append(i)
    return out


def indent_of(line: bytes) -> int:
    return len(line) - len(line.lstrip(b" "))


def block_end(lines: list[bytes], i: int) -> int:
    """Index after the key on line i and its block (the lines indented deeper, and blank lines)."""
    m = KEY_LINE.match(lines[i])
    col = len(m["indent"]) if m else indent_of(lines[i])
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or indent_of(lines[j]) > col):
        j += 1
    # A block sequence may sit at the key's own indentation: "key:\n- a".
    while j < len(lines) and m and not m["rest"].strip() and lines[j].startswith(b" " * col + b"- "):
        j += 1
        while j < len(lines) and (not lines[j].strip() or indent_of(lines[j]) > col):
            j += 1
    return j


def old_value(lines: list[bytes], i: int) -> bytes:
    m = KEY_LINE.match(lines[i])
    value = m["rest"].strip() if m else b""
    if value[:1] in (b'"', b"'") and value[-1:] == value[:1] and len(value) > 1:
        value = value[1:-1]
    if value in (b"", b">-", b">", b"|", b"|-"):
        value = b"x"
    return value


def set_value(lines: list[bytes], i: int, value: bytes) -> list[bytes]:
    """Replace the value of the key on line i (and its block), keeping the key and indentation."""
    m = KEY_LINE.match(lines[i])
    assert m
    end = block_end(lines, i)
    new = m["indent"] + m["key"] + b":" + ((b" " + value) if value else b"")
    if b"\n" in value:  # a block value: indent its continuation lines under the key
        head, *rest = value.split(b"\n")
        pad = b" " * (len(m["indent"]) + 2)
        new = m["indent"] + m["key"] + b":" + ((b" " + head) if head else b"")
        return lines[:i] + [new] + [pad + r for r in rest] + lines[end:]
    return lines[:i] + [new] + lines[end:]


def pick_key_line(rng: random.Random, lines: list[bytes]) -> int | None:
    found = key_lines(lines)
    return rng.choice(found) if found else None


def insert_at(rng: random.Random, data: bytes, piece: bytes) -> tuple[bytes, int]:
    pos = rng.randint(0, len(data))
    return data[:pos] + piece + data[pos:], pos


def value_position(rng: random.Random, data: bytes) -> int:
    """A byte offset just after `key: ` on some line, or anywhere when there is none."""
    spots = [m.end() for m in re.finditer(rb"^[ ]*(?:- )?[A-Za-z_][\w-]*: ", data, re.M)]
    return rng.choice(spots) if spots else rng.randint(0, len(data))


def line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


# --- the families ----------------------------------------------------------------------------

class Ctx:
    def __init__(self, rng: random.Random, corpus: dict[str, bytes], target: str):
        self.rng, self.corpus, self.target = rng, corpus, target


Family = Callable[[random.Random, bytes, Ctx], tuple[bytes, str]]


def nesting(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    depth = rng.choice([1000, 50000, rng.randint(100, 3000), rng.randint(3000, 60000)])
    kind = rng.choice(["flow_seq", "flow_seq_open", "block_seq", "flow_map", "flow_map_open", "mixed", "block_map",
                       "explicit_key", "explicit_key_seq", "bom_line", "bare_dash"])
    place = rng.choice(["whole", "whole", "value", "append"])
    if kind == "block_map":
        depth = min(depth, 1000)  # the file grows with depth squared
    flow = {"flow_seq": b"[" * depth + b"x" + b"]" * depth, "flow_seq_open": b"[" * depth,
            "flow_map": b"{a: " * depth + b"1" + b"}" * depth, "flow_map_open": b"{a: " * depth,
            "mixed": b"[{a: " * depth + b"x" + b"}]" * depth}
    if kind == "block_seq":
        text = b"- " * depth + b"x"
    elif kind in ("explicit_key", "explicit_key_seq"):  # compact on one line, no bracket: '? ? ? x', '? - ? - x'
        text = (b"? " if kind == "explicit_key" else b"? - ") * depth + b"x"
    elif kind == "bom_line":  # libyaml skips a byte order mark at the start of any line
        text = b"# c\n\xef\xbb\xbf" + b"- " * depth + b"x"
    elif kind == "bare_dash":  # a list under a key, its items one column further on the next line: 2 levels a column
        depth = min(depth, 1000)  # the file grows with depth squared
        text = join([b" " * i + b"k:\n" + b" " * i + b"-" for i in range(depth)]) + b"\n" + b" " * depth + b"x"
    elif kind == "block_map":
        text = join([b"  " * i + b"a:" for i in range(depth)]) + b" x"
    else:
        text = flow[kind]
    how = f"nesting {kind} depth={depth} placed={place}"
    if place == "whole":
        return text + b"\n", how
    lines = split(data)
    if place == "value":
        i = pick_key_line(rng, lines)
        if i is not None:
            value = flow.get(kind, b"[" * depth + b"x" + b"]" * depth)
            m = KEY_LINE.match(lines[i])
            return join(set_value(lines, i, value)), how + f" as the value of {m['key'].decode()!r} on line {i + 1}"
    if kind in ("block_seq", "block_map", "explicit_key", "explicit_key_seq", "bom_line", "bare_dash"):
        body = join([b"  " + line for line in text.split(b"\n")])
        return data.rstrip(b"\n") + b"\nfuzz_nested:\n" + body + b"\n", how + " appended as key fuzz_nested"
    return data.rstrip(b"\n") + b"\nfuzz_nested: " + text + b"\n", how + " appended as key fuzz_nested"


TRAPS: dict[str, list[tuple[str, str]]] = {
    "evidence": [
        ("source", "[{v}]"), ("source", "{{id: {v}}}"), ("source", "12"), ("source", ""), ("source", "[]"),
        ("source", "[{v}, {v}]"), ("date", "2020"), ("date", "2020-01-01"), ("date", '["2020"]'),
        ("date", "{{year: 2020}}"), ("date", '"2020-13-45"'), ("date", '"2020-02-30"'), ("date", '"99999"'),
        ("date", '"0000"'), ("provisions", "2397-OP8"), ("provisions", "[2397-OP8]"),
        ("provisions", "{{id: 2397-OP8}}"), ("provisions", "[[2397-OP8]]"), ("id", "[{v}]"), ("id", "12"),
        ("id", "{{a: b}}"), ("id", ""), ("corroborates", "x"), ("corroborates", "[[a]]"),
        ("corroborates", "[{{id: x}}]"), ("corroborates", "[1, 2]"), ("contradicts", "[{{a: b}}]"),
        ("contradicts", "[null]"), ("reporting_chain", "{{a: b}}"), ("reporting_chain", "[[a]]"),
        ("reporting_chain", "x"), ("reporting_chain", "[]"), ("figures", '[{{quantity: "15000"}}]'),
        ("figures", "[1]"), ("figures", "x"), ("quantity", "1e400"), ("quantity", "-1"),
        ("quantity", "9" * 5000), ("quantity", "[1]"), ("credibility", '"3"'), ("credibility", "3.0"),
        ("credibility", "99999999999999999999"), ("credibility", "[3]"), ("reliability", "[B]"),
        ("reliability", "{{B: 1}}"), ("status", "[reviewed]"), ("status", "{{a: b}}"), ("title", "[x]"),
        ("title", "{{a: b}}"), ("title", ""), ("claim", "[x]"), ("passage", "[{v}]"), ("passage", "{{a: b}}"),
        ("passage", "12"), ("passage", ""), ("actors", "국가정보원"), ("actors", "[{{a: b}}]"), ("event", "[]"),
        ("event", "x"), ("grading", "[B, 3]"), ("grading", "B3"), ("rationale", "[x]"), ("place", "[x]"),
        ("date_note", "{{a: b}}"), ("unit", "[x]"), ("qualifier", "[x]"),
    ],
    "sources": [
        ("id", "[{v}]"), ("id", "12"), ("id", "../../../../outside-evidence"), ("capture", "[{v}]"),
        ("capture", "../../../../etc/hostname"), ("capture", "/etc/hostname"), ("capture", "{{a: b}}"),
        ("capture", "seeds"), ("capture", "."), ("sha256", "12"), ("sha256", "[{v}]"), ("published", "2025"),
        ("published", "2025-05-01"), ("published", "[2025]"), ("authors", "x"), ("authors", "[[x]]"),
        ("unknown", "[x]"), ("unknown", "x"), ("sources", "{{}}"), ("sources", "x"), ("sources", "[x]"),
        ("original", "[x]"), ("origin", "[x]"), ("language", "[en]"), ("url", "[x]"), ("outlet", "[x]"),
        ("title", "{{a: b}}"),
    ],
    "provisions": [
        ("id", "[{v}]"), ("id", "12"), ("deadlines", "x"), ("deadlines", "[x]"), ("date", "2019-12-22"),
        ("date", "[x]"), ("verified", "yes"), ("verified", '"true"'), ("paragraph", "8"), ("paragraph", "[8]"),
        ("resolution", "[x]"), ("provisions", "x"), ("resolutions", "x"), ("number", "2397"), ("kind", "[x]"),
        ("adopted", "2017-12-22"), ("summary", "{{a: b}}"), ("title", "[x]"),
    ],
    "other": [],
    "brief": [
        ("evidence_cutoff", "2026-11-23"), ("evidence_cutoff", "[x]"), ("evidence_cutoff", "2026"),
        ("evidence_cutoff", '"0001-01-01"'), ("evidence_cutoff", '"9999-12-31"'), ("evidence_cutoff", ""),
        ("title", "[x]"), ("title", "{{a: b}}"), ("marking", "12"), ("subtitle", "[x]"),
    ],
}


def known_traps(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    """Type confusions known to matter: `source: [id]`, `date: 2020` unquoted, and their kind."""
    lines = split(data)
    options = [(key, tpl, i) for key, tpl in TRAPS[kind_of(ctx.target)] for i in key_lines(lines, key.encode())]
    if not options:
        return type_confusion(rng, data, ctx)
    key, tpl, i = rng.choice(options)
    value = tpl.format(v=old_value(lines, i).decode("utf-8", "replace")).encode()
    shown = value if len(value) < 60 else value[:30] + b"...(%d bytes)" % len(value)
    return join(set_value(lines, i, value)), f"known trap: line {i + 1} '{key}: {shown.decode()}'"


CONFUSIONS = ["[{v}]", "[[{v}]]", "{{k: {v}}}", "{{{v}: {v}}}", "12", '"12"', "-7", "0", "3.5", "true", "false",
              "yes", "no", "null", "~", "", "''", '""', "[]", "{{}}", "2020", "2020-01-01", '"{v}"', "'{v}'",
              ">-\n{v}", "|\n{v}", "[{v}, {v}]", "[{{id: {v}}}]", "{v}: {v}", "- {v}", "[null]", "[{{}}]"]


def type_confusion(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    mode = rng.random()
    items = [i for i, line in enumerate(lines) if re.match(rb"^\s*- \S", line)]
    if mode < 0.15 and items:  # a list item becomes a mapping entry
        i = rng.choice(items)
        lines[i] = re.sub(rb"^(\s*)- ", rb"\1fuzz: ", lines[i])
        return join(lines), f"type confusion: list item on line {i + 1} made a mapping entry"
    found = key_lines(lines)
    if mode < 0.3 and found:  # a mapping entry becomes a list item
        i = rng.choice(found)
        m = KEY_LINE.match(lines[i])
        lines[i] = m["indent"] + b"- " + m["key"] + b":" + m["rest"]
        return join(lines), f"type confusion: key on line {i + 1} made a list item"
    i = pick_key_line(rng, lines)
    if i is None:
        return byte_insert(rng, data, ctx)
    tpl = rng.choice(CONFUSIONS)
    value = tpl.format(v=old_value(lines, i).decode("utf-8", "replace")).encode()
    m = KEY_LINE.match(lines[i])
    return join(set_value(lines, i, value)), f"type confusion: {m['key'].decode()} on line {i + 1} = {tpl!r}"


def byte_flip(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    if not data:
        return bytes([rng.randrange(256)]), "byte flip of an empty file"
    out = bytearray(data)
    done = []
    for _ in range(rng.choice([1, 1, 2, 3, 8, 32])):
        pos = rng.randrange(len(out))
        if rng.random() < 0.5:
            out[pos] ^= 1 << rng.randrange(8)
        else:
            out[pos] = rng.randrange(256)
        done.append(pos)
    return bytes(out), f"byte flips at offsets {sorted(done)}"


INTERESTING = [b":", b": ", b"- ", b"[", b"]", b"{", b"}", b'"', b"'", b"#", b" #", b"&a ", b"*a", b"!", b"|",
               b">", b"%", b"@", b"`", b"?", b"? ", b",", b"\n", b"\r", b"\t", b"\x00", b"\\", b"---", b"...",
               b"\n---\n", b"\n...\n", b"<<: ", b"!!", b"|-", b">+", b"|9"]


def byte_insert(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    done = []
    for _ in range(rng.randint(1, 5)):
        piece = rng.choice(INTERESTING)
        data, pos = insert_at(rng, data, piece)
        done.append(f"{piece!r}@{pos}")
    return data, "inserted " + ", ".join(done)


def line_delete(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    done = []
    for _ in range(rng.randint(1, 3)):
        if len(lines) <= 1:
            break
        i = rng.randrange(len(lines))
        n = rng.choice([1, 1, 2, 5])
        del lines[i:i + n]
        done.append(f"{n}@{i + 1}")
    return join(lines), "deleted lines " + ", ".join(done)


def line_duplicate(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    i = rng.randrange(len(lines))
    n = rng.choice([1, 1, 2, 4, 10])
    chunk = lines[i:i + n]
    times = rng.choice([1, 1, 2, 100])
    j = rng.choice([i + n, rng.randrange(len(lines) + 1)])
    lines[j:j] = chunk * times
    return join(lines), f"duplicated lines {i + 1}..{i + n} x{times} at {j + 1}"


def line_swap(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    if rng.random() < 0.2:
        rng.shuffle(lines)
        return join(lines), "shuffled all lines"
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return join(lines), f"swapped lines {i + 1} and {j + 1}"


def indentation(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    done = []
    for _ in range(rng.choice([1, 1, 2, 5])):
        i = rng.randrange(len(lines))
        delta = rng.choice([-4, -2, -1, 1, 2, 3, 8, 200])
        if delta < 0:
            cut = min(-delta, indent_of(lines[i]))
            lines[i] = lines[i][cut:]
        else:
            lines[i] = b" " * delta + lines[i]
        done.append(f"{delta:+d}@{i + 1}")
    if rng.random() < 0.2:  # shift a whole block
        i = pick_key_line(rng, lines)
        if i is not None:
            end = block_end(lines, i)
            delta = rng.choice([-2, 1, 2])
            for k in range(i + 1, end):
                lines[k] = lines[k][2:] if delta < 0 else b" " * delta + lines[k]
            done.append(f"block {i + 2}..{end} {delta:+d}")
    return join(lines), "indentation " + ", ".join(done)


def tabs(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    mode = rng.choice(["indent", "indent_all", "after_colon", "start", "in_value"])
    if mode == "indent_all":
        return join([re.sub(rb"^( +)", lambda m: b"\t" * (len(m[1]) // 2), line) for line in lines]), \
            "every indentation of two spaces made a tab"
    if mode == "start":
        return b"\t" + data, "a tab before the first line"
    i = rng.randrange(len(lines))
    if mode == "indent":
        lines[i] = b"\t" + lines[i].lstrip(b" ") if rng.random() < 0.5 else b"\t" + lines[i]
    elif mode == "after_colon":
        lines[i] = lines[i].replace(b": ", b":\t", 1)
    else:
        lines[i] = lines[i] + b"\t\tx\t"
    return join(lines), f"tab ({mode}) on line {i + 1}"


def anchors(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    mode = rng.choice(["alias", "undefined", "merge", "laughs", "recursive", "on_key", "deep_then_alias",
                       "many_anchors"])
    found = key_lines(lines)
    if mode == "alias" and len(found) >= 2:
        a, b = rng.sample(found, 2)
        ma = KEY_LINE.match(lines[a])
        rest = ma["rest"].strip()
        lines[a] = ma["indent"] + ma["key"] + b": &a " + rest if rest else ma["indent"] + ma["key"] + b": &a"
        lines = set_value(lines, b, b"*a")
        return join(lines), f"anchor &a on line {a + 1}, alias *a as the value on line {b + 1}"
    if mode == "undefined" and found:
        i = rng.choice(found)
        return join(set_value(lines, i, b"*nope")), f"undefined alias *nope on line {i + 1}"
    if mode == "merge":
        return data.rstrip(b"\n") + b"\nfuzz_base: &b {x: 1, y: 2}\nfuzz_merged:\n  <<: *b\n  x: 3\n", \
            "merge key <<: *b appended"
    if mode == "laughs":
        levels, width = rng.choice([(9, 9), (12, 10), (30, 2)])
        bomb = [b"fuzz_l0: &l0 [" + b", ".join([b"lol"] * width) + b"]"]
        for k in range(1, levels):
            bomb.append(b"fuzz_l%d: &l%d [" % (k, k) + b", ".join([b"*l%d" % (k - 1)] * width) + b"]")
        return data.rstrip(b"\n") + b"\n" + join(bomb) + b"\n", f"billion laughs {levels} levels x {width} appended"
    if mode == "recursive" and found:
        i = rng.choice(found)
        return join(set_value(lines, i, b"&r [*r]")), f"self-referencing alias &r [*r] on line {i + 1}"
    if mode == "on_key" and found:
        i = rng.choice(found)
        m = KEY_LINE.match(lines[i])
        lines[i] = m["indent"] + b"&k " + m["key"] + b":" + m["rest"]
        return join(lines), f"anchor on the key on line {i + 1}"
    if mode == "deep_then_alias":
        depth = rng.choice([500, 3000, 20000])
        aliases = rng.choice([10, 1000, 20000])
        text = b"fuzz_deep: " + b"[" * depth + b"&a x" + b"]" * depth + b"\nfuzz_alias: [" + \
            b", ".join([b"*a"] * aliases) + b"]\n"
        return data.rstrip(b"\n") + b"\n" + text, f"nesting depth {depth} with an anchor, then {aliases} aliases"
    anchored = b"\n".join(b"fuzz_a%d: &a%d v" % (k, k) for k in range(rng.choice([10, 5000])))
    return data.rstrip(b"\n") + b"\n" + anchored + b"\n", "many anchors appended"


def long_line(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    length = rng.choice([10_000, 200_000, 1_100_000, 3_000_000])
    mode = rng.choice(["value", "value", "key", "comment", "spaces", "passage_words", "passage_repeated"])
    if mode.startswith("passage") and key_lines(lines, b"passage"):
        i = key_lines(lines, b"passage")[0]
        count = rng.choice([200, 2000, 20000, 100000])
        if mode == "passage_words":
            words = re.findall(rb"[A-Za-z]+", data) or [b"word"]
            text = b" ".join(rng.choice(words) for _ in range(count))
        else:
            text = b" ".join([b"the workers"] * (count // 2))
        return join(set_value(lines, i, text)), f"passage of {count} words ({mode}) on line {i + 1}"
    if mode == "value" and key_lines(lines):
        i = pick_key_line(rng, lines)
        piece = rng.choice([b"x", b"ab ", "가".encode(), b"\\"])
        text = (piece * (length // len(piece) + 1))[:length]
        return join(set_value(lines, i, text)), f"value of {length} bytes ({piece!r} repeated) on line {i + 1}"
    if mode == "key":
        return data.rstrip(b"\n") + b"\n" + b"k" * length + b": v\n", f"key of {length} bytes appended"
    if mode == "comment":
        return b"# " + b"c" * length + b"\n" + data, f"comment line of {length} bytes first"
    return data.rstrip(b"\n") + b"\n" + b" " * length + b"\n", f"line of {length} spaces appended"


CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1b[31m", "\x1b]0;pwned\x07",
            "\x1b[2J", "\x7f", "\r", "\x85", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\u200b", "\x9b"]


def control_chars(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    mode = rng.choice(["insert", "insert", "value", "crlf", "cr_only", "nul_everywhere"])
    if mode == "crlf":
        return data.replace(b"\n", b"\r\n"), "line breaks made CRLF"
    if mode == "cr_only":
        return data.replace(b"\n", b"\r"), "line breaks made CR only"
    if mode == "nul_everywhere":
        return data.replace(b" ", b"\x00"), "every space made NUL"
    done = []
    for _ in range(rng.randint(1, 4)):
        piece = rng.choice(CONTROLS).encode("utf-8")
        pos = value_position(rng, data) if mode == "value" else rng.randint(0, len(data))
        data = data[:pos] + piece + data[pos:]
        done.append(f"{piece!r}@line {line_of(data, pos)}")
    return data, "control characters " + ", ".join(done)


BAD_UTF8 = [b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\x80",
            b"\xf8\x88\x80\x80\x80", b"\xed\xbf\xbf"]


def invalid_utf8(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    mode = rng.choice(["insert", "insert", "value", "latin1", "cut_multibyte"])
    if mode == "latin1":
        text = data.decode("utf-8", "replace") + "\n# café naïve – “quoted”\n"
        return text.encode("latin-1", "replace"), "re-encoded as Latin-1 (with accented text appended)"
    if mode == "cut_multibyte":
        data = data + "\nfuzz_text: 국가정보원\n".encode()
        return data[:-3] + b"\n", "file ends inside a multi-byte character"
    done = []
    for _ in range(rng.randint(1, 3)):
        piece = rng.choice(BAD_UTF8)
        pos = value_position(rng, data) if mode == "value" else rng.randint(0, len(data))
        data = data[:pos] + piece + data[pos:]
        done.append(f"{piece!r}@line {line_of(data, pos)}")
    return data, "invalid UTF-8 " + ", ".join(done)


def bom_encoding(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    text = data.decode("utf-8", "replace")
    mode = rng.choice(["utf8_bom", "double_bom", "bom_mid", "utf16le", "utf16be", "utf16_nobom", "utf32",
                       "bom_only"])
    if mode == "utf8_bom":
        return b"\xef\xbb\xbf" + data, "UTF-8 BOM prepended"
    if mode == "double_bom":
        return b"\xef\xbb\xbf\xef\xbb\xbf" + data, "two UTF-8 BOMs prepended"
    if mode == "bom_mid":
        lines = split(data)
        i = rng.randrange(len(lines))
        lines[i] = b"\xef\xbb\xbf" + lines[i]
        return join(lines), f"UTF-8 BOM at the start of line {i + 1}"
    if mode == "utf16le":
        return b"\xff\xfe" + text.encode("utf-16-le"), "UTF-16LE with BOM"
    if mode == "utf16be":
        return b"\xfe\xff" + text.encode("utf-16-be"), "UTF-16BE with BOM"
    if mode == "utf16_nobom":
        return text.encode("utf-16-le"), "UTF-16LE without BOM"
    if mode == "utf32":
        return text.encode("utf-32"), "UTF-32 with BOM"
    return b"\xef\xbb\xbf", "a UTF-8 BOM and nothing else"


SCRIPTS = ["국가정보원", "조선중앙통신", "朝鲜劳动党", "Кремль", "Пхеньян", "كوريا الشمالية", "צפון קוריאה",
           "👷🏽‍♂️", "🇰🇵", "💥🔥", "\u202eevil\u202c", "\u200f", "\u200e", "e" + "\u0301" * 50, "ｆｕｌｌ",
           "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "😀" * 1000, "ǅ", "ß", "İ", "ﬁ", "Ω", "\U0010fffd", "\ue000", "ᄀᄀᄀ"]
HOMOGLYPHS = {b"a": "а", b"i": "і", b"o": "о", b"e": "е", b"c": "с", b"p": "р"}


def unicode_scripts(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    mode = rng.choice(["insert", "insert", "replace", "homoglyph_key", "nbsp_indent", "fullwidth_colon",
                       "ideographic_space"])
    text = rng.choice(SCRIPTS)
    found = key_lines(lines)
    if mode == "replace" and found:
        i = rng.choice(found)
        return join(set_value(lines, i, text.encode())), f"value on line {i + 1} replaced by {text[:20]!r}"
    if mode == "homoglyph_key" and found:
        i = rng.choice(found)
        m = KEY_LINE.match(lines[i])
        key = m["key"]
        for latin, cyr in HOMOGLYPHS.items():
            if latin in key:
                key = key.replace(latin, cyr.encode(), 1)
                break
        lines[i] = m["indent"] + key + b":" + m["rest"]
        return join(lines), f"key on line {i + 1} spelled with a Cyrillic homoglyph"
    if mode in ("nbsp_indent", "ideographic_space"):
        pad = "\u00a0" if mode == "nbsp_indent" else "\u3000"
        i = rng.randrange(len(lines))
        lines[i] = re.sub(rb"^ ", pad.encode(), lines[i]) if lines[i].startswith(b" ") else pad.encode() + lines[i]
        return join(lines), f"{mode} on line {i + 1}"
    if mode == "fullwidth_colon" and found:
        i = rng.choice(found)
        lines[i] = lines[i].replace(b":", "：".encode(), 1)
        return join(lines), f"fullwidth colon on line {i + 1}"
    pos = value_position(rng, data)
    return data[:pos] + text.encode() + data[pos:], f"inserted {text[:20]!r} at line {line_of(data, pos)}"


def duplicate_keys(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    found = key_lines(lines)
    if not found:
        return line_duplicate(rng, data, ctx)
    i = rng.choice(found)
    m = KEY_LINE.match(lines[i])
    end = block_end(lines, i)
    indent = m["indent"].replace(b"- ", b"  ")
    mode = rng.choice(["same", "other_value", "block", "case", "quoted", "space_before_colon"])
    key = m["key"]
    if mode == "block":
        copy = [indent + lines[i][len(m["indent"]):]] + lines[i + 1:end]
    elif mode == "same":
        copy = [indent + lines[i][len(m["indent"]):]]
    else:
        key = {"case": key.capitalize() if key[:1].islower() else key.lower(), "quoted": b"'" + key + b"'",
               "space_before_colon": key + b" "}.get(mode, key)
        copy = [indent + key + b": fuzz"]
    lines[end:end] = copy
    return join(lines), f"key {m['key'].decode()!r} of line {i + 1} given again ({mode}) at line {end + 1}"


TAGS = [b'!!python/object/apply:os.system ["touch evidence/pwned-by-fuzz.yaml"]',
        b'!!python/object/apply:subprocess.check_output [["touch", "seeds/pwned-by-fuzz.txt"]]',
        b"!!python/name:os.system", b"!!python/object:__main__.X {}", b"!!binary aGVsbG8=", b"!!set {a, b}",
        b"!!omap [a: 1]", b"!!timestamp 2020-01-01", b"!!float 1", b'!!int "12"', b"!!str 12", b"!custom x",
        b"!<tag:yaml.org,2002:str> x", b"!!map {a: 1}", b"!!seq [a]", b"!!null ''", b"!!bool yes", b"! x",
        b"!!python/bytes aGk="]


def yaml_tags(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    mode = rng.choice(["tag", "tag", "tag", "yaml11", "yaml20", "tag_directive", "two_documents", "doc_end",
                       "complex_key", "doc_start_tag"])
    found = key_lines(lines)
    if mode == "tag" and found:
        i = rng.choice(found)
        tag = rng.choice(TAGS)
        return join(set_value(lines, i, tag)), f"tagged value {tag.decode()} on line {i + 1}"
    if mode == "yaml11":
        return b"%YAML 1.1\n---\n" + data, "%YAML 1.1 directive"
    if mode == "yaml20":
        return b"%YAML 2.0\n---\n" + data, "%YAML 2.0 directive"
    if mode == "tag_directive":
        return b"%TAG ! tag:yaml.org,2002:python/object/apply:\n---\n" + data, "%TAG directive"
    if mode == "two_documents":
        return data.rstrip(b"\n") + b"\n---\n" + data, "the file twice, as two documents"
    if mode == "doc_end":
        i = rng.randrange(len(lines))
        lines.insert(i, b"...")
        return join(lines), f"document end marker at line {i + 1}"
    if mode == "complex_key":
        return data.rstrip(b"\n") + b"\n? [a, b]\n: c\n? {x: 1}\n: d\n", "complex (list and mapping) keys"
    return b"--- !!map\n" + data, "--- !!map first"


NUMBERS = ["1" + "0" * 400, "9" * 4301, "9" * 5000, "1e400", "-1e400", "1e-400", ".nan", ".inf", "-.inf", ".NaN",
           "-0", "0x10", "0o17", "0b101", "1_000", "99999999999999999999", str(2 ** 63), str(-2 ** 63 - 1),
           "1.7976931348623157e309", "0.1e1", "+12", "012", "1e3", "-2", "0.0"]


def huge_numbers(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    number = rng.choice(NUMBERS).encode()
    spots = list(re.finditer(rb"(?<=: )\d+\b", data))
    if spots and rng.random() < 0.6:
        m = rng.choice(spots)
        return data[:m.start()] + number + data[m.end():], f"number on line {line_of(data, m.start())} -> " \
            f"{number[:20].decode()}...({len(number)} chars)"
    lines = split(data)
    i = pick_key_line(rng, lines)
    if i is None:
        return data + b"\nfuzz: " + number + b"\n", "number appended"
    return join(set_value(lines, i, number)), f"value on line {i + 1} -> {number[:20].decode()}...({len(number)} chars)"


EMPTIES = [b"", b"\n", b"---\n", b"...\n", b"~\n", b"null\n", b"[]\n", b"{}\n", b"# only a comment\n",
           b"\xef\xbb\xbf", b" ", b"\t", b"---\n---\n", b"- a\n", b"'just a string'\n", b"\n\n\n\n", b"0\n"]


def empty(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    content = rng.choice(EMPTIES)
    return content, f"file replaced by {content!r}"


def truncate(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    if rng.random() < 0.5:
        pos = rng.randint(0, len(data))
        return data[:pos], f"truncated at byte {pos}"
    lines = split(data)
    k = rng.randint(0, len(lines))
    return join(lines[:k]), f"kept the first {k} lines"


def splice(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    other_name = rng.choice(list(ctx.corpus))
    other = ctx.corpus[other_name]
    mode = rng.choice(["bytes", "lines", "lines", "insert", "interleave"])
    if mode == "bytes":
        i, j = rng.randint(0, len(data)), rng.randint(0, len(other))
        return data[:i] + other[j:], f"splice: first {i} bytes, then {other_name} from byte {j}"
    a, b = split(data), split(other)
    if mode == "lines":
        i, j = rng.randint(0, len(a)), rng.randint(0, len(b))
        return join(a[:i] + b[j:]), f"splice: first {i} lines, then {other_name} from line {j + 1}"
    if mode == "insert":
        i = rng.randint(0, len(a))
        j = rng.randint(0, len(b))
        k = rng.randint(j, min(len(b), j + 20))
        return join(a[:i] + b[j:k] + a[i:]), f"splice: {other_name} lines {j + 1}..{k} inserted at line {i + 1}"
    out, pieces, ia, ib = [], [], 0, 0
    for n in range(rng.randint(2, 6)):
        src, idx = (a, ia) if n % 2 == 0 else (b, ib)
        take = rng.randint(1, 12)
        out += src[idx:idx + take]
        pieces.append(f"{'self' if n % 2 == 0 else other_name}[{idx + 1}..{idx + take}]")
        if n % 2 == 0:
            ia = min(len(a), ia + take + rng.randint(0, 5))
        else:
            ib = min(len(b), ib + take + rng.randint(0, 5))
    return join(out), "splice: interleaved " + " + ".join(pieces)


QUOTING = [b'"unterminated', b"'unterminated", b'"\\x00"', b'"\\ud800"', b'"\\uDFFF x"', b'"\\U0010FFFF"',
           b'"\\N\\L\\P\\_"', b'"\\e[31mred"', b'"\\q"', b'"\\u12"', b"|9\nx", b"|+\nx\n\n\n", b">-\n\tx",
           b"|\n x\n  y\n   z", b"'it''s'", b'"a\\\nb"', b"'a\n\nb'", b"|0\nx", b"|-\n", b'"' + b"\\\\" * 5000 + b'"']


def quoting(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    lines = split(data)
    i = pick_key_line(rng, lines)
    if i is None:
        return byte_insert(rng, data, ctx)
    value = rng.choice(QUOTING)
    return join(set_value(lines, i, value)), f"value on line {i + 1} -> {value[:40]!r}"


NEW_NAMES = ["fuzz-new.yaml", "Fuzz New.yaml", "ünïcode-국가.yaml", ".hidden.yaml", "x.YAML", "x.yml",
             "a" * 200 + ".yaml", "-dash.yaml", "con.yaml", "x.yaml.yaml", "space .yaml", "sub/dir.yaml"]


def new_file(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    name = rng.choice(NEW_NAMES)
    records = [k for k in ctx.corpus if k.startswith("evidence/")]
    base_name = rng.choice(records)
    base = ctx.corpus[base_name]
    ctx.target = f"evidence/{name}"
    mode = rng.choice(["copy", "own_id", "other_id", "empty"])
    if mode == "own_id":
        stem = name.split(".")[0] or "x"
        base = re.sub(rb"(?m)^id: .*$", b"id: " + stem.encode(), base, count=1)
    elif mode == "other_id":
        other = rng.choice(records).split("/")[1][:-5]
        base = re.sub(rb"(?m)^id: .*$", b"id: " + other.encode(), base, count=1)
    elif mode == "empty":
        base = b""
    return base, f"new file {ctx.target} from {base_name} ({mode})"


FAMILIES: dict[str, Family] = {
    "nesting": nesting, "known_traps": known_traps, "type_confusion": type_confusion, "byte_flip": byte_flip,
    "byte_insert": byte_insert, "line_delete": line_delete, "line_duplicate": line_duplicate,
    "line_swap": line_swap, "indentation": indentation, "tabs": tabs, "anchors": anchors, "long_line": long_line,
    "control_chars": control_chars, "invalid_utf8": invalid_utf8, "bom_encoding": bom_encoding,
    "unicode_scripts": unicode_scripts, "duplicate_keys": duplicate_keys, "yaml_tags": yaml_tags,
    "huge_numbers": huge_numbers, "empty": empty, "truncate": truncate, "splice": splice, "quoting": quoting,
    "new_file": new_file,
}


def havoc(rng: random.Random, data: bytes, ctx: Ctx) -> tuple[bytes, str]:
    """Two to five mutations stacked (the file-replacing and target-changing ones left out)."""
    names = [n for n in FAMILIES if n not in ("empty", "new_file", "nesting", "long_line")]
    steps = []
    for _ in range(rng.randint(2, 5)):
        name = rng.choice(names)
        data, how = FAMILIES[name](rng, data, ctx)
        steps.append(f"[{name}] {how}")
        if len(data) > MAX_MUTANT_BYTES:
            break
    return data, "havoc: " + " ; ".join(steps)


FAMILIES["havoc"] = havoc

# After the first round (one mutant per family), families are drawn with these weights.
WEIGHTS = dict.fromkeys(FAMILIES, 2)
WEIGHTS.update(splice=30, havoc=14, byte_flip=6, byte_insert=6, type_confusion=6, known_traps=5, line_delete=3,
               line_duplicate=3, duplicate_keys=3, control_chars=3, invalid_utf8=3, unicode_scripts=3)

# The first round puts the known crashers first, so that the smallest runs meet them.
ORDER = ["nesting", "known_traps"] + [n for n in FAMILIES if n not in ("nesting", "known_traps")]


def pick_target(rng: random.Random, corpus: dict[str, bytes]) -> str:
    roll = rng.random()
    if roll < 0.15 and "seeds/sources.yaml" in corpus:
        return "seeds/sources.yaml"
    if roll < 0.25 and "catalog/provisions.yaml" in corpus:
        return "catalog/provisions.yaml"
    if roll < 0.33 and "brief.yaml" in corpus:
        return "brief.yaml"
    # Inputs added since (judgements.yaml, catalog/origins.yaml, ...) take 4% each from the evidence's share.
    others = [k for k in corpus if k not in MAIN_FILES and not k.startswith("evidence/")]
    if others and roll < 0.33 + 0.04 * len(others):
        return others[min(int((roll - 0.33) / 0.04), len(others) - 1)]
    return rng.choice([k for k in corpus if k.startswith("evidence/")])


def _canon_value(target: str, key: bytes, value: bytes) -> Callable[[dict[str, bytes]], tuple[str, bytes, str]]:
    def make(corpus: dict[str, bytes]) -> tuple[str, bytes, str]:
        lines = split(corpus[target])
        if not key_lines(lines, key):  # the shipped file changed: give the key at the end instead
            lines = split(corpus[target].rstrip(b"\n")) + [key + b": x", b""]
        i = key_lines(lines, key)[0]
        v = value.replace(b"{v}", old_value(lines, i))
        shown = v if len(v) <= 40 else v[:20] + b"...(%d bytes)" % len(v)
        return target, join(set_value(lines, i, v)), f"line {i + 1}: {key.decode()}: {shown.decode()}"
    return make


def _canon_whole(target: str, data: bytes, what: str) -> Callable[[dict[str, bytes]], tuple[str, bytes, str]]:
    return lambda _corpus: (target, data, what)


_RECORD = "evidence/wsj-sk-intel-15000-nk-workers-sent-to-russia.yaml"
_DATED = "evidence/mediazona-nk-students-grew-from-2024-q3.yaml"

# The attacks issue 14 names, as the first mutants of every run: a small run always meets them.
CANON: list[tuple[str, Callable[[dict[str, bytes]], tuple[str, bytes, str]]]] = [
    ("nesting", _canon_value(_RECORD, b"title", b"[" * 1000 + b"x" + b"]" * 1000)),
    ("nesting", _canon_whole(_RECORD, b"[" * 50000 + b"x" + b"]" * 50000 + b"\n", "nesting flow_seq depth=50000 whole")),
    ("known_traps", _canon_value(_RECORD, b"source", b"[{v}]")),
    ("known_traps", _canon_value(_DATED, b"date", b"2020")),
    ("unicode_scripts", _canon_value(_RECORD, b"title", "국가정보원 🇰🇵 \u202e\x07".encode())),
    ("nesting", _canon_whole("seeds/sources.yaml", b"- " * 50000 + b"x\n", "nesting block_seq depth=50000 whole")),
    ("nesting", _canon_value("brief.yaml", b"marking", b"{a: " * 1000 + b"1" + b"}" * 1000)),
    # Found by this fuzzer, kept here so that the small run in tests/test_fuzz.py meets them too:
    # an integer of more than 4,300 digits (int() refuses it: ValueError), and a file ending in a
    # key without its colon after a block scalar (the syntax error is placed on a line past the end).
    ("huge_numbers", _canon_value(_RECORD, b"credibility", b"9" * 4301)),
    ("truncate", _canon_whole(_RECORD, b"claim: >-\nso", "truncated: 'claim: >-' then 'so' without a newline")),
    # Compact explicit keys nest on one line with no bracket or dash: the depth check let them through to the
    # parser, which crashed (a segfault at 50,000).
    ("nesting", _canon_whole(_RECORD, b"? " * 50000 + b"x\n", "nesting explicit_key depth=50000 whole")),
    # A byte order mark starting a later line hid the dashes after it from the same check (also a segfault).
    ("nesting", _canon_whole(_RECORD, b"# c\n\xef\xbb\xbf" + b"- " * 50000 + b"x\n",
                             "nesting bom_line depth=50000 whole")),
]


def _available(corpus: dict[str, bytes]) -> list[tuple[str, Callable]]:
    return [(family, make) for family, make in CANON
            if all(t in corpus for t in (_RECORD, _DATED, "seeds/sources.yaml", "brief.yaml"))]


def mutant(seed: int, index: int, corpus: dict[str, bytes]) -> Mutant:
    """Mutant `index` of run `seed`: first the CANON attacks, then one per family, then at random."""
    canon = _available(corpus)
    if index < len(canon):
        family, make = canon[index]
        target, data, how = make(corpus)
        return Mutant(index, family, target, data, "canon: " + how)
    rng = random.Random(f"dossier-fuzz/{seed}/{index}")
    if index - len(canon) < len(ORDER):
        family = ORDER[index - len(canon)]
    else:
        names = list(WEIGHTS)
        family = rng.choices(names, weights=[WEIGHTS[n] for n in names])[0]
    target = pick_target(rng, corpus)
    ctx = Ctx(rng, corpus, target)
    data, how = FAMILIES[family](rng, corpus[target], ctx)
    return Mutant(index, family, ctx.target, data[:MAX_MUTANT_BYTES], how)
