"""Score chapters against gold readings with score.py, the way chapters nobody here has seen are scored.

The project carries its own copy of the gold files and of score.py (tests/data/); the tables printed here
are the ones in the README. Four sets, from the most to the least tuned-to:

- the corpus (data/raw, gold in tests/data/gold): the chapters the rules were written on;
- tests/data/heldout, heldout2, blind3 to blind38: chapters written by developers who never read lib/, each scored
  once before any rule was changed for it (the README keeps that first run). Their bars sit just under
  today's means: a guard against rules that only fit the chapters they were written on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from policyqa.cli import main as cli

ROOT = Path(__file__).resolve().parents[1]
GOLD = sorted((ROOT / "tests" / "data" / "gold").glob("*.json"))
MEASURES = ("guidelines", "listed", "obligations", "questions", "xrefs")


def score(gold: Path, out: Path, folder: Path = ROOT / "data" / "raw") -> dict[str, float | None]:
    """One chapter's F1 per measure; None where the chapter has nothing to score ('listed' without a list)."""
    chapter = folder / json.loads(gold.read_text(encoding="utf-8"))["file"]
    assert cli(["tables", str(chapter), "--out", str(out), "--quiet"]) == 0
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "data" / "score.py"), str(gold), str(out)],
                          capture_output=True, text=True, check=False)
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("F1 "), done.stdout + done.stderr
    return {k: None if v == "n/a" else float(v) for k, v in (part.split("=") for part in last[3:].split())}


def means(scores: dict[str, dict[str, float | None]]) -> dict[str, float]:
    out = {}
    for m in MEASURES:
        values = [s[m] for s in scores.values() if s[m] is not None]
        out[m] = sum(values) / len(values) if values else 1.0
    return out


def table(scores: dict[str, dict[str, float | None]]) -> str:
    cell = lambda v: "n/a" if v is None else f"{v:.2f}"  # noqa: E731
    rows = ["| chapter | " + " | ".join(MEASURES) + " |", "|---" * (len(MEASURES) + 1) + "|"]
    for name, s in scores.items():
        rows.append(f"| {name} | " + " | ".join(cell(s[m]) for m in MEASURES) + " |")
    mean = means(scores)
    rows.append("| **mean** | " + " | ".join(f"{mean[m]:.2f}" for m in MEASURES) + " |")
    return "\n".join(rows)


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict[str, dict[str, float | None]]:
    base = tmp_path_factory.mktemp("score")
    return {g.stem: score(g, base / g.stem) for g in GOLD}


def test_gold_files_and_chapters_are_carried_by_the_project():
    assert len(GOLD) >= 9
    for g in GOLD:
        assert (ROOT / "data" / "raw" / json.loads(g.read_text(encoding="utf-8"))["file"]).is_file()


def test_scores(scores, capsys):
    """The development chapters: Denmark, the original, exactly; every chapter at least 0.75 on each
    measure and the means near 1 (a change that fixes one chapter by breaking another shows here)."""
    with capsys.disabled():
        print("\n\nF1 against tests/data/gold (score.py):\n" + table(scores))
    assert all(v in (1.0, None) for v in scores["denmark"].values()), scores["denmark"]
    for name, s in scores.items():
        for m in MEASURES:
            assert s[m] is None or s[m] >= 0.75, (name, m, s[m])
    mean = means(scores)
    assert min(mean.values()) >= 0.95, mean


@pytest.mark.parametrize("folder, bars", [
    ("heldout", {"questions": 1.0, "xrefs": 0.95, "guidelines": 0.93, "listed": 0.92, "obligations": 0.92}),
    ("heldout2", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.82, "listed": 0.77, "obligations": 0.74}),
    ("blind3", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.95, "listed": 0.96, "obligations": 0.82}),
    ("blind4", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.90, "listed": 0.90, "obligations": 0.82}),
    ("blind5", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.89, "listed": 0.84, "obligations": 0.75}),
    ("blind6", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.88, "listed": 0.87, "obligations": 0.79}),
    ("blind7", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.90, "listed": 0.92, "obligations": 0.71}),
    ("blind8", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.93, "listed": 0.92, "obligations": 0.81}),
    ("blind9", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.89, "listed": 0.88, "obligations": 0.74}),
    ("blind10", {"questions": 0.96, "xrefs": 0.95, "guidelines": 0.92, "listed": 0.92, "obligations": 0.81}),
    ("blind11", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.96, "listed": 0.96, "obligations": 0.81}),
    ("blind12", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.92, "listed": 0.92, "obligations": 0.79}),
    ("blind13", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.68, "listed": 0.62, "obligations": 0.44}),
    ("blind14", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.75, "listed": 0.75, "obligations": 0.54}),
    ("blind15", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.79, "listed": 0.76, "obligations": 0.50}),
    ("blind16", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.66, "listed": 0.53, "obligations": 0.42}),
    ("blind17", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.94, "listed": 0.94, "obligations": 0.83}),
    ("blind18", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.84, "listed": 0.85, "obligations": 0.60}),
    ("blind19", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.89, "listed": 0.86, "obligations": 0.71}),
    ("blind20", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.96, "listed": 0.95, "obligations": 0.82}),
    ("blind21", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.82, "listed": 0.82, "obligations": 0.60}),
    ("blind22", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.88, "listed": 0.92, "obligations": 0.86}),
    ("blind23", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.72, "listed": 0.76, "obligations": 0.48}),
    ("blind24", {"questions": 0.97, "xrefs": 0.93, "guidelines": 0.80, "listed": 0.87, "obligations": 0.68}),
    ("blind25", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.77, "listed": 0.76, "obligations": 0.55}),
    ("blind26", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.80, "listed": 0.80, "obligations": 0.63}),
    ("blind27", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.87, "listed": 0.84, "obligations": 0.66}),
    ("blind28", {"questions": 0.98, "xrefs": 0.93, "guidelines": 0.94, "listed": 0.93, "obligations": 0.75}),
    ("blind29", {"questions": 0.98, "xrefs": 0.97, "guidelines": 0.82, "listed": 0.79, "obligations": 0.55}),
    ("blind30", {"questions": 0.98, "xrefs": 0.98, "guidelines": 0.90, "listed": 0.92, "obligations": 0.85}),
    ("blind31", {"questions": 0.97, "xrefs": 0.98, "guidelines": 0.86, "listed": 0.87, "obligations": 0.72}),
    ("blind32", {"questions": 0.98, "xrefs": 0.98, "guidelines": 0.74, "listed": 0.72, "obligations": 0.48}),
    ("blind33", {"questions": 0.98, "xrefs": 0.95, "guidelines": 0.66, "listed": 0.69, "obligations": 0.47}),
    ("blind34", {"questions": 0.98, "xrefs": 0.98, "guidelines": 0.49, "listed": 0.57, "obligations": 0.46}),
    ("blind35", {"questions": 0.97, "xrefs": 0.92, "guidelines": 0.86, "listed": 0.88, "obligations": 0.70}),
    ("blind36", {"questions": 0.98, "xrefs": 0.98, "guidelines": 0.75, "listed": 0.88, "obligations": 0.65}),
    ("blind37", {"questions": 0.98, "xrefs": 0.92, "guidelines": 0.92, "listed": 0.90, "obligations": 0.80}),
    ("blind38", {"questions": 0.98, "xrefs": 0.98, "guidelines": 0.81, "listed": 0.74, "obligations": 0.53}),
])
def test_held_out_chapters(tmp_path, capsys, folder, bars):
    """Chapters written by developers who never read lib/, with their own gold readings (heldout: made to
    be hard; heldout2: paraphrases of published chapters of eight more jurisdictions; blind3 to blind38: six
    more each, written after the rule registry replaced the first extractor, each scored before it was tuned
    to)."""
    base = ROOT / "tests" / "data" / folder
    golds = sorted((base / "gold").glob("*.json"))
    assert len(golds) >= 6
    scores = {g.stem: score(g, tmp_path / g.stem, base) for g in golds}
    with capsys.disabled():
        print(f"\n\nF1 on held-out chapters (tests/data/{folder}):\n" + table(scores))
    mean = means(scores)
    for measure, bar in bars.items():
        assert mean[measure] >= bar, (measure, mean[measure])
