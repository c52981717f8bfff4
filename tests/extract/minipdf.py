"""A minimal PDF writer for fixtures WeasyPrint cannot make: chosen text-layer mappings, invisible
text, unmapped glyphs, page labels. Each page is a content stream over two fonts:

- /F1: Helvetica (a standard font, WinAnsi encoding): ordinary text, written as (...) Tj;
- /F2: a Type0 font with two-byte codes whose ToUnicode CMap is given by the caller (or left out,
  which leaves its glyphs without any Unicode mapping).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field


@dataclass
class MiniPdf:
    pages: list[bytes] = field(default_factory=list)
    to_unicode: dict[int, str] | None = None  # two-byte code -> text, for /F2
    page_labels: bytes | None = None  # the /Nums array body, e.g. b"0 << /S /r >> 2 << /S /D >>"
    image_pages: set[int] = field(default_factory=set)  # pages whose resources carry /Im1

    def page(self, content: str | bytes) -> MiniPdf:
        self.pages.append(content.encode("latin-1") if isinstance(content, str) else content)
        return self

    def build(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        def stream(data: bytes, extra: bytes = b"") -> bytes:
            packed = zlib.compress(data)
            return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(packed), extra) + packed + b"\nendstream"

        catalog = add(b"")  # filled in below
        pages_id = add(b"")
        f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        cid = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans "
                  b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                  b"/FontDescriptor << /Type /FontDescriptor /FontName /DejaVuSans /Flags 4 "
                  b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >> "
                  b"/DW 600 /CIDToGIDMap /Identity >>")
        type0 = b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H /DescendantFonts [%d 0 R]" % cid
        if self.to_unicode is not None:
            lines = [b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
                     b"/CMapName /Test-UCS def /CMapType 2 def",
                     b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
                     b"%d beginbfchar" % len(self.to_unicode)]
            for code, text in sorted(self.to_unicode.items()):
                lines.append(b"<%04X> <%s>" % (code, text.encode("utf-16-be").hex().upper().encode()))
            lines += [b"endbfchar", b"endcmap CMapName currentdict /CMap defineresource pop end end"]
            tu = add(stream(b"\n".join(lines)))
            type0 += b" /ToUnicode %d 0 R" % tu
        f2 = add(type0 + b" >>")
        image = add(stream(bytes([200, 30, 30]) * 4,
                           b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB /BitsPerComponent 8"))
        kids = []
        for number, content in enumerate(self.pages):
            contents = add(stream(content))
            xobjects = b" /XObject << /Im1 %d 0 R >>" % image if number in self.image_pages else b""
            kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >>%s >> >>"
                            % (pages_id, contents, f1, f2, xobjects)))
        objects[pages_id - 1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
            len(kids), b" ".join(b"%d 0 R" % k for k in kids))
        labels = b" /PageLabels << /Nums [%s] >>" % self.page_labels if self.page_labels else b""
        objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_id, labels)

        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
        return bytes(out)


def helvetica_lines(lines: list[str], *, top: float = 780, leading: float = 14, size: float = 11,
                    left: float = 72, render_mode: int = 0) -> str:
    """A content stream setting `lines` in Helvetica, one per baseline, `leading` apart."""
    ops = [f"BT /F1 {size} Tf {render_mode} Tr {leading} TL {left} {top} Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    return "\n".join(ops)


def type0_line(codes: list[int], *, x: float = 72, y: float = 700, size: float = 12) -> str:
    """A content stream showing two-byte `codes` in /F2 on one line."""
    hexcodes = "".join(f"{c:04X}" for c in codes)
    return f"BT /F2 {size} Tf {x} {y} Td <{hexcodes}> Tj ET"
