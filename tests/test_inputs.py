"""Inputs under attack and by accident, through the real command: a manifest pointing outside its
folder, terminal escapes in chapter text and file names, Markdown and HTML, characters nobody sees,
the same file given twice, file names that are not UTF-8; and the command line's own manners
(the command's usage on a bad option, plurals, guidelines counted as guidelines, `outline FOLDER`,
`policyqa briefing`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from policyqa import cli
from policyqa.api import read_chapter, read_corpus

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
BAD = ROOT / "tests" / "data" / "bad"
# what must never reach a terminal raw (tab and newline are fine)
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    monkeypatch.setenv("POLICYQA_CACHE", "off")


def policyqa(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The real command, bytes in and out (arguments may be bytes: file names that are not UTF-8)."""
    env = {**os.environ, "POLICYQA_CACHE": "off"}
    argv = [os.fsencode(sys.executable), b"-m", b"policyqa",
            *(a if isinstance(a, bytes) else os.fsencode(str(a)) for a in args)]
    return subprocess.run(argv, capture_output=True, cwd=cwd, env=env, timeout=300)


def copy(names, folder: Path, manifest: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(RAW / name, folder / name)
    if manifest is not None:
        (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- the manifest stays in its folder

ESCAPES = [
    ("../../../../etc/passwd", "names '../../../../etc/passwd', which is not a file of this folder"),
    ("/etc/passwd", "names '/etc/passwd', which is not a file of this folder"),
    ("..\\..\\secret.txt", "names '..\\\\..\\\\secret.txt', which is not a file of this folder"),
    ("sub/../../eu.txt", "names 'sub/../../eu.txt', which is not a file of this folder"),
    ("~/chapter.txt", "names '~/chapter.txt', which is not a file of this folder"),
    ("outside.txt", "names 'outside.txt', a link that leads outside this folder"),
]


@pytest.mark.parametrize(("name", "message"), ESCAPES, ids=[e[0] for e in ESCAPES])
def test_a_manifest_row_naming_a_file_outside_its_folder_is_an_error_at_its_line(tmp_path, name, message):
    folder = copy(["denmark.txt"], tmp_path / "chapters")
    (tmp_path / "secret.txt").write_text("Best practice\n\nsecret\n", encoding="utf-8")
    (folder / "outside.txt").symlink_to(tmp_path / "secret.txt")
    # a quoted field over two lines and a blank line first: the error names the line the bad row is on
    (folder / "manifest.csv").write_text('file,jurisdiction,edition,quirks\ndenmark.txt,Denmark,2019,"two\nlines"\n'
                                         f'\n"{name}",Denmark,2020,\n', encoding="utf-8")
    out = tmp_path / "out"
    for verb in (["tables", folder, "--out", out], ["tables", folder / "denmark.txt", "--out", out],
                 ["outline", folder]):
        done = policyqa(*verb)
        err = done.stderr.decode()
        assert done.returncode == 2 and "Traceback" not in err, err
        assert err.startswith(f"policyqa: error: {folder / 'manifest.csv'}:5: {message}"), err
        assert not out.exists()
    assert b"secret" not in done.stdout


def test_a_manifest_inside_its_folder_still_works(tmp_path):
    folder = copy(["denmark.txt", "eu.txt"], tmp_path / "chapters",
                  "file,jurisdiction,edition\n./denmark.txt,Danmark,2019\neu.txt,Europe,\n")
    t = read_corpus(folder)
    assert sorted(set(t.questions["jurisdiction"])) == ["Danmark", "Europe"]


# --------------------------------------------------------------------------- terminal escapes

EVIL_NAME = "Den\x1b]0;owned\x07mark\x1b[2J\u202e"


def test_escapes_in_chapter_text_and_names_never_reach_the_terminal_raw(tmp_path):
    folder = tmp_path / "chapters"
    folder.mkdir()
    text = (RAW / "denmark.txt").read_text(encoding="utf-8")
    text = text.replace("Danish Centre for Cyber Security", "Danish Centre\x1b[31m for \x9b2JCyber\r Security")
    text = text.replace("Guide on securing mobile devices", "Guide on securing \x1b[8mmobile\u202e devices\x08")
    name = "den\x1b[1mmark.txt"
    (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(f'file,jurisdiction\n"{name}","{EVIL_NAME}"\n', encoding="utf-8")
    runs = [policyqa("tables", folder, "--out", tmp_path / "out"), policyqa("outline", folder),
            policyqa("outline", folder / name), policyqa("tables", folder / "nothing\x1b[2J.txt")]
    for done in runs:
        assert "Traceback" not in done.stderr.decode()
        for stream in (done.stdout, done.stderr):
            assert not RAW_CONTROL.search(stream), RAW_CONTROL.search(stream)
    tables, outline = runs[0], runs[1]
    assert tables.returncode == 0 and outline.returncode == 0
    assert "Den\\x1b]0;owned\\x07mark\\x1b[2J\\u202e: " in tables.stdout.decode()  # shown, not obeyed
    assert "den\\x1b[1mmark.txt" in tables.stderr.decode()
    assert "Guide on securing \\x1b[8mmobile\\u202e devices\\x08" in outline.stdout.decode()
    assert runs[3].returncode == 2 and b"nothing\\x1b[2J.txt:1: no such file" in runs[3].stderr
    # the tables themselves keep the text as it is: escaping is for terminals
    assert (read_corpus(folder).guidelines["title"] == "Guide on securing \x1b[8mmobile\u202e devices\x08").any()


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[31m", "\\x1b[31m"), ("\x9b", "\\x9b"), ("a\rb", "a\\x0db"), ("\u202e", "\\u202e"), ("\u2066", "\\u2066"),
    ("\udcf6", "\\xf6"), ("tab\tand new\nline", "tab\tand new\nline"), ("Øre – “ok” • ü", "Øre – “ok” • ü"),
    ("\x7f", "\\x7f"), ("\u2028", "\\u2028"),
])
def test_visible_shows_controls_and_keeps_text(text, shown):
    assert cli.visible(text) == shown


# --------------------------------------------------------------------------- Markdown and HTML


def as_markdown(numbered: bool = False) -> tuple[str, str]:
    """data/raw/denmark.txt as Markdown line for line (# headings, **questions**, - or 1. items, *emphasis*),
    and the plain text it should read as."""
    plain = (RAW / "denmark.txt").read_text(encoding="utf-8")
    ch = read_chapter(RAW / "denmark.txt", jurisdiction="Denmark").chapters[0]
    headings = {h.line: h.level for h in ch.headings if not h.glued}
    questions = {q.line for q in ch.questions}
    out, n = [], 0
    for i, line in enumerate(plain.split("\n"), start=1):
        if i in headings:
            line = ("# " if headings[i] == "section" else "### ") + line
        elif i in questions:
            line = f"**{line}**"
        elif line.lstrip().startswith("• "):
            n += 1
            line = (f"{n}. " if numbered else "- ") + line.lstrip()[2:]
        else:
            n = 0
            line = line.replace("Danish Centre for Cyber Security", "*Danish Centre for Cyber Security*", 1)
        out.append(line)
    return "\n".join(out), plain


@pytest.mark.parametrize("numbered", [False, True], ids=["bullets", "numbered"])
@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_a_chapter_saved_as_markdown_reads_as_the_plain_one(tmp_path, numbered, suffix):
    md, plain = as_markdown(numbered)
    assert md != plain and "**Do the authorities" in md and "# Best practice" in md
    (tmp_path / "md").mkdir()
    (tmp_path / "txt").mkdir()
    (tmp_path / "md" / f"denmark{suffix}").write_text(md, encoding="utf-8")
    (tmp_path / "txt" / f"denmark{suffix}").write_text(plain, encoding="utf-8")
    outs = {}
    for kind in ("md", "txt"):
        done = policyqa("tables", tmp_path / kind / f"denmark{suffix}", "--out", tmp_path / f"out-{kind}",
                        "--jurisdiction", "Denmark")
        assert done.returncode == 0, done.stderr
        outs[kind] = done
    for table in ("questions", "guidelines", "obligations", "cross_references", "authorities", "diagnostics"):
        a = pd.read_csv(tmp_path / "out-md" / f"{table}.csv")
        b = pd.read_csv(tmp_path / "out-txt" / f"{table}.csv")
        pd.testing.assert_frame_equal(a, b, obj=table)
    g = pd.read_csv(tmp_path / "out-md" / "guidelines.csv")
    assert len(g) == 11 and g["title"].str.contains("Guide on securing mobile devices").any()
    assert outs["md"].stderr.decode().splitlines()[-1] == outs["txt"].stderr.decode().splitlines()[-1]


HTML = """<!DOCTYPE html>
<html><head><title>Cybersecurity</title></head>
<body>
<h2>Best practice</h2>
<p>Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?</p>
<p>Yes. <b>The Agency</b> has published guides.</p>
</body></html>
"""


FRAGMENT = "Cybersecurity in Testland\n" + "\n".join(HTML.splitlines()[3:6]) + "\n"  # no <html>: three tagged lines


@pytest.mark.parametrize("html", [HTML, FRAGMENT], ids=["document", "fragment"])
def test_an_html_page_is_refused_with_its_line(tmp_path, html):
    page = tmp_path / "page.txt"
    page.write_text(html, encoding="utf-8")
    done = policyqa("tables", page, "--out", tmp_path / "out")
    line = 1 if html.startswith("<!DOCTYPE") else 2
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (f"policyqa: error: {page}:{line}: this is an HTML page, not a text chapter "
                                            "(save the page as plain text, or copy its text into a .txt file)")
    folder = copy(["eu.txt"], tmp_path / "chapters")
    shutil.copy(page, folder / "page.txt")
    t = read_corpus(folder)
    assert list(t.diagnostics.loc[t.diagnostics["source_file"] == "page.txt", "message"]) == [
        "skipped: this is an HTML page, not a text chapter (save the page as plain text, or copy its text into a "
        ".txt file)"]


def test_a_chapter_that_mentions_a_tag_is_not_html(tmp_path):
    text = (RAW / "eu.txt").read_text(encoding="utf-8") + "\nPages must not use <script> tags or <p> blocks.\n"
    (tmp_path / "eu.txt").write_text(text, encoding="utf-8")
    assert len(read_chapter(tmp_path / "eu.txt").questions) == 2


# --------------------------------------------------------------------------- characters nobody sees

@pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_zero_width_characters_neither_merge_nor_split_questions(tmp_path, mark):
    plain = (RAW / "denmark.txt").read_text(encoding="utf-8")
    marked = plain.replace("Do the authorities recommend", f"Do the{mark} authorities recom{mark}mend")
    marked = marked.replace("How does the government", f"How does{mark} the government")
    marked = marked.replace("Guide on securing mobile devices", f"Guide on secur{mark}ing mobile{mark} devices")
    assert marked.count(mark) == 5
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "denmark.txt").write_text(marked, encoding="utf-8")
    (tmp_path / "b" / "denmark.txt").write_text(plain, encoding="utf-8")
    for kind in ("a", "b"):
        assert policyqa("tables", tmp_path / kind / "denmark.txt", "--out", tmp_path / f"out-{kind}",
                        "--jurisdiction", "Denmark").returncode == 0
    for table in ("questions", "guidelines", "obligations"):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "out-a" / f"{table}.csv"),
                                      pd.read_csv(tmp_path / "out-b" / f"{table}.csv"), obj=table)


# --------------------------------------------------------------------------- the same file twice

def test_the_same_file_given_twice_is_read_once(tmp_path):
    folder = copy(["denmark.txt", "eu.txt"], tmp_path / "chapters")
    (tmp_path / "link.txt").symlink_to(folder / "denmark.txt")
    once = policyqa("tables", folder, "--out", tmp_path / "once")
    assert once.returncode == 0
    variants = [
        [folder, folder / "denmark.txt"],
        [folder / "denmark.txt", folder],
        [folder / "eu.txt", folder / "eu.txt", folder / "denmark.txt"],
        [folder, tmp_path / "chapters" / ".." / "chapters" / "eu.txt", tmp_path / "link.txt"],
    ]
    for n, inputs in enumerate(variants):
        done = policyqa("tables", *inputs, "--out", tmp_path / f"out{n}")
        err = done.stderr.decode()
        assert done.returncode == 0, err
        assert err.count("policyqa: warning: ") == err.count("; read once") == [1, 1, 1, 2][n], err
        for table in ("questions", "guidelines", "obligations", "authorities"):
            a = pd.read_csv(tmp_path / f"out{n}" / f"{table}.csv")
            b = pd.read_csv(tmp_path / "once" / f"{table}.csv")
            assert len(a) == len(b), (inputs, table)
        assert err.splitlines()[-1].startswith("total: 2 files read")


def test_a_file_named_and_inside_a_named_folder_keeps_the_named_files_rule(tmp_path):
    folder = copy(["eu.txt"], tmp_path / "chapters")
    shutil.copy(BAD / "image.png", folder / "image.txt")  # inside a folder: skipped; named: an error
    done = policyqa("tables", folder, folder / "image.txt", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert f"{folder / 'image.txt'}:1: this is a PNG image" in done.stderr.decode()


def test_outline_of_a_folder_gives_each_chapter_its_own_header(tmp_path):
    folder = copy(["denmark.txt", "eu.txt", "japan.txt"], tmp_path / "chapters")
    done = policyqa("outline", folder)
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    t = read_corpus(folder)
    blocks = out.split("\n\n")
    assert len(blocks) == 3
    for block, ch in zip(blocks, t.chapters):
        assert block.startswith(f"{ch.source_file}: {ch.jurisdiction} ")
        titles = set(t.guidelines.loc[t.guidelines["source_file"] == ch.source_file, "title"])
        shown = {m.split(" | ")[0] for m in re.findall(r"guideline: (.*)", block)}
        assert shown == {x[:60] for x in titles}, ch.source_file
    single = policyqa("outline", folder / "eu.txt").stdout.decode()
    assert single == blocks[1] + "\n"


# --------------------------------------------------------------------------- names that are not UTF-8

def test_a_file_name_that_is_not_utf8_is_skipped_in_a_folder_and_an_error_when_named(tmp_path):
    folder = copy(["eu.txt"], tmp_path / "chapters")
    bad = os.fsencode(folder) + b"/\xf6sterreich.txt"
    with open(bad, "wb") as handle:
        handle.write((RAW / "austria.txt").read_bytes())
    done = policyqa("tables", folder, "--out", tmp_path / "out")
    err = done.stderr.decode()
    assert done.returncode == 0 and "Traceback" not in err, err
    assert "\\xf6sterreich.txt: skipped \\xf6sterreich.txt: the file name is not valid UTF-8 (rename the file to " \
           "read it)" in err
    d = pd.read_csv(tmp_path / "out" / "diagnostics.csv")
    assert "\\xf6sterreich.txt" in set(d["source_file"])
    named = policyqa("tables", bad, "--out", tmp_path / "out2")
    assert named.returncode == 2 and b"Traceback" not in named.stderr
    assert named.stderr.decode().strip() == (f"policyqa: error: {folder}/\\xf6sterreich.txt:1: the file name is not "
                                             "valid UTF-8 (rename the file to read it)")
    outline = policyqa("outline", bad)
    assert outline.returncode == 2 and b"Traceback" not in outline.stderr


def test_a_folder_whose_own_name_is_not_utf8(tmp_path):
    folder = os.fsencode(tmp_path) + b"/kap\xefitel"
    os.mkdir(folder)
    for name in ("eu.txt", "denmark.txt"):
        with open(folder + b"/" + name.encode(), "wb") as handle:
            handle.write((RAW / name).read_bytes())
    done = policyqa("tables", folder, folder + b"/eu.txt", "--out", tmp_path / "out")
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert b"kap\\xefitel/eu.txt: given twice; read once" in done.stderr


# --------------------------------------------------------------------------- the command line's manners

def test_a_bad_option_prints_the_commands_usage_not_the_top_level_one():
    done = policyqa("tables", "data/raw", "--bogus")
    err = done.stderr.decode()
    assert done.returncode == 2
    assert err.startswith("usage: policyqa tables ") and "policyqa tables: error: unrecognized arguments: --bogus" in err
    done = policyqa("outline", "data/raw/eu.txt", "--nope")
    assert done.stderr.decode().startswith("usage: policyqa outline ")
    done = policyqa("tables", "data/raw/eu.txt", "--out", "-", "--table", "nonsense")
    assert done.returncode == 2 and done.stderr.decode().startswith("usage: policyqa tables ")


def test_summaries_get_plurals_right_and_count_guidelines_as_guidelines(tmp_path, capsys):
    one = tmp_path / "one.txt"
    one.write_text("Best practice\n\nIncreased protection\n\nDo the authorities recommend additional cybersecurity "
                   "protections beyond what is mandated by law?\n\nYes. The Testland Cyber Agency has published "
                   "the following guidance, which is voluntary for private companies:\n\n"
                   "  • Guide on securing mobile devices.\n", encoding="utf-8")
    assert cli.main(["tables", str(one), "--out", str(tmp_path / "out"), "--jurisdiction", "Testland"]) == 0
    out = capsys.readouterr().out
    t = read_chapter(one, jurisdiction="Testland")
    assert len(t.guidelines) == 1 and t.guidelines["issuing_authority"].nunique() == 1
    assert out.splitlines()[0] == "Testland: 1 question (1 yes); 1 guideline from 1 authority"
    assert cli.plural(0, "authority") == "0 authorities" and cli.plural(2, "guideline") == "2 guidelines"
    assert cli.main(["tables", str(RAW / "denmark.txt"), "--out", str(tmp_path / "dk")]) == 0
    out = capsys.readouterr().out
    dk = read_chapter(RAW / "denmark.txt")
    per_level = dk.obligations.groupby("mandatoriness", observed=True)["guideline_id"].nunique()
    assert len(dk.obligations) > len(dk.guidelines)  # guideline-audience pairs outnumber guidelines here
    binding = next(line for line in out.splitlines() if "binding" in line)
    numbers = [int(n) for n in re.findall(r" (\d+)\b", binding)]
    assert sorted(numbers) == sorted(per_level[per_level > 0].tolist())
    assert max(numbers) <= len(dk.guidelines)
    assert f"{len(dk.guidelines)} guidelines from" in out


def test_briefing_is_a_verb_that_calls_the_briefing_runner(monkeypatch, tmp_path):
    from policyqa import briefing

    seen = []
    monkeypatch.setattr(briefing, "main", lambda argv=None: seen.append(argv) or 0)
    assert cli.main(["briefing", "--jurisdiction", "Testland", "--data", str(tmp_path), "--reports", "r"]) == 0
    assert cli.main(["briefing"]) == 0
    assert seen == [["--data", str(tmp_path), "--reports", "r", "--jurisdiction", "Testland"],
                    ["--data", "data/raw", "--reports", "reports"]]


def test_briefing_through_the_real_command_refuses_a_missing_folder(tmp_path):
    done = policyqa("briefing", "--data", tmp_path / "nowhere")
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert b"nowhere" in done.stderr
    assert b"usage: policyqa briefing" in policyqa("briefing", "--help").stdout


def test_a_link_in_a_folder_that_leads_outside_it_is_skipped(tmp_path):
    folder = copy(["eu.txt"], tmp_path / "chapters")
    secret = tmp_path / "secret.txt"
    secret.write_text("Best practice\n\nThe secret marker 7f3a9c.\n", encoding="utf-8")
    (folder / "notes.txt").symlink_to(secret)
    (folder / "again.txt").symlink_to(folder / "eu.txt")  # a link inside the folder is a file of the folder
    done = policyqa("tables", folder, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert b"skipped notes.txt: a link to a file outside this folder (name the file itself to read it)" in done.stderr
    assert b"again.txt: the same file as" in done.stderr
    for table in (tmp_path / "out").iterdir():
        assert "7f3a9c" not in table.read_text(encoding="utf-8")
    named = policyqa("tables", folder / "notes.txt", "--out", tmp_path / "out2", "--jurisdiction", "Testland")
    assert named.returncode == 0  # named on its own, a link is the user's choice


def test_out_dash_onto_a_terminal_shows_escapes_but_into_a_pipe_keeps_the_bytes(tmp_path):
    import pty

    chapter = tmp_path / "chapter.txt"
    text = (RAW / "denmark.txt").read_text(encoding="utf-8")
    chapter.write_text(text.replace("Guide on securing mobile devices", "Guide on securing \x1b[2Jmobile devices"),
                       encoding="utf-8")
    args = [sys.executable, "-m", "policyqa", "tables", str(chapter), "--out", "-"]
    env = {**os.environ, "POLICYQA_CACHE": "off"}
    piped = subprocess.run(args, capture_output=True, env=env, timeout=300)
    assert b"\x1b[2J" in piped.stdout
    controller, terminal = pty.openpty()
    done = subprocess.run(args, stdout=terminal, stderr=subprocess.PIPE, env=env, timeout=300)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in shown and b"Guide on securing \\x1b[2Jmobile devices" in shown


def test_a_furniture_line_is_not_counted_in_diagnostics_because_a_guess_shares_its_line(tmp_path):
    """The title line names the jurisdiction (a `guess` row at line 1); only a row holding the line's text
    (unplaced, furniture) makes it 'in diagnostics'."""
    chapter = tmp_path / "chapter.txt"
    chapter.write_text("Cybersecurity – Denmark\n\n" + (RAW / "denmark.txt").read_text(encoding="utf-8"),
                       encoding="utf-8")
    t = read_corpus([chapter])
    (c,) = cli.line_counts(t)
    d = t.diagnostics
    has_text = set(d[d["level"].isin(["unplaced", "furniture"])]["line"])
    where = t.chapters[0].placement()
    assert where.get(1) == "furniture" and (d["line"] == 1).any()
    assert c["diagnostics"] == sum(1 for line, kind in where.items() if kind in ("unplaced", "furniture")
                                   and line in has_text)
    assert c["placed"] + c["diagnostics"] + c["lost"] == c["nonblank"]
    assert c["lost"] == sum(1 for line, kind in where.items() if kind == "furniture" and line not in has_text)
