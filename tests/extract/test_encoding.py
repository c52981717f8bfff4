"""WHATWG decoding: the order of declarations, the prescan, the label table, and the places where
Python's codecs differ from the standard."""

from __future__ import annotations

import codecs

import pytest

from dossier.extract import ExtractionError
from dossier.extract.encoding import decode_html, lookup_label, prescan


@pytest.mark.parametrize(("label", "name"), [
    ("euc-kr", "EUC-KR"), ("ks_c_5601-1987", "EUC-KR"), ("gb2312", "GBK"), ("GBK", "GBK"),
    ("gb18030", "gb18030"), ("shift_jis", "Shift_JIS"), ("x-sjis", "Shift_JIS"), ("iso-8859-1", "windows-1252"),
    ("latin1", "windows-1252"), ("ascii", "windows-1252"), ("us-ascii", "windows-1252"),
    ("cp1251", "windows-1251"), (" Windows-1251\t", "windows-1251"), ("koi8-r", "KOI8-R"), ("utf8", "UTF-8"),
    ("iso-2022-kr", "replacement"), ("no-such-charset", None),
])
def test_labels_map_per_whatwg(label: str, name: str | None) -> None:
    assert lookup_label(label) == name


@pytest.mark.parametrize(("head", "name"), [
    (b"<meta charset=koi8-r>", "KOI8-R"),
    (b"<META CHARSET='Windows-1251'>", "windows-1251"),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">', "Shift_JIS"),
    (b'<meta content="text/html; charset=\'euc-kr\'" http-equiv=content-type>', "EUC-KR"),
    (b'<meta content="text/html; charset=euc-kr">', None),  # content without the http-equiv pragma
    (b"<!-- <meta charset=koi8-r> --><meta charset=gb2312>", "GBK"),
    (b"<p title='<meta charset=koi8-r>'><meta charset=big5>", "Big5"),
    (b"<meta charset=utf-16le>", "UTF-8"),  # a page cannot declare UTF-16 in itself
    (b"<meta charset=x-user-defined>", "windows-1252"),
    (b"<meta charset=bogus><meta charset=koi8-r>", "KOI8-R"),
    (b"<script>var s = '<meta charset=koi8-r>';</script>", "KOI8-R"),  # the prescan does not know scripts
    (b"<html><body>no declaration</body></html>", None),
])
def test_prescan(head: bytes, name: str | None) -> None:
    assert prescan(head) == name


def test_bom_beats_http_header_which_beats_meta() -> None:
    page = "<meta charset=windows-1251><p>Привет</p>"
    assert decode_html(codecs.BOM_UTF8 + page.encode(), "koi8-r").source == "byte-order mark"
    decoded = decode_html(page.encode("koi8_r"), "KOI8-R")
    assert (decoded.encoding, decoded.source) == ("KOI8-R", "HTTP header")
    assert "Привет" in decoded.text
    assert decode_html(page.encode("cp1251")).source == "<meta> tag"
    assert decode_html(page.encode("cp1251"), "no-such-label").source == "<meta> tag"  # unknown label: ignored


def test_utf16_with_bom() -> None:
    decoded = decode_html(codecs.BOM_UTF16_LE + "<p>북한</p>".encode("utf-16-le"))
    assert (decoded.encoding, decoded.text) == ("UTF-16LE", "<p>북한</p>")


def test_a_declaration_after_the_first_1024_bytes_is_still_honoured() -> None:
    page = "<!--" + "x" * 1100 + "--><meta charset=windows-1251><p>Привет</p>"
    decoded = decode_html(page.encode("cp1251"))
    assert (decoded.encoding, decoded.source) == ("windows-1251", "late <meta> tag")


def test_replacement_encodings_are_refused() -> None:
    with pytest.raises(ExtractionError, match="browsers refuse to decode"):
        decode_html(b"<meta charset=iso-2022-kr><p>x</p>")


@pytest.mark.parametrize(("label", "data", "expected"), [
    ("windows-1252", b"\x80\x81\x8d", "\u20ac\x81\x8d"),  # undefined in Python's cp1252: C1 controls per WHATWG
    ("windows-1251", b"\x98\xb8\xb9", "\x98\u0451\u2116"),
    ("windows-1255", b"\xca", "\u05ba"),
    ("koi8-u", b"\xae\xbe", "\u045e\u040e"),
    ("euc-jp", b"\xa1\xc1\xa1\xdd", "\uff5e\uff0d"),  # Python's euc_jp says U+301C, U+2212
    ("euc-jp", b"\xad\xa1", "\u2460"),  # NEC row 13: Python refuses it
    ("euc-jp", b"\x8e\xb1\x8f\xb0\xa1", "\uff71\u4e02"),  # half-width katakana; JIS X 0212
    ("big5", b"\xa1\x45\xa2\x41\xa1\xfe", "\u2027\u2215\uff0f"),
    ("big5", b"\x88\x62", "\u00ca\u0304"),  # one Big5 pair, two code points
    ("gb18030", b"\xa3\xa0\xa6\xd9\xa8\xbc", "\u3000\ufe10\u1e3f"),  # GB18030-2022 mappings
    ("gbk", b"\x80\x81\x35\xf4\x37", "\u20ac\ue7c7"),
    ("shift_jis", b"\x82\xa0\xa0", "\u3042\ufffd"),  # 0xA0: Python's cp932 says U+F8F0
    ("euc-kr", "똠".encode("cp949"), "똠"),
    ("x-user-defined", b"a\x80\xff", "a\uf780\uf7ff"),
])
def test_decoding_follows_the_standard_where_python_differs(label: str, data: bytes, expected: str) -> None:
    name = lookup_label(label)
    assert name is not None
    assert decode_html(data, label).text == expected


def test_invalid_bytes_are_replaced_one_per_sequence_and_ascii_is_read_again() -> None:
    decoded = decode_html(b"a\x81b\xa4", "big5")  # a bad lead byte before an ASCII byte: the ASCII byte survives
    assert decoded.text == "a\ufffdb\ufffd"
    assert (decoded.replaced, decoded.first_replaced_at) == (2, 1)
    decoded = decode_html(b"\xe4\xb8x", "utf-8")
    assert decoded.text == "\ufffdx"
