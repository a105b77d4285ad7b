"""In a real browser: the HTML briefing shows every figure, and JupyterLab runs 01-read-a-chapter to a chart and
06-review-a-chapter to its interactive table.

Headless Chromium is Debian's `chromium` package, driven by the `playwright` package (never
`playwright install`). When it is missing the set-up installs it with apt-get; the tests skip only
when that is impossible (not root, no apt-get, no package). Screenshots go to reports/screenshots/.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from policyqa.briefing import CHROMIUM_ARGS, ensure_chromium

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "reports" / "screenshots"
NOTEBOOK = "01-read-a-chapter.ipynb"
REVIEW = "06-review-a-chapter.ipynb"


@pytest.fixture(scope="session")
def chromium() -> str:
    path = ensure_chromium()  # installs Debian's chromium with apt-get when missing and possible, saying so
    if path is None:
        pytest.skip("Debian's chromium is not installed and cannot be installed here (needs root and apt-get)")
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# ----------------------------------------------------------------------------- (a) the HTML briefing

def _open(browser, path: Path, shot: str):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(path.as_uri(), wait_until="load", timeout=60_000)
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
    return page


@pytest.mark.parametrize("pick", ["most", "fewest", "all"])
def test_briefing_page_in_the_browser(browser, tmp_path, pick):
    """The page `make briefing` writes (built here by the same `build_pack` that 05-briefing calls), for the
    chapter naming the most guidelines, the one naming the fewest (near-empty charts skipped) and for all:
    every figure loads, findings are sentences rather than the charts' titles, the captions do not repeat
    the charts' subtitles or sources, and the guidelines table has one row per guideline of the chapter."""
    import policyqa
    from policyqa import analysis, briefing

    corpus = analysis.newest_editions(policyqa.read_corpus(ROOT / "data" / "raw"))
    counts = corpus.guidelines.groupby("jurisdiction").size().reindex(analysis.jurisdictions(corpus), fill_value=0)
    chosen = {"most": counts.idxmax(), "fewest": counts.idxmin(), "all": None}[pick]
    pack = briefing.build_pack(ROOT / "data" / "raw", chosen, tmp_path / "reports")
    page = _open(browser, pack.html, f"briefing-{pick}.png")
    try:
        images = page.evaluate("""() => [...document.querySelectorAll('#charts img')].map(i => ({
            src: i.getAttribute('src'), alt: i.alt, natural: i.naturalWidth, w: i.getBoundingClientRect().width,
            h: i.getBoundingClientRect().height}))""")
        findings = page.locator("#findings li").all_inner_texts()
        captions = page.locator("figcaption").all_inner_texts()
        skipped = page.locator("p.skipped").all_inner_texts()
        rows = page.locator("table.guidelines tbody tr:not(.authority)").count()
        groups = page.locator("table.guidelines tbody tr.authority").all_inner_texts()
        headings = page.locator("h2").all_inner_texts()
    finally:
        page.close()
    assert len(images) == len(pack.figures) and len(images) + len(skipped) == len(briefing.PACK)
    for img in images:
        assert img["natural"] > 0 and img["w"] > 0 and img["h"] > 0, img
    assert {img["src"] for img in images} == {f"figures/{f.svg.name}" for f in pack.figures}
    titles = {img["alt"] for img in images}
    assert findings == pack.sentences and not titles & set(findings)
    assert all(f.endswith(".") and re.search(r"\d", f) for f in findings), findings
    for caption, f in zip(captions, pack.figures):
        assert f.subtitle not in caption and f.source not in caption and f.finding not in caption, caption
    assert skipped == list(pack.skipped.values())
    own = analysis.select(corpus, chosen) if chosen else corpus
    assert rows == len(own.guidelines)
    assert len(groups) == len(own.guidelines.groupby(["jurisdiction", own.guidelines["issuing_authority"]
                                                      .fillna(analysis.NO_AUTHORITY)]))
    assert headings[:3] == ["Findings", "Guidelines by authority and status", "Charts"]
    if pick == "fewest":
        assert skipped, "the chapter naming the fewest guidelines has charts with too little to show"


def test_briefing_pdf_pages_hold_the_page_text(chromium, tmp_path):
    """reports/briefing.pdf as `make briefing` prints it: A4 pages, page numbers, the findings and the table."""
    import unicodedata

    import policyqa
    from policyqa import analysis, briefing
    from pypdf import PdfReader

    corpus = policyqa.read_corpus(ROOT / "data" / "raw")
    pack = briefing.build_pack(ROOT / "data" / "raw", None, tmp_path / "reports")
    pdf = briefing.write_pdf(pack.html, tmp_path / "reports" / "briefing.pdf", chromium)
    reader = PdfReader(pdf)
    pages = len(reader.pages)
    text = " ".join(unicodedata.normalize("NFKC", p.extract_text() or "") for p in reader.pages)
    text = " ".join(text.split())
    text = re.sub(r"(?<=\w)- (?=\w)", "-", text)  # a line wrapped at a compound's hyphen ("medium-" / "sized")
    # a page holds a chart or two, or a screenful of the guidelines table
    assert len(pack.figures) // 2 + 1 <= pages, pages
    assert pages <= len(pack.figures) + len(analysis.newest_editions(corpus).guidelines) // 6 + 4, pages
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    for sentence in pack.sentences:
        assert " ".join(unicodedata.normalize("NFKC", sentence).split()) in text, sentence
    assert "Guidelines by authority and status" in text and f"{pages} / {pages}" in text
    assert not list(pdf.parent.glob(".policyqa-tmp-*"))  # written all or nothing


# ----------------------------------------------------------------------------- (b) JupyterLab

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer {url} within {timeout} s")


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab on 127.0.0.1 serving a copy of notebooks/ (the committed notebook is never touched)."""
    work = tmp_path / "project"
    (work / "notebooks").mkdir(parents=True)
    for name in (NOTEBOOK, REVIEW):
        shutil.copy(ROOT / "notebooks" / name, work / "notebooks" / name)
    (work / "data").symlink_to(ROOT / "data", target_is_directory=True)
    # every cell rendered (no virtual scrolling) and no news prompt over the page: user settings of this run only
    settings = tmp_path / "lab-settings"
    for plugin, values in (("@jupyterlab/notebook-extension/tracker", '{"windowingMode": "none"}'),
                           ("@jupyterlab/apputils-extension/notification", '{"fetchNews": "false"}')):
        target = settings / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(values, encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"))
    log = (tmp_path / "jupyterlab.log").open("w")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={work / 'notebooks'}",
           "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.extension_manager=readonly"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI and the dev machines run as root
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            _wait_for_server(f"{base}/api/status?token={token}", proc)
        except (RuntimeError, TimeoutError) as exc:
            log.flush()
            pytest.fail(f"{exc}\n{(tmp_path / 'jupyterlab.log').read_text()[-3000:]}")
        yield base, token
    finally:
        try:  # shuts down the kernels it started, then itself
            req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(req, timeout=10).close()
            proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
        log.close()


def _run_all(page, base: str, token: str, notebook: str) -> None:
    """Open `notebook` in JupyterLab on its policyqa kernel, run all cells, and wait until every one has run."""
    page.goto(f"{base}/lab/tree/{notebook}?token={token}", wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=120_000)
    # the notebook's kernelspec is the registered `policyqa` kernel; JupyterLab starts it on opening
    kernel = ".jp-NotebookPanel .jp-Toolbar-kernelName"
    try:
        page.wait_for_function(f"() => /policyqa/.test(document.querySelector({kernel!r})?.textContent || '')",
                               timeout=90_000)
    except Exception:
        pytest.fail(f"the notebook did not get the policyqa kernel: {page.inner_text(kernel)!r}")
    n_code = sum(c.cell_type == "code" for c in nbformat.read(ROOT / "notebooks" / notebook, as_version=4).cells)
    prompts = "() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]"
    for _ in range(3):  # a click that lands before the notebook has focus runs nothing: then try again
        page.click(".jp-NotebookPanel .jp-Cell .jp-InputPrompt", timeout=30_000)  # focus the notebook
        page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=30_000)
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')", timeout=30_000)
        try:
            page.wait_for_function(f"() => ({prompts})().some(p => /\\[[*\\d]+\\]/.test(p.textContent))",
                                   timeout=15_000)
            break
        except Exception:
            continue
    try:
        page.wait_for_function(
            f"""(n) => {{
                const prompts = ({prompts})();
                return prompts.length === n && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }}""", arg=n_code, timeout=180_000)
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"jupyterlab-{notebook[:2]}-timeout.png"), full_page=True)
        states = page.evaluate(f"() => ({prompts})().map(p => p.textContent)")
        pytest.fail(f"not every cell ran within 180 s: prompts {states} of {n_code} code cells")


def _errors(page) -> list[str]:
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return errors.all_inner_texts() if errors.count() else []


def test_jupyterlab_runs_the_first_notebook_to_a_chart(browser, jupyterlab, tmp_path):
    base, token = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _run_all(page, base, token, NOTEBOOK)
        page.wait_for_selector(".jp-OutputArea-output img", state="attached", timeout=60_000)
        summary = page.locator(".jp-OutputArea-output .policyqa-tables").first.inner_text(timeout=30_000)
        img = page.locator(".jp-OutputArea-output img").first
        img.scroll_into_view_if_needed(timeout=30_000)
        size = img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
        error_text = _errors(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab-01.png"))
    finally:
        page.close()
    assert size[0] > 0 and size[1] > 0
    assert not error_text, error_text
    assert "Tables of 1 chapter" in summary and "guidelines" in summary and "Diagnostics" in summary, summary


def test_jupyterlab_runs_the_review_notebook_to_an_interactive_table(browser, jupyterlab, tmp_path):
    """06-review-a-chapter in JupyterLab: the guidelines table becomes a DataTable (itables, offline: its
    JavaScript comes from the wheel, the page reaches no other server), one row per guideline, and typing in
    its search box filters the rows; the chapter's answers sit beside it."""
    import policyqa
    from policyqa import analysis

    t = policyqa.read_chapter(analysis.chapter_path(ROOT / "data" / "raw", "Denmark"))
    titles = list(t.guidelines["title"])
    base, token = jupyterlab
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
    try:
        _run_all(page, base, token, REVIEW)
        grid = ".jp-OutputArea-output .policyqa-review .dt-container"
        page.wait_for_selector(grid, timeout=60_000)
        table = page.locator(f"{grid} table.dataTable").first
        table.scroll_into_view_if_needed(timeout=30_000)
        rows = page.locator(f"{grid} table.dataTable tbody tr").count()
        shown = page.locator(f"{grid} table.dataTable tbody tr td").all_inner_texts()
        search = page.locator(f"{grid} input[type='search']").first
        search.fill(titles[0])
        page.wait_for_function(f"() => document.querySelectorAll({grid + ' table.dataTable tbody tr'!r}).length < "
                               f"{rows}", timeout=30_000)
        filtered = page.locator(f"{grid} table.dataTable tbody tr").count()
        answers = page.locator(".jp-OutputArea-output .policyqa-review .policyqa-answers").first.inner_text()
        error_text = _errors(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "jupyterlab-06.png"))
    finally:
        page.close()
    assert not error_text, error_text
    assert rows == len(titles), (rows, len(titles))
    assert all(any(title in cell for cell in shown) for title in titles)
    assert 1 <= filtered < rows
    assert f"Q{int(t.guidelines['question_no'].dropna().iloc[0])}" in answers and titles[0] in answers
    assert not outside, outside
