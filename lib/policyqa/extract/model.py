"""What extraction hands to `tables`: plain records of one chapter's facts, each saying which rule made it."""

from __future__ import annotations

from dataclasses import dataclass, field

from policyqa.schema import Diagnostic


@dataclass(frozen=True, slots=True)
class Obligation:
    audience: str
    group: str  # audience_group
    level: str  # mandatoriness
    line: int
    source: str  # own | list | paragraph | answer | none
    rule: str
    confidence: str


@dataclass(slots=True)
class Guideline:
    title: str
    authority: str | None
    abbreviation: str | None
    authority_source: str
    instrument_type: str
    question_no: int | None
    line: int
    where: str
    not_exhaustive: bool
    rule: str
    confidence: str
    obligations: list[Obligation] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Law:
    title: str
    kind: str
    number: str | None
    year: int | None
    question_no: int | None
    line: int
    rule: str
    confidence: str


@dataclass
class Extraction:
    guidelines: list[Guideline]
    laws: list[Law]
    cross_references: list[tuple[int | None, int, int, str]]  # from question no, to question no, line, words
    stances: dict[int, str]  # question line -> stance
    diagnostics: list[Diagnostic]
