"""The ordered registry of extraction rules.

Extraction is a list of small named rules run in order over one chapter's
context, in the manner of markdown-it-py's block rules: each rule reads what
earlier rules left in the context and adds its own findings, and every row the
tables get says which rule made it. A rule is a plain function taking the
context; `rule(...)` registers it under a dotted name (`family.what`), and
`RULES` keeps them in the order the families are imported and declared.
`policyqa rules` (and `rules()`) list them, so what the extractor can do is
inspectable by name, like spaCy's SpanRuler patterns by label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str  # family.what
    fn: Callable
    doc: str
    veto: bool = False  # a rule that removes what others found

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]


RULES: list[Rule] = []


def rule(name: str, veto: bool = False) -> Callable[[Callable], Callable]:
    """Register `fn` as the rule `name`, after the rules registered before it."""

    def register(fn: Callable) -> Callable:
        if any(r.name == name for r in RULES):
            raise ValueError(f"two rules named {name}")
        doc = " ".join((fn.__doc__ or "").split())
        RULES.append(Rule(name, fn, doc, veto))
        fn.rule_name = name
        return fn

    return register


def rules() -> list[Rule]:
    """Every rule, in the order it runs."""
    from policyqa import extract  # noqa: F401  (importing the package registers the families in order)

    return list(RULES)
