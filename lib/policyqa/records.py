"""One record type per output table.

The pipeline builds plain dataclasses and turns them into DataFrames only at
the edge (`policyqa.tables`), so parsing and extraction stay pure Python and
cheap to cache, and the column order of every table is declared once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

MANDATORINESS_LEVELS = ("mandatory", "mandatory in some cases", "voluntary", "not stated")
STANCES = ("yes", "no", "partly", "descriptive", "unanswered")
DIAGNOSTIC_LEVELS = ("unplaced", "warning", "guess")
NOT_STATED = "not stated"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A line the parser could not place, a guess it made, or a warning about the input."""

    source_file: str
    line: int
    level: str
    message: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class QuestionRow:
    jurisdiction: str
    question_no: int | None
    section: str | None
    subsection: str | None
    question: str
    answer: str
    stance: str
    source_file: str
    line: int
    answer_line: int | None
    match: str
    match_score: float
    shares_answer_with: int | None
    edition: str | None


@dataclass(frozen=True, slots=True)
class GuidelineRow:
    guideline_id: str
    jurisdiction: str
    question_no: int | None
    title: str
    issuing_authority: str | None
    authority_abbreviation: str | None
    instrument_type: str
    source_file: str
    line: int
    where: str
    not_exhaustive: bool
    authority_source: str


@dataclass(frozen=True, slots=True)
class ObligationRow:
    guideline_id: str
    audience: str
    mandatoriness: str
    line: int
    jurisdiction: str
    source_file: str
    evidence: str


@dataclass(frozen=True, slots=True)
class CrossReferenceRow:
    jurisdiction: str
    from_question_no: int | None
    to_question_no: int
    line: int
    source_file: str
    reference: str


@dataclass(frozen=True, slots=True)
class AuthorityRow:
    jurisdiction: str
    issuing_authority: str
    abbreviation: str | None
    n_guidelines: int


def columns(record_type: type) -> list[str]:
    """The table's columns, in order, as declared by its record type."""
    return [f.name for f in fields(record_type)]
