"""Step 3: the parsed chapter to facts: guidelines, laws, who issues them, for whom, how binding."""

from __future__ import annotations

from policyqa.extract.model import Extraction, Guideline, Law, Obligation
from policyqa.parse import Chapter
from policyqa.reference import Reference

__all__ = ["extract", "Extraction", "Guideline", "Law", "Obligation"]


def extract(chapter: Chapter, ref: Reference) -> Extraction:
    from policyqa.extract import legacy

    return legacy.extract_records(chapter, ref)
