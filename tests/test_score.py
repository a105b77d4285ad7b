"""Score every chapter in data/raw against its gold file, the way chapters nobody here has seen are scored.

The project carries its own copy of the gold files and of score.py (tests/data/); the table printed here is
the one in the README.
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


def score(gold: Path, out: Path, folder: Path = ROOT / "data" / "raw") -> dict[str, float]:
    chapter = folder / json.loads(gold.read_text(encoding="utf-8"))["file"]
    assert cli(["tables", str(chapter), "--out", str(out), "--quiet"]) == 0
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "data" / "score.py"), str(gold), str(out)],
                          capture_output=True, text=True, check=False)
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("F1 "), done.stdout + done.stderr
    return {k: float(v) for k, v in (part.split("=") for part in last[3:].split())}


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict[str, dict[str, float]]:
    base = tmp_path_factory.mktemp("score")
    return {g.stem: score(g, base / g.stem) for g in GOLD}


def test_gold_files_and_chapters_are_carried_by_the_project():
    assert len(GOLD) >= 9
    for g in GOLD:
        assert (ROOT / "data" / "raw" / json.loads(g.read_text(encoding="utf-8"))["file"]).is_file()


def test_scores(scores, capsys):
    rows = ["| chapter | " + " | ".join(MEASURES) + " |", "|---" * (len(MEASURES) + 1) + "|"]
    for name, s in scores.items():
        rows.append(f"| {name} | " + " | ".join(f"{s[m]:.2f}" for m in MEASURES) + " |")
    mean = {m: sum(s[m] for s in scores.values()) / len(scores) for m in MEASURES}
    rows.append("| **mean** | " + " | ".join(f"{mean[m]:.2f}" for m in MEASURES) + " |")
    with capsys.disabled():
        print("\n\nF1 against tests/data/gold (score.py):\n" + "\n".join(rows))
    assert all(v == 1.0 for v in scores["denmark"].values()), scores["denmark"]
    for name, s in scores.items():
        for m in ("listed", "obligations", "questions", "xrefs"):
            assert s[m] >= 0.9, (name, m, s[m])
    assert mean["guidelines"] >= 0.7


def table(scores: dict[str, dict[str, float]]) -> str:
    rows = ["| chapter | " + " | ".join(MEASURES) + " |", "|---" * (len(MEASURES) + 1) + "|"]
    for name, s in scores.items():
        rows.append(f"| {name} | " + " | ".join(f"{s[m]:.2f}" for m in MEASURES) + " |")
    mean = {m: sum(s[m] for s in scores.values()) / len(scores) for m in MEASURES}
    rows.append("| **mean** | " + " | ".join(f"{mean[m]:.2f}" for m in MEASURES) + " |")
    return "\n".join(rows)


@pytest.mark.parametrize("folder, bars", [
    ("heldout", {"questions": 1.0, "xrefs": 1.0, "guidelines": 0.85, "listed": 0.85, "obligations": 0.8}),
    ("heldout2", {"questions": 1.0, "xrefs": 0.95, "guidelines": 0.75, "listed": 0.6, "obligations": 0.6}),
])
def test_held_out_chapters(tmp_path, capsys, folder, bars):
    """Chapters written for evaluation by developers who never read lib/, with their own gold readings
    (tests/data/heldout: made to be hard; tests/data/heldout2: paraphrases of published chapters of eight
    more jurisdictions): a guard against rules that only fit the development chapters. The bars sit just
    under today's means (see the README), lower than for the corpus: some gold readings are debatable
    and these chapters were not used to build the rules until they were scored."""
    base = ROOT / "tests" / "data" / folder
    golds = sorted((base / "gold").glob("*.json"))
    assert len(golds) >= 6
    scores = {g.stem: score(g, tmp_path / g.stem, base) for g in golds}
    with capsys.disabled():
        print(f"\n\nF1 on held-out chapters (tests/data/{folder}):\n" + table(scores))
    mean = {m: sum(s[m] for s in scores.values()) / len(scores) for m in MEASURES}
    for measure, bar in bars.items():
        assert mean[measure] >= bar, (measure, mean[measure])
