"""Every kind of bad input has a decided answer (docs/bad-input.md):

* an ERROR: ``policyqa: error: FILE:LINE: what is wrong`` on stderr, exit 2, no traceback, nothing
  written (an --out folder that existed keeps its files byte for byte);
* or a WARNING row in the `diagnostics` table, with the tables written.

A file named on the command line must be a chapter; inside a folder, what is not a chapter is
skipped with a warning. Small fixtures live in tests/data/bad (rebuilt by make_fixtures.py); the
5 MB line and the 50 MB file are made here, in tmp_path. Nothing here is timed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from policyqa import cli
from policyqa.api import read_chapter, read_corpus
from policyqa.errors import PolicyqaError
from policyqa.parse import is_blank
from policyqa.read import _UNSEEN as UNSEEN
from policyqa.read import MAX_BYTES, read_text, text_from_bytes
from policyqa.schema import TABLES as SCHEMA_TABLES
from util import places

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
RAW = ROOT / "data" / "raw"
TABLES = tuple(SCHEMA_TABLES)
BASE = read_text(BAD / "chapter.txt")  # the UTF-8, LF chapter every encoding variant is made from


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    monkeypatch.setenv("POLICYQA_CACHE", "off")


def run(capsys, *args: str) -> tuple[int, str, str]:
    """policyqa in this process: (exit code, stdout, stderr). An uncaught exception fails the test."""
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYQA_CACHE": "off"}
    return subprocess.run([sys.executable, "-m", "policyqa", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture
def previous_out(tmp_path) -> Path:
    """An --out folder holding the tables of an earlier good run."""
    out = tmp_path / "out"
    args = ["tables", str(BAD / "chapter.txt"), "--out", str(out), "--quiet", "--jurisdiction", "Testland"]
    assert cli.main(args) == 0
    assert sorted(p.stem for p in out.iterdir()) == sorted(TABLES)
    return out


def assert_clean_error(code: int, err: str, path, line: int, message: str) -> None:
    assert code == 2, err
    assert err.strip() == f"policyqa: error: {path}:{line}: {message}", err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- errors: a file named on its own

TOO_LARGE = "is too large for one chapter (limit 16 MB); is this the right file?"
ERRORS = [
    ("empty.txt", 1, "the file is empty (no text to parse)"),
    ("whitespace.txt", 1, "the file holds only whitespace (no text to parse)"),
    ("image.png", 1, "this is a PNG image, not a text chapter"),
    ("document.pdf", 1, "this is a PDF document, not a text chapter"),
    ("document.docx", 1, "this is a ZIP archive (a .docx, .xlsx or .zip file), not a text chapter"),
]


@pytest.mark.parametrize(("name", "line", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_a_named_file_that_is_not_a_chapter_is_an_error_and_nothing_is_written(capsys, previous_out, name, line,
                                                                                 message):
    before = snapshot(previous_out)
    code, out, err = run(capsys, "tables", BAD / name, "--out", previous_out)
    assert_clean_error(code, err, BAD / name, line, message)
    assert out == ""
    assert snapshot(previous_out) == before


def test_an_error_creates_no_output_folder(capsys, tmp_path):
    code, _, err = run(capsys, "tables", BAD / "empty.txt", "--out", tmp_path / "new")
    assert code == 2 and "Traceback" not in err
    assert not (tmp_path / "new").exists()


def test_a_path_that_does_not_exist(capsys, previous_out, tmp_path):
    before = snapshot(previous_out)
    missing = tmp_path / "no-such-chapter.txt"
    code, _, err = run(capsys, "tables", missing, "--out", previous_out)
    assert_clean_error(code, err, missing, 1, "no such file or folder")
    assert snapshot(previous_out) == before


def test_one_missing_file_among_good_ones_stops_the_run(capsys, previous_out, tmp_path):
    before = snapshot(previous_out)
    missing = tmp_path / "typo.txt"
    code, _, err = run(capsys, "tables", BAD / "chapter.txt", missing, "--out", previous_out)
    assert_clean_error(code, err, missing, 1, "no such file or folder")
    assert snapshot(previous_out) == before


def test_a_file_that_cannot_be_read(capsys, previous_out, monkeypatch):
    """We run as root, so chmod 000 would not stop a read: the OS refusal is simulated."""
    target = BAD / "chapter.txt"
    real = Path.read_bytes

    def refuse(self):
        if self.name == target.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    before = snapshot(previous_out)
    code, _, err = run(capsys, "tables", target, "--out", previous_out)
    assert_clean_error(code, err, target, 1, "permission denied: cannot read the file")
    assert snapshot(previous_out) == before


def test_a_read_that_fails_midway_is_an_error(capsys, tmp_path, monkeypatch):
    """A disk or network error while reading (EIO) is reported like any bad input."""
    def broken(self):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "read_bytes", broken)
    code, _, err = run(capsys, "tables", BAD / "chapter.txt", "--out", tmp_path / "out")
    assert_clean_error(code, err, BAD / "chapter.txt", 1, "cannot read the file: Input/output error")
    assert not (tmp_path / "out").exists()


def test_a_pipe_named_as_a_chapter_is_refused_not_waited_on(capsys, tmp_path):
    fifo = tmp_path / "chapter.txt"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "tables", fifo, "--out", tmp_path / "out")
    assert_clean_error(code, err, fifo, 1, "is not a regular file (a pipe, socket or device), not a chapter file")


def test_a_50_mb_file_is_refused_before_it_is_read(capsys, tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:  # sparse: 50 MB on paper, nothing on disk
        f.truncate(50 * 1024 * 1024)
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("a file over the limit must not be read")
                        if self.name == big.name else real(self))
    code, _, err = run(capsys, "tables", big, "--out", tmp_path / "out")
    assert_clean_error(code, err, big, 1, f"50.0 MB {TOO_LARGE}")
    assert not (tmp_path / "out").exists()


def test_a_file_just_over_the_limit_is_refused_and_one_at_the_limit_is_not(tmp_path):
    over, at = tmp_path / "over.txt", tmp_path / "at.txt"
    line = b"The authorities publish guidance.\n"
    body = line * (MAX_BYTES // len(line))
    at.write_bytes(body + b"x" * (MAX_BYTES - len(body)))
    over.write_bytes(at.read_bytes() + b"x")
    assert at.stat().st_size == MAX_BYTES
    with pytest.raises(PolicyqaError, match="too large for one chapter"):
        read_text(over)
    assert len(read_text(at).lines) == MAX_BYTES // len(line) + 1  # the x padding is the last line


NUL_LATE = b"Best practice\n\nSome text.\n\x00\x00\x00\n"


def test_nul_bytes_anywhere_mean_binary_and_the_error_points_at_their_line(tmp_path):
    f = tmp_path / "chapter.txt"
    f.write_bytes(NUL_LATE)
    with pytest.raises(PolicyqaError) as exc:
        read_text(f)
    assert (exc.value.line, exc.value.message) == (4, "this is binary data (it contains NUL bytes), not a text chapter")


def test_utf16_without_a_bom_is_named(tmp_path):
    f = tmp_path / "chapter.txt"
    f.write_bytes("\n".join(BASE.lines).encode("utf-16-le"))
    with pytest.raises(PolicyqaError, match="UTF-16 text without a byte-order mark"):
        read_text(f)


def test_utf16_cut_in_the_middle_of_a_character_points_at_the_line(tmp_path):
    f = tmp_path / "chapter.txt"
    f.write_bytes((BAD / "utf16-bom.txt").read_bytes()[:-1])
    with pytest.raises(PolicyqaError) as exc:
        read_text(f)
    assert exc.value.line == len(BASE.lines)
    assert exc.value.message.startswith("UTF-16 text with a broken character")


@pytest.mark.parametrize("name", ["image.png", "empty.txt"])
def test_errors_through_the_real_command_print_no_traceback(name, tmp_path):
    done = run_subprocess("tables", BAD / name, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.startswith(f"policyqa: error: {BAD / name}:1: ")
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "out").exists()


def test_a_50_mb_file_through_the_real_command(tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    done = run_subprocess("tables", big, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.strip() == f"policyqa: error: {big}:1: 50.0 MB {TOO_LARGE}"
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- read fine: encodings and line ends

ENCODINGS = [
    ("chapter.txt", "utf-8"),
    ("utf8-bom.txt", "utf-8-sig"),
    ("utf16-bom.txt", "utf-16"),
    ("utf16be-bom.txt", "utf-16"),
    ("cp1252.txt", "cp1252"),
    ("crlf.txt", "utf-8"),
    ("cr.txt", "utf-8"),
]


def test_the_fixtures_are_the_bytes_they_claim_to_be():
    """Guards against git or an editor normalising them (tests/data/bad/.gitattributes)."""
    crlf, cr = (BAD / "crlf.txt").read_bytes(), (BAD / "cr.txt").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") == crlf.count(b"\r") > 5
    assert b"\n" not in cr and cr.count(b"\r") > 5
    assert (BAD / "utf8-bom.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (BAD / "utf16-bom.txt").read_bytes().startswith(b"\xff\xfe")
    assert (BAD / "utf16be-bom.txt").read_bytes().startswith(b"\xfe\xff")
    cp = (BAD / "cp1252.txt").read_bytes()
    assert {b"\x93", b"\x94", b"\x92", b"\x96"} <= {cp[i: i + 1] for i in range(len(cp))}
    assert (BAD / "empty.txt").stat().st_size == 0


@pytest.mark.parametrize(("name", "encoding"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_encodings_and_line_ends_read_to_the_same_lines(name, encoding):
    src = read_text(BAD / name)
    assert src.encoding == encoding
    assert src.lines == BASE.lines  # same text, same line numbers as an editor shows them


@pytest.mark.parametrize(("name", "encoding"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_encodings_and_line_ends_give_the_same_tables(name, encoding, tmp_path):
    shutil.copy(BAD / name, tmp_path / "chapter.txt")  # same file name, so the same source_file and ids
    t = read_chapter(tmp_path / "chapter.txt", jurisdiction="Testland")
    base = read_chapter(BAD / "chapter.txt", jurisdiction="Testland")
    for table in ("questions", "guidelines", "obligations"):
        frame, other = getattr(t, table), getattr(base, table)
        frame, other = (f.drop(columns=[c for c in ("source_file",) if c in f.columns]) for f in (frame, other))
        assert frame.equals(other)
    assert list(t.questions["line"]) == [5, 13]
    warnings = t.diagnostics[t.diagnostics["message"].str.contains("UTF-8")]
    if encoding == "cp1252":  # the only guess: said once, at the first line holding a non-UTF-8 byte
        assert list(warnings["level"]) == ["warning"] and list(warnings["line"]) == [9]
    else:
        assert warnings.empty


def test_cp1252_through_the_command_is_written_with_a_warning(capsys, tmp_path):
    code, _, err = run(capsys, "tables", BAD / "cp1252.txt", "--out", tmp_path / "out", "--jurisdiction", "Testland")
    assert code == 0, err
    diags = (tmp_path / "out" / "diagnostics.csv").read_text(encoding="utf-8")
    assert '"cp1252.txt","9","warning","not valid UTF-8 from line 9;' in diags
    guidelines = (tmp_path / "out" / "guidelines.csv").read_text(encoding="utf-8")
    assert "Baseline Security Guide" in guidelines


def test_a_few_windows_1252_bytes_in_utf8_text_keep_the_utf8_characters():
    data = "Café “quoted” – ok\n".encode() + b"and a pasted \x93quote\x94\n"
    src = text_from_bytes(data, "mixed.txt")
    assert src.lines == ("Café “quoted” – ok", "and a pasted “quote”")
    assert [(w.line, w.level) for w in src.warnings] == [(2, "warning")]


def test_utf32_with_a_bom_is_read():
    data = "\n".join(BASE.lines).encode("utf-32")
    assert text_from_bytes(data, "chapter.txt").lines == BASE.lines


# without "#", "*" (Markdown's marks, tested in test_markup.py) and "<" (HTML is refused)
line_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00#*<"), max_size=30)
cp1252_text = st.text(st.sampled_from(list("abc XYZ.?;:-") + list("‘’“”–—•€")), max_size=30)


def expected_lines(lines: list[str]) -> list[str]:
    """What an editor shows for lines joined by line ends: a final line end starts no new line."""
    return lines[:-1] if lines and lines[-1] == "" else list(lines)


REFUSED = ("the file is empty", "the file holds only whitespace", "this is a")


@settings(max_examples=150, deadline=None)
@given(st.lists(line_text, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
@example(["\xad"], "\n", "utf-8")  # a line holding only an invisible character (found by hypothesis on a clean clone)
@example(["__0__", "__0__"], "\n", "utf-8")  # two lines in Markdown's bold: read as Markdown
def test_any_text_in_any_supported_encoding_and_line_end_keeps_its_lines(lines, end, encoding):
    text = end.join(lines)
    try:
        src = text_from_bytes(text.encode(encoding), "chapter.txt")
    except PolicyqaError as exc:  # whitespace only, or text that begins like a PDF ("%PDF-")
        assert exc.line == 1 and exc.message.startswith(REFUSED), exc
        return
    # a final line end starts no new line, whatever the line holds; then the characters nobody sees are removed
    # (U+FEFF too): a line that held only a soft hyphen is still a line, now empty
    expected = [UNSEEN.sub("", line) for line in expected_lines(lines)]
    if src.markup == "markdown":  # two whole lines in **bold** or __bold__ read as Markdown's plain text, line
        assert len(src.lines) == len(expected)  # for line (found by hypothesis on a clean clone: "__0__" twice)
        return
    assert list(src.lines) == expected
    assert not src.warnings


@settings(max_examples=100, deadline=None)
@given(st.lists(cp1252_text, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]))
def test_windows_1252_text_keeps_its_lines_and_curly_quotes(lines, end):
    text = end.join(lines)
    try:
        src = text_from_bytes(text.encode("cp1252"), "chapter.txt")
    except PolicyqaError as exc:
        assert exc.line == 1 and exc.message.startswith(REFUSED), exc
        return
    assert list(src.lines) == expected_lines(lines)
    non_ascii = [n for n, line in enumerate(lines) if any(ord(c) > 127 for c in line)]
    assert [w.line for w in src.warnings] == [n + 1 for n in non_ascii[:1]]  # said once, where it starts


# --------------------------------------------------------------------------- the 5 MB line


FIVE_MB = 5_000_000
CLAUSE = "the agency publishes recommendations on incident handling for operators, which are voluntary, "


def five_mb_chapter(tmp_path: Path, before_questions: bool) -> Path:
    """A chapter whose line breaks were lost in an export: 5 MB of prose on one line, either above the
    first heading (page furniture) or as the last answer. (5 MB of full sentences, capitalised names or
    "A. B. C." also parse, in linear time once the parse/extract patches of issue 4 are in; they take
    tens of seconds, so they belong to `make bench` and `make fuzz`, not here.)"""
    line = (CLAUSE * (FIVE_MB // len(CLAUSE) + 1))[:FIVE_MB]
    base = (BAD / "chapter.txt").read_text(encoding="utf-8").rstrip("\n")
    f = tmp_path / "long.txt"
    f.write_text(line + "\n\n" + base + "\n" if before_questions else base + "\n\n" + line + "\n", encoding="utf-8")
    assert FIVE_MB < f.stat().st_size < MAX_BYTES
    return f


def test_one_line_of_5_mb_is_read_and_placed_once(capsys, tmp_path):
    f = five_mb_chapter(tmp_path, before_questions=True)
    code, _, err = run(capsys, "tables", f, "--out", tmp_path / "out", "--jurisdiction", "Testland")
    assert code == 0, err
    t = read_chapter(f, jurisdiction="Testland")
    ch = t.chapters[0]
    assert ch.placement()[1] == "furniture" and ch.n_lines == len(BASE.lines) + 2
    assert list(t.questions["line"]) == [7, 15]  # the chapter after it is read as usual
    assert sorted(places(ch)) == [i + 1 for i, raw in enumerate(read_text(f).lines) if not is_blank(raw)]


def test_one_line_of_5_mb_in_an_answer_parses_and_lands_in_that_answer(tmp_path):
    f = five_mb_chapter(tmp_path, before_questions=False)
    t = read_chapter(f, jurisdiction="Testland")
    ch = t.chapters[0]
    assert ch.placement()[ch.n_lines] == "answer"
    assert t.questions.set_index("line").loc[13, "answer"].endswith(read_text(f).lines[-1])
    assert sorted(places(ch)) == [i + 1 for i, raw in enumerate(read_text(f).lines) if not is_blank(raw)]


# --------------------------------------------------------------------------- warnings: the tables are written


def test_text_with_no_questions_is_written_with_a_warning(capsys, tmp_path):
    code, _, err = run(capsys, "tables", BAD / "no-questions.txt", "--out", tmp_path / "out",
                       "--jurisdiction", "Testland")
    assert code == 0, err
    t = read_chapter(BAD / "no-questions.txt", jurisdiction="Testland")
    d = t.diagnostics
    assert ((d["level"] == "warning") & d["message"].str.startswith("no questions found")).sum() == 1
    assert t.questions.empty and t.guidelines.empty
    assert sorted(p.stem for p in (tmp_path / "out").iterdir()) == sorted(TABLES)


def test_text_with_no_questions_lists_every_line_as_unplaced():
    t = read_chapter(BAD / "no-questions.txt", jurisdiction="Testland")
    ch = t.chapters[0]
    nonblank = [i + 1 for i, raw in enumerate(read_text(BAD / "no-questions.txt").lines) if not is_blank(raw)]
    assert sorted(line for line, _ in ch.unplaced) == nonblank
    assert sorted(t.diagnostics[t.diagnostics["level"] == "unplaced"]["line"]) == nonblank


def test_questions_with_no_answers_are_written_with_a_warning_each(capsys, tmp_path):
    code, _, err = run(capsys, "tables", BAD / "no-answers.txt", "--out", tmp_path / "out",
                       "--jurisdiction", "Testland")
    assert code == 0, err
    t = read_chapter(BAD / "no-answers.txt", jurisdiction="Testland")
    assert list(t.questions["question_no"]) == [13, 14]
    assert set(t.questions["stance"]) == {"unanswered"}
    d = t.diagnostics[t.diagnostics["level"] == "warning"]
    assert list(zip(d["line"], d["message"])) == [(5, "question 13 has no answer"), (7, "question 14 has no answer")]


def test_a_chapter_cut_short_in_the_middle_of_a_list_item(capsys, tmp_path):
    cut = (BAD / "hyperlink.txt").read_text(encoding="utf-8").split("    • =HYPERLINK")[0] + "    • G"
    f = tmp_path / "cut.txt"
    f.write_text(cut, encoding="utf-8")
    code, _, err = run(capsys, "tables", f, "--out", tmp_path / "out", "--jurisdiction", "Testland")
    assert code == 0 and "Traceback" not in err, err
    assert read_chapter(f, jurisdiction="Testland").chapters[0].placement()[10] == "answer"  # kept, as answer text


def test_two_chapters_of_the_same_jurisdiction_and_edition_are_both_kept_with_a_warning(capsys, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(BAD / "chapter.txt", folder / "first.txt")
    shutil.copy(BAD / "chapter.txt", folder / "second.txt")
    (folder / "manifest.csv").write_text("file,jurisdiction,edition\nfirst.txt,Testland,2024\n"
                                         "second.txt,Testland,2024\n", encoding="utf-8")
    code, _, err = run(capsys, "tables", folder, "--out", tmp_path / "out")
    assert code == 0, err
    t = read_corpus(folder)
    assert sorted(set(t.questions["source_file"])) == ["first.txt", "second.txt"]
    assert t.guidelines["guideline_id"].is_unique
    second = t.diagnostics[t.diagnostics["message"].str.contains("same jurisdiction and edition")]
    assert list(zip(second["source_file"], second["level"])) == [("second.txt", "warning")]
    assert "first.txt" in second["message"].iloc[0]


def test_two_chapters_of_the_same_name_from_two_folders_are_both_kept(capsys, tmp_path):
    a, b = tmp_path / "a" / "chapter.txt", tmp_path / "b" / "chapter.txt"  # same name, two folders
    for p in (a, b):
        p.parent.mkdir()
        shutil.copy(BAD / "chapter.txt", p)
    code, _, err = run(capsys, "tables", a, b, "--out", tmp_path / "out", "--jurisdiction", "Testland")
    assert code == 0 and "Traceback" not in err, err
    t = read_corpus([a, b], jurisdiction="Testland")
    assert len(t.questions) == 4 and t.guidelines["guideline_id"].is_unique
    assert sorted(set(t.questions["source_file"])) == ["b/chapter.txt", "chapter.txt"]  # rows still say which file
    assert t.source_line("b/chapter.txt", 5) == BASE.lines[4]
    assert t.diagnostics["message"].str.contains("same jurisdiction and edition; both kept").sum() == 1


# --------------------------------------------------------------------------- a folder with other things in it


def junk_folder(tmp_path: Path) -> Path:
    """Real chapters, bad fixtures and the litter of a real folder."""
    folder = tmp_path / "in"
    folder.mkdir()
    for p in RAW.iterdir():
        shutil.copy(p, folder / p.name)
    for name in ("empty.txt", "whitespace.txt", "image.png", "document.pdf", "document.docx", "cp1252.txt",
                 "no-questions.txt", "no-answers.txt"):
        shutil.copy(BAD / name, folder / name)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(64))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(32))
    (folder / "disguised.txt").write_bytes((BAD / "image.png").read_bytes())  # an image with a .txt name
    (folder / "nul.txt").write_bytes(NUL_LATE)
    (folder / "drafts").mkdir()
    (folder / "folder.txt").mkdir()  # a folder named like a chapter
    return folder


SKIPPED = {  # file -> what diagnostics says about it
    ".DS_Store": "skipped .DS_Store: not a chapter file (no suffix)",
    "image.png": "skipped image.png: not a chapter file (.png)",
    "document.pdf": "skipped document.pdf: not a chapter file (.pdf)",
    "document.docx": "skipped document.docx: not a chapter file (.docx)",
    "photo.jpg": "skipped photo.jpg: not a chapter file (.jpg)",
    "drafts": "skipped drafts: a folder",
    "folder.txt": "skipped folder.txt: a folder",
    "empty.txt": "skipped: the file is empty (no text to parse)",
    "whitespace.txt": "skipped: the file holds only whitespace (no text to parse)",
    "disguised.txt": "skipped: this is a PNG image, not a text chapter",
    "nul.txt": "skipped: this is binary data (it contains NUL bytes), not a text chapter",
}


def test_a_folder_skips_what_is_not_a_chapter_with_a_warning_and_writes_the_rest(capsys, tmp_path):
    folder = junk_folder(tmp_path)
    code, _, err = run(capsys, "tables", folder, "--out", tmp_path / "out")
    assert code == 0, err
    t = read_corpus(folder)
    d = t.diagnostics
    for name, message in SKIPPED.items():
        rows = d[(d["source_file"] == name) & d["message"].str.startswith("skipped")]
        assert list(zip(rows["level"], rows["message"])) == [("warning", message)], name
    read = {s.source_file for s in t.summaries}
    chapters = {p.name for p in RAW.glob("*.txt")} | {"cp1252.txt", "no-questions.txt", "no-answers.txt"}
    assert read == chapters
    assert sorted(read | set(SKIPPED)) == sorted(p.name for p in folder.iterdir() if p.name != "manifest.csv")
    for name in SKIPPED:
        assert f"{name}: skipped" in err  # the summary names every skipped file too


def test_a_folder_of_the_unreadable_skips_the_file_with_a_warning(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(BAD / "chapter.txt", folder / "good.txt")
    shutil.copy(BAD / "chapter.txt", folder / "locked.txt")
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if self.name == "locked.txt" else real(self))
    t = read_corpus(folder, jurisdiction="Testland")
    assert {s.source_file for s in t.summaries} == {"good.txt"}
    rows = t.diagnostics[t.diagnostics["source_file"] == "locked.txt"]
    assert list(rows["message"]) == ["skipped: permission denied: cannot read the file"]


def test_a_folder_through_the_real_command_prints_a_summary_per_file_and_a_true_total(tmp_path):
    folder = junk_folder(tmp_path)
    done = run_subprocess("tables", folder, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    t = read_corpus(folder)
    lines = done.stderr.splitlines()
    d = t.diagnostics
    totals = dict.fromkeys(("read", "nonblank", "placed", "diagnostics"), 0)
    for ch, s in zip(t.chapters, t.summaries):
        nonblank = [i + 1 for i, raw in enumerate(read_text(Path(s.path)).lines) if not is_blank(raw)]
        where = ch.placement()
        placed = [n for n in nonblank if where.get(n) in ("heading", "question", "answer")]
        reported = set(d[(d["source_file"] == ch.source_file) & d["level"].isin(["unplaced", "furniture"])]["line"])
        in_diagnostics = [n for n in nonblank if n not in placed and n in reported]
        lost = len(nonblank) - len(placed) - len(in_diagnostics)
        line = (f"{s.source_file}: {s.jurisdiction}: {s.lines_read} lines read, {len(nonblank)} non-blank, "
                f"{len(placed)} placed, {len(in_diagnostics)} in diagnostics{f', {lost} lost' if lost else ''}")
        assert line in lines
        for k, v in zip(totals, (s.lines_read, len(nonblank), len(placed), len(in_diagnostics))):
            totals[k] += v
    skipped = int(d["message"].str.startswith("skipped").sum())
    lost = totals["nonblank"] - totals["placed"] - totals["diagnostics"]
    assert lines[-1] == (f"total: {len(t.chapters)} files read, {skipped} files skipped, {totals['read']} lines, "
                         f"{totals['nonblank']} non-blank: {totals['placed']} placed, {totals['diagnostics']} in "
                         f"diagnostics, {lost} lost")


def test_the_total_line_says_0_lost_when_every_line_is_in_a_table(tmp_path):
    done = run_subprocess("tables", BAD / "chapter.txt", BAD / "no-questions.txt", "--out", tmp_path / "out",
                          "--jurisdiction", "Testland")
    assert done.returncode == 0, done.stderr
    t = read_corpus([BAD / "chapter.txt", BAD / "no-questions.txt"], jurisdiction="Testland")
    nonblank = sum(s.nonblank for s in t.summaries)
    unplaced = int((t.diagnostics["level"] == "unplaced").sum())
    assert unplaced > 0
    assert done.stderr.splitlines()[-1] == (f"total: 2 files read, {sum(s.lines_read for s in t.summaries)} lines, "
                                            f"{nonblank} non-blank: {nonblank - unplaced} placed, {unplaced} in "
                                            "diagnostics, 0 lost")


def test_a_folder_with_no_chapter_in_it_is_an_error(capsys, previous_out, tmp_path):
    folder = tmp_path / "chapter.txt"  # a folder named like a file
    folder.mkdir()
    (folder / "image.png").write_bytes((BAD / "image.png").read_bytes())
    before = snapshot(previous_out)
    code, _, err = run(capsys, "tables", folder, "--out", previous_out)
    assert code == 2 and err.startswith(f"policyqa: error: {folder}:1: no chapter")
    assert snapshot(previous_out) == before


# --------------------------------------------------------------------------- nothing lost, over a whole folder


def assert_nothing_lost(t, folder: Path) -> None:
    """Every non-blank line of every chapter lands in exactly one place; what went nowhere is in diagnostics;
    every file in the folder is either read or listed as skipped."""
    d = t.diagnostics
    for ch, s in zip(t.chapters, t.summaries):
        lines = read_text(Path(s.path)).lines
        nonblank = [i + 1 for i, raw in enumerate(lines) if not is_blank(raw)]
        assert sorted(places(ch)) == nonblank, ch.source_file  # each once, none twice, none missing
        unplaced = d[(d["source_file"] == ch.source_file) & (d["level"] == "unplaced")]
        assert sorted(unplaced["line"]) == sorted(line for line, _ in ch.unplaced)
        assert (s.nonblank, s.placed + s.in_diagnostics, s.in_diagnostics) == (len(nonblank), len(nonblank),
                                                                                len(ch.unplaced))
    read = {s.source_file for s in t.summaries}
    skipped = set(d[d["message"].str.startswith("skipped")]["source_file"])
    assert not read & skipped
    assert read | skipped == {p.name for p in folder.iterdir() if p.name != "manifest.csv"}


def test_nothing_is_lost_over_a_whole_folder(tmp_path):
    folder = junk_folder(tmp_path)
    assert_nothing_lost(read_corpus(folder), folder)


PIECES = [
    "Best practice", "Increased protection", "Legislation",
    "Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?",
    "How does the government incentivise organisations to improve their cybersecurity?",
    "13. Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?",
    "Yes.", "See question 13.", "  • Guides from the Testland Cyber Agency:", "    • Baseline Security Guide;",
    "  •; and", "- dash item", "Read More…", "", "   ", "\u00a0", "=HYPERLINK(\"http://example.invalid\",\"x\")",
]
chapter_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=40)), max_size=25).map("\n".join)
junk_bytes = st.one_of(st.binary(max_size=64), st.sampled_from([b"", b"  \n", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4",
                                                                 b"\x00\x01", b"\xff\xfe\x00"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(chapter_text, min_size=1, max_size=3), st.lists(junk_bytes, max_size=3),
       st.sampled_from(["\n", "\r\n", "\r"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_nothing_is_lost_over_any_folder(chapters, junk, end, encoding):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, text in enumerate(chapters):
            (folder / f"chapter{n}.txt").write_bytes(text.replace("\n", end).encode(encoding))
        for n, data in enumerate(junk):
            (folder / f"junk{n}.{('txt', 'png', 'md')[n % 3]}").write_bytes(data)
        try:
            t = read_corpus(folder, jurisdiction="Testland")
        except PolicyqaError as exc:  # only a folder where nothing could be read may fail (see the api patch)
            assert exc.line >= 1
            return
        assert_nothing_lost(t, folder)
