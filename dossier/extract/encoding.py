"""Decoding an HTML page's bytes the way a browser does (the WHATWG Encoding Standard and the HTML
encoding sniffing algorithm), so the text we quote is the text a reader saw.

Order: byte-order mark; then the charset the HTTP response declared; then a `<meta charset>` or
`<meta http-equiv="content-type">` in the first 1024 bytes (the standard's prescan); then one
declared later in the page (a browser switches encoding when it meets one). With no declaration at
all, the bytes must be valid UTF-8: we do not guess, as browsers do from the reader's locale.

Labels map to encodings by the standard's table (``euc-kr`` is windows-949, ``gb2312`` is gb18030,
``shift_jis`` is windows-932, ``iso-8859-1`` and ``ascii`` are windows-1252, ...). Python's codecs
do the decoding; the few byte sequences where they differ from the standard are corrected from
generated tables (`_whatwg_tables.py`). Invalid byte sequences in a page that declares its encoding
become U+FFFD, as in a browser, and are counted so the analyst is told.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

from ._whatwg_tables import BIG5_FIXES, EUC_JP_FIXES, GB18030_FIXES, LABELS, SHIFT_JIS_FIXES, SINGLE_BYTE_FIXES
from .model import ExtractionError

PRESCAN_BYTES = 1024  # the standard's prescan window
ASCII_WHITESPACE = b"\t\n\x0c\r "

PYTHON_CODECS = {
    "UTF-8": "utf-8", "UTF-16BE": "utf-16-be", "UTF-16LE": "utf-16-le",
    "IBM866": "cp866", "ISO-8859-2": "iso8859_2", "ISO-8859-3": "iso8859_3", "ISO-8859-4": "iso8859_4",
    "ISO-8859-5": "iso8859_5", "ISO-8859-6": "iso8859_6", "ISO-8859-7": "iso8859_7", "ISO-8859-8": "iso8859_8",
    "ISO-8859-8-I": "iso8859_8", "ISO-8859-10": "iso8859_10", "ISO-8859-13": "iso8859_13",
    "ISO-8859-14": "iso8859_14", "ISO-8859-15": "iso8859_15", "ISO-8859-16": "iso8859_16", "KOI8-R": "koi8_r",
    "KOI8-U": "koi8_u", "macintosh": "mac_roman", "windows-874": "cp874", "windows-1250": "cp1250",
    "windows-1251": "cp1251", "windows-1252": "cp1252", "windows-1253": "cp1253", "windows-1254": "cp1254",
    "windows-1255": "cp1255", "windows-1256": "cp1256", "windows-1257": "cp1257", "windows-1258": "cp1258",
    "x-mac-cyrillic": "mac_cyrillic",
    "GBK": "gb18030", "gb18030": "gb18030", "Big5": "big5hkscs", "EUC-JP": "euc_jp",
    "ISO-2022-JP": "iso2022_jp_ext", "Shift_JIS": "cp932", "EUC-KR": "cp949",
}
SINGLE_BYTE = {name for name in PYTHON_CODECS
               if name.startswith(("IBM", "ISO-8859", "KOI8", "windows-", "mac", "x-mac"))}

BOMS = ((codecs.BOM_UTF8, "UTF-8"), (codecs.BOM_UTF16_BE, "UTF-16BE"), (codecs.BOM_UTF16_LE, "UTF-16LE"))


@dataclass(frozen=True)
class Decoded:
    """A page's text and how it was decoded."""

    text: str
    encoding: str  # WHATWG name
    source: str  # "byte-order mark", "HTTP header", "<meta> tag", "late <meta> tag", "no declaration"
    replaced: int  # invalid byte sequences replaced by U+FFFD
    first_replaced_at: int | None  # byte offset of the first


def lookup_label(label: str) -> str | None:
    """The WHATWG encoding a label names, or None for an unknown label."""
    return LABELS.get(label.strip("\t\n\x0c\r ").lower())


def decode_html(data: bytes, http_charset: str | None = None) -> Decoded:
    """Decodes a page's bytes by the HTML encoding sniffing algorithm (see the module docstring)."""
    for bom, bom_encoding in BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom):], bom_encoding, "byte-order mark", offset=len(bom))
    declared = lookup_label(http_charset) if http_charset is not None else None
    if declared is not None:
        return _decode_as(data, declared, "HTTP header")
    declared = prescan(data[:PRESCAN_BYTES])
    if declared is not None:
        return _decode_as(data, declared, "<meta> tag")
    declared = prescan(data)
    if declared is not None:
        return _decode_as(data, declared, "late <meta> tag")
    try:
        return Decoded(data.decode("utf-8"), "UTF-8", "no declaration", 0, None)
    except UnicodeDecodeError as error:
        raise ExtractionError(
            f"the page declares no character encoding and is not valid UTF-8 (byte {error.start} is "
            f"0x{data[error.start]:02X}): its text cannot be read without guessing. Archive the page as "
            "the server sent it (with its HTTP headers, e.g. as a WARC), or find the encoding the page "
            "was served with and ask for it to be recorded") from None


def _decode_as(data: bytes, name: str, source: str, offset: int = 0) -> Decoded:
    if name == "replacement":
        raise ExtractionError(
            f"the page declares an encoding ({source}) that browsers refuse to decode (ISO-2022-KR, "
            "ISO-2022-CN, HZ-GB-2312 and the like): a browser shows nothing but one replacement character")
    counter = _ReplacementCounter(offset)
    text = _DECODERS.get(name, _decode_with_python)(data, name, counter)
    return Decoded(text, name, source, counter.count, counter.first)


class _ReplacementCounter:
    """Counts the invalid byte sequences a decoder replaced, and where the first was."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.count = 0
        self.first: int | None = None

    def add(self, position: int | None) -> None:
        self.count += 1
        if self.first is None and position is not None:
            self.first = position + self.offset


def _decode_with_python(data: bytes, name: str, counter: _ReplacementCounter) -> str:
    """Python's codec, then the standard's answer where the two differ (see _whatwg_tables.py)."""
    if name in SINGLE_BYTE:
        return _decode_single_byte(data, name, counter)
    if name in ("GBK", "gb18030"):
        return _decode_gb18030(data, counter)
    text = _python_codec(data, PYTHON_CODECS[name], counter)
    if name == "Shift_JIS":
        for python_char, whatwg in SHIFT_JIS_FIXES.items():
            if python_char in text:
                for _ in range(text.count(python_char)):
                    counter.add(None)
                text = text.replace(python_char, whatwg if whatwg is not None else "\ufffd")
    return text


def _python_codec(data: bytes, codec: str, counter: _ReplacementCounter, offset: int = 0) -> str:
    """Decodes with a Python codec, each invalid sequence becoming one U+FFFD, as the standard's
    decoders do; an ASCII byte after a bad lead byte is read again as itself."""
    pieces: list[str] = []
    position = 0
    while position < len(data):
        try:
            pieces.append(data[position:].decode(codec))
            break
        except UnicodeDecodeError as error:
            start, end = position + error.start, position + error.end
            pieces.append(data[position:start].decode(codec))
            pieces.append("\ufffd")
            counter.add(offset + start)
            if end - start > 1 and data[start + 1] < 0x80:
                end = start + 1
            position = max(end, start + 1)
    return "".join(pieces)


def _decode_gb18030(data: bytes, counter: _ReplacementCounter) -> str:
    """gb18030 (and GBK, which the standard decodes the same way). Python refuses a 0x80 byte that
    starts a character; the standard decodes it as the euro sign (a windows-936 leftover)."""
    pieces: list[str] = []
    start = position = 0
    while position < len(data):
        byte = data[position]
        if byte == 0x80:
            pieces.append(_python_codec(data[start:position], "gb18030", counter, start))
            pieces.append("\u20ac")
            start = position = position + 1
        elif 0x81 <= byte <= 0xFE and position + 1 < len(data):
            position += 4 if 0x30 <= data[position + 1] <= 0x39 else 2
        else:
            position += 1
    pieces.append(_python_codec(data[start:], "gb18030", counter, start))
    return "".join(pieces).translate(_GB18030_TABLE)


def _decode_single_byte(data: bytes, name: str, counter: _ReplacementCounter) -> str:
    text = data.decode("latin-1").translate(_single_byte_table(name))
    position = text.find("\ufffd")
    while position >= 0:  # only bytes the encoding leaves undefined become U+FFFD
        counter.add(position)
        position = text.find("\ufffd", position + 1)
    return text


_SINGLE_BYTE_TABLES: dict[str, list[str]] = {}


def _single_byte_table(name: str) -> list[str]:
    """The 256 characters of a single-byte encoding, per the standard's index."""
    if name not in _SINGLE_BYTE_TABLES:
        fixes = SINGLE_BYTE_FIXES.get(name, {})
        table = []
        for byte in range(256):
            if byte in fixes:
                code_point = fixes[byte]
                table.append(chr(code_point) if code_point is not None else "\ufffd")
            else:
                table.append(bytes([byte]).decode(PYTHON_CODECS[name], errors="replace"))
        _SINGLE_BYTE_TABLES[name] = table
    return _SINGLE_BYTE_TABLES[name]


def _decode_by_sequences(pattern: re.Pattern[bytes], fixes: dict[bytes, str | None]) -> Callable[
        [bytes, str, _ReplacementCounter], str]:
    """A decoder for Big5 and EUC-JP: split into characters as the standard's decoder does, take
    the standard's answer for the sequences where Python differs, Python's for the rest."""

    def decode(data: bytes, name: str, counter: _ReplacementCounter) -> str:
        codec = PYTHON_CODECS[name]
        pieces: list[str] = []
        position = 0
        while position < len(data):
            match = pattern.match(data, position)
            assert match is not None  # the pattern matches any byte
            sequence = match.group()
            if sequence[0] < 0x80:
                pieces.append(sequence.decode("ascii"))
                position = match.end()
                continue
            if sequence in fixes:
                fixed = fixes[sequence]
            else:
                try:
                    fixed = sequence.decode(codec)
                except UnicodeDecodeError:
                    fixed = None
            if fixed is None:
                pieces.append("\ufffd")
                counter.add(position)
                # An ASCII byte after a bad lead byte is read again as itself, as the standard says.
                position += next((i for i, byte in enumerate(sequence[1:], 1) if byte < 0x80), len(sequence))
            else:
                pieces.append(fixed)
                position = match.end()
        return "".join(pieces)

    return decode


def _decode_x_user_defined(data: bytes, _name: str, _counter: _ReplacementCounter) -> str:
    return "".join(chr(byte) if byte < 0x80 else chr(0xF780 + byte - 0x80) for byte in data)


_GB18030_TABLE = str.maketrans(GB18030_FIXES)
_DECODERS: dict[str, Callable[[bytes, str, _ReplacementCounter], str]] = {
    "Big5": _decode_by_sequences(re.compile(rb"[\x00-\x7f]+|[\x81-\xfe][\x40-\x7e\xa1-\xfe]?|.", re.S), BIG5_FIXES),
    "EUC-JP": _decode_by_sequences(
        re.compile(rb"[\x00-\x7f]+|\x8f[\xa1-\xfe][\xa1-\xfe]?|[\x8e\xa1-\xfe][\xa1-\xfe]?|.", re.S), EUC_JP_FIXES),
    "x-user-defined": _decode_x_user_defined,
}


# The prescan (HTML Standard, "prescan a byte stream to determine its encoding").

def prescan(data: bytes) -> str | None:
    """The encoding a `<meta>` element declares in `data`, per the standard's prescan."""
    if not _META.search(data):
        return None
    position = data.find(b"<")
    length = len(data)
    while 0 <= position < length:
        if data.startswith(b"<!--", position):
            end = data.find(b"-->", position + 2)
            if end < 0:
                return None
            position = data.find(b"<", end + 3)
            continue
        if data[position:position + 5].lower() == b"<meta" and position + 5 < length \
                and data[position + 5] in b"\t\n\x0c\r /":
            found, position = _meta_encoding(data, position + 6)
            if found is not None:
                return found
        else:
            after = data[position + 1:position + 3]
            if after[:1].isalpha() or (after[:1] == b"/" and after[1:2].isalpha()):
                position = _skip_tag(data, position + 1)
            elif after[:1] in (b"!", b"/", b"?"):
                end = data.find(b">", position + 1)
                if end < 0:
                    return None
                position = end + 1
            else:
                position += 1
        position = data.find(b"<", position)
    return None


_META = re.compile(rb"<meta[\t\n\x0c\r /]", re.IGNORECASE)


def _meta_encoding(data: bytes, position: int) -> tuple[str | None, int]:
    seen: set[bytes] = set()
    got_pragma = False
    need_pragma: bool | None = None
    charset: str | None = None
    while True:
        attribute, position = _get_attribute(data, position)
        if attribute is None:
            break
        name, value = attribute
        if name in seen:
            continue
        seen.add(name)
        if name == b"http-equiv" and value == b"content-type":
            got_pragma = True
        elif name == b"content" and charset is None:
            found = _charset_from_content(value)
            if found is not None:
                charset, need_pragma = found, True
        elif name == b"charset":
            charset, need_pragma = value.decode("latin-1"), False
    if need_pragma is None or (need_pragma and not got_pragma) or charset is None:
        return None, position
    name_found = lookup_label(charset)
    if name_found in ("UTF-16BE", "UTF-16LE"):
        name_found = "UTF-8"
    elif name_found == "x-user-defined":
        name_found = "windows-1252"
    return name_found, position


def _skip_tag(data: bytes, position: int) -> int:
    while position < len(data) and data[position] not in b"\t\n\x0c\r >":
        position += 1
    while True:
        attribute, position = _get_attribute(data, position)
        if attribute is None:
            return position


def _get_attribute(data: bytes, position: int) -> tuple[tuple[bytes, bytes] | None, int]:
    """The standard's "get an attribute": (name, value) lower-cased, or None at the tag's end."""
    length = len(data)
    while position < length and data[position] in ASCII_WHITESPACE + b"/":
        position += 1
    if position >= length or data[position] == 0x3E:  # ">"
        return None, position + 1
    name = bytearray()
    while position < length:
        byte = data[position]
        if byte == 0x3D and name:  # "="
            position += 1
            break
        if byte in ASCII_WHITESPACE:
            while position < length and data[position] in ASCII_WHITESPACE:
                position += 1
            if position < length and data[position] == 0x3D:
                position += 1
                break
            return (bytes(name).lower(), b""), position
        if byte in b"/>":
            return (bytes(name).lower(), b""), position
        name.append(byte)
        position += 1
    else:
        return None, position
    while position < length and data[position] in ASCII_WHITESPACE:
        position += 1
    if position >= length:
        return None, position
    if data[position] in b"\"'":
        quote = data[position]
        end = data.find(bytes([quote]), position + 1)
        if end < 0:
            return None, length
        return (bytes(name).lower(), data[position + 1:end].lower()), end + 1
    if data[position] == 0x3E:
        return (bytes(name).lower(), b""), position
    start = position
    while position < length and data[position] not in ASCII_WHITESPACE + b">":
        position += 1
    return (bytes(name).lower(), data[start:position].lower()), position


_CHARSET_IN_CONTENT = re.compile(
    rb"charset[\t\n\x0c\r ]*=[\t\n\x0c\r ]*(?:\"([^\"]*)\"|'([^']*)'|([^\t\n\x0c\r ;\"'][^\t\n\x0c\r ;]*))")


def _charset_from_content(value: bytes) -> str | None:
    """The standard's "extract a character encoding from a meta element" (the content attribute)."""
    match = _CHARSET_IN_CONTENT.search(value.lower())
    if match is None:
        return None
    raw = next(group for group in match.groups() if group is not None)
    return raw.decode("latin-1")
