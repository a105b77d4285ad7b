"""The notebooks: committed without outputs, parameterised, and rerun with nbval so their checks guard findings.

The nbval run (`pytest --nbval-lax` on a copy of notebooks/ beside a copy of data/ with one chapter added,
so a rerun never writes into the work tree) is in test_adding_a_chapter.py. --nbval-lax runs every cell and
fails on any error, which is what the notebooks' assert cells need; outputs are not compared, because the
notebooks are committed without them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
EXPECTED = ["01-read-a-chapter", "02-guidelines-by-authority", "03-audience-and-mandatoriness",
            "04-compare-jurisdictions", "05-briefing", "06-review-a-chapter", "07-what-changed"]


def test_the_notebooks_in_reading_order():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stripped_parameterised_and_calls_the_library(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "policyqa"
    code = [c for c in nb.cells if c.cell_type == "code"]
    for c in code:
        assert c.outputs == [] and c.execution_count is None, \
            f"{path.name}: commit notebooks without outputs (jupyter nbconvert --clear-output --inplace)"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, f"{path.name}: one cell tagged 'parameters'"
    assert "DATA =" in params[0].source and "JURISDICTION =" in params[0].source
    source = "\n".join(c.source for c in code)
    assert "from policyqa import" in source
    for trick in (r"sys\.path", r"import matplotlib", r"\bplt\.", r"\bre\.compile", r"(?<![\w.])open\("):
        assert not re.search(trick, source), f"{path.name}: {trick!r} belongs in the library, not in a cell"
    assert max(len(c.source.splitlines()) for c in code) <= 30
    assert "assert " in source, f"{path.name}: a notebook checks its findings"


def _kernel_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env["MPLBACKEND"] = "Agg"
    return env


# The nbval run of every notebook is in test_adding_a_chapter.py: it runs on the corpus with one chapter added
# (and corrections for it), so it checks at once that the notebooks pass and that adding a chapter breaks none
# of their checks, those pinned to denmark.txt included.


def _pdf_text(path: Path) -> tuple[int, str]:
    """Page count and the text of every page, whitespace and ligatures (ﬁ) normalised."""
    import unicodedata

    from pypdf import PdfReader

    reader = PdfReader(path)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(unicodedata.normalize("NFKC", text).split())


def _words(sentence: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", sentence).split())


def test_briefing_runs_the_notebooks_with_parameters_and_rerun_keeps_svgs(tmp_path):
    """`python -m policyqa.briefing` as `make briefing` runs it: papermill, a progress line per notebook,
    another jurisdiction injected (the chapter naming the fewest guidelines, the hardest case for the
    single-chapter notebooks: its near-empty charts are skipped with a sentence), the page printed to
    reports/briefing.pdf (read back page by page), and byte-identical SVG files on a rerun."""
    from policyqa import briefing
    from policyqa.api import read_corpus

    if briefing.ensure_chromium() is None:
        pytest.skip("Debian's chromium is not installed and cannot be installed here (needs root and apt-get)")
    corpus = read_corpus(ROOT / "data" / "raw")
    counts = {s.jurisdiction: int((corpus.guidelines["jurisdiction"] == s.jurisdiction).sum())
              for s in corpus.summaries}
    chosen = min(sorted(counts), key=counts.get)
    outs = []
    for run, only, pdf in (("a", ["01", "02", "03", "05"], True), ("b", ["05"], False)):
        reports = tmp_path / run / "reports"
        cmd = [sys.executable, "-m", "policyqa.briefing", "--jurisdiction", chosen, "--data", str(ROOT / "data/raw"),
               "--reports", str(reports), "--executed", str(tmp_path / run / "executed"), "--only", *only]
        done = subprocess.run(cmd + ([] if pdf else ["--no-pdf"]), cwd=ROOT, capture_output=True, text=True,
                              timeout=600, env=_kernel_env())
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"[{len(only)}/{len(only)}] 05-briefing: ok" in done.stdout, done.stdout
        assert "briefing.html" in done.stdout.splitlines()[-1]
        assert ("pdf:" in done.stdout) == pdf and (reports / "briefing.pdf").is_file() == pdf
        outs.append({p.name: p.read_bytes() for p in (reports / "figures").glob("*.svg")})
        executed = json.loads((tmp_path / run / "executed" / "05-briefing.ipynb").read_text(encoding="utf-8"))
        injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
        assert injected and chosen in "".join(injected[0]["source"])
    assert outs[0] and outs[0] == outs[1]
    # the PDF: the page's text, every finding sentence and every skipped chart's sentence, a page per chart or so
    pack = briefing.build_pack(ROOT / "data" / "raw", chosen, tmp_path / "again")
    pages, text = _pdf_text(tmp_path / "a" / "reports" / "briefing.pdf")
    assert len(pack.figures) // 2 + 1 <= pages <= len(pack.figures) + 4, pages
    assert f"Cybersecurity guidance briefing: {chosen}" in text
    for sentence in [*pack.sentences, *pack.skipped.values()]:
        assert _words(sentence) in text, sentence
    assert "Guidelines by authority and status" in text
    assert f"1 / {pages}" in text and f"{pages} / {pages}" in text  # page numbers in the footer


def test_notebook_html_escapes_chapter_text(tmp_path):
    """A chapter whose jurisdiction is a script: the notebooks run, and neither the HTML exported from them
    (nbconvert) nor the briefing page carries the script as markup."""
    data = tmp_path / "data"
    data.mkdir()
    hostile = "Den<script>alert(1)</script>mark"
    for name in ("denmark.txt", "austria.txt"):
        shutil.copy(ROOT / "data" / "raw" / name, data / name)
    (data / "manifest.csv").write_text("file,jurisdiction,sections,edition\n"
                                       f'denmark.txt,"{hostile}",,2019\naustria.txt,Austria,,2018\n', encoding="utf-8")
    cmd = [sys.executable, "-m", "policyqa.briefing", "--jurisdiction", hostile, "--data", str(data), "--no-pdf",
           "--reports", str(tmp_path / "reports"), "--executed", str(tmp_path / "executed"), "--only", "01", "04", "05",
           "06"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=_kernel_env())
    assert done.returncode == 0, done.stdout + done.stderr
    export = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(tmp_path / "html"),
              *[str(p) for p in sorted((tmp_path / "executed").glob("*.ipynb"))]]
    subprocess.run(export, check=True, capture_output=True, timeout=300)
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "html").glob("*.html")}
    pages["briefing.html"] = (tmp_path / "reports" / "briefing.html").read_text(encoding="utf-8")
    assert len(pages) == 5
    for name, page in pages.items():
        assert "<script>alert(1)</script>" not in page, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, name


def test_briefing_stops_at_a_failing_notebook(tmp_path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "policyqa", "display_name": "policyqa",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell('DATA = "x"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("assert DATA == 'never', 'a finding changed'")]
    nbformat.write(nb, nbdir / "01-check.ipynb")
    cmd = [sys.executable, "-m", "policyqa.briefing", "--data", str(ROOT / "data/raw"), "--notebooks", str(nbdir),
           "--reports", str(tmp_path / "reports"), "--executed", str(tmp_path / "executed")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, env=_kernel_env())
    assert done.returncode == 1
    assert "[1/1] 01-check: FAILED" in done.stdout and "a finding changed" in done.stdout, done.stdout
