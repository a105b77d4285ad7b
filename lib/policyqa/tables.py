"""Step 4: parsed chapter and extracted facts to tidy tables.

This is the only step that touches pandas: records are built as dataclasses
(declared in `policyqa.schema`) and turned into DataFrames once, column by
column in their declared dtypes, so that stacking a thousand chapters costs one
DataFrame per table.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from policyqa.extract import Extraction
from policyqa.parse import Block, Chapter
from policyqa.schema import (
    RECORDS,
    TABLES,
    AuthorityRow,
    CrossReferenceRow,
    Diagnostic,
    GuidelineRow,
    LawRow,
    ObligationRow,
    QuestionRow,
    columns,
    frame_dtypes,
)

TABLE_NAMES = tuple(TABLES)
_ROW_TABLES = ("questions", "guidelines", "obligations", "laws", "cross_references", "diagnostics")


@dataclass
class Records:
    """The rows of every table for one or more chapters, before they become DataFrames (authorities are
    counted from the guidelines)."""

    questions: list[QuestionRow] = field(default_factory=list)
    guidelines: list[GuidelineRow] = field(default_factory=list)
    obligations: list[ObligationRow] = field(default_factory=list)
    laws: list[LawRow] = field(default_factory=list)
    cross_references: list[CrossReferenceRow] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def extend(self, other: Records) -> None:
        for name in _ROW_TABLES:
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
    jur, ed, src = chapter.jurisdiction, chapter.edition, chapter.source_file
    questions = []
    for q in chapter.questions:
        blocks = chapter.answer_blocks(q)
        owner_no = next((x.number for x in chapter.questions if x.line == q.shares_answer_of), None)
        questions.append(QuestionRow(
            jur, ed, q.number, q.section, q.subsection, q.text, answer_text(blocks), ex.stances[q.line], src,
            q.line, blocks[0].line if blocks else None, q.match, float(q.score), owner_no,
        ))
    prefix = id_prefix or slug(src.rsplit(".", 1)[0])
    guidelines, obligations = [], []
    for n, g in enumerate(ex.guidelines, start=1):
        gid = f"{prefix}-{n:03d}"
        guidelines.append(GuidelineRow(
            gid, jur, ed, g.question_no, g.title, g.authority, g.abbreviation, g.instrument_type, src, g.line,
            g.where, g.not_exhaustive, g.authority_source or "none", g.rule, g.confidence,
        ))
        for o in g.obligations:
            obligations.append(ObligationRow(gid, o.audience, o.group, o.level, o.line, o.source, o.rule,
                                             o.confidence))
    laws = [LawRow(f"{prefix}-law-{n:03d}", jur, ed, x.question_no, x.title, x.kind, x.number, x.year, src, x.line,
                   x.rule, x.confidence) for n, x in enumerate(ex.laws, start=1)]
    xrefs = [CrossReferenceRow(jur, ed, from_no, to, src, line, text)
             for from_no, to, line, text in ex.cross_references]
    diags = list(chapter.diagnostics) + list(ex.diagnostics)
    return Records(questions, guidelines, obligations, laws, xrefs, diags)


def authority_keys(guidelines: list[GuidelineRow]) -> list[tuple]:
    """What the authorities table counts of each guideline row: a corpus read keeps only these, not its rows."""
    return [(g.jurisdiction, g.edition, g.issuing_authority, g.authority_abbreviation) for g in guidelines]


def authority_rows(keys: list[tuple]) -> list[AuthorityRow]:
    """One row per issuing authority, from (jurisdiction, edition, authority, abbreviation) per guideline."""
    counts: Counter = Counter()
    abbreviations: dict[tuple, str | None] = {}
    for jur, edition, authority, abbreviation in keys:
        if not authority:
            continue
        key = (jur, edition, authority)
        counts[key] += 1
        if abbreviation and not abbreviations.get(key):
            abbreviations[key] = abbreviation
    return [AuthorityRow(j, e, a, abbreviations.get((j, e, a)), n)
            for (j, e, a), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2]))]


def frame(table: str, rows: list):
    """One table's DataFrame, column by column, each built once in its final dtype: no row tuples, no object
    frame to convert (the object frame and its copies were the peak of a big read_corpus)."""
    import pandas as pd

    dtypes = frame_dtypes(table)
    cols = columns(table)
    return pd.DataFrame({c: pd.Series([getattr(r, c) for r in rows], dtype=dtypes[c]) for c in cols}, columns=cols)


def to_frames(records: Records) -> dict:
    """DataFrames with declared columns and dtypes; validated by the caller."""
    frames = {name: frame(name, getattr(records, name)) for name in _ROW_TABLES}
    frames["authorities"] = frame("authorities", authority_rows(authority_keys(records.guidelines)))
    return {name: frames[name] for name in TABLE_NAMES}


def empty_frames() -> dict:
    return to_frames(Records())


def concat_frames(parts: list[dict]) -> dict:
    """The frames of several batches of chapters, stacked table by table (dtypes kept)."""
    import pandas as pd

    return {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}


assert set(RECORDS) == set(TABLE_NAMES)
