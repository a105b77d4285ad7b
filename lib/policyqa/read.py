"""Step 1: bytes on disk to numbered lines of text.

Analysts save chapters from browsers, word processors and colleagues' machines,
so the reader accepts UTF-8 with or without a BOM, UTF-16 and UTF-32 with a BOM
and Windows-1252 (also as stray bytes inside otherwise UTF-8 text), and CRLF, CR
or LF line ends, and refuses (with the file and line) what is not text at all:
images, PDFs, Office files, anything holding NUL bytes, empty or whitespace-only
files, and files over MAX_BYTES. Line numbers are what an editor shows, so
provenance points at the right place.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from policyqa.errors import PolicyqaError
from policyqa.schema import Diagnostic

MAX_BYTES = 16 * 1024 * 1024  # 16 MB; a chapter is a few kB
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters: blank to a reader
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
)


@dataclass(frozen=True)
class SourceText:
    """A chapter's text, split into lines exactly as an editor numbers them."""

    path: str
    lines: tuple[str, ...]
    encoding: str
    sha256: str
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.path).name


def _too_large(shown: str, size: int, max_bytes: int) -> PolicyqaError:
    mb = 1024 * 1024  # what file managers on most systems call a megabyte
    return PolicyqaError(shown, 1, f"{size / mb:.1f} MB is too large for one chapter (limit {max_bytes / mb:g} MB); "
                         "is this the right file?")


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes; PolicyqaError (at line 1) when it is missing, unreadable, not a file or too large."""
    p = Path(path)
    shown = str(path)
    try:
        if p.is_dir():
            raise PolicyqaError(shown, 1, "is a folder, not a chapter file")
        if p.exists() and not p.is_file():  # a pipe or a device would block or never end
            raise PolicyqaError(shown, 1, "is not a regular file (a pipe, socket or device), not a chapter file")
        size = p.stat().st_size
        if size > max_bytes:
            raise _too_large(shown, size, max_bytes)
        data = p.read_bytes()
        if len(data) > max_bytes:  # it grew since stat()
            raise _too_large(shown, len(data), max_bytes)
        return data
    except FileNotFoundError:
        raise PolicyqaError(shown, 1, "no such file") from None
    except PermissionError:
        raise PolicyqaError(shown, 1, "permission denied: cannot read the file") from None
    except IsADirectoryError:
        raise PolicyqaError(shown, 1, "is a folder, not a chapter file") from None
    except OSError as exc:
        raise PolicyqaError(shown, 1, f"cannot read the file: {exc.strerror or exc}") from None


def _line_at(text: str, offset: int) -> int:
    """The editor's line number of a character offset: CRLF, CR and LF each end a line."""
    head = text[:offset]
    return len(_LINE_BREAK.findall(head)) + 1 - (1 if head.endswith("\r") and text[offset: offset + 1] == "\n" else 0)


_BOMS = (  # longest first: a UTF-32-LE BOM begins with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _bom(data: bytes) -> tuple[bytes, str, str] | None:
    return next(((bom, codec, label) for bom, codec, label in _BOMS if data.startswith(bom)), None)


def binary_kind(data: bytes) -> str | None:
    """What a non-text file is, or None for text."""
    found = _binary(data)
    return found[0] if found else None


def _binary(data: bytes) -> tuple[str, int] | None:
    """(what the file is, the line to point at) for a file that is not text; None for text."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind, 1
    if data[4:8] == b"Bud1":
        return "a macOS .DS_Store file", 1
    bom = _bom(data)
    if bom and bom[2] in ("UTF-16", "UTF-32"):
        return None
    nul = data.find(b"\x00")
    if nul < 0:
        return None
    head = data[:4096]
    half = len(head) // 2
    if len(head) >= 8 and max(head[1::2].count(0), head[0::2].count(0)) >= 0.9 * half:
        return "UTF-16 text without a byte-order mark (save it as UTF-8, or as UTF-16 with a BOM)", 1
    before = data[:nul].decode("latin-1")  # one character per byte, so line ends are found as in text
    return "binary data (it contains NUL bytes)", _line_at(before, len(before))


def _as_cp1252(exc: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as Windows-1252 (undefined ones as U+FFFD)."""
    return exc.object[exc.start: exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error("policyqa-cp1252", _as_cp1252)


def decode(data: bytes, path: str) -> tuple[str, str, list[Diagnostic]]:
    """Text, the encoding used, and a warning when the encoding was a guess.

    Text that is not valid UTF-8 is read as UTF-8 where it is valid and as Windows-1252
    elsewhere: a whole Windows-1252 file reads the same as with that codec alone, and a UTF-8
    file with a few pasted Windows-1252 quotes keeps its UTF-8 characters intact."""
    warnings: list[Diagnostic] = []
    bom = _bom(data)
    if bom and bom[2] in ("UTF-16", "UTF-32"):
        marker, codec, label = bom
        try:
            return data[len(marker):].decode(codec), label.lower(), warnings
        except UnicodeDecodeError as exc:
            good = data[len(marker): len(marker) + exc.start].decode(codec, errors="replace")
            raise PolicyqaError(path, _line_at(good, len(good)),
                                f"{label} text with a broken character (is the file cut short or not {label}?)") from None
    body = data[len(codecs.BOM_UTF8):] if bom else data
    encoding = "utf-8-sig" if bom else "utf-8"
    try:
        return body.decode("utf-8"), encoding, warnings
    except UnicodeDecodeError as exc:
        first = exc.start
    text = body.decode("utf-8", errors="policyqa-cp1252")
    line = _line_at(text, len(body[:first].decode("utf-8")))
    warnings.append(Diagnostic(Path(path).name, line, "warning",
                               f"not valid UTF-8 from line {line}; bytes that are not UTF-8 read as Windows-1252 "
                               "(curly quotes and dashes kept)"))
    return text, "cp1252", warnings


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: CRLF, lone CR and LF each end one line."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> SourceText:
    """Read one chapter file; raise PolicyqaError for anything that is not chapter text."""
    return text_from_bytes(read_bytes(path, max_bytes), str(path))


def text_from_bytes(data: bytes, shown: str) -> SourceText:
    found = _binary(data)
    if found:
        raise PolicyqaError(shown, found[1], f"this is {found[0]}, not a text chapter")
    if not data:
        raise PolicyqaError(shown, 1, "the file is empty (no text to parse)")
    text, encoding, warnings = decode(data, shown)
    if not "".join(text.split()).strip(_INVISIBLE):  # nothing but (Unicode) whitespace and zero-width marks
        raise PolicyqaError(shown, 1, "the file is empty (no text to parse)" if not text else
                            "the file holds only whitespace (no text to parse)")
    lines = split_lines(text)
    return SourceText(shown, tuple(lines), encoding, hashlib.sha256(data).hexdigest(), tuple(warnings))
