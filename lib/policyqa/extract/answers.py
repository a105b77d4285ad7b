"""Rule family `answers`: how each answer opens (its stance) and which other questions it points to.

A yes/no question answered "Yes." is `yes`; an answer that opens by denying
the thing asked about ("There are no designated ... standards") is `no`, or
`partly` when the same answer names a real exception; a question that is not
yes/no is `descriptive` otherwise. References are "See question 13.",
"(see questions 28 and 29)", "questions 16 to 18", or a heading's name in
quotes ("See 'Legislation'.").
"""

from __future__ import annotations

import re

from policyqa.extract.context import Context
from policyqa.extract.registry import rule
from policyqa.parse import Block, norm


def _numbers(words: str) -> list[int]:
    parts = re.split(r"\s*(,|and|&|or|to|through|[–-])\s*", words)
    nums: list[int] = []
    for k, p in enumerate(parts):
        if p.isdigit():
            if k >= 2 and parts[k - 1] in ("to", "through", "–", "-") and nums:
                nums += list(range(nums[-1] + 1, int(p) + 1))
            else:
                nums.append(int(p))
    return nums


def stance_of(ctx: Context, question: str, blocks: list[Block]) -> str:
    paragraphs = [b for b in blocks if b.kind == "paragraph"]
    if not paragraphs:
        return "unanswered" if not blocks else "descriptive"
    first = paragraphs[0].text
    sentences = ctx.text.splitter.split(first)
    opening = sentences[0][1] if sentences else first
    rest = first[len(opening):]
    patterns = ctx.ref.stance
    if patterns["partly_opener"].match(opening.strip()):
        return "partly"
    if patterns["yes_opener"].match(opening.strip().lower()):
        return "partly" if patterns["contrast"].search(opening) else "yes"
    if patterns["no_opener"].match(opening.strip().lower() + " ") or patterns["negation"].search(opening):
        return "partly" if patterns["contrast"].search(rest) else "no"
    yes_no = any(patterns["yesno_question"].match(s.strip()) for s in re.split(r"(?<=[?.])\s+", question))
    return "yes" if yes_no else "descriptive"


@rule("answers.stance")
def stance(ctx: Context) -> None:
    """The stance of every question's answer (a shared answer speaks for both questions)."""
    for q in ctx.chapter.questions:
        ctx.stances[q.line] = stance_of(ctx, q.text, ctx.chapter.answer_blocks(q))


def _heading_question(ctx: Context, heading: str) -> int | None:
    key = norm(heading)
    for h in ctx.chapter.headings:
        if norm(h.text) == key:
            after = [q for q in ctx.chapter.questions if q.line > h.line and q.number is not None]
            if after:
                return after[0].number
    numbers = [q.number for q in ctx.ref.questions if key in (norm(q.section), norm(q.subsection))]
    return min(numbers) if numbers else None


@rule("answers.cross_references")
def cross_references(ctx: Context) -> None:
    """Every reference from an answer to another question, by number or by heading."""
    max_no = max((q.number for q in ctx.ref.questions), default=99)
    by_number = ctx.ref.phrases["cross_reference"]
    by_heading = ctx.ref.phrases["heading_reference"]
    for q in ctx.chapter.questions:
        for b in ctx.chapter.answer_blocks(q):
            for m in by_number.finditer(b.text):
                for n in _numbers(m.group("nums")):
                    if 1 <= n <= max_no:
                        ctx.cross_references.append((q.number, n, b.line, m.group()))
            for m in by_heading.finditer(b.text):
                n = _heading_question(ctx, m.group("h"))
                if n is not None:
                    ctx.cross_references.append((q.number, n, b.line, m.group()))
