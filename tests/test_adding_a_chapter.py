"""Adding a chapter, reviewing it, correcting it and briefing on it, through the real commands.

`make briefing` runs once, in a copy of the project whose corpus has one chapter more (conftest.added_project)
and whose data/corrections.csv corrects that chapter; the other tests use `python -m policyqa.briefing
--pack-only` and `policyqa tables/review`, which are what `make briefing` and an analyst run.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import AUDIENCE, ROOT, STALE_TITLE, kernel_env, make_project

NOTEBOOKS_RUN = ["01-read-a-chapter", "02-guidelines-by-authority", "03-audience-and-mandatoriness",
                 "04-compare-jurisdictions", "05-briefing", "06-review-a-chapter", "07-what-changed"]


def _make(project, *args, timeout=900):
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("make runs the project's .venv; run the tests with `make test`")
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", *args], cwd=project,
                          capture_output=True, text=True, timeout=timeout, env=kernel_env())


def _cli(*args, cwd, timeout=600):
    return subprocess.run([sys.executable, "-m", "policyqa", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=kernel_env())


def _briefing(*args, cwd, timeout=600):
    return subprocess.run([sys.executable, "-m", "policyqa.briefing", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=kernel_env())


@pytest.fixture(scope="module")
def briefed(added_project):
    """`make briefing DATA=data/raw JURISDICTION=<the added chapter>` in the project copy, run once."""
    from policyqa.briefing import ensure_chromium

    if ensure_chromium() is None:  # make briefing prints the PDF
        pytest.skip("Debian's chromium is not installed and cannot be installed here (needs root and apt-get)")
    done = _make(added_project.root, "briefing", "DATA=data/raw", f"JURISDICTION={added_project.chapter}")
    return added_project, done


def test_make_briefing_on_an_added_chapter_passes_and_denmark_checks_still_hold(briefed):
    project, done = briefed
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-6000:]
    ran = re.findall(r"\[\d+/\d+\] (\S+): ok", done.stdout)
    assert ran == [n for n in NOTEBOOKS_RUN if (project.root / "notebooks" / f"{n}.ipynb").is_file()], done.stdout
    # the checks pinned to denmark.txt ran (it is in DATA) although the briefing is on the added chapter
    executed = project.root / "build" / "notebooks"
    for name in ("01-read-a-chapter", "02-guidelines-by-authority", "03-audience-and-mandatoriness"):
        nb = nbformat.read(executed / f"{name}.ipynb", as_version=4)
        pinned = [c for c in nb.cells if c.cell_type == "code" and '"denmark.txt"' in c.source and "assert" in c.source]
        assert pinned and all(c.execution_count for c in pinned), name
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"], name
    lines = done.stdout.splitlines()
    assert lines[-1] == "briefing: reports/briefing.html" and "pdf:      reports/briefing.pdf" in lines
    assert (project.root / "reports" / "briefing.pdf").is_file()
    assert not list((project.root / "reports").glob(".policyqa-tmp-*"))  # the run's staging folder is gone


def test_the_briefing_summary_counts_corrections_and_warns_of_a_stale_one(briefed):
    project, done = briefed
    n = project.corrections.count("\n") - 1  # rows under the header
    assert f"corrections: data/corrections.csv: {n - 1} applied, 1 stale" in done.stdout, done.stdout
    warning = f"warning: data/corrections.csv:{project.stale_line}: stale correction (drop \"{STALE_TITLE}\")"
    assert warning in done.stdout, done.stdout
    # `make tables`, the first step, said it too, on stderr, with the chapter it concerns
    assert f"{project.chapter}: data/corrections.csv:{project.stale_line}: stale correction" in done.stderr
    assert re.search(rf"how sure: {re.escape(project.chapter)}: \d+ guidelines, {len(project.corrected)} corrected "
                     r"by hand, 0 low confidence and unchecked", done.stdout), done.stdout


def test_the_page_and_the_charts_say_how_sure_they_are(briefed):
    project, done = briefed
    assert done.returncode == 0
    reports = project.root / "reports"
    page = (reports / "briefing.html").read_text(encoding="utf-8")
    n = len(project.corrected)
    assert re.search(rf'<p class="notice[^"]*">How sure: of the {n} guidelines? briefed, {n} were corrected by hand',
                     page), page[:3000]
    assert 'id="certainty"' in page and f"{project.chapter} ({project.jurisdiction}) · briefed" in page
    assert page.count('class="corrected"') == n  # each corrected guideline marked in the table
    # compared chapters with unchecked low-confidence rows are marked as such in the page
    import policyqa
    from policyqa import analysis

    corpus = analysis.newest_editions(policyqa.read_corpus(project.root / "data" / "raw"))
    sure = analysis.certainty(corpus.guidelines, corpus.obligations)
    flagged = sure.loc[sure["low"] > 0, "source_file"]
    assert page.count("unchecked low-confidence rows</span>") == len(flagged)
    for f in flagged:
        assert re.search(rf'<tr class="unchecked"><td>{re.escape(f)} \(', page), f
    # every chart of guidelines says in its source line (drawn, and the SVG's description) how many rows were
    # corrected by hand and how many are unsure
    sources = {svg.stem: re.search(r"<dc:description>(.*?)</dc:description>", svg.read_text(encoding="utf-8"),
                                   re.S).group(1) for svg in (reports / "figures").glob("*.svg")}
    assert len(sources) >= 4, sources
    for name, source in sources.items():
        if name not in ("stance-by-question", "what-changed"):  # answers and changes have no confidence
            assert re.search(r"\d+ of \d+ guidelines? corrected by hand; (none|\d+) unchecked at low confidence\.$",
                             " ".join(source.split())), (name, source)
    assert f"{n} of {n} guidelines corrected by hand; none unchecked" in " ".join(
        sources["audience-mandatoriness"].split())


def _pack(project, reports: Path, corrections: str | None) -> dict:
    args = ["--pack-only", "--no-pdf", "--data", "data/raw", "--jurisdiction", project.chapter,
            "--reports", str(reports)]
    done = _briefing(*args, *(["--corrections", corrections] if corrections else []), cwd=project.root)
    assert done.returncode == 0, done.stdout + done.stderr
    return {p.name: p.read_bytes() for p in [reports / "briefing.html", *sorted((reports / "figures").glob("*.svg"))]}


def test_a_correction_changes_the_finding_and_removing_it_restores_the_chart_and_page(added_project, tmp_path):
    """The corrections give every guideline of the added chapter a mandatory status for one audience: the
    headline chart and the page change; with the rows removed (the header alone) both come back byte for byte,
    as they were with no corrections at all (`--corrections none`)."""
    from policyqa import corrections

    before = _pack(added_project, tmp_path / "before", "none")
    fixed = _pack(added_project, tmp_path / "fixed", None)  # data/corrections.csv, found beside data/raw
    removed = tmp_path / "removed.csv"
    removed.write_text(corrections.header_line() + "\n", encoding="utf-8")
    after = _pack(added_project, tmp_path / "after", str(removed))
    assert before == after
    name = "audience-mandatoriness.svg"
    assert fixed[name] != before[name] and fixed["briefing.html"] != before["briefing.html"]
    title = re.search(rb"<dc:title>(.*?)</dc:title>", fixed[name], re.S).group(1).decode()
    old = re.search(rb"<dc:title>(.*?)</dc:title>", before[name], re.S).group(1).decode()
    assert title != old and AUDIENCE in title and "mandatory" in title, (old, title)
    page = fixed["briefing.html"].decode()
    assert f"mandatory for {AUDIENCE}" in page and f"mandatory for {AUDIENCE}" not in before["briefing.html"].decode()


def test_a_failed_run_leaves_the_earlier_briefing_marked_and_a_good_run_clears_the_mark(briefed, tmp_path):
    project, done = briefed
    assert done.returncode == 0
    reports = tmp_path / "reports"
    shutil.copytree(project.root / "reports", reports)
    figures = {p.name: p.read_bytes() for p in (reports / "figures").iterdir()}
    failing = tmp_path / "notebooks"
    failing.mkdir()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "policyqa", "display_name": "policyqa",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell('DATA = "x"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("assert DATA == 'never', 'a <b>finding</b> changed'")]
    nbformat.write(nb, failing / "01-check.ipynb")
    run = _briefing("--data", "data/raw", "--notebooks", str(failing), "--reports", str(reports), "--executed",
                    str(tmp_path / "executed"), cwd=project.root)
    assert run.returncode == 1, run.stdout + run.stderr
    page = (reports / "briefing.html").read_text(encoding="utf-8")
    assert page.count("From an earlier run.") == 1 and "01-check failed in cell" in page
    assert "a &lt;b&gt;finding&lt;/b&gt; changed" in page and "<b>finding</b>" not in page
    assert not (reports / "briefing.pdf").exists() and (reports / "briefing.earlier-run.pdf").is_file()
    assert {p.name: p.read_bytes() for p in (reports / "figures").iterdir()} == figures  # nothing half-written
    assert "briefing.earlier-run.pdf" in run.stderr
    from policyqa import briefing

    briefing.mark_earlier_run(reports, "a second failure")  # one mark, saying the latest failure
    page = (reports / "briefing.html").read_text(encoding="utf-8")
    assert page.count("From an earlier run.") == 1 and "a second failure" in page and "01-check" not in page
    good = _briefing("--pack-only", "--no-pdf", "--data", "data/raw", "--reports", str(reports), cwd=project.root)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "From an earlier run" not in (reports / "briefing.html").read_text(encoding="utf-8")
    assert not (reports / "briefing.earlier-run.pdf").exists() and not (reports / "briefing.pdf").exists()


def test_a_malformed_correction_is_an_error_at_its_line_and_nothing_is_written(tmp_path):
    project = make_project(tmp_path / "project", corrections=False)
    fixes = project.root / "data" / "corrections.csv"
    lines = project.corrections.splitlines()
    lines.insert(2, f"{project.jurisdiction},{project.chapter},status,{project.corrected[0]},,,,,,banks,binding,,")
    fixes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (project.root / "data" / "processed").mkdir()
    (project.root / "data" / "processed" / "guidelines.csv").write_text("an earlier run's\n", encoding="utf-8")
    done = _make(project.root, "briefing", "DATA=data/raw")
    assert done.returncode != 0
    assert ("policyqa: error: data/corrections.csv:3: mandatoriness 'binding' is not one of mandatory, mandatory "
            "in some cases, voluntary, not stated") in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "running" not in done.stdout  # stopped at `make tables`
    assert [p.name for p in (project.root / "data" / "processed").iterdir()] == ["guidelines.csv"]
    assert (project.root / "data" / "processed" / "guidelines.csv").read_text() == "an earlier run's\n"
    assert not (project.root / "reports").exists()
    # the same line from the other commands that read chapters, and from the API
    for args in (("review", "data/raw"), ("diff", "data/raw/denmark.txt", "data/raw/denmark-2024.txt")):
        run = _cli(*args, cwd=project.root)
        assert run.returncode == 2 and run.stderr.startswith("policyqa: error: data/corrections.csv:3: "), run.stderr
    brief = _briefing("--data", "data/raw", cwd=project.root)
    assert brief.returncode == 2 and "data/corrections.csv:3: mandatoriness" in brief.stderr


def test_policyqa_review_lists_each_corpus_chapter(tmp_path):
    files = sorted((ROOT / "data" / "raw").glob("*.txt"))
    done = _cli("review", *[str(f.relative_to(ROOT)) for f in files], "--corrections", "none", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    import policyqa

    corpus = policyqa.read_corpus(ROOT / "data" / "raw", corrections="none")
    heads = re.findall(r"^(\S+) \((.+?)\): .*; to check: (\d+) \((\d+) low, (\d+) medium", done.stdout, re.M)
    assert [h[0] for h in heads] == [f.name for f in files]
    blocks = re.split(r"^\S+ \(.+?\): .*$", done.stdout, flags=re.M)[1:]
    for (name, jur, n, low, medium), block in zip(heads, blocks):
        assert jur == next(s.jurisdiction for s in corpus.summaries if s.source_file == name)
        items = re.findall(r"^\s+\d+\. \[(\w+)\] line (\d+): ", block, re.M)
        assert len(items) == int(n), name
        levels = [lv for lv, _ in items]
        assert levels == sorted(levels, key=["low", "medium", "guess", "unplaced", "stale", "missing"].index), name
        assert levels.count("low") <= int(low) and levels.count("medium") <= int(medium)
        g = corpus.guidelines[corpus.guidelines["source_file"] == name]
        if (g["confidence"].astype(str) == "low").any():
            assert levels[0] == "low", name
        assert block.count("paste: ") >= sum(lv in ("low", "medium") for lv in levels)
    total = sum(int(h[2]) for h in heads)
    assert done.stdout.splitlines()[-1].startswith(f"{total} item{'s' if total != 1 else ''} to check in "
                                                   f"{len(files)} chapters.")


def test_pasting_the_checked_rows_of_the_review_empties_its_doubts(tmp_path):
    """The review's rows are ready to paste: the `checked` ones of the chapter with most doubts, pasted under
    the header, leave no low or medium item in its review and turn its rows high, rule kept."""
    import policyqa
    from policyqa import corrections, review

    corpus = policyqa.read_corpus(ROOT / "data" / "raw", corrections="none")
    queue = review.review(corpus)
    unsure = queue[queue["level"].isin(["low", "medium"])]
    name = unsure["source_file"].value_counts().idxmax()
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / name, raw / name)
    shutil.copy(ROOT / "data" / "raw" / "manifest.csv", raw / "manifest.csv")
    listed = _cli("review", f"data/raw/{name}", "--csv", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    pasted = list(dict.fromkeys(r for item in rows for r in item["correction"].splitlines() if ",checked," in r))
    assert len(pasted) == sum(item["level"] in ("low", "medium") for item in rows) > 0
    (tmp_path / "data" / "corrections.csv").write_text("\n".join([corrections.header_line(), *pasted]) + "\n",
                                                       encoding="utf-8")
    again = _cli("review", f"data/raw/{name}", "--csv", cwd=tmp_path)
    left = list(csv.DictReader(io.StringIO(again.stdout)))
    assert not [r for r in left if r["level"] in ("low", "medium")], left
    t = policyqa.read_chapter(raw / name)
    assert (t.guidelines["confidence"] == "high").all() and (t.obligations["status_confidence"] == "high").all()
    assert "correction" not in set(t.guidelines["rule"])  # checked rows keep the rule that made them
    assert (t.corrections["status"] == "applied").all() and len(t.corrections) == len(pasted)


def test_review_escapes_chapter_text_for_the_terminal(tmp_path):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    text = (ROOT / "tests" / "data" / "added" / "zembla.txt").read_text(encoding="utf-8")
    (raw / "hostile.txt").write_text(text.replace("Guide to Secure Remote Working", "Guide to \x1b[31mRed\x1b[0m "
                                                  "\u202eWork"), encoding="utf-8")
    done = _cli("review", "data/raw/hostile.txt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout


def test_the_nbval_run_on_the_corpus_with_a_chapter_added(added_project, tmp_path):
    """nbval reruns every notebook on the corpus plus the added chapter and its corrections: the checks that
    hold for any corpus hold, and those pinned to denmark.txt still do."""
    work = tmp_path / "run"
    shutil.copytree(added_project.root / "notebooks", work / "notebooks")
    (work / "data").symlink_to(added_project.root / "data", target_is_directory=True)
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=300",
           "--color=no", "-p", "no:cacheprovider", "-o", "addopts=", "-o", "testpaths=", "--rootdir", str(work),
           "-q", str(work / "notebooks")]
    run = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=900, env=kernel_env())
    report = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout + run.stderr)[-6000:]
    assert run.returncode == 0, f"nbval failed:\n{report}"
    assert re.search(r"\d+ passed", run.stdout) and " failed" not in run.stdout.splitlines()[-1], report
    figures = list((work / "reports" / "figures").glob("*.svg"))
    page = (work / "reports" / "briefing.html").read_text(encoding="utf-8")
    assert figures and all(f'src="figures/{f.name}"' in page for f in figures), report
    assert "How sure these tables are" in page


def test_corrections_file_and_readme_are_in_step():
    """data/corrections.csv is committed with its header (and parses), and the README documents its columns
    and actions as policyqa.corrections declares them."""
    from policyqa import corrections

    text = (ROOT / "data" / "corrections.csv").read_text(encoding="utf-8")
    assert corrections.header_line() in text.splitlines()
    assert corrections.parse(text, "data/corrections.csv") == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert corrections.columns_markdown() in readme
