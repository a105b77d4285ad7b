"""Step 5: every table checked against its declared schema before anyone sees it.

The schemas (`policyqa.schema`) say what analysts rely on: the columns and their
types, the allowed values of every category, and the keys that must be unique.
A table that breaks its schema is a bug in the library, reported with the
offending rows, never a silently wrong chart. pandera is imported here only,
so `import policyqa` stays light.
"""

from __future__ import annotations

from functools import lru_cache

from policyqa.schema import TABLES, pandera_schema


class SchemaError(Exception):
    """A table broke its schema: a bug in policyqa, not in the user's input."""


@lru_cache(maxsize=1)
def schemas() -> dict:
    return {name: pandera_schema(name) for name in TABLES}


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
