"""Each rule family against its fixture file, in the manner of markdown-it-py's fixtures.

`tests/fixtures/rules/<family>.txt` holds cases: a line that says what the case shows, then three
dot-lines around the chapter text and the rows expected of it:

    what the case shows
    .
    {Q13}
    <BLANK>
    Yes. The Cyber Centre publishes the Board Toolkit, which is voluntary for listed companies.
    .
    guideline: Board Toolkit | Cyber Centre
    obligation: Board Toolkit | listed companies | voluntary
    .

`{Q13}` stands for question 13 of data/reference/questionnaire.csv. Expected lines, each compared as a whole
set for the kinds the case names (a kind it does not name is not checked):

    guideline: TITLE | AUTHORITY        (AUTHORITY "-" when none; `guideline: none` for no guideline)
    rule: TITLE | RULE                   (the rule the guideline row names)
    obligation: TITLE | AUDIENCE | LEVEL
    law: TITLE
    stance: QUESTION | STANCE
    xref: FROM -> TO
    confidence: TITLE | LEVEL            (the guideline row's confidence)
    status_confidence: TITLE | AUDIENCE | LEVEL

A failing case prints what the rules made, so a new case can be written by running it once with no
expectations and checking the rows by hand (never by copying them).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import policyqa
import pytest
from policyqa.extract import PIPELINE

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "rules"
QUESTIONS = {r["question_no"]: r["question"] for r in
             csv.DictReader((ROOT / "data" / "reference" / "questionnaire.csv").open(encoding="utf-8"))}
KINDS = ("guideline", "rule", "obligation", "law", "stance", "xref", "confidence", "status_confidence")


@dataclass
class Case:
    family: str
    line: int
    title: str
    text: str
    expected: dict[str, list[str]]

    @property
    def id(self) -> str:
        return f"{self.family}:{self.line}"


def read_cases(path: Path) -> list[Case]:
    """Cases of one fixture file; a malformed file fails with its own line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cases, i = [], 0
    while i < len(lines):
        if not lines[i].strip() or lines[i].startswith("#"):
            i += 1
            continue
        title, start = lines[i], i + 1
        if i + 1 >= len(lines) or lines[i + 1] != ".":
            raise ValueError(f"{path.name}:{i + 2}: expected '.' after the case title")
        ends = [j for j in range(i + 2, len(lines)) if lines[j] == "."][:2]
        if len(ends) < 2:
            raise ValueError(f"{path.name}:{start}: a case needs three '.' lines")
        text = "\n".join(lines[i + 2: ends[0]])
        text = re.sub(r"\{Q(\d+)\}", lambda m: QUESTIONS[m.group(1)], text) + "\n"
        expected: dict[str, list[str]] = {}
        for n, row in enumerate(lines[ends[0] + 1: ends[1]], ends[0] + 2):
            kind, _, value = row.partition(":")
            if kind not in KINDS or not value.strip():
                raise ValueError(f"{path.name}:{n}: not an expected row: {row!r}")
            expected.setdefault(kind, [])
            if value.strip() != "none":
                expected[kind].append(" ".join(value.split()))
        cases.append(Case(path.stem, start, title, text, expected))
        i = ends[1] + 1
    return cases


CASES = [c for path in sorted(FIXTURES.glob("*.txt")) for c in read_cases(path)]


def made(tables) -> dict[str, list[str]]:
    g, o = tables.guidelines, tables.obligations
    titles = dict(zip(g["guideline_id"], g["title"]))
    out = {
        "guideline": [f"{r.title} | {r.issuing_authority if isinstance(r.issuing_authority, str) else '-'}"
                      for r in g.itertuples()],
        "rule": [f"{r.title} | {r.rule}" for r in g.itertuples()],
        "obligation": [f"{titles[r.guideline_id]} | {r.audience} | {r.mandatoriness}" for r in o.itertuples()],
        "law": list(tables.laws["title"]),
        "stance": [f"{r.question_no} | {r.stance}" for r in tables.questions.itertuples()],
        "xref": [f"{r.from_question_no} -> {r.to_question_no}" for r in tables.cross_references.itertuples()],
        "confidence": [f"{r.title} | {r.confidence}" for r in g.itertuples()],
        "status_confidence": [f"{titles[r.guideline_id]} | {r.audience} | {r.status_confidence}"
                              for r in o.itertuples()],
    }
    return {k: [" ".join(v.split()) for v in vs] for k, vs in out.items()}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_fixture(case: Case, tmp_path):
    path = tmp_path / "chapter.txt"
    path.write_text(case.text, encoding="utf-8")
    tables = policyqa.read_chapter(path, jurisdiction="Testland", cache=False)
    got = made(tables)
    shown = "\n".join(f"{k}: {v}" for k in KINDS for v in got[k])
    for kind, want in case.expected.items():
        if kind == "guideline":  # in the order of the text
            assert got[kind] == want, f"{case.title}\n--- made:\n{shown}"
        else:
            assert sorted(got[kind]) == sorted(want), f"{case.title}\n--- made:\n{shown}"


def test_every_rule_family_has_fixtures():
    """A family with no cases of its own is tested only through whole chapters, where a regression hides."""
    families = {name.split(".")[0] for name in PIPELINE} - {"text"}
    have = {c.family for c in CASES}
    assert families <= have, sorted(families - have)
    for family in families:
        assert sum(c.family == family for c in CASES) >= 4, family


def test_a_malformed_fixture_names_its_line(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_text("a case\n.\n{Q13}\n.\nguidline: X | Y\n.\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.txt:5: not an expected row"):
        read_cases(bad)


def test_a_place_whose_name_holds_of_is_no_break_before_a_title_head():
    # "Isle of Ruritania National Cyber Security Strategy": the head is "Strategy", not the "Isle" before "of"
    from policyqa.api import load_reference
    from policyqa.extract.titles import kept_in_guidance_list, not_guidance
    ref = load_reference(None)
    title = "Isle of Ruritania National Cyber Security Strategy 2022–2027"
    assert not_guidance(ref, title) is None  # (the place unknown: the words before "of" are read as the head)
    assert not_guidance(ref, title, "Isle of Ruritania") == "strategy"
    assert not kept_in_guidance_list(title, "strategy", "Isle of Ruritania")
