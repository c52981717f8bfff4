"""The benchmark's evidence bases: valid, shaped like the repository's, as large as asked.

    generate(root, 10_000)                          # 1,000 sources, ten records each (the benchmark's shape)
    generate(root, 1_000, per_source=1, own_origins=True)   # 1,000 sources, 1,000 origin groups

Sources are article-length captures made by recombining the sentences of the shipped captures (numbers and
place names varied, so every capture differs), each registered with its real SHA-256; records quote one to
three consecutive sentences of their capture (a fifth with straight quotes where the capture has typographic
ones), tag every catalogued provision, carry every grade and both statuses, corroborates and contradicts
links and dates of every precision. The base is valid: `dossier validate` reports no error.

`own_origins` gives each source an origin of its own, registered as its own independence group, so that the
brief has as many origin groups as sources: the widest the heat map and the origins annex can get.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from dossier.dates import PartialDate
from dossier.figures import numbers_in
from dossier.passage import CaptureText, PassageMatch, occurs, too_short, verify_passage

REPO = Path(__file__).resolve().parent.parent
CUTOFF = "2025-12-31"
RECORDS_PER_SOURCE = 10
STRAIGHT = str.maketrans("“”’‘", "\"\"''")  # typographic quotes as an analyst may type them

PLACES = ["Vladivostok", "Volgograd", "Moscow", "Donetsk", "Luhansk", "Kursk", "Khabarovsk", "Novosibirsk",
          "Irkutsk", "Tomsk", "Rostov-on-Don", "Yakutsk", "Ulan-Ude", "Blagoveshchensk", "Nakhodka", "Mariupol",
          "Amur", "Primorye", "Sakhalin", "Kazan"]
OUTLETS = ["The Kyiv Independent", "Daily NK", "The Diplomat", "Mediazona", "The Times", "NK News",
           "Radio Free Asia", "Yonhap", "The Korea Herald", "Meduza", "Novaya Gazeta Europe", "The Moscow Times"]
WIRE_OUTLETS = ["Yonhap", "Reuters", "Agence France-Presse", "Associated Press"]
AUTHORS = ["Rachel Amran", "Nate Ostiller", "Kateryna Hodunova", "Jeong Tae Joo", "Mun Dong Hui", "Lee Chae-won",
           "Anna Petrova", "Oleksiy Bondarenko", "Kim Soo-yeon", "Daniel Park", "Maria Sokolova", "Ivan Hrytsenko"]
ORIGINS = ["South Korean National Intelligence Service", "Daily NK source in North Korea", "Daily NK source in Russia",
           "Ukraine's National Resistance Center", "Russian Ministry of Education", "Mediazona border-crossing data",
           "Dmitry Peskov (Kremlin spokesperson)", "U.S. National Security Council", "KCNA",
           "Japanese Ministry of Defense", "Ukrainian military intelligence (HUR)", "Radio Free Asia source",
           "The Wall Street Journal", "Sergei Shoigu (Security Council of Russia)", "Lee Seong-kweun (NIS briefing)"]
ACTORS = [("North Korean government", "sends workers abroad and takes a cut of their pay"),
          ("Russian construction company", "employs North Korean workers, per the source"),
          ("External Construction Guidance Bureau", "organises the work teams"),
          ("Ministry of Social Security", "runs one of the workplaces"), ("Air Koryo", "flies workers to Russia"),
          ("Kim Jong Un", "agreed to the deployment, per the report"),
          ("Vladimir Putin", "met the North Korean leader"), ("National Intelligence Service", "briefed lawmakers"),
          ("Russian Ministry of Education", "reported the number of students"),
          ("Ministry of Defence of Russia", "hosted the delegation")]
RATIONALES = ["The report bears on the obligation this paragraph sets.",
              "Workers abroad earning income for the DPRK state, which the paragraph addresses.",
              "A transfer or cooperation of the kind the paragraph prohibits.",
              "Reported revenue for the DPRK from activity the paragraph restricts.",
              "Evidence of the conduct the paragraph requires member states to prevent."]
CLUTTER_TOP = ["Skip to content", "Edit post", "News Feed", "Recent Features", "Menu", "Search", "Subscribe"]
CLUTTER_BOTTOM = ["Related articles", "Subscribe to our newsletter", "Share this article", "Most read",
                  "Support independent journalism", "Sign up for our daily briefing", "Comments"]
GRADE_REASONS = ["Named official source, consistent with other reporting.", "Anonymous source, unverified.",
                 "On-record statement by an interested party.", "Official data, republished without change.",
                 "Single source; nothing else confirms it yet.", "Cannot be judged from the capture alone."]


def shipped_sentences() -> list[str]:
    """The sentences of the shipped captures' body paragraphs (lines of eight words or more)."""
    sentences: list[str] = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            if len(line.split()) < 8:
                continue
            for sentence in re.split(r"(?<=[.!?”])\s+(?=[A-Z“\"])", line.strip()):
                if len(sentence.split()) >= 5 and sentence not in sentences:
                    sentences.append(sentence)
    return sentences


def _vary_number(match: re.Match[str], rng: random.Random) -> str:
    token = match.group()
    if re.fullmatch(r"(?:19|20)\d\d", token):
        return str(rng.randint(2016, 2025))
    if len(token) < 3:  # days of the month, small counts: left as they are
        return token
    digits = [str(rng.randint(0, 9)) if c.isdigit() else c for c in token]
    if len(token) > 1:
        digits[0] = str(rng.randint(1, 9))
    return "".join(digits)


def vary(sentence: str, rng: random.Random) -> str:
    """The same sentence with other numbers and place names: realistic text that is not a copy."""
    sentence = re.sub(r"\d[\d,]*\d|\d", lambda m: _vary_number(m, rng), sentence)
    return re.sub("|".join(map(re.escape, PLACES)), lambda _: rng.choice(PLACES), sentence)


def slugify(text: str, words: int = 6) -> str:
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words]) or "x"


def partial_date(rng: random.Random, first: int, last: int) -> str:
    year = rng.randint(first, last)
    kind = rng.random()
    if kind < 0.2:
        return f"{year}"
    if kind < 0.5:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def postdates(event: str, published: str) -> bool:
    """Certainly later: every day `event` can mean is after every day `published` can mean, as `dossier
    validate` judges it (dossier.dates, which reads plain dates without the edtf grammar)."""
    return PartialDate.parse(event).is_after(PartialDate.parse(published))


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return str(json.dumps(text, ensure_ascii=False))


def folded(key: str, text: str, indent: str = "") -> str:
    lines = textwrap.wrap(text, 96, break_long_words=False, break_on_hyphens=False)
    return f"{indent}{key}: >-\n" + "".join(f"{indent}  {line}\n" for line in lines)


@dataclass
class Source:
    id: str
    capture: str
    outlet: str
    published: str | None
    paragraphs: list[list[str]]  # sentences, as they stand in the capture
    text: CaptureText  # the capture as the passage check sees it
    original_outlet: str | None
    entry: str = ""
    origin: str | None = None  # the source's own origin (own_origins), else each record draws one of ORIGINS


@dataclass
class Base:
    root: Path
    records: int
    sources: int
    yaml_files: int
    yaml_bytes: int
    capture_bytes: int
    provisions: int
    grades: int
    links: int = 0
    register_bytes: int = 0
    seconds: float = 0.0


def make_source(index: int, pool: list[str], rng: random.Random) -> tuple[Source, bytes]:
    kind = rng.random()
    origin = "original reporting" if kind < 0.7 else "republication" if kind < 0.9 else "wire copy"
    outlet = rng.choice(WIRE_OUTLETS if origin == "wire copy" else OUTLETS)
    original = rng.choice([o for o in OUTLETS if o != outlet]) if origin == "republication" else None
    published = partial_date(rng, 2018, 2025) if rng.random() < 0.85 else None
    authors = rng.sample(AUTHORS, rng.choice([0, 1, 1, 1, 2]))
    chosen = [vary(s, rng) for s in rng.sample(pool, min(len(pool), rng.randint(30, 55)))]
    headline = vary(" ".join(rng.choice(pool).split()[:12]).rstrip(",.;:"), rng)
    paragraphs: list[list[str]] = []
    while chosen:
        take = rng.choice([1, 1, 2, 2, 3])
        paragraphs.append(chosen[:take])
        chosen = chosen[take:]
    url = f"https://example.org/{index:05d}/{slugify(headline)}" if rng.random() < 0.3 else None
    byline = f"by {' and '.join(authors)}" if authors else ""
    if published:
        byline += f" {published} {rng.randint(2, 9)} min read"
    lines = [outlet, *rng.sample(CLUTTER_TOP, 2), "", headline, ""]
    if byline.strip():
        lines += [byline.strip(), ""]
    if original:
        lines += [f"This article was originally published by {original}.", ""]
    for paragraph in paragraphs:
        lines += [" ".join(paragraph), ""]
    if url:
        lines += [f"Source: {url}", ""]
    lines += rng.sample(CLUTTER_BOTTOM, 3)
    text = "\n".join(lines) + "\n"
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    source_id = f"{slugify(outlet, 3)}-{slugify(headline, 5)}-{index:05d}"
    capture = f"{index:05d}_{sha[:16]}.txt"
    unknown = {}
    if not authors:
        unknown["authors"] = "The capture shows no byline."
    if not published:
        unknown["published"] = "The capture shows no publication date; none is guessed."
    if not url:
        unknown["url"] = "The capture is page text only and shows no address; none is reconstructed."
    entry = [f"  - id: {source_id}", f"    capture: {capture}", f"    sha256: {sha}", f"    outlet: {q(outlet)}",
             f"    title: {q(headline)}"]
    entry += ["    authors:"] + [f"      - {q(a)}" for a in authors] if authors else ["    authors: []"]
    entry += [f"    published: {q(published)}" if published else "    published:",
              f"    url: {q(url)}" if url else "    url:", "    language: en", f"    origin: {origin}"]
    if original:
        entry += ["    original:", f"      outlet: {q(original)}", "      unknown:",
                  "        title: The republication does not give the original headline.",
                  "        authors: The republication does not name the original's authors.",
                  "        published: The republication does not date the original.",
                  "        url: The republication shows no address for the original."]
    entry += ["    retrieval:", f"      date: {q(CUTOFF)}", "      by: bench/run.py",
              "      method: generated page text", "      unknown:", "        url: A generated capture has no address."]
    if unknown:
        entry += ["    unknown:"] + [f"      {k}: {v}" for k, v in unknown.items()]
    entry += [folded("notes", f"Synthetic capture {index} for the benchmark; outlet, title and byline are read "
                              "from the page text as the register's other entries are.", "    ").rstrip("\n"), ""]
    source = Source(source_id, capture, outlet, published, paragraphs, CaptureText.from_text(text), original,
                    "\n".join(entry))
    return source, data


def choose_passage(source: Source, rng: random.Random) -> str | None:
    """One to three consecutive sentences of one paragraph that occur exactly once in the capture."""
    for _ in range(20):
        paragraph = rng.choice(source.paragraphs)
        start = rng.randrange(len(paragraph))
        passage = " ".join(paragraph[start : start + rng.choice([1, 1, 2, 3])])
        found = verify_passage(passage, source.text)
        if isinstance(found, PassageMatch) and len(found.occurrences) == 1 and not too_short(passage):
            if rng.random() < 0.2:  # an analyst typing straight quotes: a normalised match
                passage = passage.translate(STRAIGHT)
            return passage
    return None


def event_date(source: Source, rng: random.Random) -> str | None:
    if rng.random() < 0.15:
        return None
    last = int(source.published[:4]) if source.published else 2025
    for _ in range(50):
        date = partial_date(rng, last - 2, last)
        if (source.published is None or not postdates(date, source.published)) and not postdates(date, CUTOFF):
            return date
    return source.published[:4] if source.published else "2024"


def make_record(index: int, source: Source, provisions: list[str], verified: list[str], ids: list[str],
                rng: random.Random) -> tuple[str, str, int]:
    passage = choose_passage(source, rng)
    assert passage is not None, f"no unique passage in {source.capture}"
    words = passage.split()
    record_id = f"{slugify(source.outlet, 2)}-{slugify(passage, 5)}-{index:05d}"
    title = f"{source.outlet}: " + " ".join(words[:14]).rstrip(",.;:")
    title = title[:157] + "..." if len(title) > 160 else title
    origin = source.origin or rng.choice(ORIGINS)
    chain = [origin] + ([source.original_outlet] if source.original_outlet else []) + [source.outlet]
    if origin.casefold() in (link.casefold() for link in chain[1:]):
        chain = chain[1:]
    # Every provision turns up (the first records, then every fifth, tag the next one in catalog order); the
    # others tag verified provisions, as analysts mostly do (an unverified one costs a warning, as shipped).
    if index < len(provisions) or index % 5 == 0:
        tags = [provisions[index % len(provisions) if index < len(provisions) else index // 5 % len(provisions)]]
    else:
        tags = [rng.choice(verified)]
    for _ in range(rng.choice([0, 0, 1, 2])):
        extra = rng.choice(verified)
        if extra not in tags:
            tags.append(extra)
    date = event_date(source, rng)
    # The numbers the passage writes, as the figure check reads them (years left out).
    numbers = [int(n.value) if n.value.is_integer() else n.value for n in numbers_in(passage)
               if not re.fullmatch(r"(?:19|20)\d\d", n.text)][:2]
    figures = []
    for n in numbers:
        figures.append(f"  - quantity: {n}\n    unit: {q('units as the passage counts them')}\n"
                       f"    qualifier: {rng.choice(QUALIFIERS)}\n"
                       f"    measure: {rng.choice(['people', 'people', 'border crossings', 'money', 'other'])}"
                       + ("\n    plan: true" if rng.random() < 0.15 else ""))
        if rng.random() < 0.2:  # an upper end the passage does not write: the record says how it was derived
            figures[-1] += (f"\n    quantity_max: {n + rng.randint(1, 5000)}\n"
                            f"    derived: {q('an upper end the benchmark adds to exercise derived figures')}")
    corroborates = sorted(set(rng.sample(ids, min(len(ids), rng.choice([0, 0, 1, 1, 2]))))) if ids else []
    contradicts = ([rng.choice(ids)] if ids and rng.random() < 0.08 else [])
    contradicts = [c for c in contradicts if c not in corroborates]
    actors = rng.sample(ACTORS, rng.choice([0, 1, 2, 3]))
    lines = ["# yaml-language-server: $schema=../schema/evidence.schema.json", f"id: {record_id}", f"title: {q(title)}",
             folded("claim", f"{source.outlet} reports, citing {origin}, that " + " ".join(words[:40])).rstrip("\n"),
             f"source: {source.id}", folded("passage", passage).rstrip("\n"), "reporting_chain:"]
    lines += [f"  - {q(link)}" for link in chain]
    lines += ["provisions:"] + [f"  - id: {t}\n    rationale: {q(rng.choice(RATIONALES))}" for t in tags]
    lines += ["event:", f"  date: {q(date)}" if date else
              "  date_note: The passage gives no date and the capture does not fix one.",
              f"  place: {q(rng.choice(PLACES))}"]
    unnamed = f"\n    named_by_analyst: {q('a benchmark actor the capture does not name')}"
    lines += ["actors:" + ("" if actors else " []")] + [
        f"  - name: {q(n)}\n    role: {q(r)}" + ("" if occurs(n, source.text) else unnamed) for n, r in actors]
    lines += ["figures:" + ("" if figures else " []")] + figures
    lines += ["grading:", f"  reliability: {'ABCDEF'[index % 6]}", f"  credibility: {(index // 6) % 6 + 1}",
              f"  justification: {q(rng.choice(GRADE_REASONS))}"]
    lines += ["corroborates:" + ("" if corroborates else " []")] + [f"  - {c}" for c in corroborates]
    lines += ["contradicts:" + ("" if contradicts else " []")] + [f"  - {c}" for c in contradicts]
    lines += [f"status: {'draft' if rng.random() < 0.3 else 'reviewed'}", ""]
    return record_id, "\n".join(lines), len(corroborates) + len(contradicts)


QUALIFIERS = ['exactly', 'about', 'nearly', 'up to', 'at least', 'more than']
# Origins that are one line of evidence share a group, as catalog/origins.yaml groups the shipped ones.
GROUPS = {"South Korean National Intelligence Service": "south-korean-intelligence",
          "Lee Seong-kweun (NIS briefing)": "south-korean-intelligence", "Daily NK source in North Korea": "daily-nk",
          "Daily NK source in Russia": "daily-nk", "Daily NK": "daily-nk",
          "Russian Ministry of Education": "russian-state", "Dmitry Peskov (Kremlin spokesperson)": "russian-state",
          "Sergei Shoigu (Security Council of Russia)": "russian-state"}


def origins_register(own: list[str] | None = None) -> str:
    """The generated base's catalog/origins.yaml: every origin and outlet the records may name, grouped.

    `own` are the sources' own origins (own_origins): each is a group of its own, which, as in the shipped
    register, needs no entry under `groups`.
    """
    names = sorted(set(ORIGINS) | set(OUTLETS) | set(WIRE_OUTLETS))
    groups = sorted({GROUPS.get(name, slugify(name, 8)) for name in names})
    lines = ["groups:"] + [f"  - id: {group}\n    name: {q(group)}" for group in groups] + ["origins:"]
    for name in names:
        kind = "outlet" if name in OUTLETS or name in WIRE_OUTLETS else "agency"
        lines.append(f"  - id: {slugify(name, 8)}\n    name: {q(name)}\n    kind: {kind}\n"
                     f"    group: {GROUPS.get(name, slugify(name, 8))}")
    for name in own or []:
        lines.append(f"  - id: {slugify(name, 8)}\n    name: {q(name)}\n    kind: anonymous source\n"
                     f"    group: {slugify(name, 8)}")
    return "\n".join(lines) + "\n"


def own_origin(index: int, outlet: str) -> str:
    """A source's own origin: one network of sources per article, independent of every other."""
    return f"{outlet} source network {index:05d}"


def generate(root: Path, records: int, seed: int = 2397, *, per_source: int = RECORDS_PER_SOURCE,
             own_origins: bool = False) -> Base:
    """Write a valid evidence base of `records` records, one source per `per_source` records, under `root`.

    The default shape (ten records a source, origins drawn from ORIGINS) is the benchmark's; it fixes the
    random draws, so the same arguments write the same base.
    """
    import yaml  # only to read the catalog's provision ids

    started = time.perf_counter()
    rng = random.Random(seed * 100003 + records)
    pool = shipped_sentences()
    for name in ("evidence", "seeds", "catalog"):
        (root / name).mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "catalog" / "provisions.yaml", root / "catalog" / "provisions.yaml")
    catalog = yaml.load((REPO / "catalog" / "provisions.yaml").read_text("utf-8"), Loader=yaml.CSafeLoader)
    provisions = [p["id"] for p in catalog["provisions"]]
    verified = [p["id"] for p in catalog["provisions"] if p["verified"]]
    (root / "brief.yaml").write_text(
        "title: Benchmark brief\nsubtitle: A generated evidence base\nmarking: UNCLASSIFIED // BENCHMARK\n"
        f'evidence_cutoff: "{CUTOFF}"\n', "utf-8")
    sources = []
    capture_bytes = 0
    for index in range(max(5, -(-records // per_source))):
        source, data = make_source(index, pool, rng)
        if own_origins:
            source.origin = own_origin(index, source.outlet)
        (root / "seeds" / source.capture).write_bytes(data)
        capture_bytes += len(data)
        sources.append(source)
    register = ("# Source register (generated for the benchmark).\nsources:\n"
                + "\n".join(s.entry for s in sources))
    (root / "seeds" / "sources.yaml").write_text(register, "utf-8")
    (root / "catalog" / "origins.yaml").write_text(origins_register([s.origin for s in sources if s.origin]),
                                                   "utf-8")
    ids: list[str] = []
    links = 0
    yaml_bytes = len(register.encode()) + (root / "catalog" / "provisions.yaml").stat().st_size
    for index in range(records):
        source = sources[index % len(sources)]
        record_id, text, count = make_record(index, source, provisions, verified, ids[-200:], rng)
        (root / "evidence" / f"{record_id}.yaml").write_text(text, "utf-8")
        yaml_bytes += len(text.encode())
        links += count
        ids.append(record_id)
    return Base(root, records, len(sources), records + 3, yaml_bytes, capture_bytes,
                len(set(provisions)) if records >= len(provisions) else records, min(records, 36), links,
                len(register.encode()), time.perf_counter() - started)

