"""Step 3: the parsed chapter to facts: guidelines, who issues them, for whom, how binding.

Chapters name guidance in two ways: in lists ("Guides from the Agency for
Digital Affairs;" then one guide per bullet) and in running text ("the Data
Commission has published the Breach Response Guide"). Both are found with the same
small vocabulary of instrument nouns, organisation words and phrasings of
binding status (``data/reference/``); precision matters more than recall,
because a phrase wrongly taken for a guideline misleads every chart built on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

from policyqa.parse import MEMO, Block, Chapter, Question, norm
from policyqa.reference import Reference
from policyqa.schema import NOT_STATED, Diagnostic

# ----------------------------------------------------------------------------- sentences

_ABBREV_BEFORE_DOT = re.compile(r"(?:\b(?:No|Nos|eg|e\.g|ie|i\.e|Art|art|para|paras|Mr|Ms|Dr|St|Inc|Ltd|Co|vs|cf|"
                                r"approx|Sec|sec|Reg|Vol|p|pp)|\b[A-Z])$")
_SENTENCE_END = re.compile(r"[.!?][’”\"')\]]*\s+(?=[A-Z‘“\"(\[])|(?<=[a-z]{3}\.)(?=[A-Z][a-z])")


@dataclass(frozen=True)
class Sentence:
    text: str
    block: int  # index of the block in the answer
    start: int  # offset in the block's text


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a full stop before a digit or after "No" does not end a sentence."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start: m.start()]
        if _ABBREV_BEFORE_DOT.search(before):
            continue
        out.append((start, text[start: m.end()].rstrip()))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:].rstrip()))
    return [(o + k, piece) for o, s in out if s.strip() for k, piece in _chunks(s)]


_MAX_SENTENCE = 2000


def _chunks(sentence: str) -> list[tuple[int, str]]:
    """A "sentence" of thousands of characters (a chapter whose full stops were lost) is read in pieces of
    about 2,000, cut at spaces, so that no step costs more than linear time on it."""
    if len(sentence) <= _MAX_SENTENCE:
        return [(0, sentence)]
    pieces = []
    start = 0
    while start < len(sentence):
        end = min(len(sentence), start + _MAX_SENTENCE)
        if end < len(sentence):
            cut = sentence.rfind(" ", start + _MAX_SENTENCE // 2, end)
            end = cut if cut > start else end
        pieces.append((start, sentence[start:end]))
        start = end
    return pieces


# ----------------------------------------------------------------------------- tokens and runs

_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F][\w\u00C0-\u024F’'/&\-]*(?:[.:][0-9][\w\-]*)*|[^\s\w]")
_CONNECTORS = frozenset("of for on to and the in be with a an upon & de la le des du der für von".split())
_LEADING_NOISE = frozenset(
    "the a an its their this these that those in on for under through with by as at from since besides regarding "
    "specifically moreover furthermore also each every some several many most all both such other new yes no however "
    "thus therefore instead rather while where when if although further additionally finally first second third "
    "example instance".split()
)
_POSSESSIVE = re.compile(r"^(?P<owner>.+?)[’']s?$")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_TRAILING_DATE = re.compile(rf"\s+(?:(?:on|in|of|dated)\s+)?(?:\d{{1,2}}\s+)?(?:{_MONTHS})(?:\s+\d{{1,2}},?)?"
                            rf"(?:\s+\d{{4}})?$|\s+(?:on|in|of)\s+\d{{4}}$")


class Tok(NamedTuple):
    """A token and where it is; a tuple, because tokens are made by the hundred thousand."""

    text: str
    start: int
    end: int

    @property
    def is_cap(self) -> bool:
        c = self.text[0]
        return c.isupper() or c.isdigit()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def possessive(self) -> bool:
        return len(self.text) > 2 and self.text[0].isupper() and self.text.endswith(("’s", "'s", "’", "'"))


@lru_cache(maxsize=MEMO)
def tokens(text: str) -> tuple[Tok, ...]:
    return tuple(Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text))


@lru_cache(maxsize=MEMO)
def runs_of(text: str, digits: bool, commas: bool, possessives: bool = False, split_lists: bool = False
            ) -> tuple[tuple[int, int], ...]:
    """cap_runs over the text's tokens, memoised: chapters repeat their sentences and phrases."""
    return tuple(cap_runs(tokens(text), text, digits=digits, commas=commas, possessives=possessives,
                          split_lists=split_lists))


def cap_runs(toks: tuple[Tok, ...], text: str, *, digits: bool, commas: bool, possessives: bool = False,
             split_lists: bool = False) -> list[tuple[int, int]]:
    """Maximal runs of capitalised words joined by connectors, as token index ranges [i, j].

    With `possessives`, "Information Commissioner's Office" is one run (an organisation's name);
    without, a possessive ends a run, so "the NCA's Patch Handbook" gives the owner and the title apart.
    """
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
                    toks[j + 2].text.lower() in ("the", "a", "an", "its", "their"):
                break  # "the ISM and the Essential Eight Model": two names
            elif (nxt.is_word and nxt.text.lower() in _CONNECTORS) or nxt.text == "&":
                j += 1
            elif nxt.text == "." and toks[j].text == "No" and j + 2 < n and toks[j + 2].text[0].isdigit():
                j += 1
            elif (commas and nxt.text in ",:" and j + 2 < n and cap(j + 2) and not toks[j + 2].possessive
                  and (nxt.text == ":" or toks[j + 2].text.lower() not in _LEADING_NOISE)):
                j += 1
            else:
                break
        runs.append((i, last))
        i = j + 1 if j > i else i + 1
    return runs


def strip_possessive(word: str) -> str:
    return re.sub(r"[’']s?$", "", word)


# ----------------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class OrgMention:
    start: int
    end: int
    name: str
    abbreviation: str
    how: str  # defined | vocabulary | pattern | abbreviation


@dataclass
class Lexicon:
    """What the chapter and the vocabularies say about organisations, for one chapter."""

    ref: Reference
    jurisdiction: str
    definitions: dict[str, str] = field(default_factory=dict)  # ABBR -> full name, as the chapter defines it

    def __post_init__(self) -> None:
        self.org_words = self.ref.organisation_words
        self.vocab_abbr: dict[str, str] = {}
        self.vocab_names: dict[str, str] = {}
        here = {"*", self.jurisdiction, self.ref.jurisdiction_alias.get(self.jurisdiction, self.jurisdiction)}
        for a in self.ref.authorities:
            if a.jurisdiction in here:
                if a.abbreviation and (a.abbreviation not in self.vocab_abbr or a.jurisdiction != "*"):
                    self.vocab_abbr[a.abbreviation] = a.name
                self.vocab_names[a.name] = a.abbreviation
        self.prefix_body: dict[str, str] = {}
        for a in self.ref.authorities:
            for p in a.standard_prefixes:
                if a.jurisdiction in here or p not in self.prefix_body:
                    self.prefix_body[p] = a.abbreviation or a.name
        prefixes = sorted(self.prefix_body, key=len, reverse=True)
        alt = "|".join(re.escape(p) for p in prefixes) or "(?!x)x"
        self.identifier = re.compile(
            rf"(?<![\w/\-])(?P<id>(?P<prefix>{alt})(?:[\s\-]+(?:{alt})){{0,3}}(?:[ \-]|(?=[A-Z]{{0,3}}\d))"
            rf"(?:[A-Z]{{1,3}}[ \-]?)?"
            rf"\d+(?:[.:\-/]\d+)*"
            rf"(?:\s+standard\.\s+\d[\d.:\-]*)?)"
        )
        self.jurisdiction_words = {w for _, p in self.ref.jurisdictions for w in re.findall(r"[A-Z][\w]+", p.pattern)}

    @property
    def key(self) -> tuple:
        """What find_orgs depends on: the vocabulary in force and the chapter's own definitions."""
        return (id(self.ref), self.jurisdiction, tuple(sorted(self.definitions.items())))

    def full_name(self, abbr: str) -> str | None:
        return self.definitions.get(abbr) or self.vocab_abbr.get(abbr)

    def abbreviation_of(self, name: str) -> str:
        for abbr, full in self.definitions.items():
            if full == name:
                return abbr
        return self.vocab_names.get(name, "")

    def is_org_word(self, word: str) -> bool:
        return word in self.org_words or strip_possessive(word) in self.org_words

    def is_org_name(self, words: list[str]) -> bool:
        return any(self.is_org_word(w) for w in words)

    def is_org_abbreviation(self, abbr: str) -> bool:
        """An abbreviation names a body when the vocabulary says so or the chapter expands it to one."""
        if abbr in self.vocab_abbr:
            return True
        full = self.definitions.get(abbr)
        return bool(full) and self.is_org_name(full.split())


_DEFINITION = re.compile(r"\((?P<abbr>[A-Z][A-Za-z0-9&.\-]*[A-Z0-9][A-Za-z0-9&.\-]*)\)")
_SUBJECT_ABBR = re.compile(
    r"(?<![\w/])(?P<abbr>[A-Z][A-Za-z]*[A-Z][A-Za-z0-9\-]*)\s+(?:has\s+|have\s+|also\s+)?(?:recommends|recommended|issued|"
    r"issues|published|publishes|adopted|adopts|offers|maintains|provides|requires|obliges|encourages|prepared|"
    r"developed|released)\b"
)


_SMALL_WORDS = frozenset("of for and the on in de des du la le et l d für und van von".split())


def _acronym_name(before: str, abbr: str) -> str | None:
    """The words just before "(ABBR)" whose initials spell it, for names with lower-case words in them
    ("Commission nationale de l'informatique et des libertés (CNIL)")."""
    words = list(re.finditer(r"[\w’'\-]+", before[-200:]))
    letters = abbr.replace(".", "").replace("-", "").lower()
    for k in range(len(words) - 1, max(-1, len(words) - 14), -1):
        chosen = [w.group() for w in words[k:]]
        if not chosen[0][0].isupper():
            continue
        parts = [re.split(r"[’']", w)[-1] or w for w in chosen]
        initials = "".join(p[0].lower() for p in parts if p and p.lower() not in _SMALL_WORDS)
        if initials == letters:
            return before[-200:][words[k].start():].strip()
    return None


def find_definitions(chapter_text: str, lex: Lexicon) -> None:
    """Record every "Full Name (ABBR)" the chapter gives, anywhere in it."""
    for m in _DEFINITION.finditer(chapter_text):
        abbr = m.group("abbr")
        if abbr in lex.definitions:
            continue
        before = chapter_text[max(0, m.start() - 200): m.start()].rstrip()
        toks = tokens(before)
        runs = runs_of(before, False, True, True)
        name = None
        if runs and toks[runs[-1][1]].end == len(before):
            i, j = runs[-1]
            while i <= j and toks[i].text.lower() in _LEADING_NOISE:
                i += 1
            words = [t.text for t in toks[i: j + 1]]
            if words and (len([w for w in words if w[0].isupper()]) >= 2 or lex.is_org_name(words)):
                name = before[toks[i].start:]
        if name is None or (not lex.is_org_name(name.split()) and _acronym_name(before, abbr)):
            name = _acronym_name(before, abbr) or name
        if name:
            lex.definitions[abbr] = re.sub(r"^(?:the|The)\s+", "", name)


_TAIL = ("of", "for", "on", "de", "des", "du", "für")


def _org_span(words: list[str], lex: Lexicon) -> int | None:
    """How many of `words` make an organisation's name, or None: words up to an organisation word, then
    at most an "of/for X" tail ("Agency for Digital Affairs", "Ministry of the Interior and Kingdom
    Relations", "Department for Digital, Culture, Media & Sport")."""
    positions = [n for n, w in enumerate(words) if lex.is_org_word(w)
                 and not (n > 0 and words[n - 1].lower() in ("a", "an", "each", "every", "any"))]
    if not positions:
        return None
    first = positions[0]
    end = first + 1
    in_tail = False
    k = end
    while k < len(words):
        w = words[k]
        if lex.is_org_word(w) and (k == end or in_tail):
            end = k + 1
        elif w.lower() in _TAIL and k == end:
            in_tail = True
        elif in_tail and w.lower() == "the" and words[k - 1].lower() in _TAIL:
            pass
        elif in_tail and w[0].isupper():
            end = k + 1
            if w.endswith(("’s", "'s", "’")):
                break  # "the Central Bank of Ruritania's Guidance": the name ends at the possessive
        elif in_tail and w in (",", "&", "and") and k + 1 < len(words) and words[k + 1][0].isupper():
            pass
        else:
            break
        k += 1
    if end == 1 and words[0].endswith("s") and not words[0].endswith("ss"):
        return None  # "Organisations" at the start of a sentence names nobody
    return end


def find_orgs(text: str, lex: Lexicon) -> list[OrgMention]:
    """Organisations named in a piece of text, longest mention first where they overlap."""
    key = (text, lex.key)
    hit = _ORG_MEMO.get(key)
    if hit is None:
        if len(_ORG_MEMO) > MEMO:
            _ORG_MEMO.clear()
        hit = _ORG_MEMO[key] = tuple(_find_orgs(text, lex))
    return list(hit)


_ORG_MEMO: dict[tuple[str, tuple], tuple[OrgMention, ...]] = {}


def _find_orgs(text: str, lex: Lexicon) -> list[OrgMention]:
    found: list[OrgMention] = []
    for name, abbr in lex.vocab_names.items():
        start = text.find(name)
        while start >= 0:
            found.append(OrgMention(start, start + len(name), name, abbr or lex.abbreviation_of(name), "vocabulary"))
            start = text.find(name, start + 1)
    toks = tokens(text)
    for i, j in runs_of(text, False, True, True):
        while i <= j:  # a run may hold several bodies: "the X Agency and the Y Office"
            while i <= j and (toks[i].text.lower() in _LEADING_NOISE | _CONNECTORS or not toks[i].is_word):
                i += 1
            span = toks[i: j + 1]
            words = [t.text for t in span]
            end = _org_span(words, lex) if words else None
            if not end:
                break
            while end > 1 and words[end - 1] in (",", "&", "and", "of", "for"):
                end -= 1
            first = next(n for n, w in enumerate(words) if lex.is_org_word(w))
            # "the X Agency and the Y Office" are two names; "Securities and Exchange Board" is one
            begin = max([n + 1 for n in range(first) if words[n].lower() == "the"
                         or (words[n].lower() == "and" and lex.is_org_name(words[:n]))], default=0)
            if end - begin == 1 and not (i + begin > 0 and toks[i + begin - 1].text.lower() == "the"):
                i += end
                continue  # a lone "Commission" or "Cabinet" names a body only as "the Commission"
            start, stop = span[begin].start, span[end - 1].end
            if span[end - 1].possessive:
                stop = span[end - 1].start + len(strip_possessive(span[end - 1].text))
            name = text[start:stop]
            found.append(OrgMention(start, stop, name, lex.abbreviation_of(name), "pattern"))
            i += end
    for t in toks:
        word = strip_possessive(t.text) if t.possessive else t.text
        if not (len(word) >= 2 and sum(c.isupper() for c in word) >= 2):
            continue
        if lex.is_org_abbreviation(word):
            full = lex.full_name(word) or word
            found.append(OrgMention(t.start, t.start + len(word), full, word, "abbreviation"))
    for m in _SUBJECT_ABBR.finditer(text):
        abbr = m.group("abbr")
        if abbr not in lex.definitions and abbr not in lex.vocab_abbr:
            found.append(OrgMention(m.start("abbr"), m.end("abbr"), abbr, abbr, "abbreviation"))
    found.sort(key=lambda o: (o.start, -(o.end - o.start)))
    kept: list[OrgMention] = []
    for o in found:
        if kept and o.start < kept[-1].end:
            continue
        kept.append(o)
    return kept


# ----------------------------------------------------------------------------- titles


@dataclass
class Candidate:
    title: str
    start: int
    end: int
    instrument_type: str
    owner: str = ""  # "NCA" in "NCA's Guide", "its" in "its Framework"
    prefix_body: str = ""  # issuer implied by a standard's prefix (ISO, RFC ...)


@lru_cache(maxsize=MEMO)
def instrument_of(text: str, ref: Reference) -> tuple[str, str] | None:
    """(type, strength) of the first instrument noun in a title, typo-tolerant for doubled letters."""
    squeezed = re.sub(r"(\w)\1+", r"\1", text)
    best = None
    for pattern, kind, strength in ref.instruments:
        m = pattern.search(text) or pattern.search(squeezed)
        if m and (best is None or (strength == "strong" and best[1] == "weak")):
            best = (kind, strength)
    return best


def clean_title(title: str) -> str:
    title = re.sub(r"\s*\[\d+\]", "", title).strip()
    title = re.sub(r"\s*\(\s*$", "", title)
    title = re.sub(r"(?:[;,.:]+(?:\s+(?:and|or))?|\s+(?:and|or))\s*$", "", title).strip()
    title = re.sub(r"^(?:the|a|an)\s+", "", title, flags=re.IGNORECASE)
    title = title.strip(" ‘’“”\"'")
    return title[:1].upper() + title[1:] if title else title


_LAW_ALIAS = re.compile(r"\b(?:Law|Act|Decree|Regulation|Directive|Ordinance|Statute|Bill)\b[^()]{0,40}\(\s*(?:the\s+)?$")
_ANAPHORA = re.compile(r"(?:Its|Their|These|They|It|Both|Such|This)\s+(?:\w+\s+){0,4}?"
                       r"(?:is|are|was|were|remains?|has|have|applies|apply|binds?)\b")
_SENTENCE_CASE_TAIL = re.compile(
    r"(?:\s+(?!(?:is|are|was|were|has|have|had|sets?|describes?|provides?|explains?|covers?|lists?|contains?|"
    r"requires?|recommends?|applies|apply|which|that|who|issued|published|adopted|prepared|developed|released|"
    r"by|in\s+(?:\d|January|February|March|April|May|June|July|August|September|October|November|December)|"
    r"on\s+\d|(?:and|or)\s+(?:the|a|an|its|has|have|is|are|(?-i:[A-Z]))|as\b|pursuant\b|"
    r"under\b(?!\s+(?:Regulation|Directive|Article|Law)\s+(?:No\.?\s*)?\d)|"
    r"to\s+(?:help|be|the|support|assist)\b)\b)"
    r"[\w’'/\-]+)*"
)
_NAMED_AFTER_NOUN = re.compile(
    r"\b(?P<owner>its|their|[A-Z][\w\-]*[’']s)\s+(?P<noun>guide|guidance|handbook|publication|checklist|toolkit)\s+"
    r"(?P<t>[A-Z‘“](?:[^,.;()]|,\s(?=[A-Z]))+?)(?=,\s(?![A-Z])|\.\s|\.$|;|\(|$)"
)


_ISSUING_VERB = re.compile(r"\s+(?:has\s+|have\s+|also\s+)*(?:recommends?|recommended|issued|issues|published|publishes|"
                           r"adopted|adopts|requires|prescribes|endorses|mandates)\b")


def alias_of(sentence: str, start: int, end: int, found: list[Candidate]) -> Candidate | None:
    """The candidate that a parenthesised title just after it renames: "X (the Y Framework)"."""
    if not re.match(r"\s*(?:,\s*[A-Z][A-Za-z]{1,8}\s*)?\)", sentence[end:]):
        return None
    for c in found:
        if c.end <= start and re.fullmatch(r"\s*\(\s*(?:the\s+)?", sentence[c.end:start]):
            return c
    return None


class TitleFinder:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.ref = lex.ref
        self.guidance_noun = self.ref.phrases["guidance_noun"]
        self.guidance_predicate = self.ref.phrases["guidance_predicate"]
        self.appositive = self.ref.phrases["appositive"]
        self.law_word = self.ref.phrases["law_word"]
        self.aliases: dict[str, str] = {}  # "Patch Framework" -> the title it stands for

    def context_ok(self, sentence: str, start: int, end: int, before: str) -> bool:
        """A weak instrument noun (strategy, policy, circular) needs the text to be talking about guidance."""
        after = sentence[end: end + 80]
        if self.guidance_predicate.match(after) or self.guidance_predicate.match(" " + after.lstrip(" ,")):
            return True
        outside = sentence[:start] + " " + sentence[end:]
        return bool(self.guidance_noun.search(outside) or self.guidance_noun.search(before))

    def find(self, sentence: str, before: str = "") -> list[Candidate]:
        """Named guidance instruments in one sentence; `before` is the paragraph text preceding it."""
        found: list[Candidate] = []
        taken: list[tuple[int, int]] = []

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        for m in self.lex.identifier.finditer(sentence):
            s, e = m.start("id"), m.end("id")
            tail = re.match(r",?\s+(?=[A-Z])", sentence[e:])
            if tail:
                rest = sentence[e + tail.end():]
                rtoks = tokens(rest)
                runs = runs_of(rest, True, True)
                if runs and runs[0][0] == 0 and rtoks[0].text.lower() not in _LEADING_NOISE:
                    i, j = runs[0]
                    if j - i >= 1:
                        e = e + tail.end() + rtoks[j].end
            body = self.lex.prefix_body.get(m.group("prefix"), "")
            found.append(Candidate(clean_title(sentence[s:e]), s, e, "standard", prefix_body=body))
            taken.append((s, e))

        for m in re.finditer(r"[‘“\"](?P<t>[A-Z][^’”\"]{2,150})[’”\"]", sentence):
            s, e = m.start("t"), m.end("t")
            kind = instrument_of(m.group("t"), self.ref)
            if kind and free(s, e) and kind[1] == "strong":  # a quoted name with a strong noun is a title
                found.append(Candidate(clean_title(m.group("t")), s, e, kind[0]))
            taken.append((m.start(), m.end()))

        for m in _NAMED_AFTER_NOUN.finditer(sentence):  # "its guide Ransomware: Threat Situation, ..."
            s, e = m.start("t"), m.end("t")
            if free(s, e) and len(m.group("t").split()) <= 14:
                kind = instrument_of(m.group("noun"), self.ref)
                owner = strip_possessive(m.group("owner")) if m.group("owner")[0].isupper() else m.group("owner")
                found.append(Candidate(clean_title(m.group("t")), s, e, kind[0] if kind else "guide",
                                       owner=owner.lower() if owner in ("its", "their", "the") else owner))
                taken.append((s, e))

        toks = tokens(sentence)
        orgs = find_orgs(sentence, self.lex)
        first_word = next((k for k, t in enumerate(toks) if t.is_word), 0)
        starts = set(range(first_word + 1))
        for i, j in runs_of(sentence, True, True, False, True):
            while i <= j and toks[i].text.lower() in _LEADING_NOISE | _CONNECTORS:
                i += 1
            if i > j:
                continue
            if i in starts:  # "Use of the Patch Framework is ...": the title follows "of the"
                k = next((k for k in range(i + 1, min(i + 3, j)) if toks[k].text.lower() == "of"), None)
                if k is not None and instrument_of(sentence[toks[k].end: toks[j].end], self.ref) and \
                        not instrument_of(sentence[toks[i].start: toks[k].start], self.ref):
                    i = k + 1
                    while i <= j and toks[i].text.lower() in _CONNECTORS:
                        i += 1
            owner = ""
            prev = toks[i - 1] if i > 0 else None
            if prev is not None and prev.possessive:
                owner = strip_possessive(prev.text) or prev.text
                named = [o for o in orgs if o.end == prev.start + len(owner)]
                owner = named[0].abbreviation or named[0].name if named else owner
            elif prev is not None and prev.text.lower() in ("its", "their"):
                owner = prev.text.lower()
            # "the CIS Controls of the Center for Internet Security": the title ends before "of the <body>"
            for k in range(i + 1, j):
                if toks[k].text.lower() in ("of", "from") and any(o.start >= toks[k].end and o.start <= toks[k].end + 5
                                                                    and o.end >= toks[j].end - 1 for o in orgs):
                    j = k - 1
                    break
            s, e = toks[i].start, toks[j].end
            if not free(s, e):
                continue
            if _LAW_ALIAS.search(sentence[max(0, s - 60): s]):
                continue  # "Law No. 12/2014 (the Internet Framework, or ...)" renames a law
            words = [t.text for t in toks[i: j + 1] if t.is_word]
            text = sentence[s:e]
            if any(o.start <= s + 1 and o.end >= e - 1 for o in orgs):
                continue  # "National Institute of Standards and Technology" is a body, not a standard
            kind = instrument_of(text, self.ref)
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            org_positions = [n for n, w in enumerate(words) if self.lex.is_org_word(w)
                             and not (n > 0 and words[n - 1].lower() in ("a", "an", "each", "every", "any"))]
            if kind:
                m_pos = next((n for n, w in enumerate(words) if instrument_of(w, self.ref)), len(words))
                if org_positions and max(org_positions) >= m_pos:
                    continue  # "Cyber Security Strategy Headquarters" is an organisation
                if m_pos > 0 and self.law_word.fullmatch(strip_possessive(words[-1])):
                    continue  # "... Framework Regulation" is a law
            elif self.law_word.fullmatch(strip_possessive(words[-1])) or self.law_word.fullmatch(words[0]):
                continue
            if (kind is None or kind[1] == "weak") and owner and nxt is not None:
                # "its Review of Patching practices": a publication title may end in lower case
                tail = re.match(r"((?:\s+[a-z][\w\-]*){1,2})(?=\s*[.;,)]|\s*$)", sentence[e:])
                if tail and self.guidance_noun.search(sentence):
                    e += tail.end()
                    text = sentence[s:e]
                    kind = ("review", "weak")
            if all(self.lex.is_org_abbreviation(w) or w.lower() in _CONNECTORS for w in words):
                continue  # "the NCSC and ICO guidance" names bodies, not a title
            if kind is None and nxt is not None and len(words) >= 2 and not org_positions:
                follow = re.match(r"\s+([a-z][a-z\-]+)\b", sentence[e:])
                low = follow and instrument_of(follow.group(1), self.ref)
                if low and low[1] == "strong" and not all(w in self.lex.prefix_body for w in words):
                    kind = low
            if kind is None and len(words) >= 2 and not org_positions and self.appositive.match(sentence[e:]):
                kind = ("guide", "strong")  # "Five Habits of Safe Email, guidance aimed at ..."
            if kind is None or all(instrument_of(w, self.ref) or w.lower() in _LEADING_NOISE for w in words):
                continue  # "Guides" alone names no instrument
            if kind[1] == "strong" and nxt is not None and nxt.is_word and not nxt.is_cap and (
                    instrument_of(words[0], self.ref) or instrument_of(words[-1], self.ref)):
                # "Guidelines on safe storage", "Sector Guidance in respect of IT Risks sets out":
                # a title in sentence case runs on to the punctuation or the verb that ends it
                tail = _SENTENCE_CASE_TAIL.match(sentence[e:])
                if tail and tail.group(0).strip() and len(tail.group(0).split()) <= 12:
                    e += len(tail.group(0).rstrip())
                    text = sentence[s:e]
            if kind[1] == "weak" and not self.context_ok(sentence, s, e, before):
                continue
            text = _TRAILING_DATE.sub("", text)
            if all(w in self.lex.prefix_body or w in self.lex.jurisdiction_words or instrument_of(w, self.ref)
                   for w in words):
                continue  # a standards body named after its country, or "GB standards": no title
            if alias_of(sentence, s, s + len(text), found):
                self.aliases[norm(clean_title(text))] = alias_of(sentence, s, s + len(text), found).title
                taken.append((s, s + len(text)))
                continue
            found.append(Candidate(clean_title(text), s, s + len(text), kind[0], owner=owner))
            taken.append((s, s + len(text)))

        for m in re.finditer(r"(?<![\w/])(?:the\s+)?(?P<abbr>[A-Z][A-Z0-9\-]{2,10})\b", sentence):
            s, e = m.start("abbr"), m.end("abbr")
            abbr = m.group("abbr")
            if not free(s, e) or abbr in self.lex.definitions or abbr in self.lex.vocab_abbr:
                continue
            if abbr in self.lex.prefix_body or abbr in self.lex.jurisdiction_words:
                continue
            if self.guidance_predicate.match(sentence[e:].lstrip()):
                found.append(Candidate(abbr, s, e, "guide"))
                taken.append((s, e))
        found.sort(key=lambda c: c.start)
        return [c for c in found if len(c.title) >= 3]


# ----------------------------------------------------------------------------- binding status


@lru_cache(maxsize=MEMO)
def _spans(text: str, patterns: tuple) -> tuple[tuple[int, str], ...]:
    hits: list[tuple[int, int, str]] = []
    for pattern, label in patterns:
        for m in pattern.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b, _ in hits):
                hits.append((m.start(), m.end(), label))
    return tuple((s, label) for s, _, label in sorted(hits))


_CLAUSE = re.compile(r";|,\s*while\b|\bwhile\b|\bwhereas\b|,\s*but\b|\bbut\b|\band\s+(?:are|is)\b|,\s*and\b")


@dataclass(frozen=True)
class Statement:
    """What one sentence says about audiences and binding status, clause by clause."""

    pairs: tuple[tuple[str, str], ...]  # (audience, level) stated together
    levels: tuple[str, ...]
    audiences: tuple[str, ...]
    line: int
    generic: bool = False  # speaks of guidance in general ("The guidelines are voluntary ..."), so it can cover
    cover_pairs: tuple[tuple[str, str], ...] = ()  # what its clauses about guidance in general say
    cover_levels: tuple[str, ...] = ()
    exclusive: bool = False  # "The remaining guidance is voluntary": not for guidelines with their own status

    @property
    def covers(self) -> bool:
        return bool(self.cover_levels)


def _pairs(clauses: list[str], ref: Reference) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    pairs: list[tuple[str, str]] = []
    levels: list[str] = []
    audiences: list[str] = []
    for clause in clauses:
        lv = list(dict.fromkeys(label for _, label in _spans(clause, ref.mandatoriness)))
        au = list(dict.fromkeys(label for _, label in _spans(clause, ref.audiences)))
        levels += [x for x in lv if x not in levels]
        audiences += [x for x in au if x not in audiences]
        if lv and au:
            pairs += [(a, lv[0]) for a in au]
    loose_levels = [x for x in levels if not any(p[1] == x for p in pairs)]
    loose_auds = [a for a in audiences if not any(p[0] == a for p in pairs)]
    pairs += [(a, x) for a in loose_auds for x in loose_levels]
    return list(dict.fromkeys(pairs)), levels, audiences


_REMAINING = re.compile(r"\b(?:remaining|other|rest of the|all other)\b", re.IGNORECASE)


def analyse(text: str, line: int, ref: Reference) -> Statement:
    return replace(_analyse(text, ref), line=line)


@lru_cache(maxsize=MEMO)
def _analyse(text: str, ref: Reference) -> Statement:
    line = 0
    clauses = _CLAUSE.split(text)
    pairs, levels, audiences = _pairs(clauses, ref)
    noun = ref.phrases["guidance_noun"]
    first_cue = min((m.start() for pattern, _ in ref.mandatoriness for m in [pattern.search(text)] if m),
                    default=len(text))
    subject_is_guidance = bool(noun.search(text[:first_cue]))
    generic = [c for c in clauses if subject_is_guidance or noun.search(c)]
    cover_pairs, cover_levels, _ = _pairs(generic, ref)
    return Statement(tuple(pairs), tuple(levels), tuple(audiences), line, bool(generic), tuple(cover_pairs),
                     tuple(cover_levels), bool(_REMAINING.search(text[:first_cue])))


def obligations_from(own: list[Statement], covering: list[tuple[str, list[Statement]]], fallback_audiences: list[str],
                     fallback_line: int) -> list[tuple[str, str, int, str]]:
    """(audience, level, line, evidence) for one guideline.

    The guideline's own sentences (every sentence that names it) come first. A covering
    statement, one that speaks of guidance in general and says how binding it is ("The
    guidelines are voluntary to follow for private companies ..."), in the same paragraph or
    else in the answer's opening paragraph, applies when the own sentences state no level;
    one in the same paragraph adds its other audiences when the own sentences bind a named
    audience ("... has been mandatory for suppliers"). An audience named only in the own sentences takes the level the
    covering statement gives.
    """
    own_levels = [x for st in own for x in st.levels]
    own_auds = list(dict.fromkeys(a for st in own for a in st.audiences))
    cover_name, cover = next(((n, [st for st in sts if st.covers]) for n, sts in covering
                              if any(st.covers for st in sts)), ("", []))
    if own_levels:
        out = []
        for st in own:
            out += [(a, x, st.line, "own") for a, x in st.pairs]
            paired = {x for _, x in st.pairs}
            out += [(a, x, st.line, "own") for x in st.levels if x not in paired
                    for a in (own_auds or [NOT_STATED])]
        if cover and cover_name == "paragraph" and all(a != NOT_STATED for a, *_ in out):
            named = {a for a, *_ in out}
            out += [(a, x, st.line, cover_name) for st in cover if not st.exclusive
                    for a, x in st.cover_pairs if a not in named]
        return _dedupe(out)
    if cover:
        if own_auds:
            levels = list(dict.fromkeys(x for st in cover for x in st.cover_levels))
            return _dedupe([(a, x, cover[0].line, cover_name) for a in own_auds for x in levels])
        out = []
        for st in cover:
            out += [(a, x, st.line, cover_name) for a, x in st.cover_pairs]
        if not out:  # only when no covering statement names an audience does "not stated" stand
            for st in cover:
                out += [(NOT_STATED, x, st.line, cover_name) for x in st.cover_levels]
        return _dedupe(out)
    auds = own_auds or fallback_audiences or [NOT_STATED]
    return _dedupe([(a, NOT_STATED, fallback_line, "none") for a in auds])


def _dedupe(rows: list[tuple[str, str, int, str]]) -> list[tuple[str, str, int, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for row in rows:
        if (row[0], row[1]) not in seen:
            seen.add((row[0], row[1]))
            out.append(row)
    return out


# ----------------------------------------------------------------------------- stance and references

_XREF = re.compile(r"\bquestions?\s+(?P<nums>\d{1,2}(?![\d.,]\d)(?:\s*(?:,|and|&|or|to|through|[–-])\s*\d{1,2}"
                   r"(?![\d.,]?\d))*)", re.IGNORECASE)
_HEADING_REF = re.compile(r"\bsee\s+(?:also\s+)?[‘'\"“](?P<h>[^’'\"”]{2,80})[’'\"”]", re.IGNORECASE)


def references(text: str, max_no: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for m in _XREF.finditer(text):
        parts = re.split(r"\s*(,|and|&|or|to|through|[–-])\s*", m.group("nums"))
        nums: list[int] = []
        k = 0
        while k < len(parts):
            p = parts[k]
            if p.isdigit():
                if k >= 2 and parts[k - 1] in ("to", "through", "–", "-") and nums:
                    nums += list(range(nums[-1] + 1, int(p) + 1))
                else:
                    nums.append(int(p))
            k += 1
        out += [(n, m.group()) for n in nums if 1 <= n <= max_no]
    return out


def stance(question: str, blocks: list[Block], ref: Reference) -> str:
    paragraphs = [b for b in blocks if b.kind == "paragraph"]
    if not paragraphs:
        return "unanswered" if not blocks else "descriptive"
    first = paragraphs[0].text
    sentences = split_sentences(first)
    opening = sentences[0][1] if sentences else first
    rest = first[len(opening):]
    patterns = ref.stance
    if patterns["partly_opener"].match(opening.strip()):
        return "partly"
    if patterns["yes_opener"].match(opening.strip().lower()) or re.match(r"(?i)^yes\b", opening):
        return "partly" if patterns["contrast"].search(opening) else "yes"
    if patterns["no_opener"].match(opening.strip().lower() + " ") or patterns["negation"].search(opening):
        return "partly" if patterns["contrast"].search(rest) else "no"
    yes_no = any(patterns["yesno_question"].match(s.strip()) for s in re.split(r"(?<=[?.])\s+", question))
    return "yes" if yes_no else "descriptive"


# ----------------------------------------------------------------------------- the chapter


@dataclass
class Guideline:
    title: str
    authority: str | None
    abbreviation: str | None
    authority_source: str
    instrument_type: str
    question: Question
    line: int
    where: str
    not_exhaustive: bool
    own: list[Statement] = field(default_factory=list)
    covering: list[tuple[str, list[Statement]]] = field(default_factory=list)
    fallback: list[str] = field(default_factory=list)
    obligations: list[tuple[str, str, int, str]] = field(default_factory=list)
    mentions: set[tuple[int, int]] = field(default_factory=set)  # (block, sentence offset) that name it


@dataclass
class Extraction:
    guidelines: list[Guideline]
    cross_references: list[tuple[Question, int, int, str]]  # question, to_no, line, text
    stances: dict[int, str]  # question line -> stance
    diagnostics: list[Diagnostic]


@dataclass
class _Mention:
    cand: Candidate
    sentence: str
    block: int
    line: int
    masked: str


class TitleIndex(dict):
    """Guidelines by title key, with the keys indexed by their first two words, so that finding the full
    title a short form begins costs a look-up, not a scan."""

    def __init__(self) -> None:
        super().__init__()
        self.heads: dict[str, list[str]] = {}

    def __setitem__(self, key: str, value) -> None:
        if key not in self:
            self.heads.setdefault(" ".join(key.split()[:2]), []).append(key)
        super().__setitem__(key, value)

    def longer(self, key: str) -> str | None:
        return next((k for k in self.heads.get(" ".join(key.split()[:2]), []) if k.startswith(key + " ")), None)


class ChapterExtractor:
    def __init__(self, chapter: Chapter, ref: Reference) -> None:
        self.chapter = chapter
        self.ref = ref
        self.lex = Lexicon(ref, chapter.jurisdiction)
        text = "\n".join(b.text for q in chapter.questions for b in q.blocks)
        text += "\n" + "\n".join(q.text for q in chapter.questions)
        find_definitions(text, self.lex)
        self.titles = TitleFinder(self.lex)
        self.examples_memo: dict[str, bool] = {}
        self.diags: list[Diagnostic] = []
        self.label = ref.phrases["list_label"]
        self.not_exhaustive = ref.phrases["not_exhaustive"]
        self.max_no = max((q.number for q in ref.questions), default=99)

    # -- authorities
    def resolve(self, org: OrgMention | str, line: int) -> tuple[str, str]:
        if isinstance(org, str):
            name = org
            full = self.lex.full_name(name) if re.fullmatch(r"[A-Z][A-Za-z0-9&.\-]*", name) else None
            if full:
                return full, name
            if re.fullmatch(r"[A-Z][A-Z0-9&.\-]+", name):
                self.diags.append(Diagnostic(self.chapter.source_file, line, "guess",
                                             f"abbreviation {name} is not expanded in the chapter or the vocabulary",
                                             name))
                return name, name
            name = re.sub(r"^(?:the|The)\s+", "", name)
            return name, self.lex.abbreviation_of(name)
        if org.how == "abbreviation" and org.name == org.abbreviation:
            return self.resolve(org.abbreviation, line)
        return re.sub(r"^(?:the|The)\s+", "", org.name), org.abbreviation

    def authority_in_sentence(self, cand: Candidate, sentence: str) -> tuple[OrgMention | str | None, str]:
        orgs = [o for o in find_orgs(sentence, self.lex) if o.end <= cand.start or o.start >= cand.end]
        inside = [o for o in find_orgs(sentence[cand.start: cand.end], self.lex)]
        for o in orgs:  # "issued by the Commissioner of Cybersecurity"
            if o.start >= cand.end and re.search(r"\bby\s+(?:the\s+)?$", sentence[cand.end: o.start]) \
                    and len(sentence[cand.end: o.start]) <= 90:
                return o, "agent"
        if cand.owner and cand.owner not in ("its", "their"):
            return cand.owner, "possessive"
        before = [o for o in orgs if o.end <= cand.start]
        if cand.owner in ("its", "their") and before:
            return before[0], "possessive"
        if inside and inside[0].start == 0:
            return inside[0], "title"
        if cand.prefix_body:  # "the Authority recommends ISO 9999" names its recommender; else the body
            before = [o for o in before if _ISSUING_VERB.match(sentence[o.end: cand.start])]
        if before:
            return before[-1], "sentence"
        if cand.prefix_body:
            return cand.prefix_body, "standard prefix"
        after = [o for o in orgs if o.start >= cand.end]
        if after:
            return after[0], "sentence"
        return None, ""

    def authority_in_context(self, blocks: list[Block], k: int, offset: int) -> OrgMention | None:
        """Nearest organisation before the mention in the answer, else the first one after it (looking no
        further than a few sentences' worth of text on either side, so that the cost stays linear)."""
        reach = _MAX_SENTENCE * 2
        here = find_orgs(blocks[k].text[max(0, offset - reach): offset], self.lex)
        if here:
            return here[-1]
        for b in reversed(blocks[:k]):
            orgs = find_orgs(b.text[-reach:], self.lex)
            if orgs:
                return orgs[-1]
        after = find_orgs(blocks[k].text[offset: offset + reach], self.lex)
        if after:
            return after[0]
        for b in blocks[k + 1:]:
            orgs = find_orgs(b.text[:reach], self.lex)
            if orgs:
                return orgs[0]
        return None

    def _examples(self, text: str) -> bool:
        # a dict on the instance, not lru_cache on the method: that cache is the class's, and kept the
        # last 256 extractors (with their chapters) alive after read_corpus returned
        if text not in self.examples_memo:
            self.examples_memo[text] = bool(self.not_exhaustive.search(text))
        return self.examples_memo[text]

    def opens_with_examples(self, blocks: list[Block], first_para: int | None) -> bool:
        """Whether the answer's opening paragraph says its guidelines are only examples."""
        return first_para is not None and self._examples(blocks[first_para].text)

    # -- statements
    def statements(self, text: str, line: int, titles: list[Candidate]) -> list[Statement]:
        masked = self.mask_orgs(mask(text, titles))
        return [analyse(s, line, self.ref) for _, s in split_sentences(masked)]

    def mask_orgs(self, text: str) -> str:
        """Organisation names blanked, same length: "the Critical Infrastructure Protection Centre" is not an
        audience."""
        for o in find_orgs(text, self.lex):
            if o.how != "abbreviation":
                text = text[: o.start] + "#" * (o.end - o.start) + text[o.end:]
        return text

    def audiences_in(self, text: str) -> list[str]:
        return list(dict.fromkeys(label for _, label in _spans(text, self.ref.audiences)))

    # -- the walk
    def run(self) -> Extraction:
        guidelines: list[Guideline] = []
        xrefs: list[tuple[Question, int, int, str]] = []
        stances: dict[int, str] = {}
        seen_titles: TitleIndex = TitleIndex()
        done_blocks: set[int] = set()
        for q in self.chapter.questions:
            blocks = self.chapter.answer_blocks(q)
            stances[q.line] = stance(q.text, blocks, self.ref)
            for b in blocks:
                for no, text in references(b.text, self.max_no):
                    xrefs.append((q, no, b.line, text))
                for m in _HEADING_REF.finditer(b.text):
                    no = self.heading_question(m.group("h"))
                    if no is not None:
                        xrefs.append((q, no, b.line, m.group()))
            if id(blocks) in done_blocks or not blocks:
                continue
            done_blocks.add(id(blocks))
            owner = next((x for x in self.chapter.questions if x.blocks is blocks), q)
            for g in self.answer_guidelines(owner, blocks):
                key = self.key(g.title, seen_titles)
                if key not in seen_titles:  # named again in a later answer: the first mention stands,
                    seen_titles[key] = g  # and what the later answer says about it is its evidence too
                    guidelines.append(g)
                else:
                    prior = seen_titles[key]
                    prior.own += g.own
                    prior.obligations = obligations_from(prior.own, prior.covering, prior.fallback, prior.line)
        return Extraction(guidelines, xrefs, stances, list(dict.fromkeys(self.diags)))

    def key(self, title: str, known: TitleIndex) -> str:
        """The key of a title among those already seen: an alias, or a short form that begins a known
        title ("the Patch Framework" for "Patch Framework for Small Firms and Charities")."""
        key = title_key(self.titles.aliases.get(norm(title), title), self.lex)
        if key in known or ":" in key or len(key.split()) < 2:
            return key
        return known.longer(key) or key

    def heading_question(self, heading: str) -> int | None:
        key = norm(heading)
        for h in self.chapter.headings:
            if norm(h.text) == key:
                after = [q for q in self.chapter.questions if q.line > h.line and q.number is not None]
                if after:
                    return after[0].number
        numbers = [q.number for q in self.ref.questions if key in (norm(q.section), norm(q.subsection))]
        return min(numbers) if numbers else None

    def answer_guidelines(self, q: Question, blocks: list[Block]) -> list[Guideline]:
        out: list[Guideline] = []
        # candidates per paragraph sentence
        sentence_titles: dict[int, list[tuple[int, str, list[Candidate]]]] = {}
        for k, b in enumerate(blocks):
            if b.kind == "subheading":
                continue
            found = []
            for off, s in split_sentences(b.text):
                cands = self.titles.find(s, b.text[:off])
                found.append((off, s, cands))
            sentence_titles[k] = found
        first_para = next((k for k, b in enumerate(blocks) if b.kind == "paragraph"), None)

        def scope_statements(k: int, exclude_named: bool = True, names: list[str] = ()) -> list[Statement]:
            out_st: list[Statement] = []
            for _off, s, cands in sentence_titles.get(k, []):
                if exclude_named and (cands or any(n in s for n in names)):
                    continue
                out_st += self.statements(s, blocks[k].line, [])
            return out_st

        answer_scope = scope_statements(first_para) if first_para is not None else []
        # lists
        k = 0
        list_items: set[int] = set()
        handled_items: set[int] = set()
        while k < len(blocks):
            if blocks[k].kind != "item":
                k += 1
                continue
            start = k
            while k < len(blocks) and blocks[k].kind == "item":
                k += 1
            items = list(range(start, k))
            list_items.update(items)
            if start > 0 and blocks[start - 1].kind == "paragraph":
                lead = start - 1
            else:  # a list under an inline sub-heading is introduced by the answer's opening paragraph
                lead = first_para if first_para is not None and first_para < start else None
            trailer = k if k < len(blocks) and blocks[k].kind == "paragraph" else None
            if trailer is not None and any(c for _, _, c in sentence_titles.get(trailer, [])):
                trailer = None  # a paragraph that goes on to name another guideline speaks of that one
            out += self.list_guidelines(q, blocks, items, lead, trailer, answer_scope, scope_statements,
                                        handled_items)
        # prose (and bullets that are not list guidelines but name one inside)
        for k, found in sentence_titles.items():
            b = blocks[k]
            if k in list_items and (b.line in handled_items or any(g.line == b.line for g in out)):
                continue
            for off, s, cands in found:
                for c in cands:
                    out.append(self.prose_guideline(q, blocks, k, off, s, c, cands, found, answer_scope,
                                                    first_para, scope_statements))
        # a title mentioned twice is one guideline; merge the evidence
        merged: TitleIndex = TitleIndex()
        for g in sorted(out, key=lambda g: -len(g.title)):  # full titles first, so short forms find them
            key = self.key(g.title, merged)
            if key in merged:
                merged[key].own += g.own
                merged[key].mentions |= g.mentions
                continue
            merged[key] = g
        guidelines = sorted(merged.values(), key=lambda g: g.line)
        self.add_mentions(guidelines, blocks, sentence_titles)
        for g in guidelines:
            g.obligations = obligations_from(g.own, g.covering, g.fallback, g.line)
        return guidelines

    def add_mentions(self, guidelines: list[Guideline], blocks: list[Block], sentence_titles) -> None:
        """Sentences elsewhere in the answer that name a guideline again ("Safe Mail certification has
        been mandatory for suppliers") are its own sentences too, clause by clause."""
        names: dict[int, list[str]] = {}
        numbers: dict[int, str] = {}
        partial: dict[int, list[str]] = {}
        for n, g in enumerate(guidelines):
            names[n] = [g.title] + [a for a, t in self.titles.aliases.items() if t == g.title]
            words = g.title.split()
            # "the Patch Standards" names "Network Patch Standards" again (capitalised, so exact)
            partial[n] = [" ".join(words[-k:]) for k in (3, 2) if len(words) > k and words[-k][0].isupper()
                          and instrument_of(words[-1], self.ref)]
            key = title_key(g.title, self.lex)
            if ":" in key and re.search(r"[\-.]|\d{4}", key.split(":", 1)[1]):
                numbers[n] = key.split(":", 1)[1]  # "800-53" is distinctive enough to name the standard
        if len(guidelines) * sum(len(f) for f in sentence_titles.values()) > 200_000:
            return  # an answer of thousands of sentences and guidelines is no prose to read this closely
        for k, found in sentence_titles.items():
            previous: list[int] = []
            for off, sentence, cands in found:
                low = norm(sentence)
                if _ANAPHORA.match(sentence) and previous and not cands:
                    # "... published the X Guide. Its adoption is voluntary.": the pronoun names X again
                    for n in previous:
                        guidelines[n].own += [analyse(self.mask_orgs(sentence), blocks[k].line, self.ref)]
                    continue
                previous = [n for n, g in enumerate(guidelines) if (k, off) in g.mentions]
                hits = []
                for n, g in enumerate(guidelines):
                    if (k, off) in g.mentions:
                        continue
                    if any(len(x) >= 3 and f" {norm(x)} " in f" {low} " for x in names[n]) or (
                            n in numbers and re.search(rf"(?<![\d.\-]){re.escape(numbers[n])}(?!\d)", sentence)) or (
                            any(re.search(rf"(?<![\w-]){re.escape(x)}(?![\w-])", sentence) for x in partial[n])):
                        hits.append(n)
                previous += hits
                for n in hits:
                    g = guidelines[n]
                    marked = sentence
                    for x in sorted(names[n], key=len, reverse=True):
                        marked = re.sub(rf"(?<!\w){re.escape(x)}(?!\w)", "\u2063", marked, flags=re.IGNORECASE)
                    for x in partial[n]:
                        marked = re.sub(rf"(?<![\w-]){re.escape(x)}(?![\w-])", "\u2063", marked)
                    if n in numbers:
                        marked = re.sub(rf"(?:[A-Z]{{2,5}}\s+)?(?<![\d.\-]){re.escape(numbers[n])}(?!\d)", "\u2063",
                                        marked)
                    for c in sorted(cands, key=lambda c: c.start, reverse=True):
                        if c.title not in names[n]:
                            marked = marked[: c.start] + "___" + marked[c.end:]
                    marked = self.mask_orgs(marked)
                    clauses = [c for c in _CLAUSE.split(marked) if "\u2063" in c] or [marked]
                    g.own += [analyse(c.replace("\u2063", "___"), blocks[k].line, self.ref) for c in clauses]
                    g.mentions.add((k, off))

    def list_guidelines(self, q, blocks, items, lead, trailer, answer_scope, scope_statements,
                        handled: set[int]) -> list[Guideline]:
        out: list[Guideline] = []
        lead_text = blocks[lead].text if lead is not None else ""
        lists_guidance = bool(self.titles.guidance_noun.search(lead_text))
        not_exhaustive = bool(self.not_exhaustive.search(lead_text))
        label_authority: str | None = None
        label_level: int | None = None
        # a statement naming one of the listed titles ("The Baseline Standards are mandatory ...") is that
        # guideline's own, not one that covers the whole list
        named = [" ".join(w[-2:]) for w in (item_title(blocks[k].text).split() for k in items) if len(w) >= 2]
        for k in items:
            b = blocks[k]
            text = b.text
            if not text.strip(" ;,.:") or re.fullmatch(r"[;,.:\s]*(?:and|or)?[;,.:\s]*", text):
                continue
            lab = self.label.match(text)
            body_label = None
            if not lab and text.rstrip().endswith(":") and k + 1 <= items[-1] and blocks[k + 1].level > b.level:
                orgs = find_orgs(text, self.lex)  # "the Office of the Superintendent (OSFI):" over nested items
                if orgs and len(text[orgs[0].end:].strip(" :()").split()) <= 2:
                    body_label = orgs[0]
            if (lab and len(text.split()) <= 14) or body_label:
                label_authority = lab.group("authority").strip() if lab else body_label
                label_level = b.level
                handled.add(b.line)
                continue
            if label_level is not None and (b.level < label_level or (
                    isinstance(label_authority, OrgMention) and b.level <= label_level)):
                label_authority, label_level = None, None
            lead_in = re.match(r"(?:the|a|an)\s+(?=[A-Z0-9])", text)
            skip = lead_in.end() if lead_in else 0
            title_part = item_title(text[skip:])
            alias = re.match(r"\s*\((?:the\s+)?(?P<alias>[A-Z][^()]{1,80})\)", text[skip + len(title_part):])
            title_part = text[:skip] + title_part
            words = title_part[skip:].split()
            first = re.sub(r"(\w)\1+", r"\1", words[0].lower()) if words else ""
            first_kind = instrument_of(first, self.ref) if first else None
            whole_kind = instrument_of(title_part, self.ref)
            starts_title = bool(words) and (words[0][0].isupper() or words[0][0].isdigit())
            if label_authority is not None and len(words) <= 25:
                is_guideline = True
            elif first_kind and first_kind[1] == "strong" and len(words) <= 25:
                is_guideline = True
            elif starts_title and len(words) <= 20 and (whole_kind and whole_kind[1] == "strong"
                                                        or (lists_guidance and len(words) <= 12)):
                is_guideline = True
            else:
                is_guideline = False
            if is_guideline and words and re.fullmatch(r"[a-z]+s", words[-1]) and instrument_of(words[-1], self.ref) \
                    and not label_authority:
                is_guideline = False  # "BSI standards": a kind of instrument, not one
            if not is_guideline:
                continue
            title = clean_title(title_part)
            if len(title) < 3:
                continue  # an item cut to a letter or two at the end of an excerpt names nothing
            if alias and not self.lex.is_org_abbreviation(alias.group("alias")):
                self.titles.aliases[norm(alias.group("alias"))] = title
            cand = Candidate(title, 0, len(title_part), (whole_kind or first_kind or ("guide", ""))[0])
            authority = None
            source = ""
            if label_authority:
                authority, source = label_authority, "list label"
            else:
                org, source = self.authority_in_sentence(cand, text)
                if org is None and lead is not None:
                    lead_orgs = find_orgs(lead_text, self.lex)
                    if lead_orgs:
                        org, source = lead_orgs[0], "list lead-in"
                if org is None:
                    org = self.authority_in_context(blocks, k, 0)
                    source = "answer" if org else ""
                authority = org
            name, abbr = self.resolve(authority, b.line) if authority is not None else (None, None)
            own = self.statements(text[len(title_part):], b.line, [])
            para = [st for x in (lead, trailer) if x is not None for st in scope_statements(x, names=named)]
            out.append(Guideline(title, name, abbr or None, source, cand.instrument_type, q, b.line, "list",
                                 not_exhaustive, own=own, covering=[("paragraph", para), ("answer", answer_scope)],
                                 fallback=self.audiences_in(title), mentions={(k, 0)}))
        return out

    def prose_guideline(self, q, blocks, k, off, sentence, cand, cands, found, answer_scope, first_para,
                        scope_statements) -> Guideline:
        b = blocks[k]
        org, source = self.authority_in_sentence(cand, sentence)
        if org is None:
            org = self.authority_in_context(blocks, k, off)
            source = "answer" if org else ""
        name, abbr = self.resolve(org, b.line) if org is not None else (None, None)
        if name is None:
            self.diags.append(Diagnostic(self.chapter.source_file, b.line, "guess",
                                         f"no issuing authority found for {cand.title!r}", cand.title))
        own = clause_statements(self.mask_orgs(sentence), cands, cand, b.line, self.ref)
        para: list[Statement] = []
        for o2, s2, c2 in found:
            if o2 != off and not c2:
                para += self.statements(s2, b.line, [])
        ne = bool(self.not_exhaustive.search(sentence)) or self.opens_with_examples(blocks, first_para)
        return Guideline(cand.title, name, abbr or None, source, cand.instrument_type, q, b.line,
                         "list" if b.kind == "item" else "prose", ne, own=own,
                         covering=[("paragraph", para), ("answer", answer_scope if first_para != k else [])],
                         fallback=self.audiences_in(sentence[cand.start: cand.end]), mentions={(k, off)})


def clause_statements(sentence: str, cands: list[Candidate], cand: Candidate, line: int, ref: Reference
                      ) -> list[Statement]:
    """What the sentence says about one of the guidelines it names: the clauses naming it, and those naming
    none ("CPS 234, which is legally binding ..., and CPG 234, which is guidance only" says two things)."""
    marked = sentence
    for c in sorted(cands, key=lambda c: c.start, reverse=True):
        marked = marked[: c.start] + ("\u2063" if c is cand else "\u2064") + marked[c.end:]

    def statements(text: str) -> list[Statement]:
        return [analyse(x.replace("\u2063", "___").replace("\u2064", "___"), line, ref)
                for _, x in split_sentences(text)]

    own = statements(" ".join(c for c in _CLAUSE.split(marked) if "\u2063" in c))
    if any(st.levels for st in own):
        return own
    return statements(" ".join(c for c in _CLAUSE.split(marked) if "\u2063" in c or "\u2064" not in c))


def item_title(text: str) -> str:
    """The title at the start of a list item: before "label: description" (a colon followed by lower
    case), a lower-case continuation (", which ...", ", version 1.1") or a parenthesis ("(the ...)")."""
    agent = re.search(r",?\s+(?:issued|published|prescribed|prepared|adopted|developed|released|maintained|drafted)"
                      r"\s+(?:by|under|in)\b", text)
    if agent:  # "X for stock exchanges, clearing houses and depositories issued by Y": the title runs to "issued"
        text = text[: agent.start()]
        native = re.search(r"\s+\((?=[A-Z][a-z]+\s+[a-z])", text)  # "(Misure minime di sicurezza ...)"
        return re.sub(r"[;,.]?\s*(?:and|or)?\s*$", "", text[: native.start()] if native else text).strip()
    cut = len(text)
    for pattern in (r":\s+(?=[a-z])(?!(?:the|a|an)\s+[A-Z])", r",\s+(?=[a-z])", r"\s+\((?=the\s|[a-z])", r"\s+–\s+(?=[a-z])",
                    r",?\s+(?:issued|published|prescribed|prepared|adopted|developed|released|maintained|drafted)"
                    r"\s+(?:by|under|in)\b"):
        m = re.search(pattern, text)
        if m and m.start() < cut:
            cut = m.start()
    return re.sub(r"[;,.]?\s*(?:and|or)?\s*$", "", text[:cut]).strip()


def title_key(title: str, lex: Lexicon) -> str:
    """One key per instrument: "NIST SP 800-61" and "NIST Special Publication 800-61, ..." are the same."""
    m = lex.identifier.search(title)
    if m:
        number = re.search(r"\d+(?:[.\-]\d+)*", m.group("id")[len(m.group("prefix")):])
        chain = re.findall("|".join(re.escape(p) for p in sorted(lex.prefix_body, key=len, reverse=True)),
                           m.group("id")[: number.start() + len(m.group("prefix"))] if number else "")
        if number:  # "EN ISO 9999" and "ISO 9999:2013" are one standard: key on the last prefix
            last = chain[-1] if chain else m.group("prefix")
            return f"{lex.prefix_body.get(last, last)}:{number.group()}"
    return norm(title)


def mask(text: str, cands: list[Candidate]) -> str:
    """The text with titles blanked out, so a title's own words ("Recommendations on ...") state nothing."""
    out = text
    for c in sorted(cands, key=lambda c: c.start, reverse=True):
        out = out[: c.start] + "___" + out[c.end:]
    return out


def extract(chapter: Chapter, ref: Reference) -> Extraction:
    return ChapterExtractor(chapter, ref).run()


def extract_records(chapter: Chapter, ref: Reference):
    """The old extractor's output in the new record types (interim)."""
    from policyqa.extract import model

    ex = ChapterExtractor(chapter, ref).run()
    guidelines = []
    for g in ex.guidelines:
        obligations = [model.Obligation(a, ref.audience_group(a), lv, ln, {"own": "own"}.get(ev, ev), "legacy",
                                        "medium") for a, lv, ln, ev in g.obligations]
        guidelines.append(model.Guideline(g.title, g.authority, g.abbreviation, g.authority_source,
                                          g.instrument_type, g.question.number, g.line, g.where, g.not_exhaustive,
                                          "legacy", "medium", obligations))
    xrefs = [(q.number, to, line, text) for q, to, line, text in ex.cross_references]
    return model.Extraction(guidelines, [], xrefs, ex.stances, ex.diagnostics)
