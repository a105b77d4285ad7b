"""Rule family `text`: sentences and tokens, made once per chapter and shared by every rule.

Every later rule reads sentences (with the line they sit on) and tokens from
here, so that a chapter is split and tokenised once, whatever number of rules
look at it. Sentence ends follow the chapter's punctuation, with the
exceptions real chapters need: "No. 12", "Cap. 486", "e.g." do not end a
sentence; "legislation.Government" (a missing space) does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from policyqa.extract.context import Context, Sentence
from policyqa.extract.registry import rule

_SENTENCE_END = re.compile(r"[.!?][’”\"')\]]*\s+(?=[A-Z‘“\"(\[\u00C0-\u00DE])|(?<=[a-z]{3}\.)(?=[A-Z][a-z])")
MAX_SENTENCE = 2000  # longer "sentences" (a chapter whose full stops were lost) are read in pieces
_TOKEN = re.compile(r"[\w\u00C0-\u024F][\w\u00C0-\u024F’'/&\-]*(?:[.:][0-9][\w\-]*|(?<=[A-Z])\.[A-Z]{2,3}(?!\w))*|[^\s\w]")
# ("CERT.LV", "GOVCERT.LU": a body's name with its country's domain is one word)


class Tok(NamedTuple):
    """A token and where it is; a tuple, because tokens are made by the thousand. Its word classes are worked
    out once, when it is made: rules ask them of the same token many times."""

    text: str
    start: int
    end: int
    is_cap: bool  # capitalised, a digit, or a name's e- prefix or elided article before a capital
    is_word: bool  # starts with a letter or digit
    possessive: bool  # a capitalised word ending in 's or s'


def _is_cap(t: str) -> bool:
    c = t[0]  # ("e-Government Authority", "m-Banking Guidelines", "eGovernment", "iGA": a name's e- prefix
    # keeps it one; "Côte d’Ivoire", "Banque de l’Habitat": an elided article)
    return c.isupper() or c.isdigit() or (len(t) > 2 and (t[1] == "-" and t[2].isupper() or t[1].isupper())) or (
        len(t) > 3 and t[1] in "’'" and t[2].isupper())


def _tok(t: str, start: int, end: int) -> Tok:
    return Tok(t, start, end, _is_cap(t), t[0].isalnum(),
               len(t) > 2 and t[0].isupper() and t.endswith(("’s", "'s", "’", "'")))


def _wordish(ch: str, hyphen: bool) -> bool:
    return ch.isalnum() or ch == "_" or (hyphen and ch == "-")


def occurrences(text: str, part: str, start: int = 0):
    """Every place `part` starts in `text`, overlapping ones included."""
    at = text.find(part, start) if part else -1
    while at >= 0:
        yield at
        at = text.find(part, at + 1)


def whole(text: str, name: str, hyphen: bool = True, bounded: bool = False, start: int = 0, tail: bool = True):
    """Every place where `name` stands whole in `text`: the same as searching `(?<![\\w\\-])NAME(?![\\w\\-])`
    (or, `bounded`, `\\bNAME\\b`; without `hyphen`, `\\w` alone), without compiling a pattern per name. Names
    differ from chapter to chapter, so such patterns are compiled once and used once, and they push the
    vocabulary's own patterns out of the `re` module's cache. Without `tail`, only the start is checked (what
    follows is the caller's to match)."""
    for at in occurrences(text, name, start):
        end = at + len(name)
        before = at > 0 and _wordish(text[at - 1], hyphen)
        after = end < len(text) and _wordish(text[end], hyphen)
        if not tail:
            after = not _wordish(name[-1], hyphen) if bounded else False
        if bounded:  # \b: a change between word and non-word, whichever side the name's edge is
            ok = before != _wordish(name[0], hyphen) and after != _wordish(name[-1], hyphen)
        else:
            ok = not before and not after
        if ok:
            yield at


def has_whole(text: str, name: str, hyphen: bool = True, bounded: bool = False) -> bool:
    return next(whole(text, name, hyphen, bounded), None) is not None


# A quoted name: in curly, straight or angle quotes (« »), or in *italics*, _italics_ or **bold** as a web copy marks them; an
# apostrophe inside a word ("Référentiel d’audit")
# does not close it.
OPEN_QUOTES = "‘“\"«„*_"
QUOTED = re.compile(r"(?:[‘“\"«„]|\*{1,2}|(?<!\w)_)\s*(?P<t>(?:[^’”\"»“*_]|(?<=\w)’(?=\w)){3,200}?)\s*"
                    r"(?:[’”\"»“]|\*{1,2}|_)(?![\w*])")

_POSSESSIVE_END = re.compile(r"[’']s?$")


def strip_possessive(word: str) -> str:
    if not word.endswith(("’", "'", "s")):
        return word  # (most words: no pattern run)
    return _POSSESSIVE_END.sub("", word)


class Splitter:
    """Sentence splitting with the vocabulary's dot-abbreviations ("No.", "Cap.")."""

    def __init__(self, dot_abbreviations: frozenset[str]) -> None:
        alt = "|".join(re.escape(w) for w in sorted(dot_abbreviations, key=len, reverse=True))
        self.abbrev = re.compile(rf"(?:\b(?:{alt})|\b[A-Z])$" if alt else r"\b[A-Z]$")

    def split(self, text: str) -> list[tuple[int, str]]:
        """(offset, sentence) pairs."""
        out: list[tuple[int, str]] = []
        start = 0
        for m in _SENTENCE_END.finditer(text):
            before = text[start: m.start()]
            if self.abbrev.search(before):
                continue
            out.append((start, text[start: m.end()].rstrip()))
            start = m.end()
        if start < len(text):
            out.append((start, text[start:].rstrip()))
        return [(o + k, piece) for o, s in out if s.strip() for k, piece in chunks(s)]


def chunks(sentence: str) -> list[tuple[int, str]]:
    """A "sentence" of thousands of characters is read in pieces of about 2,000, cut at spaces, so that no
    step costs more than linear time on it."""
    if len(sentence) <= MAX_SENTENCE:
        return [(0, sentence)]
    pieces = []
    start = 0
    while start < len(sentence):
        end = min(len(sentence), start + MAX_SENTENCE)
        if end < len(sentence):
            cut = sentence.rfind(" ", start + MAX_SENTENCE // 2, end)
            end = cut if cut > start else end
        pieces.append((start, sentence[start:end]))
        start = end
    return pieces


def tokenize(text: str) -> tuple[Tok, ...]:
    return tuple(_tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text))


class Runs:
    """Maximal runs of capitalised words joined by connectors, as token index ranges [i, j].

    With `possessives`, "Information Commissioner's Office" is one run (an organisation's name); without, a
    possessive ends a run, so "the NCA's Patch Handbook" gives the owner and the title apart. With `digits`,
    a run may start with a number ("10 Steps to Cyber Security").
    """

    def __init__(self, connectors: frozenset[str], determiners: frozenset[str]) -> None:
        self.connectors = connectors
        self.determiners = determiners

    def find(self, toks: tuple[Tok, ...], text: str, *, digits: bool, commas: bool, possessives: bool = False,
             split_lists: bool = False) -> list[tuple[int, int]]:
        runs: list[tuple[int, int]] = []
        n = len(toks)

        def cap(k: int) -> bool:
            t = toks[k]
            return t.is_word and t.is_cap and (digits or not t.text[0].isdigit())

        def inner_possessive(k: int) -> bool:
            return possessives and toks[k].possessive and k + 1 < n and cap(k + 1) and not toks[k + 1].possessive

        i = 0
        while i < n:
            t = toks[i]
            if not cap(i) or (t.possessive and not inner_possessive(i)):
                i += 1
                continue
            j = i
            last = i
            while j + 1 < n:
                nxt = toks[j + 1]
                if "\n" in text[toks[j].end: nxt.start]:
                    break
                if cap(j + 1) and (not nxt.possessive or inner_possessive(j + 1)):
                    j += 1
                    last = j
                elif possessives and cap(j + 1) and nxt.possessive:
                    j += 1  # "the Ruritania Securities Authority's guidance": the name ends with the possessive
                    last = j
                    break
                elif split_lists and nxt.text.lower() in ("and", "or") and j + 2 < n and \
                        toks[j + 2].text.lower() in self.determiners:
                    break  # "the ISM and the Essential Eight Model": two names
                elif (nxt.is_word and nxt.text.lower() in self.connectors) or nxt.text == "&":
                    j += 1
                elif nxt.text == "." and toks[j].text == "No" and j + 2 < n and toks[j + 2].text[0].isdigit():
                    j += 1
                elif nxt.text == "(" and j + 4 < n and cap(j + 2) and toks[j + 3].text == ")" and cap(j + 4):
                    j += 3  # "Framework for Primary (Urban) Cooperative Banks": a bracketed word inside a name
                elif (commas and nxt.text in ",:" and j + 2 < n and cap(j + 2) and not toks[j + 2].possessive
                      and (nxt.text == ":" or toks[j + 2].text.lower() not in self.determiners)):
                    j += 1
                else:
                    break
            runs.append((i, last))
            i = j + 1 if j > i else i + 1
        return runs


class TextTools:
    """Per-chapter tokens and runs, memoised in the chapter's context (never process-wide)."""

    def __init__(self, ctx: Context) -> None:
        words = ctx.ref.words
        self.splitter = Splitter(words["dot_abbreviation"])
        self.runs = Runs(words["connector"], words["determiner"])
        self._tokens: dict[str, tuple[Tok, ...]] = {}
        self._runs: dict[tuple, tuple[tuple[int, int], ...]] = {}

    def tokens(self, text: str) -> tuple[Tok, ...]:
        hit = self._tokens.get(text)
        if hit is None:
            hit = self._tokens[text] = tokenize(text)
        return hit

    def runs_of(self, text: str, digits: bool, commas: bool, possessives: bool = False, split_lists: bool = False
                ) -> tuple[tuple[int, int], ...]:
        key = (text, digits, commas, possessives, split_lists)
        hit = self._runs.get(key)
        if hit is None:
            hit = self._runs[key] = tuple(self.runs.find(self.tokens(text), text, digits=digits, commas=commas,
                                                         possessives=possessives, split_lists=split_lists))
        return hit


@rule("text.sentences")
def sentences(ctx: Context) -> None:
    """Split every answer block into sentences, each knowing its answer, block, offset and line."""
    ctx.text = TextTools(ctx)
    for a in ctx.answers:
        a.sentences = []
        for k, b in enumerate(a.blocks):
            pieces = ctx.text.splitter.split(b.text) if b.kind != "subheading" else [(0, b.text)]
            a.sentences.append([Sentence(a.index, k, n, off, s, b.line) for n, (off, s) in enumerate(pieces)])


def number_of(ctx: Context, word: str) -> int | None:
    """"3", "three", "third": the number a word says (number_word in words.csv)."""
    if word.isdigit():
        return int(word)
    for entry in ctx.ref.words["number_word"]:
        name, _, value = entry.partition(":")
        if name == word.lower():
            return int(value)
    return None


def item_numbers(ctx: Context, cited: str) -> list[int]:
    """The item numbers "items 3 and 5", "items three to five" or "numbered 1-4" cite (a range spelt out)."""
    nums = [n for n in (number_of(ctx, x) for x in re.findall(r"\d+|[A-Za-z]+", cited)) if n]
    if re.search(r"\bto\b|–|-", cited) and len(nums) == 2:
        nums = list(range(nums[0], nums[1] + 1))
    return nums


def ordinal_places(ctx: Context, ordinals: str, count: int) -> list[int]:
    """The places "second and third", "first, third" or "last" name in a list of `count` items."""
    words = [w for w in re.findall(r"\w+", ordinals) if w.lower() not in ("and", "or", "the")]
    places = [count if w.lower() == "last" else number_of(ctx, w) for w in words]
    return [n for n in places if n is not None]
