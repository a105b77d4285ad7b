"""Rule family `organisations`: who the chapter names, and who issues each guideline.

A chapter names a body in full once ("the National Cyber Security Centre
(NCSC)") and by abbreviation afterwards, sometimes before the full name, in
another answer, or with letters outside ASCII ("NÚKIB"). `definitions` reads
every such pair in the chapter first, so later rules resolve any mention to
one full name, and a body named in full and by abbreviation counts once.
The `authority.*` rules then give each candidate its issuer, most explicit
evidence first: "issued by X", "X's Guide", the list label, a body that
begins the title, the item's description, the sentence's subject, a
standard's prefix, the list's lead-in, the nearest body in the answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from policyqa.extract.context import Candidate, Context, Org, OrgMention
from policyqa.extract.registry import rule
from policyqa.extract.text import item_numbers, ordinal_places, strip_possessive

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"  # ASCII and Latin upper case (NÚKIB, ČNB, ÚOOÚ)
_ABBR = rf"[{_UPPER}][\w&.\-/]*[{_UPPER}0-9][\w&.\-]*|[{_UPPER}][a-z]+[{_UPPER}][\w\-]*|[a-z]-?[{_UPPER}]{{2,}}[\w\-]*"
_DEFINITION = re.compile(rf"\((?:the\s+)?(?:[^()]*?,\s*)?(?P<abbr>(?:{_ABBR})(?:\s+[A-Z]{{2,3}})?|"
                         rf"(?:[A-Z][a-z]+\s+){{1,2}}(?:CERT|CSIRT)(?:/CC)?)(?:,\s*(?:formerly|previously|until|before|"
                         rf"then|renamed|once)\b[^()]*|\s+[–—]\s+[^()]*)?\)")  # "ÚOOÚ SR", "Sri Lanka CERT", "(CBX, formerly
# the ...)", "(ANSSI – the national cybersecurity agency)"
_ABBR_FIRST = re.compile(rf"(?<![\w\-])(?P<abbr>{_ABBR})\s+\((?:the\s+)?(?P<name>[A-Z][^()]{{3,120}}?)\)")
_IS_THE = re.compile(rf"(?:^|[.;,:]\s+|\band\s+)(?:[Tt]he\s+)?(?P<abbr>{_ABBR})\s+(?:is\s+|stands\s+for\s+|means\s+)?the\s+"
                     r"(?P<name>[A-Z][^,;:.()]{3,120}?)(?=\s*(?:[,;:.]|$)|\s+(?:which|that|who)\b|\s+and\s+(?:the\s+)?"
                     r"[A-Z]{2,}\b)")  # (not "... for Trade and Export Promotion")
_WHOSE_NAME = re.compile(rf"(?<![\w\-])(?P<abbr>{_ABBR}),\s+(?:[^.;]{{0,100}}?\s)?(?:whose\s+(?:full\s+)?name\s+is|which\s+"
                         r"stands\s+for)\s+(?:the\s+)?(?P<name>[A-Z][^,;:.()]{3,120}?)(?=\s*(?:[,;:.]|$))")
_GLOSSARY = re.compile(rf"(?:^|[:;]\s*)(?P<abbr>{_ABBR})\s+[–—=]\s+(?P<name>[A-Z][^;:()]{{3,120}}?)(?=\s*(?:[;.]|$))")
_STANDS_FOR = re.compile(rf"(?<![\w\-])(?P<abbr>{_ABBR})(?:(?P<ie>,\s+(?:ie|i\.e\.|that\s+is|namely),?)|\s+(?:stands?|is\s+(?:the\s+|an?\s+)?(?:shorthand|short\s+form|"
                         rf"abbreviation|acronym)(?:\s+[a-z]+){{0,3}}?)\s+for)\s+(?:the\s+)?(?P<name>[A-Z][^,;:.()]{{3,120}}?)"
                         rf"(?=\s*(?:[,;:.(]|$)|\s+and\s+(?:{_ABBR})\s+for\b)")
_AND_FOR = re.compile(rf"\s*(?:\([^()]{{0,120}}\)\s*)?(?:,\s*(?:and\s+)?|\s+and\s+)(?P<abbr>{_ABBR})\s+for\s+(?:the\s+)?"
                      rf"(?P<name>[A-Z][^,;:.()]{{3,120}}?)(?=\s*(?:[,;:.(]|$)|\s+and\s+(?:{_ABBR})\s+for\b)")
_KNOWN_AS = re.compile(rf",?\s+(?:known as|hereinafter|or)\s+(?:the\s+)?[‘“\"]?(?P<abbr>{_ABBR})[’”\"]?")


def is_abbreviation(word: str) -> bool:
    """Two or more capitals (any alphabet), nothing but letters, digits and . - & /."""
    return len(word) >= 2 and sum(map(str.isupper, word)) >= 2 and bool(_ABBR_CHARS.fullmatch(word))


_ABBR_CHARS = re.compile(r"[\w&.\-/]+")
_ARTICLE = re.compile(r"^(?:(?:the|The)\s+|[lL][’'](?=[A-ZÀ-Þ]))")  # "the X", a French "l’Agence nationale ..."
_CODE_SLASH = re.compile(r"/[\w\-]*\d")
_RESPONSE_TEAM = re.compile(r"CERT|CSIRT|ISAC")


@dataclass
class Lexicon:
    """What the chapter and the vocabularies say about organisations, for one chapter."""

    ctx: Context
    definitions: dict[str, str] = field(default_factory=dict)  # ABBR -> full name, as the chapter defines it
    native: dict[str, str] = field(default_factory=dict)  # a body's name in another language -> its English name
    bodies: set[str] = field(default_factory=set)  # names the chapter calls a body ("X, a government agency")

    def __post_init__(self) -> None:
        ref = self.ctx.ref
        self.org_words = ref.organisation_words
        self.tail = ref.words["tail"]
        self.determiners = ref.words["determiner"] | ref.words["sentence_adverb"]
        self.connectors = ref.words["connector"]
        self.acronym_skip = ref.words["acronym_skip"]
        self.and_words = ref.words["and_word"]
        self.english = ref.words["function"] | ref.words["english_stop"]  # words no French or Spanish name holds
        jur = self.ctx.chapter.jurisdiction
        here = {"*", jur, ref.jurisdiction_alias.get(jur, jur)}
        self.vocab_abbr: dict[str, str] = {}
        self.vocab_names: dict[str, str] = {}
        for a in ref.authorities:
            if a.jurisdiction in here:
                if a.abbreviation and (a.abbreviation not in self.vocab_abbr or a.jurisdiction != "*"):
                    self.vocab_abbr[a.abbreviation] = a.name
                self.vocab_names[a.name] = a.abbreviation
        for a in ref.authorities:  # another jurisdiction's body, where nothing here takes its abbreviation: a
            if a.jurisdiction not in here:  # territory's chapter names its parent state's agencies ("– AGNS")
                if a.abbreviation and a.abbreviation not in self.vocab_abbr:
                    self.vocab_abbr[a.abbreviation] = a.name
                self.vocab_names.setdefault(a.name, a.abbreviation)
        self.prefix_body: dict[str, str] = {}
        for a in ref.authorities:
            for p in a.standard_prefixes:
                if a.jurisdiction in here or p not in self.prefix_body:  # (another jurisdiction's body: by name,
                    self.prefix_body[p] = a.abbreviation if a.abbreviation and a.jurisdiction in here else a.name
                    # as its abbreviation is not this chapter's)
        self.jurisdiction_words = {w for _, p in ref.jurisdictions for w in re.findall(r"[A-Z]\w+", p.pattern)}
        self._found: dict[str, tuple[OrgMention, ...]] = {}
        self._names_body: dict[str, bool] = {}
        self.skip_words = self.determiners | self.connectors  # words a body's name does not start with

    # -- what a word or name is
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
        """An abbreviation names a body when the vocabulary says so, the chapter expands it to one, or it is a
        CERT/CSIRT's name."""
        if abbr in self.vocab_abbr:
            return True
        if _CODE_SLASH.search(abbr):
            return False  # "TZ-CERT/G-01" is a document's code
        if _RESPONSE_TEAM.search(abbr):
            return True
        full = self.definitions.get(abbr)
        return bool(full) and (self.names_body(full) or full in self.bodies)  # (a name the chapter calls a body)

    def names_body(self, name: str) -> bool:
        """Whether a name is a body's: an organisation word in it, and no instrument noun after that word, nor
        a possessive before the name's head ("Insurance Authority's Guideline on Cybersecurity" is a guideline)."""
        hit = self._names_body.get(name)
        if hit is None:
            hit = self._names_body[name] = self._names_body_of(name)
        return hit

    def _names_body_of(self, name: str) -> bool:
        from policyqa.extract.titles import instrument_of

        words = re.split(r"(?<=[’']s)\s+|(?<=s’)\s+", name)[-1].split()
        positions = [n for n, w in enumerate(words) if self.is_org_word(w)]
        if not positions:
            return False
        after = words[positions[0] + 1: positions[0] + 2]  # "X Authority Guideline ..." (not "Institute for Standards")
        kind = instrument_of(self.ctx.ref, " ".join(after)) if after else None
        before = words[: positions[0]]
        for n, w in enumerate(before):  # "Security Standards Handbook for Public Administration IT": a title
            strong = (instrument_of(self.ctx.ref, w) or ("", ""))[1] == "strong"
            if strong and any(x.lower() in ("for", "on", "to", "about") for x in before[n + 1:]):
                return False
        return not (kind and kind[1] == "strong")

    def org(self, name_or_abbr: str) -> Org:
        """An Org from a name or an abbreviation, resolved to the full name where the chapter gives one."""
        text = _ARTICLE.sub("", strip_possessive(name_or_abbr.strip()))
        if text in self.native:
            text = self.native[text]
        if is_abbreviation(text.split()[0] if text else "") and len(text.split()) <= 2:
            full = self.full_name(text)
            if full:
                return Org(full, text, "abbreviation")
            return Org(text, text, "abbreviation")
        return Org(text, self.abbreviation_of(text), "pattern")

    # -- finding organisations in text
    def is_home(self, word: str) -> bool:
        """A jurisdiction's name, with or without its accents ("Panamá")."""
        bare = unicodedata.normalize("NFKD", strip_possessive(word)).encode("ascii", "ignore").decode()
        return bool(bare) and (bare in self.jurisdiction_words or bare == unicodedata.normalize(
            "NFKD", self.ctx.chapter.jurisdiction).encode("ascii", "ignore").decode())

    def span(self, words: list[str]) -> int | None:
        """How many of `words` make an organisation's name: words up to an organisation word, then at most an
        "of/for X" tail ("Agency for Digital Affairs", "Ministry of the Interior and Kingdom Relations")."""
        positions = [n for n, w in enumerate(words) if self.is_org_word(w)
                     and not (n > 0 and words[n - 1].lower() in ("a", "an", "each", "every", "any"))]
        if not positions:
            return None
        first = positions[0]
        end = first + 1
        in_tail = False
        k = end
        from policyqa.extract.titles import instrument_of

        romance = ("de", "del", "da", "do", "du", "des", "di")
        while k < len(words):
            w = words[k]
            after = k == end and not in_tail and next((n for n in range(k + 1, min(k + 3, len(words)))
                                                       if words[n].lower() in romance), None)
            if self.is_org_word(w) and (k == end or in_tail):
                end = k + 1
            elif after and all(x[:1].isupper() and x.isalpha() and not self.is_org_word(x) and
                               not instrument_of(self.ctx.ref, x) for x in words[k:after]):
                end = k = after  # "Asociación Bancaria de Panamá", "Autoridad Nacional de Transparencia": an
                continue  # adjective after the noun, then the name's "de" tail
            elif w.lower() in self.tail and k == end and (not in_tail or w.lower() in ("of", "de", "del", "da", "do", "du")):
                in_tail = True  # "Council of Ministers", "Association of the Republic of China", not "... on the X"
            elif in_tail and w.lower() == "the" and words[k - 1].lower() in self.tail:
                pass
            elif in_tail and w[0].isupper():
                end = k + 1
                if w.endswith(("’s", "'s", "’")):
                    break
            elif in_tail and w in (",", "&", "and") and k + 1 < len(words) and words[k + 1][0].isupper() and not (
                    w == "," and is_abbreviation(words[k + 1])):  # (not "Institut X de Normalisation, IMANOR")
                pass
            else:
                break
            k += 1
        if end == 1 and words[0].endswith("s") and not words[0].endswith("ss"):
            return None  # "Organisations" at the start of a sentence names nobody
        return end

    def _strong(self, word: str) -> bool:
        from policyqa.extract.titles import instrument_of

        kind = instrument_of(self.ctx.ref, word)
        return bool(kind and kind[1] == "strong")

    def find(self, text: str) -> list[OrgMention]:
        """Organisations named in a piece of text, longest mention first where they overlap (memoised)."""
        hit = self._found.get(text)
        if hit is None:
            hit = self._found[text] = tuple(self._find(text))
        return list(hit)

    def whole(self, text: str) -> OrgMention | None:
        """The body `text` names as a whole (a last character aside): "(ISSUER, 2023)", "..., ARN"."""
        return next((o for o in self.find(text) if o.start == 0 and o.end >= len(text) - 1), None)

    def _find(self, text: str) -> list[OrgMention]:
        tools = self.ctx.text
        found: list[OrgMention] = []
        for name, abbr in self.vocab_names.items():
            start = text.find(name)
            while start >= 0:
                found.append(OrgMention(start, start + len(name), Org(name, abbr or self.abbreviation_of(name),
                                                                      "vocabulary")))
                start = text.find(name, start + 1)
        for name in self.bodies:
            start = text.find(name)
            while start >= 0:
                full = self.native.get(name, name)  # (a short or native name: the body's own name)
                found.append(OrgMention(start, start + len(name), Org(full, self.abbreviation_of(full), "defined")))
                start = text.find(name, start + 1)
        for full, abbr in ((f, a) for a, f in self.definitions.items() if self.is_org_abbreviation(a)):
            if " " in abbr and not is_abbreviation(abbr.split()[0]):  # "Sri Lanka CERT": found as a name is
                start = text.find(abbr)
                while start >= 0:
                    found.append(OrgMention(start, start + len(abbr), Org(full, abbr, "defined")))
                    start = text.find(abbr, start + 1)
            start = text.find(full)
            while start >= 0:
                found.append(OrgMention(start, start + len(full), Org(full, abbr, "defined")))
                start = text.find(full, start + 1)
        toks = tools.tokens(text)
        for i, j in tools.runs_of(text, False, True, True):
            while i <= j:  # a run may hold several bodies: "the X Agency and the Y Office"
                while i <= j and (toks[i].text.lower() in self.skip_words or not toks[i].is_word):
                    i += 1
                span = toks[i: j + 1]
                words = [t.text for t in span]
                end = self.span(words) if words else None
                if not end:
                    break
                while end > 1 and words[end - 1] in (",", "&", "and", "of", "for"):
                    end -= 1
                first = next(n for n, w in enumerate(words) if self.is_org_word(w))
                begin = max([n + 1 for n in range(first) if words[n].lower() in ("the", "of")
                             or (words[n].lower() in self.and_words and (self.is_org_name(words[:n]) or all(
                                 is_abbreviation(w) for w in words[:n])))], default=0)  # "ANC et Chambre ..."
                if any(self._strong(w) for w in words[begin:first]) or (
                        end < len(words) and words[end][:1].isupper() and not span[end - 1].possessive and
                        not words[end - 1].endswith(("’s", "'s", "’")) and any(self._strong(w) for w in words[end:])):
                    i += end
                    continue  # "Guide on Cloud Service Security", "Cloud Service Provider Security Standard": titles
                    # (not "Cloud Guidelines of the Financial Authority": the body follows "of the")
                if end - begin == 1 and not (i + begin > 0 and toks[i + begin - 1].text.lower() == "the"):
                    i += end
                    continue  # a lone "Commission" or "Cabinet" names a body only as "the Commission"
                start, stop = span[begin].start, span[end - 1].end
                if span[end - 1].possessive:
                    stop = span[end - 1].start + len(strip_possessive(span[end - 1].text))
                name = text[start:stop]
                found.append(OrgMention(start, stop, Org(self.native.get(name, name), self.abbreviation_of(name),
                                                         "pattern")))
                i += end
        for k, t in enumerate(toks):
            if t.text.islower():
                continue  # (most words: no capitals, no abbreviation)
            word = strip_possessive(t.text) if t.possessive or t.text.endswith(("’s", "'s")) else t.text
            if not is_abbreviation(word):
                continue
            nxt = toks[k + 1].text if k + 1 < len(toks) else ""
            pair = f"{word} {nxt}"
            if nxt and pair in self.definitions and self.is_org_abbreviation(pair):  # "the ÚOOÚ SR"
                found.append(OrgMention(t.start, toks[k + 1].end, Org(self.definitions[pair], pair, "abbreviation")))
                continue
            if self.is_org_abbreviation(word):
                stop = t.start + len(word)
                # "CERT NZ", "CCN-CERT": a CERT's name may run on with a country code
                if re.search(r"CERT|CSIRT", word) and (re.fullmatch(r"[A-Z]{2,3}", nxt) and nxt not in self.definitions or
                                                       self.is_home(nxt)):  # "CSIRT Panamá"
                    stop = toks[k + 1].start + len(strip_possessive(toks[k + 1].text))
                    word = text[t.start:stop]
                full = self.full_name(word) or word
                found.append(OrgMention(t.start, stop, Org(full, word, "abbreviation")))
        found.sort(key=lambda o: (o.start, -(o.end - o.start)))
        kept: list[OrgMention] = []
        for o in found:
            if kept and o.start < kept[-1].end:
                continue
            kept.append(o)
        return kept


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _acronym_name(before: str, abbr: str, skip: frozenset[str]) -> str | None:
    """The words just before "(ABBR)" whose initials spell it, for names with lower-case words in them
    ("Commission nationale de l'informatique et des libertés (CNIL)")."""
    words = list(re.finditer(r"[\w’'\-]+", before[-200:]))
    letters = _unaccented(re.sub(r"[.\-&/]", "", re.sub(r"(?<=[A-Z])s$", "", abbr)).lower())  # "MNOs": a plural
    capitals = _unaccented("".join(ch for ch in abbr if ch.isupper())).lower()  # "PaCSON": its capitals spell it
    capitals = capitals if len(capitals) >= 3 and capitals != letters else ""
    for k in range(len(words) - 1, max(-1, len(words) - 19), -1):
        chosen = [w.group() for w in words[k:]]
        if not chosen[0][0].isupper() and not all(w[0].islower() for w in chosen):
            continue  # (a term in lower case may be defined too: "critical information infrastructure (CII)")
        parts = [re.split(r"[’']", w)[-1] or w for w in chosen]
        initials = _unaccented("".join(p[0].lower() for p in parts if p and p.lower() not in skip))  # "É" is "E"
        if initials in (letters, capitals) or (len(letters) >= 3 and initials.startswith(letters) and len(initials) <= len(
                letters) + 1):
            return before[-200:][words[k].start():].strip()
        under = next((n for n, w in enumerate(chosen) if w in ("under", "attached", "within")), None)
        if under and chosen[0][0].isupper() and len(letters) >= 3 and "".join(
                p[0].lower() for p in parts[:under] if p and p.lower() not in skip) == letters:
            return before[-200:][words[k].start():].strip()  # "Agency for X and Y under the President of Z (AXY)"
    return None


def _tail_of(words: list[str], abbr: str, skip: frozenset[str]) -> bool:
    """The run spells only the end of the abbreviation: the name began before a comma inside it
    ("Autorité de Régulation des Télécommunications, des TIC et des Postes (ARTP)": not "TIC et des Postes")."""
    letters = _unaccented(re.sub(r"[^A-Za-z]", "", abbr)).lower()
    initials = _unaccented("".join(w[0] for w in words if w.lower() not in skip)).lower()
    return 0 < len(initials) < len(letters) and letters.endswith(initials)


def _run_before_comma(lex: Lexicon, text: str) -> int | None:
    """Where the capitalised run that ends at a comma just before `text`'s end begins (None: no such run)."""
    head = text.rstrip()
    while head.rsplit(None, 1)[-1:] and head.rsplit(None, 1)[-1].lower() in lex.connectors:
        head = head.rsplit(None, 1)[0].rstrip() if " " in head else ""  # ", des TIC": the connector after it
    if not head.endswith(","):
        return None
    head = head[:-1]
    toks = lex.ctx.text.tokens(head)
    runs = lex.ctx.text.runs_of(head, True, True, True)
    if not runs or toks[runs[-1][1]].end != len(head):
        return None
    i, j = runs[-1]
    while i <= j and toks[i].text.lower() in lex.determiners:
        i += 1
    return toks[i].start if i <= j and toks[i].text[0].isupper() else None


_SENTENCE_CASE_RUN = re.compile(r"(?P<n>[A-ZÀ-Þ][\w’'\-]*(?:\s+(?:[a-zà-ÿ][\w’'\-]*|[dlDL][’'][\w’'\-]+|[A-ZÀ-Þ][\w’'\-]*))"
                                r"{1,10})$")


def _sentence_case_name(lex: Lexicon, before: str) -> str | None:
    """A name in another language's sentence case, spelt in full before its (English) abbreviation: it opens on
    an organisation word and runs in lower case through its own small words ("Organisation arabe de
    normalisation et de métrologie (AMSO)"), so neither the capitalised run nor the initials find it."""
    m = _SENTENCE_CASE_RUN.search(before)
    if not m:
        return None
    words = m.group("n").split()
    first = next((n for n, w in enumerate(words) if w[:1].isupper() and lex.is_org_word(w)), None)
    if first is None:
        return None
    rest = words[first + 1:]
    if not any(lex.ctx.ref.phrases["foreign_word"].fullmatch(w) for w in rest) or any(
            w.lower() in lex.english for w in rest):
        return None  # (not "the Bureau of Communications coordinates the national CERT project (XCERT)")
    return " ".join(words[first:])


def _name_before(lex: Lexicon, before: str, abbr: str) -> str | None:
    """The name that "(ABBR)" follows: the capitalised run ending just before the bracket."""
    tools = lex.ctx.text
    before = before.rstrip()
    toks = tools.tokens(before)
    runs = tools.runs_of(before, True, True, True)
    name = None
    if runs and toks[runs[-1][1]].end == len(before):
        i, j = runs[-1]
        while i <= j and toks[i].text.lower() in lex.determiners:
            i += 1
        words = [t.text for t in toks[i: j + 1]]
        start = toks[i].start
        if words and _tail_of(words, abbr, lex.acronym_skip):
            start = _run_before_comma(lex, before[:start])
        if start is not None and words and (len([w for w in words if w[0].isupper()]) >= 2 or lex.is_org_name(words)):
            name = before[start:]
    acronym = _acronym_name(before, abbr, lex.acronym_skip)
    if name is None and not acronym:
        name = _sentence_case_name(lex, before)
    if name is None or (not lex.is_org_name(name.split()) and acronym):
        name = acronym or name
    elif acronym and len(acronym) < len(name) and name.endswith(acronym) and lex.is_org_name(acronym.split()):
        name = acronym  # "the Board of the National Bank of X (NBX)": the initials say which body the bracket names
    if name:
        name = _ARTICLE.sub("", name)
        # "Adoption of the Federal Standards Office (FSO)": the name starts after "of the"
        orgs = [o for o in lex.find(name) if o.end == len(name)]
        head = name[: orgs[0].start].split() if orgs else []
        if orgs and orgs[0].start > 0 and lex.is_org_name(name[orgs[0].start:].split()) and not any(
                lex.is_org_word(w) and head[n + 1: n + 2] in (["of"], ["for"]) for n, w in enumerate(head)):
            name = name[orgs[0].start:]  # (not "Ministry of Telecommunications and the Information Society")
    return name


@rule("organisations.definitions")
def definitions(ctx: Context) -> None:
    """Every "Full Name (ABBR)", "Full Name (Native Name, ABBR)", "ABBR (the Full Name)" and "Full Name, known
    as ABBR" the chapter gives, anywhere in it: an abbreviation resolves to its full name in every answer."""
    lex = ctx.orgs = Lexicon(ctx)
    texts = [b.text for a in ctx.answers for b in a.blocks] + [q.text for q in ctx.chapter.questions]
    for text in texts:
        for m in _DEFINITION.finditer(text):
            abbr = m.group("abbr").rstrip(".")
            if abbr in lex.definitions or not (is_abbreviation(abbr.split()[0]) or is_abbreviation(abbr.split()[-1])):
                continue
            inside = text[m.start() + 1: m.end("abbr")]  # (without a remark after it: ", formerly ...")
            native = inside.rsplit(",", 1)[0].strip() if "," in inside else ""
            before = text[max(0, m.start() - 200): m.start()].rstrip()
            known = lex.vocab_abbr.get(abbr)
            name = known if known and before.endswith(known) else _name_before(lex, before, abbr)
            if name is None and native and native[0].isupper():
                name = native  # "Finansinspektionen (FI)"-like: the only name is the one in the brackets
                native = ""
            if name and not _acronym_name(before, abbr, lex.acronym_skip) and (
                    _instrument_name(ctx, name) or _law_or_title(ctx, name)):
                continue  # "Guidelines for Information Security in State Bodies (MDT)": the issuer, not a name for it
            if name:
                lex.definitions[abbr] = name
                if native and native != name and len(native.split()) <= 12:
                    lex.native[re.sub(r"^(?:the|The)\s+", "", native)] = name
        for m in _ABBR_FIRST.finditer(text):
            abbr, name = m.group("abbr"), m.group("name").strip()
            if abbr not in lex.definitions and lex.is_org_name(name.split()) and is_abbreviation(abbr):
                lex.definitions[abbr] = name
        for m in ctx.ref.phrases["appositive_body"].finditer(text):  # "CyberSecurity Malaysia, a government agency"
            name = m.group("name")
            if len(name.split()) >= 1 and not lex.is_org_name(name.split()):
                lex.bodies.add(name)
        for m in _IS_THE.finditer(text):  # "NBRNM is the National Bank of ..., ISA the Insurance Supervision Agency"
            abbr, name = m.group("abbr"), m.group("name").strip()
            if is_abbreviation(abbr) and lex.is_org_name(name.split()) and (
                    abbr not in lex.definitions or not lex.names_body(lex.definitions[abbr])):
                lex.definitions[abbr] = name  # (over a title the bracket followed: "Decision on X (NBRNM)")
        for abbr, name, key in _stood_for(text):  # "Here NCSC stands for the Nationaal ..., DNB for De ... and AP for ..."
            words = name.split()  # (a key says what it expands: a name in capitals needs no organisation word)
            if is_abbreviation(abbr) and (lex.is_org_name(words) or key and len(words) >= 2 and all(
                    w[:1].isupper() or w in lex.ctx.ref.words["connector"] for w in words) or _acronym_name(
                    name, abbr, lex.acronym_skip) == name) and (
                    abbr not in lex.definitions or not lex.names_body(lex.definitions[abbr])):
                lex.definitions[abbr] = _without_parent(lex, name)
        for m in _WHOSE_NAME.finditer(text):  # "CAR, which is run by the police and whose full name is the ..."
            abbr, name = m.group("abbr"), m.group("name").strip()
            if is_abbreviation(abbr) and lex.is_org_name(name.split()) and (
                    abbr not in lex.definitions or not lex.names_body(lex.definitions[abbr])):
                lex.definitions[abbr] = name
        for m in _GLOSSARY.finditer(text):  # "Abbreviations used: MIC – Ministry of Industry and Communications; ..."
            abbr, name = m.group("abbr"), m.group("name").strip()
            if is_abbreviation(abbr) and lex.is_org_name(name.split()) and (
                    abbr not in lex.definitions or not lex.names_body(lex.definitions[abbr])):
                lex.definitions[abbr] = name
        for m in _KNOWN_AS.finditer(text):
            abbr = m.group("abbr")
            if abbr in lex.definitions or not is_abbreviation(abbr):
                continue
            name = _name_before(lex, text[max(0, m.start() - 200): m.start()], abbr)
            if name and lex.is_org_name(name.split()):
                lex.definitions[abbr] = name
        for m in re.finditer(ctx.ref.phrases["publish_verb"].pattern + r"\s+(?:the\s+)?(?P<name>(?-i:[A-Z])[\w\-]+"
                             r"(?:\s+(?-i:[A-Z])[\w\-]+){0,5})(?![\w\-])", text, re.IGNORECASE):
            name = strip_possessive(m.group("name"))  # "published by Standard Norge": whoever publishes is a body
            if not lex.is_org_name(name.split()) and not is_abbreviation(name.split()[0]) and \
                    not _law_or_title(ctx, name):
                lex.bodies.add(name)
        for m in ctx.ref.phrases["publisher_subject"].finditer(text):
            name = strip_possessive(m.group("name"))  # "Icelandic Standards (Staðlaráð Íslands) publishes ...": a body
            if not lex.is_org_name(name.split()) and not is_abbreviation(name.split()[0]) and \
                    not _law_or_title(ctx, name):
                lex.bodies.add(name)
    _short_names(ctx, lex, texts)
    _initials(ctx, lex, texts)
    for text in texts:  # "supervised by the MNB", "the MNB's recommendations": a body, though never spelt out
        for m in ctx.ref.phrases["abbreviation_body"].finditer(text):
            abbr = next(x for x in m.groups() if x)
            if len(abbr) >= 3 and abbr not in lex.definitions and abbr not in lex.vocab_abbr and \
                    not _law_or_title(ctx, abbr):
                lex.bodies.add(abbr)


_SHORT_NAME = re.compile(r"\((?:the\s+)?(?P<word>[A-ZÀ-Þ][a-zß-ÿ]{3,})\)")


def _short_names(ctx: Context, lex: Lexicon, texts: list[str]) -> None:
    """"the Testland Digital Ministry (Mintest)", "the Data Protection Agency (Datatilsynet)": one capitalised
    word in brackets after a body's name, and used again on its own, is a short or native name for that body."""
    whole = "\n".join(texts)
    for text in texts:
        for m in _SHORT_NAME.finditer(text):
            word = m.group("word")
            if word in lex.native or word in lex.definitions or lex.is_home(word) or \
                    word in lex.jurisdiction_words or word.lower() in lex.english or lex.is_org_word(word) or \
                    len(re.findall(rf"(?<![\w\-]){re.escape(word)}(?![\w\-])", whole)) < 2:
                continue
            name = _name_before(lex, text[max(0, m.start() - 200): m.start()], word)
            if name and lex.is_org_name(name.split()) and not _instrument_name(ctx, name):
                lex.native[word] = name
                lex.bodies.add(word)


def _stood_for(text: str) -> list[tuple[str, str, bool]]:
    """A key to the abbreviations in one sentence: the first "X stands for Y", then each ", Z for W" that
    follows it (a gloss in brackets after a name is passed over)."""
    out = []
    for m in _STANDS_FOR.finditer(text):
        key = m.group("ie") is None  # ("X stands for Y" is a key; "X, ie Y" may only describe X)
        out.append((m.group("abbr"), m.group("name").strip(), key))
        pos = m.end()
        while key and (n := _AND_FOR.match(text, pos)) is not None:
            out.append((n.group("abbr"), n.group("name").strip(), key))
            pos = n.end()
    return out


def _without_parent(lex: Lexicon, name: str) -> str:
    """"Digital Trust Center of the Ministry of Economic Affairs": a body named with the body it belongs to is
    known by its own name (a name whose head is one word, "Ministry of the Interior", is left whole)."""
    m = re.match(r"(?P<own>\S+(?:\s+\S+)+?)\s+of\s+the\s+(?P<parent>\S+)", name)
    if m and lex.is_org_word(m.group("own").split()[-1]) and lex.is_org_word(m.group("parent")):
        return m.group("own")
    return name


def _instrument_name(ctx: Context, name: str) -> bool:
    """A document's title ("IT Risk Management Guidelines for Insurance Companies"): its head, the words before
    the first lower-case one, holds an instrument noun and no organisation word ("Standards Institute" is a body)."""
    from policyqa.extract.titles import instrument_of

    head = re.split(r"\s+(?=[a-z])", name, maxsplit=1)[0].split()
    return (any(instrument_of(ctx.ref, w) for w in head) or instrument_of(ctx.ref, name) is not None) and not any(
        ctx.orgs.is_org_word(w) for w in head)  # "... Management Code of Practice": a noun of several words


def _law_or_title(ctx: Context, name: str) -> bool:
    from policyqa.extract.titles import is_law_title

    name = re.sub(r"\s+(?:No|Nr|Art)\.?$", "", name)  # "Ministerial Agreement No" (its number cut off)
    words = name.split()
    return is_law_title(ctx.ref, name) or any(w in ctx.ref.words["month"] for w in words) or (
        all(w in ctx.orgs.jurisdiction_words for w in words))


def _initials(ctx: Context, lex: Lexicon, texts: list[str]) -> None:
    """"(IRA, 2021)" in one place, "the Insurance Regulatory Authority's guideline" in another: an
    abbreviation nobody defines stands for the one body the chapter names whose initials spell it."""
    skip = ctx.ref.words["acronym_skip"] | ctx.ref.words["connector"]
    names: set[str] = set()
    used: set[str] = set()
    for text in texts:
        for m in re.finditer(r"[A-Z][\w\-]*(?:[’']s)?(?:\s+(?:(?:of|for|and|the|on|de|du|des|la|für)\s+)*[A-Z][\w\-]*(?:[’']s)?)*",
                             text):
            words = [strip_possessive(w) for w in m.group(0).split()]
            while words and words[0].lower() in skip | {"the"}:
                words = words[1:]
            if len(words) >= 2 and lex.is_org_word(words[-1]):
                names.add(" ".join(words))
        used |= {w for w in re.findall(r"(?<![\w\-])[A-Z][A-Z&]{1,7}(?![\w\-])", text)}
    for abbr in used - set(lex.definitions) - set(lex.vocab_abbr):
        letters = re.sub(r"[&]", "", abbr).lower()
        fits = {n for n in names if "".join(w[0].lower() for w in n.split() if w.lower() not in skip) == letters}
        if len(fits) == 1:
            lex.definitions[abbr] = fits.pop()


# ----------------------------------------------------------------------------- who issues each candidate

def _resolve(ctx: Context, mention: OrgMention | Org | str) -> Org:
    if isinstance(mention, OrgMention):
        mention = mention.org
    if isinstance(mention, Org):
        if mention.how == "abbreviation" and mention.name == mention.abbreviation:
            return ctx.orgs.org(mention.abbreviation)
        return mention
    return ctx.orgs.org(mention)


def _text_around(ctx: Context, c: Candidate) -> tuple[str, int, int]:
    """The text the candidate was found in (its sentence, or its list item) and its span there."""
    s = ctx.sentence_of(c)
    if s is not None:
        return s.text, c.start, c.end
    return ctx.block_of(c).text, c.start, c.end


def _set(c: Candidate, org: Org, source: str, name: str) -> None:
    c.org, c.authority_source, c.authority_rule = org, source, name


def _pending(ctx: Context) -> list[Candidate]:
    """Candidates with no issuer yet, those merged into another included: where a title is named twice, each
    place may say who issued it ("TSE publishes ISO/IEC 27001 as TS EN ISO/IEC 27001" in one answer, the
    bare title in a list in another)."""
    return [c for c in ctx.candidates if not c.vetoed and c.org is None]


@rule("organisations.authority_agent")
def authority_agent(ctx: Context) -> None:
    """"X, issued by the Y", "approved by Y and drafted jointly by Z": the body named after the verb."""
    agent = ctx.ref.phrases["agent"]
    for c in _pending(ctx):
        text, start, end = _text_around(ctx, c)
        later = sorted((o.start, o.end) for o in ctx.alive() if o.id != c.id and o.answer == c.answer and
                       o.block == c.block and o.sentence == c.sentence and o.start >= end)
        nxt = len(text)
        last = end
        for s_, e_ in later:  # "A and B, the editions published by X": both are X's
            if re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*", text[last:s_]):
                last = e_
                continue
            nxt = s_
            break
        for o in ctx.orgs.find(text[:nxt]):
            if o.start >= end and agent.search(text[end: o.start]) and o.start - end <= 260:
                _set(c, _resolve(ctx, o), "agent", "organisations.authority_agent")
                break
        else:  # "issued by the SC", "operated by CyberSecurity Malaysia": whoever the capitalised name after "by" is
            m = re.search(r"\bby\s+(?:the\s+)?(?P<name>(?-i:[A-Z])[\w\-.&’']*(?:\s+(?:of|for|and|the|(?-i:[A-Z])"
                          r"[\w\-.&’']*)){0,8})", text[end: nxt])
            if m and agent.search(text[end: end + m.start("name")]) and m.start() <= 260 and \
                    not _law_or_title(ctx, m.group("name")):  # (not "published by Ministerial Agreement No. 3")
                name = re.sub(r"\s+(?:of|for|and|the)$", "", m.group("name"))
                _set(c, ctx.orgs.org(name), "agent", "organisations.authority_agent")


@rule("organisations.authority_possessive")
def authority_possessive(ctx: Context) -> None:
    """"the NCA's Patch Handbook", "its Framework" (its: the body named before it in the sentence)."""
    for c in _pending(ctx):
        if not c.owner:
            continue
        text, start, end = _text_around(ctx, c)
        if c.owner in ("its", "their"):
            before = [o for o in ctx.orgs.find(text[:start])]
            if before:
                _set(c, _resolve(ctx, before[-1]), "possessive", "organisations.authority_possessive")
            continue
        named = _named_before(ctx, c, c.owner) if len(c.owner.split()) == 1 and ctx.orgs.is_org_word(c.owner) \
            else None
        _set(c, named or _resolve(ctx, c.owner), "possessive", "organisations.authority_possessive")


def _named_before(ctx: Context, c: Candidate, word: str) -> Org | None:
    """"the Agency's guidelines": the body named before (in the answer, else in the answers before it) whose
    name has that word."""
    s = ctx.sentence_of(c)
    upto = c.start + (s.offset if s is not None else 0)  # where the title starts in its block
    for a in reversed(ctx.answers[: c.answer + 1]):
        found = None
        for k, b in enumerate(a.blocks if a.index < c.answer else a.blocks[: c.block + 1]):
            text = b.text if a.index < c.answer or k < c.block else b.text[:upto]
            for o in ctx.orgs.find(text):
                if word in o.org.name.split() and o.org.name != word:
                    found = _resolve(ctx, o)
        if found is not None:
            return found
    return None


@rule("organisations.authority_short_name")
def authority_short_name(ctx: Context) -> None:
    """"the Agency", "the Directorate": an issuer named by its head word alone is the body named before whose
    name has that word ("the Agency for Access to Public Information")."""
    for c in ctx.alive():
        if c.org is not None and len(c.org.name.split()) == 1 and ctx.orgs.is_org_word(c.org.name):
            named = _named_before(ctx, c, c.org.name)
            if named is not None:
                c.org = named


@rule("organisations.authority_parenthesis")
def authority_parenthesis(ctx: Context) -> None:
    """"Title (ISSUER, Month YYYY)": a body in the brackets right after the title."""
    for c in _pending(ctx):
        text, start, end = _text_around(ctx, c)
        m = re.match(r"[’”\"»*_]?\s*\((?P<inside>[^()]{2,120})\)", text[end:])  # ('"Title" (ISSUER, 2023)')
        if not m:
            continue
        first = m.group("inside").split(",")[0].strip()
        body = ctx.orgs.whole(first)
        if body:
            _set(c, _resolve(ctx, body), "parenthesis", "organisations.authority_parenthesis")
        elif re.fullmatch(r"[A-Z]{2,8}", first) and re.fullmatch(r"[^,]+,\s*(?:19|20)\d\d", m.group("inside")) and \
                first not in ctx.orgs.definitions:  # "Title (TSEC, 2021)": the issuer and its year, though
            _set(c, ctx.orgs.org(first), "parenthesis", "organisations.authority_parenthesis")  # never spelt out


@rule("organisations.authority_label")
def authority_label(ctx: Context) -> None:
    """The issuer a list label names for the items under it ("Guides from the X;", "X (XA):")."""
    for c in _pending(ctx):
        if c.label is not None and c.label.org is not None:
            _set(c, c.label.org, "list label", "organisations.authority_label")


@rule("organisations.authority_title")
def authority_title(ctx: Context) -> None:
    """A body that begins the title: "CERT NZ Critical Controls", "FISC Security Guidelines", "CCN-STIC 803"
    (an abbreviation the chapter defines, before a hyphen)."""
    from policyqa.extract.titles import instrument_of

    lex = ctx.orgs
    for c in _pending(ctx):
        if c.prefix_body:
            # "NEN-ISO/IEC 27001": a national prefix that is the chapter's name for a body is its publisher
            national = re.match(r"(?P<abbr>[A-ZÀ-Þ]{2,5})[\s\-]+(?=\S)", c.title)
            if national and national.group("abbr") != c.prefix_body and lex.is_org_abbreviation(national.group("abbr")):
                _set(c, lex.org(national.group("abbr")), "title", "organisations.authority_title")
            continue  # a standard's prefix (ISO) is its body only when nobody else recommends it
        orgs = lex.find(c.title)
        if orgs and orgs[0].start == 0 and orgs[0].end < len(c.title) and not (
                instrument_of(ctx.ref, c.title[: orgs[0].end]) and not instrument_of(ctx.ref, c.title[orgs[0].end:])):
            # (not "Baseline Measures for Market Exchange" in "... Exchange Members": the title's
            # noun is in what looked like a body, and nothing after it is a document)
            _set(c, _resolve(ctx, orgs[0]), "title", "organisations.authority_title")
            continue
        head = re.match(r"(?P<abbr>[^\s\-/]+)[\-/]", c.title)
        if head and is_abbreviation(head.group("abbr")) and lex.is_org_abbreviation(head.group("abbr")):
            _set(c, lex.org(head.group("abbr")), "title", "organisations.authority_title")


@rule("organisations.authority_description")
def authority_description(ctx: Context) -> None:
    """A list item's description that names a body first ("– the GCSB's manual of ...", "– issued by the SC",
    ", the certification scheme of the X Centre")."""
    for c in _pending(ctx):
        if not c.description:
            continue
        head = c.description[:160]
        orgs = ctx.orgs.find(head)
        before = re.sub(r"^\s*(?:\([^()]*\)\s*)+", "", head[: orgs[0].start]) if orgs else ""  # " (2019) – NTA",
        # " (the IT Risk Guidelines) – CBL"
        if orgs and orgs[0].start <= 40 and re.match(r"^[\W]*(?:(?:the|an?|its)\s+)?(?:[\w\-]+\s+){0,3}(?:(?:of|by)\s+(?:the\s+)?)?$", before):
            _set(c, _resolve(ctx, orgs[0]), "description", "organisations.authority_description")
        else:
            named = _native_issuer(ctx, head)
            if named is not None:
                _set(c, named, "description", "organisations.authority_description")


_NATIVE_ISSUER = re.compile(r"^\s*[–—]\s*(?P<n>[A-ZÀ-ÞĀ-Ž][\w’'.\-]*(?:\s+[\w’'.\-]+){0,7}?)\s*(?:\((?P<g>[A-Z][^()]{3,80})\))?"
                            r"\s*(?=[–—;]|$)")


def _native_issuer(ctx: Context, head: str) -> Org | None:
    """"Title (gloss) – Banka Qendrore – binding on banks", "– Zyra Kompjuterike (State Computer Office)
    –": a name in the chapter's own language between dashes is the issuer; the short form of a native name
    the chapter gave earlier is that body, else the English gloss names it."""
    m = _NATIVE_ISSUER.match(head)
    if m is None or not all(w[:1].isupper() for w in m.group("n").split() if len(w) > 3):
        return None
    name = m.group("n")
    for native, full in ctx.orgs.native.items():
        if native == name or native.endswith(" " + name):
            return ctx.orgs.org(full)
    gloss = m.group("g")
    if gloss and ctx.orgs.is_org_name(gloss.split()):
        return ctx.orgs.org(gloss)
    return None


@rule("organisations.authority_administers")
def authority_administers(ctx: Context) -> None:
    """"MISS, the Cabinet-approved standard that the State Security Agency administers": the body the
    description says runs it."""
    verbs = ctx.ref.phrases["administers"]
    for c in _pending(ctx):
        text = c.description[:200] if c.sentence is None else _text_around(ctx, c)[0][c.end: c.end + 200]
        for o in ctx.orgs.find(text):
            if re.search(r"\b(?:that|which|whom)\s+(?:the\s+)?$", text[max(0, o.start - 12): o.start]) and \
                    verbs.match(text[o.end:]):
                _set(c, _resolve(ctx, o), "description", "organisations.authority_administers")
                break


@rule("organisations.authority_subject")
def authority_subject(ctx: Context) -> None:
    """The body the sentence is about, before the title ("the PDPC has published the X Guide"); a body after
    the title when none comes before it."""
    for c in _pending(ctx):
        if c.sentence is None:
            continue
        text, start, end = _text_around(ctx, c)
        before = [o for o in ctx.orgs.find(text[:start])]
        # "The NKSC, in its role as national CSIRT, has published X": a body in an aside is not the subject
        before = [o for o in before if not _aside(text[:o.start], text[o.end:start])] or before
        if c.prefix_body:  # "the Authority recommends ISO 9999" names its recommender; else the standard's body
            before = [o for o in before if ctx.ref.phrases["recommend_verb"].search(text[o.end:start]) and
                      ";" not in text[o.end:start]]  # (in its own clause: "X uses A; others are pointed to ISO Y")
        if before:
            _set(c, _resolve(ctx, before[-1]), "sentence", "organisations.authority_subject")
            continue
        if c.prefix_body:
            _set(c, ctx.orgs.org(c.prefix_body), "standard prefix", "organisations.authority_prefix")
            continue
        after = [o for o in ctx.orgs.find(text[end:]) if o.start < 120]
        if after:
            _set(c, _resolve(ctx, after[0]), "sentence", "organisations.authority_subject")


def _aside(before: str, after: str) -> bool:
    """A body named in an aside: ", in its role as national CSIRT,", ", which sits within the Chief of Cabinet's
    Office,", ", now the Department of IT within the Ministry of Finance," (a renamed body's new name)."""
    return bool(re.search(r",\s*(?:in\s+(?:its|their)\s+(?:role|capacity)\s+as|acting\s+as|as|which\s+(?:sits|is|operates|"
                          r"works|reports)\s+(?:\w+\s+)?(?:within|under|in|to|inside|part\s+of))\s+(?:the\s+|a\s+|an\s+)?"
                          r"(?:[\w\-]+\s+){0,4}$", before) and re.match(r"\s*,", after)) or bool(
        re.search(r",\s*(?:now|formerly|previously|(?:since\s+)?renamed(?:\s+as)?)\s+[^,]{0,80}$", before) and
        re.match(r"[^,]{0,60},", after))  # "The ITSD, now the Department of IT within the Ministry of Finance, has"


def _not_aside(text: str, orgs: list) -> list:
    return [o for o in orgs if not _aside(text[:o.start], text[o.end:])] or orgs


@rule("organisations.authority_merged")
def authority_merged(ctx: Context) -> None:
    """A guideline named twice whose own place names no issuer takes the issuer another place names by agent,
    possessive, brackets, label, title, description or subject (before a list's lead-in or the nearest body)."""
    strong = {"agent", "possessive", "parenthesis", "label", "title", "description", "administers", "sentence"}
    for c in [c for c in ctx.alive() if c.org is None]:
        for other in ctx.candidates:
            x = other
            while x.merged_into is not None:
                x = ctx.candidates[x.merged_into]
            if x is c and other is not c and other.org is not None and other.authority_source in strong:
                _set(c, other.org, other.authority_source, "organisations.authority_merged")
                break


_SHORT_CLAUSE = re.compile(r"(?:,\s+(?:and\s+)?|;\s+|\s+and\s+)(?=the\s+[A-Z])")


def _short_issuer(ctx: Context, clause: str, members: list[Candidate]) -> tuple[Candidate, Org] | None:
    """A clause that opens on the short form of one bare item's title and says who issued it: "the Guidelines
    were issued by the CSBF", "The Recommendation is the CMIL’s", "the Requirements were published by the
    central bank, Banky X (BX)"."""
    m = re.match(r"\W*(?:the|The)\s+(?P<short>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,4})\s+(?P<rest>.*)$", clause)
    if not m:
        return None
    short = m.group("short")
    fits = [c for c in members if re.sub(r"\s*\([^()]*\)", "", c.title) == short or c.title.startswith(short + " ")]
    if len(fits) != 1:
        return None
    rest = m.group("rest")
    verb = re.sub(r"^(?:(?:is|are|was|were|has|have|been)\s+)+", "", rest)  # "were issued by", "has been issued by"
    by = ctx.ref.phrases["publish_verb"].match(verb)
    if by:
        after = verb[by.end():]
        after = re.sub(r"^\s*(?:the\s+)?(?:[a-z][\w\-]*\s+){0,2}[a-z][\w\-]*,\s+", " ", after)  # "by the central bank, X"
        orgs = [o for o in ctx.orgs.find(after) if o.start <= 6]
        defined = re.match(r"\s*(?:the\s+)?[^,;()]{2,80}?\s+\((?P<abbr>[A-Z][\w\-]{1,9})\)", after)
        if not orgs and defined and defined.group("abbr") in ctx.orgs.definitions:
            return fits[0], _resolve(ctx, defined.group("abbr"))  # a name with no organisation word, defined
    else:
        own = re.match(r"(?:is|are|was|were)\s+(?:the\s+)?(?P<who>[\w\-]+(?:\s+[\w\-]+){0,6}?)[’']s?\b", rest)
        orgs = [o for o in ctx.orgs.find(own.group("who"))] if own else []
    return (fits[0], _resolve(ctx, orgs[0])) if orgs else None


_GROUP_ISSUER = re.compile(
    r"\b(?:are|were)\s+(?:all\s+|both\s+)?(?:(?:the\s+)?(?P<own>[A-Z][^,;]{1,60}?)(?:[’']s)?\s+(?:publications|documents|"
    r"guides|guidelines|products)\b|(?:issued|published|prepared|developed|written)\s+by\s+(?P<by>[^,;]{2,80}))")
_OWNER = re.compile(r"(?:^|\s)(?:[Tt]he\s+)?(?P<who>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,5})[’']s\s+(?P<noun>[\w\-]+)")


def _named_in(ctx: Context, c: Candidate, text: str, members: list[Candidate]) -> bool:
    """Whether a sentence after a list names this item: by its title, as "the <Head>" ("the Handbook") when no
    other item has that head, or by its own words before a document noun ("the public sector guideline")."""
    from policyqa.extract.titles import head_noun

    bare = re.sub(r"\s*\([^()]*\)", "", c.title)
    if bare in text:
        return True
    head = head_noun(ctx, c.title)
    if head and sum(head_noun(ctx, o.title) == head for o in members) == 1 and re.search(
            rf"\b[Tt]he\s+{re.escape(head)}\b", text):
        return True
    generic = ctx.ref.words["generic_document"]
    for m in re.finditer(r"\b[Tt]he\s+(?P<words>(?:[a-z][\w\-]*\s+){1,3})(?P<noun>[a-z]+)\b", text):
        words = m.group("words").split()
        if m.group("noun") in generic and len(words) >= 2 and " ".join(words) in bare.lower():
            return True
    return False


def _group_issuer(ctx: Context, text: str, members: list[Candidate]) -> tuple[list[Candidate], Org] | None:
    """"The public sector guideline, the Handbook and the Guideline on Cloud Security are CERT-MU publications":
    several items after a list, and the body whose documents they are."""
    m = _GROUP_ISSUER.search(text)
    if not m:
        return None
    subject = text[: m.start()]
    if re.search(r"\b(?:is|are|was|were|has|have|had)\b|[;:]", subject):
        return None  # ("The Recommendation is the CMIL’s, the Guidelines were issued by ...": a clause each)
    every = re.fullmatch(r"\W*(?:All(?:\s+(?:of\s+)?(?:them|these|the\s+above|two|three|four|five|six))?|Both(?:\s+of\s+"
                         r"(?:them|these))?|These(?:\s+(?:two|three|four|five|six))?(?:\s+documents)?)\s*", subject)
    named = list(members) if every and len(members) >= 2 else [
        c for c in members if _named_in(ctx, c, subject, members)]  # ("All three were published by the ANSSI")
    orgs = ctx.orgs.find(m.group("own") or m.group("by"))
    if len(named) < 2 or not orgs or orgs[0].start > 6:
        return None
    return named, _resolve(ctx, orgs[0])


def _owner_of(ctx: Context, text: str, c: Candidate) -> Org | None:
    """"The DPO’s guide is ...", "The last item, the FSC’s Guidance Note, ...": a body's possessive before the
    item's head noun."""
    from policyqa.extract.titles import head_noun

    head = head_noun(ctx, c.title).lower()
    for m in _OWNER.finditer(text):
        if head and m.group("noun").lower() in (head, head + "s", head.rstrip("s")):
            orgs = ctx.orgs.find(m.group("who"))
            if orgs and orgs[0].start == 0:
                return _resolve(ctx, orgs[0])
    return None


@rule("organisations.authority_after_list")
def authority_after_list(ctx: Context) -> None:
    """A list of bare titles whose issuers come after it: "The first was issued by the BCC for banks", "The
    Information Security Policy Framework was prepared by OMSAR", "The third item was issued by BDL": a
    sentence after the list that names one of its items, by place or by title, and who issued it."""
    ordinal = ctx.ref.phrases["ordinal_item"]
    publish = ctx.ref.phrases["publish_verb"]
    numbered = re.compile(r"\W*(?:the\s+)?(?:" + ctx.ref.phrases["item_numbers"].pattern + ")", re.IGNORECASE)
    for a in ctx.answers:
        for lst in a.lists:
            members = [c for c in _pending(ctx) if c.lst is lst]
            if not members:
                continue
            places = lst.places()
            for k in lst.trailer:
                for s in a.sentences[k]:
                    group = _group_issuer(ctx, s.text, members)
                    if group:
                        for c in group[0]:
                            _set(c, group[1], "sentence", "organisations.authority_after_list")
                            members.remove(c)
                        continue
                    named = [c for c in members if re.sub(r"\s*\([^()]*\)", "", c.title) in s.text]
                    if numbered.match(s.text) and not named:  # "Items three to five were published by the AIDRS;
                        for clause in re.split(r";\s+", s.text):  # items 6 and 7 are DPO documents"
                            span = numbered.match(clause)
                            org = _numbered_issuer(ctx, clause[span.end():]) if span else None
                            nums = item_numbers(ctx, span.group(0)) if org is not None else set()
                            for c in [c for c in members if places.get(c.block) in nums]:
                                _set(c, org, "sentence", "organisations.authority_after_list")
                                members.remove(c)
                        continue
                    m = ordinal.search(s.text)
                    active = m is not None and re.search(r"\b(?:issued|published|prepared|developed|released|produced|"
                                                         r"adopted|wrote|drew\s+up)\s+$", s.text[:m.start()])
                    if not named and m and (m.start() <= 40 or active):
                        wanted = ordinal_places(ctx, m.group("n"), len(places))
                        named = [c for c in members if places.get(c.block) in wanted] if len(wanted) == 1 else []
                    if not named and not m:
                        for clause in _SHORT_CLAUSE.split(s.text):  # "The Recommendation is the CMIL’s, the
                            hit = _short_issuer(ctx, clause, members)  # Guidelines were issued by the CSBF, ..."
                            if hit is not None:
                                _set(hit[0], hit[1], "sentence", "organisations.authority_after_list")
                                members.remove(hit[0])
                        owned = [(c, _owner_of(ctx, s.text[:80], c)) for c in members]  # "The DPO’s guide is ..."
                        owned = [(c, o) for c, o in owned if o is not None]
                        if len(owned) == 1:
                            _set(owned[0][0], owned[0][1], "sentence", "organisations.authority_after_list")
                            members.remove(owned[0][0])
                        continue
                    by = publish.search(s.text)
                    if len(named) == 1 and by is None and not active:
                        owner = _owner_of(ctx, s.text, named[0])  # "The last item, the FSC’s Guidance Note, ..."
                        if owner is not None:
                            _set(named[0], owner, "sentence", "organisations.authority_after_list")
                            members.remove(named[0])
                        continue
                    if len(named) != 1 or (by is None and not active):
                        continue  # "MoET, to which ..., issued the last item": the subject issued it
                    orgs = [o for o in ctx.orgs.find(s.text[by.end():]) if o.start <= 6] if by else [
                        o for o in ctx.orgs.find(s.text) if o.start <= 8]
                    if orgs:
                        _set(named[0], _resolve(ctx, orgs[0]), "sentence", "organisations.authority_after_list")
                        members.remove(named[0])


def _numbered_issuer(ctx: Context, rest: str) -> Org | None:
    """Who issued the items a clause opens on: "... were issued by the X", "... are X documents", "... are
    the X's"."""
    by = ctx.ref.phrases["publish_verb"].search(rest[:40])
    if by:
        orgs = [o for o in ctx.orgs.find(rest[by.end():]) if o.start <= 6]
        return _resolve(ctx, orgs[0]) if orgs else None
    copula = re.match(r"\s+(?:are|were)\s+(?:all\s+|both\s+)?(?:the\s+)?", rest)
    if copula is None:
        return None
    orgs = [o for o in ctx.orgs.find(rest[copula.end():]) if o.start == 0]
    after = rest[copula.end() + orgs[0].end:] if orgs else ""
    if orgs and re.match(r"(?:[’']s\b|\s+(?:documents?|publications?|guidance|guides?|texts?|instruments?|products?)\b|"
                         r"\s*(?:[,.;]|$))", after):
        return _resolve(ctx, orgs[0])
    return None


@rule("organisations.authority_lead_in")
def authority_lead_in(ctx: Context) -> None:
    """A list item with no body of its own: the body its list's lead-in names."""
    for c in _pending(ctx):
        if c.lst is None or c.lst.lead is None:
            continue
        a = ctx.answers[c.answer]
        lead = a.blocks[c.lst.lead].text
        sents = a.sentences[c.lst.lead]
        last = ctx.orgs.find(sents[-1].text) if len(sents) > 1 else []
        orgs = last or ctx.orgs.find(lead)  # the sentence that opens the list speaks for it ("..., but Latvijas
        if orgs:  # Banka still maintains two documents of its own:"), else the paragraph's first body
            _set(c, _resolve(ctx, orgs[0]), "list lead-in", "organisations.authority_lead_in")


@rule("organisations.authority_nearest")
def authority_nearest(ctx: Context) -> None:
    """The nearest body before the mention in its answer, else the first one after it (a guess)."""
    for c in _pending(ctx):
        a = ctx.answers[c.answer]
        found = None
        s = ctx.sentence_of(c)
        here = a.blocks[c.block].text[: (s.offset if s else 0) + c.start][-4000:]
        orgs = _not_aside(here, ctx.orgs.find(here))
        if orgs:
            found = orgs[-1]
        else:
            for b in reversed(a.blocks[: c.block]):
                orgs = _not_aside(b.text[-4000:], ctx.orgs.find(b.text[-4000:]))
                if orgs:
                    found = orgs[-1]
                    break
        if found is None:
            for b in a.blocks[c.block:]:
                orgs = ctx.orgs.find(b.text[:4000])
                if orgs:
                    found = orgs[0]
                    break
        if found is not None:
            _set(c, _resolve(ctx, found), "answer", "organisations.authority_nearest")
        else:
            ctx.diagnose(c.line, "guess", f"no issuing authority found for {c.title!r}", c.title)
