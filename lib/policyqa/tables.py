"""Step 4: parsed chapter and extracted facts to tidy tables.

This is the only step that touches pandas: records are built as dataclasses
and turned into DataFrames once, with the column order declared by the record
types, so that stacking a thousand chapters costs one DataFrame per table.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from policyqa.extract import Extraction
from policyqa.parse import Block, Chapter
from policyqa.records import (
    AuthorityRow,
    CrossReferenceRow,
    Diagnostic,
    GuidelineRow,
    ObligationRow,
    QuestionRow,
)

TABLES = ("questions", "guidelines", "obligations", "cross_references", "authorities", "diagnostics")


@dataclass
class Records:
    """The rows of every table for one or more chapters, before they become DataFrames."""

    questions: list[QuestionRow]
    guidelines: list[GuidelineRow]
    obligations: list[ObligationRow]
    cross_references: list[CrossReferenceRow]
    diagnostics: list[Diagnostic]

    def extend(self, other: Records) -> None:
        for name in ("questions", "guidelines", "obligations", "cross_references", "diagnostics"):
            getattr(self, name).extend(getattr(other, name))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chapter"


def answer_text(blocks: list[Block]) -> str:
    """Answer text with list items kept as lines, nested ones indented."""
    lines = []
    for b in blocks:
        if b.kind == "item":
            lines.append("  " * b.level + "• " + b.text)
        else:
            lines.append(b.text)
    return "\n".join(lines)


def build_records(chapter: Chapter, ex: Extraction, id_prefix: str | None = None) -> Records:
    jur = chapter.jurisdiction
    src = chapter.source_file
    questions = []
    for q in chapter.questions:
        blocks = chapter.answer_blocks(q)
        owner_no = next((x.number for x in chapter.questions if x.line == q.shares_answer_of), None)
        questions.append(QuestionRow(
            jur, q.number, q.section, q.subsection, q.text, answer_text(blocks), ex.stances[q.line], src, q.line,
            blocks[0].line if blocks else None, q.match, float(q.score), owner_no, chapter.edition,
        ))
    prefix = id_prefix or slug(src.rsplit(".", 1)[0])
    guidelines, obligations = [], []
    for n, g in enumerate(ex.guidelines, start=1):
        gid = f"{prefix}-{n:03d}"
        guidelines.append(GuidelineRow(
            gid, jur, g.question.number, g.title, g.authority, g.abbreviation, g.instrument_type, src, g.line,
            g.where, g.not_exhaustive, g.authority_source or "none",
        ))
        for audience, level, line, evidence in g.obligations:
            obligations.append(ObligationRow(gid, audience, level, line, jur, src, evidence))
    xrefs = [CrossReferenceRow(jur, q.number, to, line, src, text) for q, to, line, text in ex.cross_references]
    diags = list(chapter.diagnostics) + list(ex.diagnostics)
    return Records(questions, guidelines, obligations, xrefs, diags)


def authority_rows(guidelines: list[GuidelineRow]) -> list[AuthorityRow]:
    counts: Counter = Counter()
    abbreviations: dict[tuple[str, str], str | None] = {}
    for g in guidelines:
        if not g.issuing_authority:
            continue
        key = (g.jurisdiction, g.issuing_authority)
        counts[key] += 1
        if g.authority_abbreviation and not abbreviations.get(key):
            abbreviations[key] = g.authority_abbreviation
    return [AuthorityRow(j, a, abbreviations.get((j, a)), n) for (j, a), n in sorted(counts.items())]


def to_frames(records: Records) -> dict:
    """DataFrames with declared columns and dtypes; validated by the caller."""
    import pandas as pd

    from policyqa.records import (
        DIAGNOSTIC_LEVELS,
        MANDATORINESS_LEVELS,
        STANCES,
        columns,
    )

    text, count = "string", "Int64"
    types = {
        QuestionRow: dict.fromkeys(["jurisdiction", "section", "subsection", "question", "answer", "source_file",
                                    "match", "edition"], text)
        | dict.fromkeys(["question_no", "line", "answer_line", "shares_answer_with"], count)
        | {"match_score": "float64"},
        GuidelineRow: dict.fromkeys(["guideline_id", "jurisdiction", "title", "issuing_authority",
                                     "authority_abbreviation", "instrument_type", "source_file", "where",
                                     "authority_source"], text)
        | dict.fromkeys(["question_no", "line"], count) | {"not_exhaustive": "bool"},
        ObligationRow: dict.fromkeys(["guideline_id", "audience", "jurisdiction", "source_file", "evidence"], text)
        | {"line": count},
        CrossReferenceRow: dict.fromkeys(["jurisdiction", "source_file", "reference"], text)
        | dict.fromkeys(["from_question_no", "to_question_no", "line"], count),
        AuthorityRow: dict.fromkeys(["jurisdiction", "issuing_authority", "abbreviation"], text)
        | {"n_guidelines": count},
        Diagnostic: dict.fromkeys(["source_file", "message", "text"], text) | {"line": count},
    }

    def frame(rows, record_type):
        """Column by column, each built once in its final dtype: no row tuples, no object frame to convert
        (the object frame and its copies were the peak of a big read_corpus)."""
        cols = columns(record_type)
        dtypes = types[record_type]
        return pd.DataFrame({c: pd.Series([getattr(r, c) for r in rows], dtype=dtypes.get(c, object))
                             for c in cols}, columns=cols)

    q = frame(records.questions, QuestionRow)
    g = frame(records.guidelines, GuidelineRow)
    o = frame(records.obligations, ObligationRow)
    x = frame(records.cross_references, CrossReferenceRow)
    a = frame(authority_rows(records.guidelines), AuthorityRow)
    d = frame(records.diagnostics, Diagnostic)
    q["stance"] = pd.Categorical(q["stance"], categories=list(STANCES))
    o["mandatoriness"] = pd.Categorical(o["mandatoriness"], categories=list(reversed(MANDATORINESS_LEVELS)),
                                        ordered=True)
    d["level"] = pd.Categorical(d["level"], categories=list(DIAGNOSTIC_LEVELS))
    return {"questions": q, "guidelines": g, "obligations": o, "cross_references": x, "authorities": a,
            "diagnostics": d}


def concat_frames(parts: list[dict]) -> dict:
    """The frames of several batches of chapters, stacked table by table (dtypes kept)."""
    import pandas as pd

    return {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}
