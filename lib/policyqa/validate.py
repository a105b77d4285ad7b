"""Step 5: every table checked against a declared schema before anyone sees it.

The schemas say what analysts rely on: the columns and their types, the allowed
values of every category, and the keys that must be unique. A table that breaks
its schema is a bug in the library, reported with the offending rows, never a
silently wrong chart. pandera is imported here only, so `import policyqa` stays light.
"""

from __future__ import annotations

from functools import lru_cache

from policyqa.records import DIAGNOSTIC_LEVELS, MANDATORINESS_LEVELS, STANCES


class SchemaError(Exception):
    """A table broke its schema: a bug in policyqa, not in the user's input."""


@lru_cache(maxsize=1)
def schemas() -> dict:
    import pandas as pd
    import pandera.pandas as pa

    def text(nullable=False, **kw):
        return pa.Column("string", nullable=nullable, **kw)

    def count(nullable=False, **kw):
        return pa.Column("Int64", nullable=nullable, **kw)

    line = count(checks=pa.Check.ge(1))
    question_no = count(nullable=True, checks=pa.Check.ge(1))
    mand = pd.CategoricalDtype(list(reversed(MANDATORINESS_LEVELS)), ordered=True)
    return {
        "questions": pa.DataFrameSchema({
            "jurisdiction": text(), "question_no": question_no, "section": text(nullable=True),
            "subsection": text(nullable=True), "question": text(checks=pa.Check.str_length(min_value=1)),
            "answer": text(), "stance": pa.Column(pd.CategoricalDtype(list(STANCES))),
            "source_file": text(), "line": line, "answer_line": count(nullable=True),
            "match": text(checks=pa.Check.isin(["printed", "exact", "fuzzy"])),
            "match_score": pa.Column("float64", checks=pa.Check.in_range(0, 1)),
            "shares_answer_with": count(nullable=True), "edition": text(nullable=True),
        }, strict=True, ordered=True, unique=["source_file", "line"]),
        "guidelines": pa.DataFrameSchema({
            "guideline_id": text(unique=True), "jurisdiction": text(), "question_no": question_no,
            "title": text(checks=pa.Check.str_length(min_value=2)), "issuing_authority": text(nullable=True),
            "authority_abbreviation": text(nullable=True), "instrument_type": text(), "source_file": text(),
            "line": line, "where": text(checks=pa.Check.isin(["list", "prose"])),
            "not_exhaustive": pa.Column("bool"), "authority_source": text(),
        }, strict=True, ordered=True),
        "obligations": pa.DataFrameSchema({
            "guideline_id": text(), "audience": text(checks=pa.Check.str_length(min_value=1)),
            "mandatoriness": pa.Column(mand), "line": line, "jurisdiction": text(), "source_file": text(),
            "evidence": text(checks=pa.Check.isin(["own", "paragraph", "answer", "none"])),
        }, strict=True, ordered=True, unique=["guideline_id", "audience", "mandatoriness"]),
        "cross_references": pa.DataFrameSchema({
            "jurisdiction": text(), "from_question_no": question_no, "to_question_no": count(checks=pa.Check.ge(1)),
            "line": line, "source_file": text(), "reference": text(),
        }, strict=True, ordered=True),
        "authorities": pa.DataFrameSchema({
            "jurisdiction": text(), "issuing_authority": text(), "abbreviation": text(nullable=True),
            "n_guidelines": count(checks=pa.Check.ge(1)),
        }, strict=True, ordered=True, unique=["jurisdiction", "issuing_authority"]),
        "diagnostics": pa.DataFrameSchema({
            "source_file": text(), "line": count(checks=pa.Check.ge(1)),
            "level": pa.Column(pd.CategoricalDtype(list(DIAGNOSTIC_LEVELS))),
            "message": text(), "text": text(),
        }, strict=True, ordered=True),
    }


def validate(frames: dict) -> dict:
    """The same frames, checked; raises SchemaError naming the table and the failing checks."""
    import pandera.errors

    checked = {}
    for name, schema in schemas().items():
        try:
            checked[name] = schema.validate(frames[name], lazy=True)
        except pandera.errors.SchemaErrors as exc:
            raise SchemaError(f"table {name} breaks its schema:\n{exc.failure_cases.head(20).to_string()}") from None
    return checked
