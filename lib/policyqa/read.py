"""Step 1: bytes on disk to numbered lines of text.

Analysts save chapters from browsers, word processors and colleagues' machines,
so the reader accepts UTF-8 with or without a BOM, UTF-16 and UTF-32 with a BOM
and Windows-1252 (also as stray bytes inside otherwise UTF-8 text), and CRLF, CR
or LF line ends, and refuses (with the file and line) what is not text at all:
images, PDFs, Office files, anything holding NUL bytes, empty or whitespace-only
files, and files over MAX_BYTES. Line numbers are what an editor shows, so
provenance points at the right place.

Two kinds of text are made plain here, without moving any line: characters a
reader cannot see (zero-width spaces and joiners, word joiners, soft hyphens, a
byte-order mark inside the text) are removed, so they can neither split a word
the parser looks for nor hide one; and a chapter saved as Markdown (headings
`# ...`, `**bold**`, `*emphasis*`, `- item`, `1. item`, links, block quotes) is
read as the plain text a reader sees, its list items as bullets. A page saved as
HTML is refused with its line: its text is inside tags and entities.
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
# Removed from every line: zero-width space, non-joiner and joiner, word joiner, invisible operators,
# soft hyphen, a BOM inside the text, Mongolian vowel separator. None shows, so none may change what is read.
_UNSEEN = re.compile("[\u200b\u200c\u200d\u2060-\u2064\u00ad\ufeff\u180e]")
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
    markup: str = "text"  # text | markdown (read as the plain text it renders to)

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
    html = html_line(text)
    if html:
        raise PolicyqaError(shown, html, "this is an HTML page, not a text chapter (save the page as plain text, "
                            "or copy its text into a .txt file)")
    lines = [_UNSEEN.sub("", line) for line in split_lines(text)]
    markup = "text"
    if is_markdown(shown, lines):
        lines, markup = markdown_to_plain(lines), "markdown"
    return SourceText(shown, tuple(lines), encoding, hashlib.sha256(data).hexdigest(), tuple(warnings), markup)


# --------------------------------------------------------------------------- HTML and Markdown

_HTML_DOCUMENT = re.compile(r"^\s*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|\?xml\s)", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"^\s*<(?:p|div|li|ul|ol|h[1-6]|table|tr|td|th|br|section|article|span|a|strong|em|b|i|"
                         r"blockquote|meta|link|script|style|title)(?:\s[^>]*)?/?>", re.IGNORECASE)


def html_line(text: str) -> int:
    """The line where an HTML document shows itself (0 when the text is not one): a document start
    (<!DOCTYPE html>, <html>, <head>, <body>) among the first lines, or three lines opening with an HTML tag.
    A chapter that mentions a tag in passing is not HTML."""
    tagged: list[int] = []
    for n, line in enumerate(split_lines(text[:200_000]), start=1):
        if n <= 50 and _HTML_DOCUMENT.match(line):
            return n
        if _HTML_BLOCK.match(line):
            tagged.append(n)
            if len(tagged) == 3:
                return tagged[0]
    return 0


_MD_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$|^ {0,3}#{1,6}[ \t]*$")
_MD_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
_MD_STRONG_LINE = re.compile(r"^\s*(\*\*|__)\S.*\S?\1\s*$")
_MD_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>[-*+]|\d{1,3}\.)[ \t]+(?P<text>\S.*)$")
_MD_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_MD_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_MD_CODE = re.compile(r"`+([^`]+)`+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_QUESTION_LIKE = re.compile(r"\?\s*$")


def is_markdown(path: str, lines: list[str]) -> bool:
    """A .md file, or text with Markdown's own marks: a '# heading' line, or two whole lines in **bold**."""
    if Path(path).suffix.lower() in (".md", ".markdown"):
        return True
    strong = 0
    for line in lines[:5000]:
        if _MD_ATX.match(line) and line.lstrip().startswith("#"):
            return True
        if _MD_STRONG_LINE.match(line):
            strong += 1
            if strong == 2:
                return True
    return False


def _inline(text: str) -> str:
    """Markdown's inline marks to the text they mark: links and images to their words, bold, emphasis and
    code to their content, backslash escapes to the character."""
    if not any(c in text for c in "*_[`\\<"):
        return text
    text = _MD_IMAGE_OR_LINK.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    for _ in range(3):  # nested marks (***both***, **bold *and* emphasis**)
        plain = _MD_EM.sub(lambda m: m.group(1) or m.group(2), _MD_STRONG.sub(r"\2", text))
        if plain == text:
            break
        text = plain
    return _MD_ESCAPE.sub(r"\1", text)


def _numbered_items(lines: list[str]) -> set[int]:
    """Indexes of the lines that are items of a numbered list, told apart from printed question numbers
    ("13. Describe ..."): an item does not end with '?', and it is indented, or follows another item, or
    is followed by the next number."""
    found: set[int] = set()
    previous: tuple[int, str] | None = None  # (index, kind) of the previous non-blank line
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    following = dict(zip(nonblank, nonblank[1:]))
    for i in nonblank:
        m = _MD_ITEM.match(lines[i])
        if m and m.group("mark")[0].isdigit() and not _QUESTION_LIKE.search(m.group("text")):
            number = int(m.group("mark")[:-1])
            nxt = _MD_ITEM.match(lines[following[i]]) if i in following else None
            if (m.group("indent") or (previous is not None and previous[1] == "item")
                    or (nxt is not None and nxt.group("mark") == f"{number + 1}.")):
                found.add(i)
        previous = (i, "item" if m else "text")
    return found


def markdown_to_plain(lines: list[str]) -> list[str]:
    """The lines a reader of the rendered Markdown sees, one for one (line numbers stay the editor's):
    heading marks dropped, rules and setext underlines blank, list items as bullets nested by their indent
    (two spaces a level, as Markdown nests), numbered items as bullets unless they ask a question (a printed
    question number stays), block quotes unquoted, inline marks removed."""
    out: list[str] = []
    numbered = _numbered_items(lines)
    for n, line in enumerate(lines):
        atx = _MD_ATX.match(line)
        if atx and line.lstrip().startswith("#"):
            out.append(_inline(atx.group(2) or ""))
            continue
        if _MD_RULE.match(line) and line.strip():
            out.append("")  # a rule or a setext underline: markup, no text
            continue
        line = _MD_QUOTE.sub("", line)
        item = _MD_ITEM.match(line)
        if item and (not item.group("mark")[0].isdigit() or n in numbered):
            level = len(item.group("indent").expandtabs(4)) // 2
            out.append("    " * level + "• " + _inline(item.group("text")))
            continue
        out.append(_inline(line.rstrip("\\") if line.endswith("\\") and not line.endswith("\\\\") else line))
    return out
