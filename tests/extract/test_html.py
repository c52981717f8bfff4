"""The HTML walker: what a reader sees, block by block; and pages in the encodings sources use."""

from __future__ import annotations

import pytest

from dossier.extract import ExtractionError, HtmlLocator, extract, locate
from dossier.extract.html import EXTRACTOR, HTML_RULES_VERSION


def text_of(body: str) -> str:
    return extract("html", f"<!doctype html><meta charset=utf-8><body>{body}".encode()).text


def test_inline_elements_join_without_spaces() -> None:
    assert text_of("<p>Kim<b>'s</b> men in Pyong<a href='#'>yang</a><i></i>.</p>") == "Kim's men in Pyongyang."


def test_br_is_a_line_break_that_separates_words() -> None:
    assert text_of("<p>Donetsk<br>Luhansk</p>") == "Donetsk\nLuhansk"
    assert text_of("<p>Donetsk <br> Luhansk</p>") == "Donetsk\nLuhansk"


def test_two_br_in_a_row_start_a_new_block() -> None:
    extraction = extract("html", b"<p>one<br><br>two</p>")
    assert extraction.text == "one\n\ntwo"
    assert len(extraction.blocks) == 2


def test_blocks_are_separated_by_a_blank_line_and_located() -> None:
    extraction = extract("html", b"<h1>Title</h1><div>lead<p>para</p>tail</div><ul><li>a</li><li>b</li></ul>"
                                 b"<table><tr><td>c1</td><td>c2</td></tr></table>")
    assert extraction.text == "Title\n\nlead\n\npara\n\ntail\n\na\n\nb\n\nc1\n\nc2"
    assert [extraction.text[b.start:b.end] for b in extraction.blocks] == \
        ["Title", "lead", "para", "tail", "a", "b", "c1", "c2"]
    assert [b.locator.block for b in extraction.blocks if isinstance(b.locator, HtmlLocator)] == list(range(1, 9))


def test_white_space_collapses_as_in_a_browser() -> None:
    assert text_of("<p>\n   North \t Korean\n\n  workers   </p>") == "North Korean workers"
    assert text_of("<p>a <b> b </b> c</p>") == "a b c"


def test_pre_keeps_its_white_space() -> None:
    assert text_of("<pre>  col1   col2\n  x      y</pre>") == "  col1   col2\n  x      y"


def test_entities_soft_hyphen_and_nbsp_are_decoded_and_kept() -> None:
    assert text_of("<p>inter&shy;national&nbsp;law &amp; order &#x2014; &quot;x&quot;</p>") == \
        "inter\u00adnational\u00a0law & order \u2014 \"x\""


def test_line_break_between_han_or_kana_is_nothing_but_between_hangul_a_space() -> None:
    assert text_of("<p>北朝鮮の\n労働者</p>") == "北朝鮮の労働者"
    assert text_of("<p>북한\n노동자</p>") == "북한 노동자"
    assert text_of("<p>Kim\n正恩</p>") == "Kim 正恩"


def test_scripts_styles_templates_noscript_and_json_ld_are_not_text() -> None:
    page = ("<html><head><title>Workers</title><style>p{color:red}</style>"
            "<script type='application/ld+json'>{\"articleBody\": \"The whole article again\"}</script></head>"
            "<body><p>The article.</p><script>var x = 'code';</script><noscript>Enable JavaScript</noscript>"
            "<template><p>template text</p></template><textarea>form text</textarea>"
            "<svg><text>chart label</text></svg></body></html>")
    extraction = extract("html", page.encode())
    assert extraction.text == "The article."
    assert extraction.title == "Workers"


def test_title_is_returned_separately_and_not_quotable() -> None:
    extraction = extract("html", b"<title>\n  Seoul:  workers sent  </title><p>Body</p>")
    assert extraction.title == "Seoul: workers sent"
    assert "Seoul" not in extraction.text


def test_hidden_text_is_excluded_and_flagged_with_where_it_was() -> None:
    page = (b"<p>First.</p><p hidden>Hidden by attribute</p><div style='color:red; DISPLAY : none !important'>"
            b"Hidden by style</div><p>Second <span style='visibility:hidden'>ghost</span>line.</p>"
            b"<dialog>Closed dialog</dialog>")
    extraction = extract("html", page)
    assert extraction.text == "First.\n\nSecond line."
    flags = "\n".join(extraction.flags)
    assert "(hidden attribute) excluded at block 2, offset 0: \u201cHidden by attribute\u201d" in flags
    assert "(display:none) excluded at block 2, offset 0: \u201cHidden by style\u201d" in flags
    assert "(visibility:hidden) excluded at block 2, offset 6: \u201cghost\u201d" in flags
    assert "closed <dialog>" in flags


def test_visibility_can_be_restored_by_a_descendant_and_display_overrides_hidden() -> None:
    page = (b"<p>a <span style='visibility:hidden'>x <b style='visibility: visible'>shown</b></span> b</p>"
            b"<p hidden style='display:block'>shown too</p>")
    assert extract("html", page).text == "a shown b\n\nshown too"


def test_aria_hidden_text_is_visible_so_kept_and_flagged() -> None:
    extraction = extract("html", b"<p>Quote <span aria-hidden='TRUE'>Decor</span> here</p>")
    assert extraction.text == "Quote Decor here"
    assert any("aria-hidden" in flag and "Decor" in flag and "kept" in flag for flag in extraction.flags)


def test_hidden_flags_are_capped() -> None:
    page = b"<p>text</p>" + b"".join(b"<p hidden>h%d</p>" % i for i in range(30))
    flags = extract("html", page).flags
    assert len(flags) == 21 and flags[-1].startswith("... and 10 more hidden")


def test_ruby_annotations_are_omitted_and_counted() -> None:
    extraction = extract("html", "<p><ruby>北朝鮮<rp>(</rp><rt>きたちょうせん</rt><rp>)</rp></ruby>の労働者</p>".encode())
    assert extraction.text == "北朝鮮の労働者"
    assert any("ruby annotation" in flag for flag in extraction.flags)


def test_deeply_nested_pages_do_not_overflow() -> None:
    page = b"<div>" * 3000 + b"deep <span>" * 3000 + b"text"
    assert extract("html", page).text.endswith("deep text")


def test_wayback_rewritten_view_is_flagged_and_id_view_is_not() -> None:
    original = b"<html><head><meta charset='utf-8'></head><body><p>Report text.</p></body></html>"
    rewritten = original.replace(b"<body>", b"<body><!-- BEGIN WAYBACK TOOLBAR INSERT --><div>The Wayback "
                                            b"Machine</div><!-- END WAYBACK TOOLBAR INSERT -->")
    assert extract("html", original).flags == ()
    assert any("id_" in flag for flag in extract("html", rewritten).flags)


def test_same_bytes_same_text_and_versioned_extractor() -> None:
    page = b"<p>Kim<b>'s</b><br>line</p><p hidden>x</p>"
    assert extract("html", page) == extract("html", page)
    assert EXTRACTOR.startswith(f"html/{HTML_RULES_VERSION} selectolax ")
    assert "unicode " in EXTRACTOR


def test_locate_gives_block_offset_and_context() -> None:
    extraction = extract("html", b"<p>Intro paragraph here.</p><p>The Panel found 1,000 workers in Russia.</p>")
    offset = extraction.text.index("1,000")
    locator = locate(extraction, offset)
    assert isinstance(locator, HtmlLocator)
    assert (locator.block, locator.offset) == (2, 16)
    assert locator.prefix == "e.\n\nThe Panel found " and locator.suffix == "1,000 workers in Rus"
    assert locator.cite() == "block 2, offset 16"


# Pages in the encodings sources use, with the inline splits, breaks and hidden parts of real pages.

KOREAN = ("<html><head><meta charset='euc-kr'><title>북한 노동자</title>"
          "<script type='application/ld+json'>{\"articleBody\": \"북한 노동자 러시아 파견\"}</script></head>"
          "<body><p>북한<b>이</b> 노동자를&nbsp;러시아에 파견했다.<br>똠방각하</p>"
          "<p style='display:none'>구독하기</p><p>국가정보원&shy;은 밝혔다.</p></body></html>")


def test_korean_page_declared_euc_kr_is_decoded_as_windows_949() -> None:
    data = KOREAN.encode("cp949")  # 똠 is outside EUC-KR (KS X 1001): only windows-949 has it
    with pytest.raises(UnicodeDecodeError):
        data.decode("euc_kr")
    extraction = extract("html", data)
    assert extraction.encoding == "EUC-KR"
    assert extraction.text == "북한이 노동자를\u00a0러시아에 파견했다.\n똠방각하\n\n국가정보원\u00ad은 밝혔다."
    assert extraction.title == "북한 노동자"
    assert any("구독하기" in flag for flag in extraction.flags)


RUSSIAN = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'></head>"
           "<body><h1>Рабочие из <a href='/kndr'>КНДР</a></h1><p>Ещё 1&nbsp;000 рабочих<br>прибыли"
           " в Приморье, сообщил <i>источник</i> № 5.</p><div hidden>Реклама</div></body></html>")


def test_russian_page_in_windows_1251() -> None:
    extraction = extract("html", RUSSIAN.encode("cp1251"))
    assert extraction.encoding == "windows-1251"
    assert extraction.text == "Рабочие из КНДР\n\nЕщё 1\u00a0000 рабочих\nприбыли в Приморье, сообщил источник № 5."


JAPANESE = ("<html><head><meta charset='Shift_JIS'></head><body><p>北朝鮮<b>の</b>労働者が\n"
            "ロシアに～派遣された①</p><p aria-hidden='true'>装飾</p></body></html>")


def test_japanese_page_declared_shift_jis_is_decoded_as_windows_932() -> None:
    data = JAPANESE.encode("cp932")  # ① (NEC row 13) is outside JIS X 0208; ～ is FULLWIDTH TILDE in windows-932
    extraction = extract("html", data)
    assert extraction.encoding == "Shift_JIS"
    assert extraction.text == "北朝鮮の労働者がロシアに～派遣された①\n\n装飾"
    assert "\uff5e" in extraction.text and "\u301c" not in extraction.text


CHINESE = ("<html><head><meta charset='gb2312'></head><body><p>朝鲜<a href='#'>劳务</a>人员<br>抵达俄罗斯𠮷</p>"
           "<script>document.write('广告')</script></body></html>")


def test_chinese_page_declared_gb2312_is_decoded_as_gb18030() -> None:
    data = CHINESE.encode("gb18030")  # 𠮷 (U+20BB7) exists only in gb18030's four-byte range
    extraction = extract("html", data)
    assert extraction.encoding == "GBK"
    assert extraction.text == "朝鲜劳务人员\n抵达俄罗斯𠮷"


def test_iso_8859_1_label_means_windows_1252() -> None:
    data = b"<meta charset='iso-8859-1'><p>\x93Quoted\x94 \x96 caf\xe9</p>"
    assert extract("html", data).text == "\u201cQuoted\u201d \u2013 caf\u00e9"


def test_undeclared_page_must_be_utf8() -> None:
    assert extract("html", "<p>Без объявления</p>".encode()).text == "Без объявления"
    with pytest.raises(ExtractionError, match="declares no character encoding and is not valid UTF-8"):
        extract("html", "<p>Без объявления</p>".encode("cp1251"))


def test_invalid_bytes_in_a_declared_encoding_become_replacement_characters_and_are_flagged() -> None:
    extraction = extract("html", b"<meta charset=utf-8><p>ok \xff here</p>")
    assert extraction.text == "ok \ufffd here"
    assert any("replaced by U+FFFD" in flag and "byte 26" in flag for flag in extraction.flags)
