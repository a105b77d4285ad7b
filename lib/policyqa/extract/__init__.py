"""Step 3: the parsed chapter to facts: guidelines, laws, who issues them, for whom, how binding.

Extraction is an ordered list of named rules (`PIPELINE`) run over one
chapter's context (`Context`), one rule family a module: `text` (sentences
and tokens), `organisations` (bodies and who issues what), `lists` (lists of
guidance, their labels and items), `titles` (guidance named in prose, and the
vetoes that keep laws, programmes and bodies out), `laws`, `status` (binding
status and audience), `answers` (stance and cross-references), `confidence`.
Every guideline and obligation row names the rule that made it and how sure
it is. The vocabularies every rule uses are data in `data/reference/`.
"""

from __future__ import annotations

from policyqa.extract import answers, confidence, laws, lists, organisations, status, text, titles  # noqa: F401
from policyqa.extract.context import Context, answers_of
from policyqa.extract.model import Extraction, Guideline, Law, Obligation
from policyqa.extract.registry import RULES, Rule, rules
from policyqa.parse import Chapter
from policyqa.reference import Reference
from policyqa.schema import NOT_STATED, OTHER_GROUP

__all__ = ["extract", "Extraction", "Guideline", "Law", "Obligation", "PIPELINE", "rules", "Rule"]

PIPELINE = (
    "text.sentences",
    "organisations.definitions",
    "lists.structure",
    "lists.labels",
    "lists.kind",
    "lists.items",
    "titles.prose",
    "titles.veto_law",
    "titles.veto_not_guidance",
    "titles.veto_organisation",
    "titles.veto_generic",
    "titles.veto_group",
    "titles.veto_superseded",
    "titles.merge",
    "organisations.authority_agent",
    "organisations.authority_possessive",
    "organisations.authority_parenthesis",
    "organisations.authority_label",
    "organisations.authority_title",
    "organisations.authority_description",
    "organisations.authority_after_list",
    "organisations.authority_administers",
    "organisations.authority_subject",
    "organisations.authority_merged",
    "organisations.authority_lead_in",
    "organisations.authority_nearest",
    "organisations.authority_short_name",
    "laws.list_items",
    "laws.made_by_law",
    "laws.in_prose",
    "laws.named_again",
    "titles.mentions",
    "laws.called_law",
    "titles.veto_called_not_guidance",
    "status.audience_hints",
    "status.statements",
    "status.scope_item",
    "status.scope_position",
    "status.scope_except",
    "status.scope_references",
    "status.scope_anaphora",
    "status.scope_list",
    "status.scope_paragraph",
    "status.scope_answer",
    "status.audience_statements",
    "status.assign",
    "answers.stance",
    "answers.cross_references",
    "confidence.guidelines",
)


def pipeline() -> list[Rule]:
    """The rules in the order they run (every registered rule is in PIPELINE, and only those)."""
    by_name = {r.name: r for r in RULES}
    missing = set(by_name) - set(PIPELINE)
    if missing:
        raise RuntimeError(f"rules registered but not in PIPELINE: {sorted(missing)}")
    return [by_name[n] for n in PIPELINE]


def run(chapter: Chapter, ref: Reference) -> Context:
    """The context after every rule has run (what `extract` turns into records; tests read it)."""
    ctx = Context(chapter, ref, answers_of(chapter))
    for r in pipeline():
        r.fn(ctx)
    return ctx


def extract(chapter: Chapter, ref: Reference) -> Extraction:
    ctx = run(chapter, ref)
    rows = ctx.memo.get(("status", "rows"), {})
    guidelines = []
    for c in sorted(ctx.alive(), key=lambda c: (c.answer, c.block, -1 if c.sentence is None else c.sentence, c.start)):
        a = ctx.answers[c.answer]
        org = c.org
        obligations = []
        for audience, level, st, written in rows.get(c.id, []):
            stated = st is not None and level != NOT_STATED
            group = ref.audience_group(audience)
            conf = confidence.obligation_confidence(st.scope if st else None, st.rule if st else "", written,
                                                    stated, c.confidence or "low", group != OTHER_GROUP)
            source = "none" if st is None else st.scope
            obligations.append(Obligation(audience, group, level, st.line if st else c.line,
                                          source, st.rule if st else "status.none", conf))
        seen = set()
        unique = []
        for o in obligations:
            if (o.audience, o.level) not in seen:
                seen.add((o.audience, o.level))
                unique.append(o)
        guidelines.append(Guideline(
            c.title, org.name if org else None, (org.abbreviation or None) if org else None, c.authority_source or "none",
            c.instrument, a.number, c.line, c.where, c.not_exhaustive, c.rule, c.confidence, unique))
    found_laws = [Law(x.title, x.kind, x.number, x.year, ctx.answers[x.answer].number, x.line, x.rule, x.confidence)
                  for x in ctx.laws]
    return Extraction(guidelines, found_laws, ctx.cross_references, ctx.stances, list(dict.fromkeys(ctx.diagnostics)))
