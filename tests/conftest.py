"""Fixtures shared by test files: a copy of the project with one chapter added to its corpus.

An analyst's loop is: drop a chapter into data/raw/, review it, correct it, brief. `added_project` is that
situation, built once per session in a temporary folder: the notebooks, a copy of data/raw/ plus
tests/data/added/zembla.txt (a made-up jurisdiction, with no manifest row, so its jurisdiction is a guess),
and a data/corrections.csv written from what the extractor finds in it today (so the rows survive changes to
the extractor: they name the titles it extracts now). The Makefile, pyproject.toml, constraints.txt and
.venv are links to this work tree's, so `make -o .venv/.installed briefing` runs the real make there without
ever installing anything.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADDED = ROOT / "tests" / "data" / "added" / "zembla.txt"
#: The audience every correction of the added chapter gives its guidelines: it changes the chapter's findings.
AUDIENCE = "banks"
STALE_TITLE = "Guide the extractor never found"


@dataclass
class Project:
    root: Path
    chapter: str  # the added chapter's file name
    jurisdiction: str
    corrections: str  # the text of data/corrections.csv
    stale_line: int  # the line of its stale row
    corrected: list[str]  # the extracted titles it corrects


def kernel_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    env.pop("POLICYQA_CORRECTIONS", None)
    env["MPLBACKEND"] = "Agg"
    return env


def corrections_for(chapter: Path) -> tuple[str, int, list[str], str]:
    """data/corrections.csv for the added chapter: every guideline the extractor finds gets a `status` row
    (mandatory for AUDIENCE), the first one a `checked` row too, and one row names a title nobody extracts
    (stale). Returns the text, the stale row's line, the titles corrected and the jurisdiction."""
    import policyqa
    from policyqa import corrections

    t = policyqa.read_chapter(chapter, corrections="none", cache=False)
    jur = t.summaries[0].jurisdiction
    rows = [corrections.header_line()]
    titles = list(dict.fromkeys(t.guidelines["title"]))
    for title in titles:
        rows.append(corrections.row_csv(jurisdiction=jur, source_file=chapter.name, action="status", title=title,
                                        audience=AUDIENCE, mandatoriness="mandatory", note="read by hand"))
    rows.append(corrections.row_csv(jurisdiction=jur, source_file=chapter.name, action="checked", title=titles[0]))
    rows.append(corrections.row_csv(jurisdiction=jur, source_file=chapter.name, action="drop", title=STALE_TITLE))
    return "\n".join(rows) + "\n", len(rows), titles, jur


def make_project(folder: Path, corrections: bool = True) -> Project:
    """A copy of the project whose data/raw/ holds the corpus and the added chapter (see the module)."""
    raw = folder / "data" / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    shutil.copy(ADDED, raw / ADDED.name)
    shutil.copytree(ROOT / "notebooks", folder / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for name in ("Makefile", "pyproject.toml", "constraints.txt", ".venv"):
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name)
    text, stale, titles, jur = corrections_for(raw / ADDED.name)
    if corrections:
        (folder / "data" / "corrections.csv").write_text(text, encoding="utf-8")
    return Project(folder, ADDED.name, jur, text, stale, titles)


@pytest.fixture(scope="session")
def added_project(tmp_path_factory) -> Project:
    return make_project(tmp_path_factory.mktemp("added") / "project")
