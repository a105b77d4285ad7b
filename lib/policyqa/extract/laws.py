"""Rule family `laws`: the statutes a chapter names, for the `laws` table.

A law is never a guideline (the titles family vetoes it), but analysts want
the legal framework side by side across jurisdictions, so laws are kept: the
items of a list of statutes, and law names in running text ("the Cyber
Security Act 2024 (Act 854)", "Royal Decree 311/2022 of 3 May", "Law No.
46/2018"), each once per chapter, with its kind, number and year where
written.
"""

from __future__ import annotations

import re

from policyqa.extract.context import Context, LawMention
from policyqa.extract.registry import rule
from policyqa.extract.titles import clean_title, is_law_title, law_kind, said_to_be
from policyqa.parse import norm

_NUMBER = re.compile(r"(?:No\.?\s*|Nos\.?\s*|Act\s+|Cap\.?\s*)?(?P<n>\d+(?:[/.:\-]\d+)+|\d+(?=\)))")
_YEAR = re.compile(r"\b(?P<y>1[89]\d\d|20\d\d)\b")
_BRACKETED = re.compile(r"\(\s*(?:the\s+)?\Z")
_TAIL = re.compile(r"(?:\s*\((?:[^()]{1,40})\)|\s+(?:No\.?\s*)?\d[\w/.:\-]*|\s+of\s+\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?"
                   r"|,?\s+(?:19|20)\d\d|\s*“[^”]{3,160}”|\s*\"[^\"]{3,160}\"|\s*«[^»]{3,160}»)+")  # (a quoted name)


def _law(ctx: Context, title: str, a: int, line: int, name: str, confidence: str) -> None:
    title = clean_title(title, ctx.ref)
    if len(title) < 4:
        return
    kind = law_kind(ctx.ref, title) or "other"
    number = _NUMBER.search(title)
    year = _YEAR.search(title)
    key = norm(title)
    for known in ctx.laws:  # ("Resolution 500 of 2021" after "Resolution 500 of 2021 on the security model")
        other = norm(known.title)
        if other == key or other.startswith(key + " ") or key.startswith(other + " ") or (
                number and known.number == number.group("n") and known.kind == kind):
            return
    ctx.laws.append(LawMention(title, kind, number.group("n") if number else None,
                               int(year.group("y")) if year else None, a, line, name, confidence))


@rule("laws.list_items")
def list_items(ctx: Context) -> None:
    """The items of a list of statutes ("The principal laws are:" then one act per item)."""
    from policyqa.extract.lists import split_item

    for a in ctx.answers:
        for lst in a.lists:
            for k in lst.items:
                b = a.blocks[k]
                if b.kind != "item":
                    continue
                _, title, _ = split_item(b.text, ctx.ref.phrases)
                title = re.sub(r"^(?:the|The)\s+", "", title)
                if any(c.alive and c.answer == a.index and c.block == k and c.sentence is None for c in ctx.candidates):
                    continue  # an item kept as guidance ("X Regulation, the TDRA's set of controls") is no law
                if is_law_title(ctx.ref, title):
                    _law(ctx, title, a.index, b.line, "laws.list_items", "high")


@rule("laws.made_by_law")
def made_by_law(ctx: Context) -> None:
    """"the Unified Requirements ..., approved by Government Decree No. 832": a document a decree or resolution
    makes is law (the titles family vetoed it as a guideline; here it joins the laws table)."""
    for c in ctx.candidates:
        if c.vetoed == "titles.veto_law" and not is_law_title(ctx.ref, c.title):
            _law(ctx, c.title, c.answer, c.line, "laws.made_by_law", "medium")


@rule("laws.named_again", veto=True)
def named_again(ctx: Context) -> None:
    """"the Unified Requirements" after "the Unified Requirements in the Field of ICT ..., approved by Government
    Decree No. 832": a short form of a law the chapter names is that law, not a guideline."""
    laws = [norm(x.title).split() for x in ctx.laws]
    for c in ctx.alive():
        words = norm(c.title).split()
        if len(words) >= 2 and any(len(law) > len(words) and law[: len(words)] == words for law in laws):
            c.vetoed = "laws.named_again"


@rule("laws.in_prose")
def in_prose(ctx: Context) -> None:
    """Law names in running text: a capitalised name whose head is a law noun, with its number, year and
    brackets ("Personal Data (Privacy) Ordinance (Cap. 486)")."""
    tools = ctx.text
    for a in ctx.answers:
        for k, sents in enumerate(a.sentences):
            b = a.blocks[k]
            for s in sents:
                text = s.text
                toks = tools.tokens(text)
                for i, j in tools.runs_of(text, True, False, False, True):
                    while i <= j and toks[i].text.lower() in ctx.ref.words["determiner"] | ctx.ref.words[
                            "sentence_adverb"]:
                        i += 1
                    if i > j:
                        continue
                    start, end = toks[i].start, toks[j].end
                    tail = _TAIL.match(text[end:])
                    if tail:
                        end += tail.end()
                    name = text[start:end].strip()
                    if len(name.split()) < 2 or not is_law_title(ctx.ref, name):
                        continue
                    if _BRACKETED.search(text, 0, start) and text[end:].startswith(")") and not re.search(r"\d", name):
                        continue  # "... Concerning X (the Cyber Regulation)": the short form of the law before it
                    _law(ctx, name, a.index, b.line, "laws.in_prose", "medium")


@rule("laws.called_law", veto=True)
def called_law(ctx: Context) -> None:
    """"The BDDK Regulation and the SPK Communiqué are secondary legislation", "Board Decision No. 2019/10,
    which is a binding regulatory act", "items (a)(i) and (c) are binding regulations rather than guidance":
    what the chapter itself calls legislation is a law, not guidance."""
    for c in said_to_be(ctx, ctx.ref.phrases["called_law"]):
        c.vetoed = "laws.called_law"
        _law(ctx, c.title, c.answer, c.line, "laws.called_law", "medium")
