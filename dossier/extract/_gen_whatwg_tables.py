"""Regenerates `_whatwg_tables.py`: run it inside a git clone of whatwg/encoding, output to stdout.

    cd encoding && python path/to/_gen_whatwg_tables.py > path/to/_whatwg_tables.py

It compares every byte sequence of the encodings below as Python's codecs decode it with the
Encoding Standard's indexes, and writes down only the differences (plus the label table), so the
decoders in `encoding.py` give the WHATWG result with Python's codecs doing nearly all the work.
Not imported by the package; kept so a reviewer can check where the tables came from.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TextIO

SINGLE_BYTE_CODECS = {
    "IBM866": "cp866", "ISO-8859-2": "iso8859_2", "ISO-8859-3": "iso8859_3", "ISO-8859-4": "iso8859_4",
    "ISO-8859-5": "iso8859_5", "ISO-8859-6": "iso8859_6", "ISO-8859-7": "iso8859_7", "ISO-8859-8": "iso8859_8",
    "ISO-8859-10": "iso8859_10", "ISO-8859-13": "iso8859_13", "ISO-8859-14": "iso8859_14",
    "ISO-8859-15": "iso8859_15", "ISO-8859-16": "iso8859_16", "KOI8-R": "koi8_r", "KOI8-U": "koi8_u",
    "macintosh": "mac_roman", "windows-874": "cp874", "windows-1250": "cp1250", "windows-1251": "cp1251",
    "windows-1252": "cp1252", "windows-1253": "cp1253", "windows-1254": "cp1254", "windows-1255": "cp1255",
    "windows-1256": "cp1256", "windows-1257": "cp1257", "windows-1258": "cp1258", "x-mac-cyrillic": "mac_cyrillic",
}
BIG5_SPECIAL = {1133: "\u00ca\u0304", 1135: "\u00ca\u030c", 1164: "\u00ea\u0304", 1166: "\u00ea\u030c"}


def git_show(name: str) -> str:
    return subprocess.run(["git", "show", f"HEAD:{name}"], capture_output=True, text=True, check=True).stdout


def index(name: str) -> dict[int, int]:
    table: dict[int, int] = {}
    for line in git_show(f"index-{name}.txt").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 2:
            continue
        table[int(parts[0])] = int(parts[1], 16)
    return table


def python_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def single_byte_fixes() -> dict[str, dict[int, int | None]]:
    fixes: dict[str, dict[int, int | None]] = {}
    for name, codec in SINGLE_BYTE_CODECS.items():
        table = index(name.lower())
        differences: dict[int, int | None] = {}
        for byte in range(0x80, 0x100):
            whatwg = table.get(byte - 0x80)
            if (chr(whatwg) if whatwg is not None else None) != python_decode(bytes([byte]), codec):
                differences[byte] = whatwg
        if differences:
            fixes[name] = differences
    return fixes


def gb18030_fixes() -> dict[str, str]:
    """gb18030 is a bijection in Python too, so a character map is exact."""
    table = index("gb18030")
    fixes: dict[str, str] = {}
    for lead in range(0x81, 0xFF):
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFF)]:
            pointer = (lead - 0x81) * 190 + trail - (0x40 if trail < 0x7F else 0x41)
            whatwg = chr(table[pointer]) if pointer in table else None
            python = python_decode(bytes([lead, trail]), "gb18030")
            if python != whatwg:
                assert python is not None and whatwg is not None
                fixes[python] = whatwg
    # The one four-byte sequence where they differ: 81 35 F4 37 (pointer 7457).
    assert python_decode(bytes.fromhex("8135f437"), "gb18030") == "\u1e3f"
    fixes["\u1e3f"] = "\ue7c7"
    return fixes


def shift_jis_fixes() -> dict[str, str | None]:
    fixes: dict[str, str | None] = {}
    for byte in range(0x80, 0x100):
        if 0x81 <= byte <= 0x9F or 0xE0 <= byte <= 0xFC:
            continue  # lead bytes
        whatwg = chr(byte) if byte == 0x80 else chr(0xFF61 + byte - 0xA1) if 0xA1 <= byte <= 0xDF else None
        python = python_decode(bytes([byte]), "cp932")
        if python != whatwg:
            assert python is not None
            fixes[python] = whatwg
    return fixes


def big5_fixes() -> dict[bytes, str | None]:
    table = index("big5")
    fixes: dict[bytes, str | None] = {}
    for lead in range(0x81, 0xFF):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            pointer = (lead - 0x81) * 157 + trail - (0x40 if trail < 0x7F else 0x62)
            whatwg = BIG5_SPECIAL.get(pointer) or (chr(table[pointer]) if pointer in table else None)
            sequence = bytes([lead, trail])
            if whatwg != python_decode(sequence, "big5hkscs"):
                fixes[sequence] = whatwg
    return fixes


def euc_jp_fixes() -> dict[bytes, str | None]:
    jis0208, jis0212 = index("jis0208"), index("jis0212")
    fixes: dict[bytes, str | None] = {}
    for lead in range(0xA1, 0xFF):
        for trail in range(0xA1, 0xFF):
            pointer = (lead - 0xA1) * 94 + trail - 0xA1
            for prefix, table in ((b"", jis0208), (b"\x8f", jis0212)):
                sequence = prefix + bytes([lead, trail])
                whatwg = chr(table[pointer]) if pointer in table else None
                if whatwg != python_decode(sequence, "euc_jp"):
                    fixes[sequence] = whatwg
    for trail in range(0xA1, 0x100):
        sequence = bytes([0x8E, trail])
        whatwg = chr(0xFF61 + trail - 0xA1) if trail <= 0xDF else None
        if whatwg != python_decode(sequence, "euc_jp"):
            fixes[sequence] = whatwg
    return fixes


def write_items(out: TextIO, items: list[str], per_line: int) -> None:
    for start in range(0, len(items), per_line):
        out.write("    " + " ".join(items[start:start + per_line]) + "\n")


def main(out: TextIO) -> None:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    out.write(f'''"""Where Python's codecs disagree with the WHATWG Encoding Standard's decoders: generated data.

Generated by `_gen_whatwg_tables.py` from the Encoding Standard (https://encoding.spec.whatwg.org/,
repository whatwg/encoding at commit {commit}; its indexes are published
under CC BY 4.0): every byte sequence of each encoding below was decoded with Python's codec and
compared with the standard's index, and only the differences are kept. ``None`` means the WHATWG
decoder reports an error (U+FFFD) where Python's codec returns a character. Do not edit by hand: a
change here changes extracted text (bump ``HTML_RULES_VERSION`` in html.py).
"""

from __future__ import annotations

# Every WHATWG label (ASCII lower case) and the encoding it names.
LABELS: dict[str, str] = {{
''')
    for group in json.loads(git_show("encodings.json")):
        for encoding in group["encodings"]:
            write_items(out, [f"{label!r}: {encoding['name']!r}," for label in sorted(encoding["labels"])], 3)
    out.write("}\n\n# Single-byte encodings: byte -> code point (or None) where the Python codec differs.\n")
    out.write("SINGLE_BYTE_FIXES: dict[str, dict[int, int | None]] = {\n")
    for name, fixes in single_byte_fixes().items():
        out.write(f"    {name!r}: {{\n")
        write_items(out, [f"0x{b:02X}: " + (f"0x{w:04X}," if w is not None else "None,") for b, w in fixes.items()], 6)
        out.write("    },\n")
    out.write("}\n\n# gb18030 (Python codec gb18030): Python's character -> the WHATWG character.\n")
    out.write("GB18030_FIXES: dict[str, str] = {\n")
    write_items(out, [f"{k!a}: {v!a}," for k, v in sorted(gb18030_fixes().items())], 4)
    out.write("}\n\n# Shift_JIS (Python codec cp932): single bytes Python maps to private-use characters.\n")
    out.write("SHIFT_JIS_FIXES: dict[str, str | None] = {\n")
    write_items(out, [f"{k!a}: {v!a}," for k, v in sorted(shift_jis_fixes().items())], 4)
    for title, name, fixes_by_bytes in (
            ("Big5 (Python codec big5hkscs): byte pair -> text, or None for an error.", "BIG5_FIXES", big5_fixes()),
            ("EUC-JP (Python codec euc_jp): byte sequence -> text, or None for an error.", "EUC_JP_FIXES",
             euc_jp_fixes())):
        out.write(f"}}\n\n# {title}\n{name}: dict[bytes, str | None] = {{\n")
        write_items(out, [f"{k!r}: {v!a}," for k, v in sorted(fixes_by_bytes.items())], 4)
    out.write("}\n")


if __name__ == "__main__":
    main(sys.stdout)
