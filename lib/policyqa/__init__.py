"""policyqa: comparative-law questionnaire chapters into tidy, validated tables.

    >>> import policyqa
    >>> t = policyqa.read_chapter("data/raw/denmark.txt")
    >>> t.guidelines[["title", "issuing_authority"]]

Importing the package is cheap: pandas, pandera and matplotlib load only when
a function that needs them runs.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["read_chapter", "read_corpus", "PolicyqaError", "__version__"]

from policyqa.errors import PolicyqaError


def __getattr__(name: str):
    if name in ("read_chapter", "read_corpus", "Tables"):
        from policyqa import api

        return getattr(api, name)
    raise AttributeError(f"module 'policyqa' has no attribute {name!r}")
