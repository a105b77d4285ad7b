"""Step 1: bytes on disk to numbered lines of text.

Analysts save chapters from browsers, word processors and colleagues' machines,
so the reader accepts UTF-8 with or without a BOM, UTF-16 with a BOM and
Windows-1252, and CRLF, CR or LF line ends, and refuses (with the file and
line) what is not text at all. Line numbers are what an editor shows, so
provenance points at the right place.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from policyqa.errors import PolicyqaError
from policyqa.records import Diagnostic

MAX_BYTES = 16 * 1024 * 1024
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    p = Path(path)
    shown = str(path)
    try:
        if p.is_dir():
            raise PolicyqaError(shown, 1, "is a folder, not a chapter file")
        size = p.stat().st_size
        if size > max_bytes:
            raise PolicyqaError(
                shown, 1, f"{size / 1e6:.1f} MB is too large for one chapter (limit {max_bytes / 1e6:.0f} MB); "
                "is this the right file?"
            )
        return p.read_bytes()
    except FileNotFoundError:
        raise PolicyqaError(shown, 1, "no such file") from None
    except PermissionError:
        raise PolicyqaError(shown, 1, "permission denied: cannot read the file") from None
    except IsADirectoryError:
        raise PolicyqaError(shown, 1, "is a folder, not a chapter file") from None
    except OSError as exc:
        raise PolicyqaError(shown, 1, f"cannot read the file: {exc.strerror or exc}") from None


def _line_of(data: bytes, offset: int) -> int:
    head = data[:offset]
    return head.count(b"\n") + 1 if b"\n" in head else head.count(b"\r") + 1


def binary_kind(data: bytes) -> str | None:
    """What a non-text file is, or None for text."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"Bud1":
        return "a macOS .DS_Store file"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in data[:65536]:
        return "binary data (it contains NUL bytes)"
    return None


def decode(data: bytes, path: str) -> tuple[str, str, list[Diagnostic]]:
    """Text, the encoding used, and a warning when the encoding was a guess."""
    warnings: list[Diagnostic] = []
    if data.startswith(codecs.BOM_UTF8):
        body = data[3:]
        try:
            return body.decode("utf-8"), "utf-8-sig", warnings
        except UnicodeDecodeError as exc:
            return _cp1252(body, path, warnings, _line_of(body, exc.start)), "cp1252", warnings
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", warnings
        except UnicodeDecodeError:
            raise PolicyqaError(path, 1, "UTF-16 text with a broken character") from None
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError as exc:
        return _cp1252(data, path, warnings, _line_of(data, exc.start)), "cp1252", warnings


def _cp1252(data: bytes, path: str, warnings: list[Diagnostic], line: int = 1) -> str:
    warnings.append(
        Diagnostic(Path(path).name, line, "warning",
                   "not valid UTF-8; read as Windows-1252 (curly quotes and dashes kept)")
    )
    return data.decode("cp1252", errors="replace")


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
    kind = binary_kind(data)
    if kind:
        raise PolicyqaError(shown, 1, f"this is {kind}, not a text chapter")
    text, encoding, warnings = decode(data, shown)
    if not text.strip(" \t\r\n\u00a0\u200b\ufeff\x0b\x0c"):
        raise PolicyqaError(shown, 1, "the file is empty (no text to parse)" if not text else
                            "the file holds only whitespace (no text to parse)")
    lines = split_lines(text)
    return SourceText(shown, tuple(lines), encoding, hashlib.sha256(data).hexdigest(), tuple(warnings))
