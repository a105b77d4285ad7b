"""Rebuild the bad-input fixtures from chapter.txt: python tests/data/bad/make_fixtures.py

Every file here is small; the 5 MB line and the 50 MB file are made by the tests in a
temporary folder. .gitattributes keeps git from touching line ends or encodings.
"""

from __future__ import annotations

import codecs
import struct
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).parent


def png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def docx(path: Path) -> None:
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                             'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Best practice</w:t></w:r></w:p>'
                             '</w:body></w:document>',
    }
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)


def main() -> None:
    text = (HERE / "chapter.txt").read_text(encoding="utf-8")
    assert "\r" not in text
    files = {
        "empty.txt": b"",
        "whitespace.txt": b"  \n\t\r\n\xc2\xa0\n\n",
        "image.png": png_1x1(),
        "document.pdf": PDF,
        "utf8-bom.txt": codecs.BOM_UTF8 + text.encode("utf-8"),
        "utf16-bom.txt": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf16be-bom.txt": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "cp1252.txt": text.encode("cp1252"),  # curly quotes 0x93/0x94/0x92, en dash 0x96, bullet 0x95
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "cr.txt": text.replace("\n", "\r").encode("utf-8"),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    docx(HERE / "document.docx")


if __name__ == "__main__":
    main()
