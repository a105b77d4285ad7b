"""Rule family `titles`: named guidance in running text, the vetoes that keep laws and programmes out, and
which sentences name which guideline.

A guideline named in prose is a name with an instrument noun in it ("the
Breach Response Guide", "Guidelines on safe storage", "the SAFE-K
certification"), a standard's identifier ("ISO/IEC 27001", "PN-ISO/IEC
27001"), or a quoted title ("INCIBE's “Security policies for SMEs”"). Each
finder is a rule; each veto is a rule too (a law, a programme or platform, an
organisation, a generic phrase, a superseded edition), so what was found and
why it was dropped can both be listed. `mentions` then records every sentence
that names each surviving candidate, by title, abbreviation, short form
("the National Guide", "the Policy") or code, for the binding-status rules.
"""

from __future__ import annotations

import re

from policyqa.extract.context import Candidate, Context
from policyqa.extract.organisations import is_abbreviation
from policyqa.extract.registry import rule
from policyqa.extract.text import OPEN_QUOTES, QUOTED, has_whole, occurrences, strip_possessive, whole
from policyqa.parse import norm
from policyqa.reference import Reference

# ----------------------------------------------------------------------------- vocabulary look-ups


_INSTRUMENTS: dict[tuple[str, str], tuple[str, str] | None] = {}


def instrument_of(ref: Reference, text: str) -> tuple[str, str] | None:
    """(type, strength) of the instrument nouns in a title, a strong one first; typo-tolerant for doubled
    letters ("Recommmendations"). Asked of the same words thousands of times a chapter, so remembered (per
    vocabulary, bounded)."""
    key = (ref.digest, text)
    if key in _INSTRUMENTS:
        return _INSTRUMENTS[key]
    if len(_INSTRUMENTS) > 50_000:
        _INSTRUMENTS.clear()
    _INSTRUMENTS[key] = found = _instrument_of(ref, text)
    return found


def _instrument_of(ref: Reference, text: str) -> tuple[str, str] | None:
    squeezed = re.sub(r"(\w)\1+", r"\1", text)
    best = None
    for pattern, kind, strength in ref.instruments:
        m = pattern.search(text) or pattern.search(squeezed)
        if m and (best is None or (strength == "strong" and best[1] == "weak")):
            best = (kind, strength)
    return best


def law_kind(ref: Reference, title: str) -> str | None:
    """The kind of law a title names (act, decree, regulation ...), or None."""
    for pattern, kind in ref.laws:
        if pattern.search(title):
            return kind
    return None


def _names_law(ref: Reference, before: str) -> bool:
    """Whether the words just before a quoted name are a law noun ("Law", "the Law of Ukraine", "Decree"): the
    quoted words are then the law's own name."""
    for p, _ in ref.laws:
        for m in p.finditer(before):
            if re.fullmatch(r"(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w\-]*\s*){1,3})?\s*", before[m.end():]):
                return True
    return False


def is_law_title(ref: Reference, title: str) -> bool:
    """A title is a law's when its head is a law noun: it ends with one (and perhaps a year or number: "Cyber
    Security Act 2024", "Rules 2021"), or starts with one followed by a number, "of" or a date ("Royal Decree
    311/2022", "Law No. 46/2018", "Regulation (EU) 2016/679"). "Guidelines on ... under Regulation 2016/679" is
    a guideline: its head is "Guidelines"."""
    t = re.sub(r"\s*\[\d+\]", "", title).strip(" ;,.")
    t = re.sub(r"^(?:the|The)\s+", "", t)
    front = re.split(r"\s+(?:on|of|for|concerning|regarding|relating to|about)\s+", t, maxsplit=1)[0]
    if ref.phrases["self_regulatory"].match(t):
        return False  # "Self-Regulatory Rules on X": an industry's own code, not a law
    glossed = re.fullmatch(r"(?P<name>[^()]+?)\s*\((?P<gloss>[^()]+)\)(?P<rest>[^()]*)", t)
    if glossed and len(glossed.group("name").split()) <= 4 and not glossed.group("gloss").startswith("the ") and \
            not instrument_of(ref, glossed.group("name")) and \
            is_law_title(ref, glossed.group("gloss") + glossed.group("rest")):
        return True  # "Tryggingarlógin (Security Act) of 2019": the gloss says the name is a law's
    if ref.phrases["law_of_place"].search(t) or ref.phrases["law_with_part"].match(t):
        return True  # "Information, Communications and Media Act of Bhutan 2018", "Cybercrimes Act, Part III"
    for p, _ in ref.laws:  # "Traficom Regulation M 67 on ...": a law noun with its number
        m = p.search(front)  # ("Ordonnance-loi n° 99/001": a compound law noun, a number sign of any language)
        if m and re.match(r"(?:-[^\W\d_]+)?\s+(?:(?:No|Nr|N|n|núm|Núm)\.?\s*[°º]?\s*)?(?:[A-Z]{1,6}\s*[/\-]?\s*){0,3}\d",
                          front[m.end():]) and not re.search(
                r"\b(?:under|pursuant to|in accordance with|according to|implementing|in line with|with)\s+(?:the\s+)?"
                r"(?:[A-Z][\w()’'\-]*\s+){0,6}$", front[: m.start()]):
            return True
    if front != t and len(front.split()) <= 4:
        at = len(front) - len(front.split()[-1])
        for p, _ in ref.laws:  # matched in place, so "Code of Practice" is no code of law
            m = p.match(t, at)
            if m and m.end() == len(front):
                return True  # "Framework Law on Cybersecurity": its head is "Law"
    words = t.split()
    if len(words) >= 2 and words[1][:1].islower() and words[1] not in ref.words["connector"] and any(
            p.fullmatch(words[0]) for p, _ in ref.laws):
        return True  # "Besluit informatiebeveiliging rijksdienst BES": a name in a language whose head comes first
    head = instrument_of(ref, " ".join(t.split()[:1]))
    if head and head[1] == "strong" and not re.search(r"\b(?:Rules|Directions?)\s*(?:,?\s*\d{4})?\)?\s*$", t):
        return False  # "Guidelines on ... under Regulation 2016/679": its head is "Guidelines"
    tail = re.sub(r"(?:\s*\([^()]*\))+\s*$", "", re.sub(r"(?<=\))\s+(?:19|20)\d\d$", "", t))  # ("... Rules (TL
    # 23/006) 2023": a reference code and the year after the law noun)
    tail = re.sub(r"[\s,]+(?:No\.?\s*)?\d[\d/.:\-]*(?:\s+of\s+\d{1,2}\s+\w+(?:\s+\d{4})?)?$", "", tail)
    tail = re.sub(r"\s+(?:of\s+)?(?:19|20)\d\d$", "", tail)
    last = tail.split()[-1] if tail.split() else ""
    # "A guide to X in accordance with the Privacy Act 1988": a law the title only refers to
    referred = re.search(r"\b(?:under|pursuant to|in accordance with|according to|implementing|in line with)\s+(?:the\s+)?"
                         r"(?:[A-Z][\w()’'\-]*\s+){0,6}\S+$", tail)
    at = len(tail.rstrip()) - len(last)  # (matched in place: "Risk Management Code" is no code of law)
    for pattern, _ in ref.laws:
        whole = pattern.match(tail.rstrip(), at)
        if ((whole and whole.end() == len(tail.rstrip())) or pattern.fullmatch(" ".join(tail.split()[-2:]))) and \
                not referred:
            return True
        m = pattern.match(t)
        if m and re.match(r"\s*(?:\(|[“\"«„]|No\.?\s*\d|n\.?[°º]\s*\d|\d|of\b|on\b|-Law\b|governing\b|concerning\b|regarding\b|"
                          r"portant\b|relati(?:f|ve)\b|sur\b|sobre\b|über\b|(?-i:de|del|des|du)\b|"
                          r"relating\b|implementing\b|amending\b|for\s+the\s+(?:implementation|protection)\b)",
                          t[m.end():], re.IGNORECASE):
            return True  # "Royal Decree 311/2022", "Regulations Governing Internal Operating Systems ..."
    return False


_ROMANCE_OF = re.compile(r"\s(?:de|du|des|del|della|do|da|dos|das|pour|para|por|per|zur|zum|für)\s|\sd[’']")


_GLOSSED = re.compile(r"(?<![\w\-’'])(?P<t>[^\W\d_][\w\-]*(?:\s+[^\W\d_][\w\-]*){1,9})\s+\((?P<g>[A-Za-z][^()]{3,80})\)")


def not_guidance(ref: Reference, title: str, place: str = "") -> str | None:
    """What a named thing is when its head noun says it is no guidance (strategy, programme, platform ...)."""
    bare = re.sub(r"\([^()]*\)", "", title).strip()
    if " of " in place:  # "Isle of Ruritania National Cyber Security Strategy": the place's own "of" is no break before
        bare = bare.replace(place, "Place")  # the head (the chapter's jurisdiction)
    front = re.split(r"\s+(?:for|on|of|to|in|against|under|with|about)\s+|\s+[–—-]\s+", bare, maxsplit=1)[0]
    # "Cybersecurity Strategy Belgium 2.0": a version, a year or the country's name after the head is no head
    words = front.split()
    while len(words) > 1 and (re.fullmatch(r"v?\d[\d.\-–/]*|(?:19|20)\d\d(?:[–\-]\d{2,4})?", words[-1]) or any(
            p.fullmatch(words[-1]) for _, p in ref.jurisdictions)):
        words.pop()
    front = " ".join(words)
    heads = {" ".join(front.split()[-3:])}  # the head is the name's last noun before "for/of/on ..."
    if len(words) > 1 and _ROMANCE_OF.search(bare) and (all(w[:1].islower() for w in words[1:]) or ref.phrases["foreign_word"].search(bare)):
        heads.add(words[0])  # "Stratégie nationale de cybersécurité", "Estrategia Nacional de Ciberseguridad": a
        # French or Spanish name's head comes first
    for phrase in heads:
        for pattern, what in ref.not_guidance:
            ends = [m.end() for m in pattern.finditer(phrase)]
            if ends and ends[-1] >= len(phrase) - 1:
                return what
    gloss = re.search(r"\((?P<g>[A-Z][^()]{3,120})\)\s*$", title)
    if gloss and len(gloss.group("g").split()) >= 2 and not instrument_of(ref, bare):
        return not_guidance(ref, gloss.group("g"))  # "Rahbord-e Ruri (National Cyberspace Strategy)": a name in
        # another language, and its English gloss says what it is
    return None


def kept_in_guidance_list(title: str, what: str, place: str = "") -> bool:
    """In a list of guidance, "Strategies to Mitigate X", "King IV Report", a plan or a tool is guidance; a
    strategy named for itself ("National Cyber Security Strategy") is not."""
    title = title.replace(place, "Place") if " of " in place else title
    return what in ("strategy", "plan", "report", "tool") and (
        what != "strategy" or re.search(r"\s+(?:for|on|of|to|in|against|under|with|about)\s+(?!(?:the\s+)?(?:Republic\s+of\s+)?"
                                        r"[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+)?(?:\s+(?:19|20)\d\d\S*)?$)", title) is not None)
    # ("Cyber Security Strategy of Montenegro 2022–2026": a strategy named for itself and its country)


def clean_title(title: str, ref: Reference) -> str:
    """A title as the tables give it: no footnote marks, list punctuation, leading article or quotes; its first
    letter upper-case; a trailing "(2018)" (the year of the edition) and a gloss in square brackets dropped."""
    title = re.sub(r"\s*\[\d+\]", "", title).replace("**", "").strip()
    title = re.sub(r"(?<=\S)\s+\[[^\[\]]{3,200}\]$", "", title)  # "Guide d’hygiène informatique [guide to IT
    # hygiene]": a translator's gloss in square brackets is the copy's, not the title's
    title = re.sub(r"\s*\(\s*$", "", title)
    title = re.sub(r"(?:[;,.:]+(?:\s+(?:and|or))?|\s+(?:and|or))\s*$", "", title).strip()
    title = re.sub(r"\s*\((?:19|20)\d\d\)$", "", title)
    tail = ref.phrases.get("title_tail")  # "... mentioned in question 1", "... as an
    title = tail.sub("", title) if tail else title  # attachment to Circular Letter No. 29": not the title's words
    title = re.sub(r"^(?:(?:see|cf\.?)\s+(?:also\s+)?)?(?:the|a|an)\s+", "", title, flags=re.IGNORECASE)
    title = re.sub(r"^(?:in\s+)?(?:19|20)\d\d,\s+(?=[A-Z])", "", title)  # "in 2022, Tokelau ICT Security Guidelines"
    # ("See the Incident Handling Guide mentioned in question 15": a cross-reference's words are no title's)
    if title[:1] in OPEN_QUOTES and title[-1:] in "’”\"»“" and not re.search(r"[’”\"»](?!\w).*[‘“\"«]", title[1:-1]):
        title = title[1:-1].strip()
    title = re.sub(r"\s*[–—\-:]+$", "", title.strip(" ;,")).strip(" ;,")
    return title[:1].upper() + title[1:] if title else title


def identifier_pattern(ctx: Context) -> re.Pattern:
    """Standards known by identifier: a vocabulary prefix (ISO, NIST SP, BS, GB/T ...), possibly behind national
    prefixes ("PN-ISO/IEC 27001", "SS-EN ISO/IEC 27002", "NP EN ISO/IEC 27001", "ILNAS-EN ISO/IEC 27001",
    "RSTDX ISO/IEC 27001"), and a number."""
    key = ("titles", "identifier")
    if key not in ctx.memo:
        # and the chapter's own series: "National standards (TCVN)" makes "TCVN 11930:2017" a standard
        own = {m.group("abbr") for a in ctx.answers for b in a.blocks
               for m in re.finditer(r"\b[Ss]tandards?\s+\((?P<abbr>[A-Z]{2,6})\)", b.text)
               if not ctx.orgs.is_org_abbreviation(m.group("abbr"))}
        prefixes = sorted(set(ctx.orgs.prefix_body) | set(own), key=len, reverse=True)
        alt = "|".join(re.escape(p) for p in prefixes) or "(?!x)x"
        national = rf"(?:(?!(?:{alt})\b)(?:[A-ZÀ-ÞĀ-ſ][A-Za-zÀ-ÿĀ-ſ]{{0,3}}(?:[\s\-/]|(?=ISO))|[A-Z]{{5,7}}-|[A-Z]{{5,6}}\s(?=ISO\b)))"
        ctx.memo[key] = re.compile(
            rf"(?<![\w/\-])(?P<id>{national}{{0,3}}(?P<prefix>{alt})(?:[\s\-]+(?:{alt})){{0,3}}"
            rf"(?:[ \-]|(?=[A-Z]{{0,3}}\d))(?:[A-Z]{{1,3}}[ \-]?)?\d+(?:[.:\-/]\d+)*(?:\s+standard\.\s+\d[\d.:\-]*)?)")
    return ctx.memo[key]


# ----------------------------------------------------------------------------- finders


def _prose_units(ctx: Context):
    """(answer, block index, sentence) for every sentence of running text: paragraphs, and the descriptions of
    list items (an item's own title is the lists family's)."""
    for a in ctx.answers:
        taken = {(c.block) for c in ctx.candidates if c.answer == a.index and c.sentence is None}
        # a guideline item's description speaks of it (and of others named again), it names no new one
        law_items = {k for lst in a.lists if lst.kind == "laws" for k in lst.items}
        labels = {k for lst in a.lists for k in lst.labels}
        for k, sents in enumerate(a.sentences):
            b = a.blocks[k]
            if b.kind == "subheading" or k in law_items or k in labels or k in taken:
                continue
            for s in sents:
                yield a, k, s, (k in taken)


def _free(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return all(e <= a or s >= b for a, b in spans)


class Finder:
    """The prose title finders for one sentence, sharing the spans already taken."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.ref = ctx.ref
        self.lex = ctx.orgs
        self.tools = ctx.text
        self.determiners = ctx.ref.words["determiner"] | ctx.ref.words["sentence_adverb"]
        self.english_stops = ctx.ref.words["english_stop"]
        self.connectors = ctx.ref.words["connector"]
        self.months = ctx.ref.words["month"]
        self.phrases = ctx.ref.phrases
        self.block = ""

    def item_title_span(self, a, k: int) -> tuple[int, int]:
        """Where a list item's own title is in its text (so prose finders skip it)."""
        for c in self.ctx.candidates:
            if c.answer == a.index and c.block == k and c.sentence is None:
                return c.start, c.end
        return 0, 0

    def sentence(self, a, k: int, s, in_item: bool) -> list[dict]:
        text = s.text
        self.block = a.blocks[k].text  # the paragraph: whether it speaks of guidance
        taken: list[tuple[int, int]] = []
        if in_item:
            start, end = self.item_title_span(a, k)
            if start < s.offset + len(text) and end > s.offset:
                taken.append((max(0, start - s.offset), end - s.offset))
        out: list[dict] = []
        for finder in (self.identifiers, self.national_adoption, self.quoted, self.named_after_noun,
                       self.foreign_sentence_case, self.glossed_name, self.published_phrase, self.capitalised,
                       self.abbreviation_with_noun, self.sentence_case):
            out += finder(text, taken)
        return out

    def identifiers(self, text: str, taken) -> list[dict]:
        out = []
        for m in identifier_pattern(self.ctx).finditer(text):
            s, e = m.start("id"), m.end("id")
            if not _free(taken, s, e):
                continue
            rest = text[e:]
            tail = re.match(r",?\s+(?=[A-Z])", rest)
            if tail:  # "NIST SP 800-53, Security and Privacy Controls ...": the name after the number
                after = rest[tail.end():]
                toks = self.tools.tokens(after)
                runs = self.tools.runs_of(after, True, True)
                if runs and runs[0][0] == 0 and toks[0].text.lower() not in self.determiners and \
                        runs[0][1] - runs[0][0] >= 1:
                    e = e + tail.end() + toks[runs[0][1]].end
            # ("LST EN ISO/IEC 27002" is the national body's standard, not CEN's: its issuer is read as a title's)
            body = self.lex.prefix_body.get(m.group("prefix"), "") if m.start("prefix") == s else ""
            found = dict(title=clean_title(text[s:e], self.ref), start=s, end=e, instrument="standard", strength="strong",
                         rule="titles.standard_identifier", prefix_body=body)
            if out and re.fullmatch(r"\s+as\s+(?:an?\s+|the\s+)?(?:[\w\-]+\s+){0,3}?", text[out[-1]["end"]: s]) and \
                    re.search(r"\b(?:adopt|publish|issu|releas|implement)\w*\s+(?:the\s+)?$",
                              text[max(0, out[-1]["start"] - 30): out[-1]["start"]]):
                # "has adopted ISO/IEC 27001 as SANS 27001": the national standard stands for the international one
                found.update(rule="titles.national_adoption", aliases={out[-1]["title"]}, prefix_body="")
            out.append(found)
            taken.append((s, e))
        return out

    def national_adoption(self, text: str, taken) -> list[dict]:
        """"has adopted ISO/IEC 27001 as CNS 27001", "... as the Chilean standard NCh-ISO 27001": the national
        standard's own identifier."""
        out = []
        for m in self.phrases["national_adoption"].finditer(text):
            s, e = m.start("t"), m.end("t")
            if not _free(taken, s, e):
                continue
            out.append(dict(title=clean_title(m.group("t"), self.ref), start=s, end=e, rule="titles.national_adoption",
                            instrument="standard", strength="strong", prefix_body="",
                            aliases={clean_title(m.group("intl"), self.ref)}))
            taken.append((s, e))
        return out

    def quoted(self, text: str, taken) -> list[dict]:
        """A quoted name with an instrument noun, or one right after a code, an owner or a publishing verb."""
        out = []
        last_end = -1
        for m in QUOTED.finditer(text):
            s, e = m.start("t"), m.end("t")
            inner = m.group("t")
            # "the *A* (...), the *B* (...) and the *C*": a quoted name in a run of quoted titles is one too
            in_run = last_end >= 0 and re.fullmatch(r"\s*(?:\([^()]*\))?\s*(?:,|,?\s*(?:and|or))\s+(?:the\s+)?",
                                                    text[last_end: m.start()])
            words = inner.split()
            if not _free(taken, m.start(), m.end()) or len(words) < 2 or not (words[0][0].isupper()
                                                                             or words[0][0].isdigit()):
                taken.append((m.start(), m.end()))
                continue
            before = text[max(0, m.start() - 60): m.start()]
            if any(0 <= m.start() - e_ <= 6 and re.fullmatch(r"\s*(?:,|on|:)?\s*", text[e_: m.start()]) for _, e_ in
                   taken):  # "IS/ISO/IEC 27001 on ‘Information Technology – ...’": the standard's own name
                taken.append((m.start(), m.end()))
                continue
            if _names_law(self.ref, before):  # the Law of Ukraine “On the Basic Principles of ...”: a law's name
                taken.append((m.start(), m.end()))
                continue
            code = re.search(r"(?P<code>[A-Z][A-Z0-9\-]+(?:[ /][A-Z0-9][\w/\-]*)?\s+[\w/.\-]*\d[\w/.\-]*)\s*$", before)
            kind = instrument_of(self.ref, inner)
            owner = re.search(r"(?P<owner>[A-Z][\w\-.&]*(?:\s+[A-Z][\w\-.&]*){0,4})[’']s?\s*$", before)
            published = self.phrases["publish_context"].search(before)
            if code:  # CCN-STIC 803 “Valoración de los sistemas”: code and title are one name
                s = m.start() - len(code.group(0)) + code.start("code") - (len(before) - len(code.group(0)) -
                                                                           code.start()) + 0
                s = text.rfind(code.group("code"), 0, m.start())
                out.append(dict(title=clean_title(text[s: m.end()], self.ref), start=s, end=m.end(), rule="titles.code_quoted",
                                instrument=(kind or ("guide", ""))[0], strength="strong"))
            elif kind and kind[1] == "strong":
                out.append(dict(title=clean_title(inner, self.ref), start=s, end=e, rule="titles.quoted",
                                instrument=kind[0], strength="strong",
                                owner=strip_possessive(owner.group("owner")) if owner else ""))
            elif (owner and self.lex.find(owner.group("owner"))) or published or in_run or re.search(
                    r"\b(?:its|their)\s*$", before):
                out.append(dict(title=clean_title(inner, self.ref), start=s, end=e, rule="titles.quoted_publication",
                                instrument=(kind or ("guide", ""))[0], strength="strong",
                                owner=strip_possessive(owner.group("owner")) if owner else ""))
            if out and out[-1]["end"] == e or (out and out[-1]["end"] == m.end()):
                last_end = m.end()
            taken.append((m.start(), m.end()))
        return out

    def named_after_noun(self, text: str, taken) -> list[dict]:
        """"its guide Ransomware: Threat Situation, ...": a title after an owner and a generic noun."""
        out = []
        for m in self.phrases["named_after_noun"].finditer(text):
            s, e = m.start("t"), m.end("t")
            if _free(taken, s, e) and len(m.group("t").split()) <= 14:
                kind = instrument_of(self.ref, m.group("noun"))
                owner = strip_possessive(m.group("owner")) if m.group("owner")[0].isupper() else m.group("owner")
                out.append(dict(title=clean_title(m.group("t"), self.ref), start=s, end=e, rule="titles.named_after_noun",
                                instrument=kind[0] if kind else "guide", strength="strong",
                                owner=owner.lower() if owner in ("its", "their") else owner))
                taken.append((s, e))
        return out

    def published_phrase(self, text: str, taken) -> list[dict]:
        """"X has published Data breach preparation and response – A guide to managing data breaches, which ...":
        a title in sentence case right after a publishing verb, up to the clause that describes it."""
        out = []
        for m in self.phrases["published_title"].finditer(text):
            s, e = m.start("t"), m.end("t")
            t = m.group("t")
            if not _free(taken, s, e) or not re.search(r"\s[a-z]", t) or len(t.split()) > 30:
                continue
            if m.group("bare") is not None and not self.phrases["foreign_word"].search(t):
                continue  # "the BCSM published the Linee guida sulla ...": without "has", a name in another language only
            cut = self._title_case_part(t)
            if cut:  # "has issued a Cloud Computing Security Guideline for public institutions that ...": a name in
                t, e = t[:cut], s + cut  # title case, up to its instrument noun, then words about it
            english = _ENGLISH_TAIL.search(t) if self.phrases["foreign_word"].search(t) else None
            if english and not self.phrases["foreign_word"].search(english.group(0)):  # "a Guide de gestion des risques for member banks": the English words after a French name
                t, e = t[: english.start()], s + english.start()
            kind = instrument_of(self.ref, t)
            if self.lex.find(t[:30]) and self.lex.find(t[:30])[0].start == 0:
                continue
            if not kind or kind[1] != "strong":
                if len(t.split()) < 4 or t.split()[0].lower() in self.determiners:
                    continue
                kind = ("guide", "strong")  # "has published What you need to know about X": a publication
            parts = [(s, s + len(t))]
            two = re.search(r"\s+and\s+(?=[A-Z])", t)
            if two and all((instrument_of(self.ref, x) or ("", ""))[1] == "strong" for x in (t[: two.start()],
                                                                                            t[two.end():])):
                parts = [(s, s + two.start()), (s + two.end(), s + len(t))]  # "publishes Cyber basics guidance
                # for small businesses and Password guidance": two titles
            for ps, pe in parts:
                out.append(dict(title=clean_title(text[ps:pe], self.ref), start=ps, end=pe,
                                rule="titles.published_phrase", instrument=(instrument_of(self.ref, text[ps:pe]) or
                                                                            kind)[0], strength="strong"))
                taken.append((ps, pe))
        return out

    def _title_case_part(self, t: str) -> int:
        """Where a name in title case that ends with a strong instrument noun stops, when lower-case words that
        are not its own follow ("Cyber Security Audit Guideline describing how ..."); 0 when it does not."""
        words = list(re.finditer(r"\S+", t))
        k = 0
        while k < len(words) and (words[k].group()[:1].isupper() or words[k].group().lower() in self.connectors):
            k += 1
        j = k
        while j > 0 and words[j - 1].group().lower() in self.connectors:
            j -= 1
        if j < 2 or k >= len(words) or not words[k].group()[:1].islower():
            return 0
        kind = instrument_of(self.ref, words[j - 1].group())
        return words[j - 1].end() if kind and kind[1] == "strong" else 0

    def _two_documents(self, text: str, toks, runs) -> list[tuple[int, int]]:
        """"replaced its Basic Security Guide with the Essential Controls Framework": a run whose words before
        "with the" end in an instrument noun names two documents ("Guidelines on Compliance with the Act" has
        no instrument noun before "with" and stays one)."""
        out = []
        for i, j in runs:
            k = i + 1
            while k < j:
                if toks[k].text.lower() == "with" and toks[k + 1].text.lower() in self.determiners and \
                        instrument_of(self.ref, toks[k - 1].text) and k + 2 <= j:
                    out.append((i, k - 1))
                    i = k + 2
                    k = i + 1
                    continue
                k += 1
            out.append((i, j))
        return out

    def foreign_sentence_case(self, text: str, taken) -> list[dict]:
        """"The TR's Recommandations pour les hébergeurs de données à Testville are ...", "published
        the Guide de gestion des crises in 2024": a French, Spanish or Portuguese name in sentence case opens on its
        instrument noun and runs in lower case (a capital only after one of its own small words) until an English
        word ends it."""
        out = []
        for m in _FOREIGN_RUN.finditer(text):
            s = m.start("t")
            words = list(re.finditer(r"\S+", m.group("t")))
            keep = 0
            for n, w in enumerate(words):
                word = w.group().strip(",;:.")
                if n and word.lower() in self.english_stops:
                    break
                if n and word[:1].isupper() and not self.phrases["foreign_word"].fullmatch(words[n - 1].group()):
                    keep = 0  # a name in title case ("Guía de Respuesta a Incidentes"): the capitalised finder's
                    break
                keep = n + 1
                if w.group() != word:
                    break
            t = " ".join(w.group() for w in words[:keep]).rstrip(",;:.")
            head = instrument_of(self.ref, " ".join(t.split()[:2])) if len(t.split()) >= 2 else None
            first = instrument_of(self.ref, t.split()[0]) if t else None
            kind = first or head
            if len(t.split()) < 3 or not self.phrases["foreign_word"].search(t) or not kind or kind[1] != "strong" or \
                    not _free(taken, s, s + len(t)):
                continue
            owner = re.search(r"(?P<o>[A-Z][\w\-.]*(?:\s+[A-Z][\w\-.]*){0,4})$", text[: m.start()]) if m.group("own") \
                else None  # "ARCEP’s Lignes directrices ...": the owner issues it
            out.append(dict(title=clean_title(t, self.ref), start=s, end=s + len(t), rule="titles.foreign_sentence_case",
                            instrument=kind[0], strength="strong", owner=owner.group("o") if owner else ""))
            taken.append((s, s + len(t)))
        return out

    def glossed_name(self, text: str, taken) -> list[dict]:
        """"Vegleiding um trygd (Guidance on IT safety)", "Порядок действий при сбоях (Procedure for
        ...)": a name in another language or script, in sentence case, with its English gloss in brackets; the gloss
        holds the instrument noun, the name no English word."""
        out = []
        for m in _GLOSSED.finditer(text):
            words = list(re.finditer(r"\S+", m.group("t")))
            first = max((n for n, w in enumerate(words) if w.group()[0].isupper()), default=0)
            if not words[first].group()[0].isupper() or len(words) - first < 2:
                continue  # the name is one capital and then lower case, in whatever script
            s, e = m.start("t") + words[first].start(), m.end()
            name = text[s: m.end("t")]
            kind = instrument_of(self.ref, m.group("g"))
            if not kind or (kind[1] != "strong" and kind[0] != "guide") or len(m.group("g").split()) < 2 or \
                    instrument_of(self.ref, name) \
                    or any(w.group().lower().strip("’'") in self.english_stops for w in words[first:]) or \
                    not _free(taken, s, e) or self.lex.find(name):
                continue
            owner = re.search(r"(?P<o>[A-Z][\w\-.&]*(?:\s+[A-Z][\w\-.&]*){0,4})[’']s\s+$", text[:s])
            out.append(dict(title=clean_title(text[s:e], self.ref), start=s, end=e, rule="titles.glossed_name",
                            instrument=kind[0], strength="strong", owner=owner.group("o") if owner else ""))
            taken.append((s, e))
        return out

    def capitalised(self, text: str, taken) -> list[dict]:
        """A capitalised name holding an instrument noun, run on in sentence case where a title continues in lower
        case ("Guide on the management and notification of personal data breaches")."""
        out = []
        toks = self.tools.tokens(text)
        orgs = self.lex.find(text)
        first_word = next((k for k, t in enumerate(toks) if t.is_word), 0)
        for i, j in self._two_documents(text, toks, self.tools.runs_of(text, True, True, False, True)):
            while i <= j and toks[i].text.lower() in self.determiners | self.connectors and not (
                    toks[i].text.isupper() and len(toks[i].text) > 1 and toks[i].text.lower() not in
                    self.ref.words["determiner"] | self.connectors):
                i += 1  # ("The IT Risk Guidelines": "IT" is no pronoun)
            if i + 1 <= j and re.fullmatch(r"(?:19|20)\d\d", toks[i].text) and toks[i + 1].text in ("a", "an", "the"):
                i += 2  # "adopted in 2023 a Baseline Information Security for Government"
            if i > j:
                continue
            if i <= first_word:  # "Use of the Patch Framework is ...": the title follows "of the"
                k = next((k for k in range(i + 1, min(i + 3, j)) if toks[k].text.lower() == "of"), None)
                if k is not None and instrument_of(self.ref, text[toks[k].end: toks[j].end]) and \
                        not instrument_of(self.ref, text[toks[i].start: toks[k].start]):
                    i = k + 1
                    while i <= j and toks[i].text.lower() in self.connectors:
                        i += 1
            owner = ""
            prev = toks[i - 1] if i > 0 else None
            if prev is not None and (prev.possessive or prev.text.endswith(("’s", "'s"))):
                owner = strip_possessive(prev.text)
                named = [o for o in orgs if o.end == prev.start + len(owner)]
                owner = (named[0].org.abbreviation or named[0].org.name) if named else owner
            elif prev is not None and prev.text.lower() in ("its", "their"):
                owner = prev.text.lower()
            # "the CIS Controls of the Center for Internet Security": the title ends before "of the <body>"
            for k in range(i + 1, j):
                if toks[k].text.lower() in ("of", "from", "by") and any(
                        toks[k].end <= o.start <= toks[k].end + 12 and o.end >= toks[j].end - 1 and
                        not re.match(r"\s*(?:the\s+)?[A-Z][a-z]+(?:ies|ions|ers|ies)\b", text[toks[k].end:])
                        for o in orgs):
                    j = k - 1  # (not "... by the Bodies of the State": plural bodies are an audience)
                    break
            if j - i >= 2 and toks[j - 1].text == "and" and is_abbreviation(toks[j].text) and j + 1 < len(toks) \
                    and re.fullmatch(r"[a-z]+", toks[j + 1].text):
                j -= 2  # "implement the Minimum Standards and CII operators the ...": the run ends before "and"
            s, e = toks[i].start, toks[j].end
            if not _free(taken, s, e) and not _free(taken, toks[i].start, toks[i].end):
                # "ISO/IEC 27001 and to the NIST Cybersecurity Framework": the run starts after a title already read
                i = max(k for k in range(i, j + 1) if not _free(taken, toks[k].start, toks[k].end)) + 1
                while i <= j and (toks[i].text.lower() in self.determiners | self.connectors or not toks[i].is_word):
                    i += 1
                if i > j:
                    continue
                s = toks[i].start
            if not _free(taken, s, e):
                # "the NIST Cybersecurity Framework and ISO/IEC 27032": the run ends before a title already read
                k = next(k for k in range(i, j + 1) if not _free(taken, toks[k].start, toks[k].end))
                j = k - 1
                while j >= i and toks[j].text.lower() in self.determiners - {"and", "or"}:
                    j -= 1
                if j <= i or toks[j].text.lower() not in ("and", "or"):
                    continue  # ("a Kenya Standard, KS ISO/IEC 27001" is one name, in apposition)
                j -= 1
                s, e = toks[i].start, toks[j].end
            words = [t.text for t in toks[i: j + 1] if t.is_word]
            if not words:
                continue
            if any(o.start <= s + 1 and o.end >= e - 1 for o in orgs):
                continue  # "National Institute of Standards and Technology" is a body, not a standard
            kind = instrument_of(self.ref, text[s:e]) or (self.kind_abbreviation(words[0]) if len(words) >= 2 and
                                                           re.match(r" [A-Z]", text[toks[i].end:]) else None)
            nxt = toks[j + 1] if j + 1 < len(toks) else None
            org_positions = [n for n, w in enumerate(words) if self.lex.is_org_word(w)]
            if kind:
                m_pos = next((n for n, w in enumerate(words) if instrument_of(self.ref, w)), len(words))
                after = words[m_pos + 1:]
                if org_positions and max(org_positions) >= m_pos and not (kind[1] == "strong" and instrument_of(
                        self.ref, words[-1])) and not any(w.lower() in self.connectors - {"and", "&"} for w in after):
                    continue  # "Cyber Security Strategy Headquarters" is an organisation ("Methodology for an
                    # Organization" is not)
            if kind is None and nxt is not None and len(words) >= 1:
                follow = re.match(r"\s+((?:self-)?[a-z][a-z\-]+(?:\s+[a-z][a-z\-]+)?)\b", text[e:])
                low = follow and instrument_of(self.ref, follow.group(1))
                noun = next((w for w in follow.group(1).split() if instrument_of(self.ref, w)), "") if follow else ""
                if low and low[1] == "strong" and not all(w in self.lex.prefix_body for w in words) and (
                        len(words) >= 2 or is_abbreviation(words[0])) and not self.lex.is_org_abbreviation(words[0]) \
                        and not noun.endswith("s"):
                    kind = low  # "the SECURITY ACTION self-declaration scheme": a name, then what it is
            if kind is None and (len(words) >= 2 or re.search(r"[a-z][A-Z]", words[0])) and not org_positions and \
                    self.phrases["appositive"].match(text[e:]):
                kind = ("guide", "strong")  # "Five Habits of Safe Email, guidance aimed at ..."
            rule_name = "titles.capitalised"
            if kind is None and owner and len(words) >= 2 and not org_positions and nxt is not None and \
                    (owner in ("its", "their") or self.lex.find(owner) or self.lex.is_org_abbreviation(owner)) and \
                    self._speaks_of_publications():
                kind = ("guide", "strong")  # "MSB's advisory publications ... is its Method Support for X"
                rule_name = "titles.owned_name"
            if kind is None:
                continue
            if all(self.lex.is_org_abbreviation(w) or w.lower() in self.connectors for w in words):
                continue  # "the NCSC and ICO guidance" names bodies, not a title
            run_on_from = e
            if (kind[1] == "weak") and owner and nxt is not None:
                # "its Review of Cyber Hygiene practices": a publication's title may end in lower case
                low_tail = re.match(r"((?:\s+[a-z][\w\-]*){1,2})(?=\s*[.;,)]|\s*$)", text[e:])
                if low_tail and self.phrases["guidance_noun"].search(self.block):
                    e += low_tail.end()
            indefinite = bool(re.search(r"\b(?:a|an)\s+$", text[max(0, s - 4): s]))
            opening = i <= first_word and len(words) == 1  # "Certification against it is voluntary": no title
            noun_at = next((n for n, w in enumerate(words) if instrument_of(self.ref, w)), 0)
            complete = any(w[:1].isupper() and not w.isupper() for w in words[noun_at + 1:]) and bool(re.match(
                r"\s+for\s+(?!the\b)[a-z]", text[e:]))  # "Guidelines on Data Loss Notification for data
            # controllers": a title in title case has its complement; "for" and lower case after it is an audience
            if nxt is not None and nxt.is_word and not nxt.is_cap and not opening and not complete and (
                    (kind[1] == "strong" and instrument_of(self.ref, words[0])) or (
                    indefinite and len(words) >= 2 and instrument_of(self.ref, words[-1]))):
                # "Guide on the management of ...", "an Official Communication on X" (not "its X Framework on Y")
                tail = self.phrases["title_run_on"].match(text[e:])
                if tail and tail.group(0).strip() and len(tail.group(0).split()) <= 14:
                    e += len(tail.group(0).rstrip())
                    if indefinite:
                        kind = (kind[0], "strong")  # a named document, run on in sentence case
            if e == run_on_from and all(instrument_of(self.ref, w) or w.lower() in self.determiners for w in words):
                continue  # "Guides" alone names no instrument
            sub = re.match(r"\s+[–—]\s+(?P<sub>(?:[A-Z0-9][\w’'\-]*|a|an|the|of|and|for|to|on|in)(?:\s+(?:[A-Z0-9][\w’'\-]*|"
                           r"a|an|the|of|and|for|to|on|in))*)", text[e:])
            if sub and kind[1] == "strong" and len(sub.group("sub").split()) >= 2 and sub.group("sub")[0].isupper():
                e += sub.end()  # "Framework for X – A Graded Approach": the subtitle is the title's
            title_text = self._trim_date(text[s:e])
            if kind[1] == "weak" and not (owner and owner not in ("its", "their") and self.lex.find(owner)) and \
                    not self._speaks_of_guidance(text, s, e):
                continue  # a weak noun ("Advisory", "Policy") is a title only as a body's or where guidance is spoken of
            out.append(dict(title=clean_title(title_text, self.ref), start=s, end=s + len(title_text), rule=rule_name,
                            instrument=kind[0], strength=kind[1], owner=owner))
            taken.append((s, s + len(title_text)))
        return out

    def sentence_case(self, text: str, taken) -> list[dict]:
        """"directed by ZSIS to the Technical standards for the security of information systems", "the National
        CERT's Basic cybersecurity recommendations for small businesses": a capital inside the sentence after
        "the" or an owner, then lower-case words reaching a strong instrument noun, run on as a title."""
        out = []
        for m in re.finditer(r"(?:\b[Tt]he\s+|[’']s\s+|\b(?:published|issued|released|produced|prepared)\s+an?\s+)"
                             r"(?P<first>[A-Z][a-z]{2,})(?P<rest>(?:\s+[a-z][\w\-]*){1,4})", text):
            if m.start("first") == 0 or m.group("first") in self.lex.jurisdiction_words or \
                    self.lex.is_org_word(m.group("first")) or instrument_of(self.ref, m.group("first")):
                continue  # (a capital word that is a title's noun itself is the capitalised finder's)
            words = m.group("rest").split()
            at = next((n for n, w in enumerate(words) if (instrument_of(self.ref, w) or ("", ""))[1] == "strong"),
                      None)
            if at is None or at > 2:
                continue
            s = m.start("first")
            e = m.start("rest") + len(" ".join([""] + words[: at + 1]))
            tail = self.phrases["title_run_on"].match(text[e:])
            whom = re.match(r"\s+for\s+(?:all\s+)?(?P<a>[a-z][\w\-]*)\b", text[e:])
            if whom and whom.group("a") in self.ref.words.get("generic_audience", frozenset()):
                tail = None  # "a Breach handling guide for organisations": anyone, not its title's words
            if tail and tail.group(0).strip() and len(tail.group(0).split()) <= 12:
                e += len(tail.group(0).rstrip())
            if not _free(taken, s, e):
                continue
            owner = ""
            if m.group(0)[0] in "’'":
                before = re.search(r"(?P<o>[A-Z][\w\-.]*(?:\s+[A-Z][\w\-.]*){0,4})$", text[: m.start()])
                owner = before.group("o") if before else ""
            kind = instrument_of(self.ref, words[at])
            out.append(dict(title=clean_title(text[s:e], self.ref), start=s, end=e, rule="titles.sentence_case",
                            instrument=kind[0], strength="strong", owner=owner))
            taken.append((s, e))
        return out

    def kind_abbreviation(self, word: str) -> tuple[str, str] | None:
        """An abbreviation the chapter defines as a kind of instrument ("industry-specific security standards
        (B3S)"): "the B3S Water/Wastewater" is then a title."""
        full = self.lex.definitions.get(word)
        if not full or self.lex.is_org_abbreviation(word):
            return None
        kind = instrument_of(self.ref, full)
        return kind if kind and kind[1] == "strong" else None

    def abbreviation_with_noun(self, text: str, taken) -> list[dict]:
        """"the SAFE-K certification", "the C-RAF framework": an abbreviation that is no body's, then an
        instrument noun in lower case."""
        out = []
        for m in re.finditer(r"(?<![\w/\-])(?P<abbr>[A-ZÀ-Þ][\w\-/.]*[A-Z0-9][\w\-]*)\s+(?P<noun>[a-z][a-z\-]+)\b", text):
            s, e = m.start("abbr"), m.end("noun")
            abbr = m.group("abbr")
            if not _free(taken, s, e) or not is_abbreviation(abbr) or self.lex.is_org_abbreviation(abbr):
                continue
            if abbr in self.lex.prefix_body or abbr in self.lex.jurisdiction_words or abbr in self.lex.definitions:
                continue
            kind = instrument_of(self.ref, m.group("noun"))
            if kind and kind[1] == "strong" and m.group("noun") in self.ref.words["named_noun"] and \
                    not m.group("noun").endswith("s"):  # "NCh standards" is a family, not one
                out.append(dict(title=f"{abbr} {m.group('noun')}", start=s, end=e, rule="titles.abbreviation_noun",
                                instrument=kind[0], strength="strong"))
                taken.append((s, e))
        # "the PDSS sets out various recommended rules": an abbreviation that is no body's, and what it contains
        for m in re.finditer(r"(?<![\w/])(?:the\s+)?(?P<abbr>[A-ZÀ-Þ][A-Z0-9À-Þ\-]{2,10})\b", text):
            s, e = m.start("abbr"), m.end("abbr")
            abbr = m.group("abbr")
            if not _free(taken, s, e) or abbr in self.lex.definitions or self.lex.is_org_abbreviation(abbr):
                continue
            if abbr in self.lex.prefix_body or abbr in self.lex.jurisdiction_words:
                continue
            if self.phrases["guidance_predicate"].match(text[e:].lstrip()):
                out.append(dict(title=abbr, start=s, end=e, rule="titles.abbreviation_predicate", instrument="guide",
                                strength="strong"))
                taken.append((s, e))
        return out

    def _speaks_of_publications(self) -> bool:
        generic = self.ref.words["generic_document"]
        return bool(self.phrases["guidance_noun"].search(self.block)) or any(
            has_whole(self.block, w, hyphen=False, bounded=True) for w in generic if len(w) > 5)

    def _trim_date(self, title: str) -> str:
        months = "|".join(sorted(self.months))
        return re.sub(rf"\s+(?:(?:on|in|of|dated)\s+)?(?:\d{{1,2}}\s+)?(?:{months})(?:\s+\d{{1,2}},?)?(?:\s+\d{{4}})?$|"
                      rf"\s+(?:on|in|of)\s+\d{{4}}$", "", title)

    def _speaks_of_guidance(self, text: str, s: int, e: int) -> bool:
        """A weak instrument noun (policy, measures, requirements) counts only where the text speaks of
        guidance."""
        after = text[e: e + 80]
        if self.phrases["guidance_predicate"].match(after) or self.phrases["guidance_predicate"].match(
                " " + after.lstrip(" ,")):
            return True
        outside = text[:s] + " " + text[e:]
        if self.phrases["guidance_noun"].search(outside):
            return True
        block = self.block.replace(text[s:e], " ")
        return bool(self.phrases["guidance_noun"].search(block))


@rule("titles.prose")
def prose(ctx: Context) -> None:
    """Named guidance in running text: standard identifiers, quoted titles, "its guide X", capitalised names with
    an instrument noun, abbreviations followed by one (each finder is named in the candidate's rule)."""
    finder = Finder(ctx)
    for a, k, s, in_item in list(_prose_units(ctx)):
        for found in finder.sentence(a, k, s, in_item):
            b = a.blocks[k]
            c = ctx.add(answer=a.index, block=k, sentence=s.index, line=b.line,
                        where="list" if b.kind == "item" else "prose", **found)
            c.mentions.append((a.index, k, s.index))


# ----------------------------------------------------------------------------- vetoes


def _veto(c: Candidate, name: str) -> None:
    if not c.vetoed:
        c.vetoed = name


@rule("titles.veto_law", veto=True)
def veto_law(ctx: Context) -> None:
    """A law is never a guideline: an act, law, code, decree, regulation, directive, ordinance, binding rules or
    directions, even when called "Guidelines ... Rules 2021"."""
    for c in ctx.alive():
        if c.rule == "lists.described_item":
            continue  # its list and description call it controls or a standard, whatever its name says
        where = ctx.sentence_of(c).text if c.sentence is not None else ctx.block_of(c).text
        if is_law_title(ctx.ref, c.title):
            _veto(c, "titles.veto_law")
        elif ctx.ref.phrases["made_by_law"].match(where[c.end:]):
            _veto(c, "titles.veto_law")  # "Unified Requirements ..., approved by Government Decree No. 832"
        elif _inside_law_name(ctx.ref, where, c.start, c.end) or ctx.ref.phrases["law_citation"].match(where[c.end:]):
            _veto(c, "titles.veto_law")
        elif c.sentence is not None:
            s = ctx.sentence_of(c)
            # "Law No. 12/2014 (the Internet Framework)": a name a law is known by
            if ctx.ref.phrases["law_alias"].search(s.text[max(0, c.start - 60): c.start]):
                _veto(c, "titles.veto_law")


def _inside_law_name(ref: Reference, text: str, start: int, end: int) -> bool:
    """"The Testland Technology (Reasonable Security Practices and Procedures ...) Rules, 2011": a name in
    the brackets of a law's own name is that law's."""
    opened, closed = text.rfind("(", 0, start), text.find(")", end)
    if opened < 0 or closed < 0 or ")" in text[opened:start] or "(" in text[end:closed]:
        return False
    before = re.search(r"(?:[A-Z][\w\-]*\s+){1,6}$", text[:opened])
    after = re.match(r"\s*((?:[A-Z][\w\-]*\s*){1,3})", text[closed + 1:])
    return bool(before and after) and is_law_title(ref, f"{before.group().strip()} {after.group(1).strip()}")


@rule("titles.veto_not_guidance", veto=True)
def veto_not_guidance(ctx: Context) -> None:
    """Strategies, programmes, platforms, portals, services, grants, events and campaigns are no guidelines
    (a certification scheme, a self-assessment tool or a toolkit is)."""
    national = ctx.ref.phrases["national_policy"]
    for c in ctx.alive():
        what = not_guidance(ctx.ref, c.title, ctx.chapter.jurisdiction) or ("strategy" if c.sentence is not None and national.search(c.title)
                                                  else None)
        s = ctx.sentence_of(c)
        after = re.match(r"\s+((?:[a-z\-]+\s+)?[a-z\-]+)", s.text[c.end: c.end + 40]) if s is not None else None
        if not what and after and not_guidance(ctx.ref, after.group(1)) and not instrument_of(ctx.ref, after.group(1)):
            what = "follows"  # "the Kit Digital programme": the noun after the name says what it is
        if not what:
            continue
        if c.sentence is None and c.lst is not None and c.lst.kind == "guidance" and kept_in_guidance_list(
                c.title, what, ctx.chapter.jurisdiction):
            continue  # "Strategies to Mitigate Cyber Security Incidents", "King IV Report" in a list of guidance
        if c.rule == "titles.named_after_noun":
            continue  # "its guide Organising a cyber crisis management exercise": the noun says what it is
        front = re.split(r"\s+(?:for|on|of|to|in|against|under|with|about)\s+|\s+[–—-]\s+", c.title, maxsplit=1)[0]
        head = instrument_of(ctx.ref, " ".join(front.split()[-2:])) if front.split() else None
        if head and head[1] == "strong" and what != "follows":
            continue
        _veto(c, "titles.veto_not_guidance")


@rule("titles.veto_organisation", veto=True)
def veto_organisation(ctx: Context) -> None:
    """A name that is a body's ("Cyber Security Strategy Headquarters", "Standards New Zealand")."""
    for c in ctx.alive():
        orgs = ctx.orgs.find(c.title)
        if orgs and orgs[0].start == 0 and orgs[0].end >= len(c.title) - 1:
            _veto(c, "titles.veto_organisation")


ITEM_NUMBERS = "titles.veto_generic:item_numbers"  # a veto whose words stay readable: they cite list items


@rule("titles.veto_generic", veto=True)
def veto_generic(ctx: Context) -> None:
    """A phrase that names no one instrument: only instrument nouns, a country's adjective, a standards body
    ("GB standards", "ISO standards", "Guidelines")."""
    from policyqa.extract.status import is_audience

    lex = ctx.orgs
    det = ctx.ref.words["determiner"] | ctx.ref.words["connector"]
    home = [j for j in lex.jurisdiction_words if len(j) >= 4]

    def of_place(w: str) -> bool:  # "Ruritanian": a country's adjective
        return w in lex.jurisdiction_words or any(w.startswith(j) and len(w) - len(j) <= 3 for j in home)

    for c in ctx.alive():
        words = [w for w in re.findall(r"[\w’'\-/]+", c.title)]
        if not words or len(c.title) < 3:
            _veto(c, "titles.veto_generic")
            continue
        if all(w in lex.prefix_body or of_place(w) or instrument_of(ctx.ref, w) or
               w.lower() in det or lex.is_org_abbreviation(strip_possessive(w)) for w in words) and \
                c.rule != "titles.standard_identifier" and not re.search(r"\d", c.title):
            _veto(c, "titles.veto_generic")
        elif re.fullmatch(r"[A-Z]{2,6}s?", c.title) and c.title not in lex.definitions and is_audience(
                ctx, c.title) and not any(_spelt_in(c.title.rstrip("s"), o.title) for o in ctx.alive() if o is not c):
            _veto(c, "titles.veto_generic")  # "as for the SME guide": a group's abbreviation, and no title it spells
        elif c.where == "list" and c.sentence is None and len(words) > 3 and words[-1].lower() in (
                "are", "is", "include", "includes", "following"):
            _veto(c, "titles.veto_generic")  # a lead-in sentence, not a title
        elif re.fullmatch(r"\w+s\s+\d{1,2}(?:\s*(?:,|and|or|to|–|-)\s*\d{1,2})+", c.title) and instrument_of(
                ctx.ref, words[0]):
            _veto(c, ITEM_NUMBERS)  # "Guidelines 1 and 2": items of a numbered list, by number


@rule("titles.veto_group", veto=True)
def veto_group(ctx: Context) -> None:
    """A plural that names several guidelines by what their titles begin with ("the HKMA's Supervisory Policy
    Manual modules" for "Supervisory Policy Manual module TM-G-1 ..." and "... OR-2 ...") is no guideline."""
    alive = ctx.alive()
    for c in alive:
        if c.sentence is None:
            continue
        words = c.title.split()  # "ETDA Recommendations on ICT standards" for "ETDA Recommendation on X", "... on Y"
        plural = next((n for n, w in enumerate(words) if n > 0 and w.endswith("s") and instrument_of(ctx.ref, w)), None)
        stems = [c.title[:-1]] if c.title.endswith("s") else []
        if plural is not None:
            stems.append(" ".join(words[:plural] + [words[plural][:-1]]))
        if any(o.id != c.id and o.title.startswith(stem + " ") for stem in stems for o in alive):
            _veto(c, "titles.veto_group")


@rule("titles.veto_superseded", veto=True)
def veto_superseded(ctx: Context) -> None:
    """An edition the chapter says was replaced ("..., which replaced the 4th Edition of X") is no guideline of
    today's chapter."""
    pattern = ctx.ref.phrases["superseded"]
    for c in ctx.alive():
        s = ctx.sentence_of(c)
        if s is not None and pattern.search(s.text[max(0, c.start - 50): c.start]):
            _veto(c, "titles.veto_superseded")


# ----------------------------------------------------------------------------- one guideline per instrument


def title_key(ctx: Context, title: str) -> str:
    """One key per instrument: "NIST SP 800-61" and "NIST Special Publication 800-61, ..." are the same, and so
    are "ISO/IEC 27001" and its national adoption "MS ISO/IEC 27001" (the longer name is kept)."""
    m = identifier_pattern(ctx).search(title)
    if m and m.start() == 0:
        ident = m.group("id")
        number = re.search(r"\d+(?:[.\-]\d+)*", ident[m.end("prefix") - m.start("id"):])
        if number:  # "EN ISO 9999" and "ISO 9999:2013" are one standard: the last prefix before the number
            head = ident[: m.end("prefix") - m.start("id") + number.start()]
            alt = "|".join(re.escape(p) for p in sorted(ctx.orgs.prefix_body, key=len, reverse=True))
            chain = re.findall(rf"(?<![A-Za-z])(?:{alt})(?![A-Za-z])", head) if alt else []
            last = chain[-1] if chain else m.group("prefix")
            return f"{ctx.orgs.prefix_body.get(last, last)}:{number.group()}"
    return norm(re.sub(r"\s*\([^()]*\)\s*$", "", title)) or norm(title)


def short_forms(ctx: Context, c: Candidate) -> set[str]:
    """Names a chapter uses again for a guideline: the abbreviation in brackets after its title ("(NZISM)",
    "(C-RAF 2.0)"), its words up to the first instrument noun ("National Guide"), a code that starts it
    ("CCN-STIC 817")."""
    out: set[str] = set()
    text = ctx.block_of(c).text if c.sentence is None else ctx.sentence_of(c).text
    after = text[c.end: c.end + 80]
    inside = re.findall(r"\(([^()]{2,60})\)", c.title) + re.findall(r"^[\s*’”\"»]*\(([^()]{2,60})\)", after)
    for group in inside:
        for part in group.split(","):
            part = re.sub(r"\s*[®™©]", "", part.strip().removeprefix("the ").strip("‘’“”\""))
            if is_abbreviation(part.split()[0] if part.split() else "") and not ctx.orgs.is_org_abbreviation(part):
                out.add(part)
                out.add(re.sub(r"\s+\d[\d.]*$", "", part))
            elif re.fullmatch(r"[A-Z][a-z]+\s+(?:No\.?\s*)?[A-Z]*\d[\w/.\-]*", part):
                out.add(part)  # "(Circular C498)": the number the chapter names it by again
    bare = re.sub(r"\s*\([^()]*\)", "", c.title)
    words = bare.split()
    for n, w in enumerate(words[:6]):
        if instrument_of(ctx.ref, w) and n >= 1 and all(x[0].isupper() for x in words[: n + 1]) and n + 1 < len(
                words):
            out.add(" ".join(words[: n + 1]))
            break
    code = re.match(r"[A-Z][A-Z0-9\-]+(?:[ /][A-Z0-9][\w/\-]*)?\s+[\w/.\-]*\d[\w/.\-]*", bare)
    if code:
        out.add(code.group(0))
    numbered = re.match(r"[A-Z][a-z]+\s+(?:No\.?\s*|n\.?\s*[°º]\s*)?[A-Z]*\d[\w/.\-]*(?:\s+of\s+(?:19|20)\d\d)?(?=\s+(?:on|of|for|"
                        r"concerning|regarding|about|sur|sobre|relative|relatif|relating)\s)", bare)
    if numbered:
        out.add(numbered.group(0))  # "Circular No. 4 of 2020 is ..." for "Circular No. 4 of 2020 on X"
    ident = identifier_pattern(ctx).search(bare)
    if ident and ident.start() > 0 and not bare[ident.end():].strip():
        out.add(ident.group("id"))  # "RS ISO/IEC 27001 is voluntary" for "Ruritanian Standard RS ISO/IEC 27001"
    first = words[0] if words else ""
    full = ctx.orgs.definitions.get(first)
    if full and not ctx.orgs.is_org_abbreviation(first) and (instrument_of(ctx.ref, full) or ("", ""))[1] == "strong":
        out.add(first)  # "using a B3S is optional" speaks of "the B3S Water/Wastewater"
    for number in re.findall(r"(?<![\w.\-])\d+(?:[\-./:]\d+)+(?![\w\-])|(?<![\w.\-])\d{4,}(?![\w.\-])", bare):
        if not re.fullmatch(r"(?:19|20)\d\d", number):
            out.add(number)  # "800-53" is distinctive enough to name "NIST Special Publication 800-53"
    inverted = re.match(r"(?P<noun>[A-Z][a-z]+)\s+(?:to|on|for)\s+(?:the\s+)?(?P<word>[A-Z][a-z]+)(?:\s+(?P<two>[A-Z][a-z]+))?\b",
                        bare)
    if inverted and instrument_of(ctx.ref, inverted.group("noun")) and not ctx.orgs.is_org_word(inverted.group("word")):
        noun = inverted.group("noun")
        out.add(f"{inverted.group('word')} {noun}")  # "the Reporting Guide" for "Guide to Reporting X"
        two = inverted.group("two")
        if two and not ctx.orgs.is_org_word(two) and not instrument_of(ctx.ref, two):
            out |= {f"{inverted.group('word')} {two} {noun}", f"{inverted.group('word')} {two} {noun.lower()}"}
            # "The Mobile Money guidance" for "Guidance on Mobile Money Security"
    home = re.escape(ctx.chapter.jurisdiction)
    rest = re.match(rf"(?:(?:the\s+)?(?:Government|State|Republic|Kingdom)\s+of\s+(?:the\s+)?)?{home}(?:[’']s)?\s+"
                    r"(?P<rest>[A-Z][\w\-]*(?:\s+[\w\-]+)+)$", bare)
    if rest and instrument_of(ctx.ref, rest.group("rest").split()[-1]):
        out.add(rest.group("rest"))  # "the ICT Security Policy" for "Government of Jamaica ICT Security Policy"
    for code in re.findall(r"(?<![\w\-/])[A-Z]{1,6}-\d{1,3}[A-Za-z]?(?![\w\-/])", bare):
        out.add(code)  # "IG-9 is compulsory for ..." for "Insurance Guideline IG-9: Cyber Resilience for Insurers"
    head = head_noun(ctx, c.title)
    if head:  # "The CII guidelines" for "... Guidelines for Critical Information Infrastructure Operators", the
        for abbr, full in ctx.orgs.definitions.items():  # chapter having written "critical information
            if len(full.split()) >= 2 and full.lower() in bare.lower() and not ctx.orgs.is_org_abbreviation(abbr):
                out |= {f"{abbr} {head}", f"{abbr} {head.lower()}"}  # infrastructure (CII)" somewhere
    before_colon = bare.split(": ", 1)[0]  # "Charting Your Course: Cyber Security Governance"
    if before_colon != bare and len(before_colon.split()) >= 2:
        out.add(before_colon)
    out |= {re.sub(r"\s*[®™©]", "", x) for x in out | {c.title}}  # "CyFun" for "(CyFun®)"
    rest = re.match(r"[A-Z][\w\-]*[®™]?\s+(?P<rest>[a-z][\w\-]+(?:\s+[a-z][\w\-]+)+)$", bare)
    if rest and is_abbreviation(re.sub(r"[®™]", "", bare.split()[0])) and (instrument_of(
            ctx.ref, rest.group("rest").split()[-1]) or rest.group("rest").split()[-1] in ctx.ref.words["generic_document"]):
        out.add(rest.group("rest"))  # "the self-assessment tools" for "CyFun® self-assessment tools"
    return {x for x in out if len(x) >= 2 and norm(x) != norm(c.title)}


def _run_on_from(found: str, title: str) -> bool:
    """"the Guideline on Technology Risk Management to payment service providers licensed under ...": a list
    item's title cut before its last words ("for Payment Service Providers") and run on in lower case by the
    prose that names it again is that item."""
    f_words, t_words = found.split(), re.sub(r"\s*\([^()]*\)", "", title).split()
    k = 0
    while k < min(len(f_words), len(t_words)) and f_words[k] == t_words[k]:
        k += 1
    if k >= 3 and k == len(f_words) and k < len(t_words):  # "are in the Minimum Information Security Standards
        return t_words[k] in ("for", "on", "of", "to")  # (see question 13)", the list's "... for Government Agencies"
    return k >= 3 and k < len(t_words) and k < len(f_words) and all(w[:1].islower() for w in f_words[k:]) and \
        any(w[:1].isupper() for w in t_words[k:])


def _shortened(short: str, title: str) -> bool:
    """A list item's title named again in prose without a few words before its head noun and without what
    follows it: "the BSL's Cyber and Information Security Guidelines" for "Cyber and Information Security Risk
    Management Guidelines for Banks"."""
    s_words = re.sub(r"\s*\([^()]*\)", "", short).split()
    t_words = re.sub(r"\s*\([^()]*\)", "", title).split()
    if len(s_words) < 2 or len(t_words) <= len(s_words) or s_words[0] != t_words[0]:
        return False  # ("the Minimum Standards" for "Minimum Cyber Security Standards for X")
    head = s_words[-1]
    if head not in t_words:
        return False
    at = t_words.index(head)
    before, kept = t_words[:at], s_words[:-1]
    if not (len(kept) < len(before) <= len(kept) + 3) or before[: len(kept)] != kept:
        return False
    return True


def _spelt_in(abbr: str, title: str) -> bool:
    """Whether capitalised words in a row of the title spell the abbreviation ("SME" in "Guide for Small and
    Medium-sized Enterprises"), small linking words skipped."""
    words = [w for w in re.findall(r"[\w’'\-]+", title) if w.lower() not in ("and", "of", "the", "for", "&")]
    initials = "".join(w[0] for w in words)
    caps = [w[0].isupper() for w in words]
    at = initials.find(abbr)
    return at >= 0 and all(caps[at: at + len(abbr)]) and initials.count(abbr) == 1


@rule("titles.merge")
def merge(ctx: Context) -> None:
    """A title named twice is one guideline (the first mention stands; a longer name of the same instrument
    gives the title), and a short form of a known title ("the Patch Framework") names it again."""
    alive = ctx.alive()
    by_key: dict[str, Candidate] = {}
    for c in alive:
        c.aliases |= short_forms(ctx, c)
        words = re.sub(r"\s*\([^()]*\)", "", c.title).split()
        if len(words) >= 3 and all(w[:1].isupper() for w in words[:2]) and not instrument_of(
                ctx.ref, " ".join(words[:2])):
            c.prefixes.add(" ".join(words[:2]))  # "the Essential Eight" for "Essential Eight Maturity Model"
    _bracketed_names(ctx, alive)
    for c in alive:  # "the CII guideline" after "Critical Information Infrastructure Protection Guideline 2021"
        full = ctx.orgs.definitions.get(c.title)
        named = [o for o in alive if o is not c and full and full.lower() in o.title.lower()] if full else []
        if not full and re.fullmatch(r"[A-Z]{2,6}s?", c.title) and not ctx.orgs.is_org_abbreviation(c.title):
            named = [o for o in alive if o is not c and _spelt_in(c.title.rstrip("s"), o.title)]  # "the SME guide"
        for names_item in (_shortened, _run_on_from):  # a list item named again in prose, cut or run on
            if not named and c.sentence is not None and c.where == "prose":
                named = [o for o in alive if o is not c and o.sentence is None and names_item(c.title, o.title)]
        if len(named) == 1:
            c.merged_into = named[0].id
            named[0].mentions += c.mentions
    alive = [c for c in alive if c.merged_into is None]
    norms: dict[str, str] = {}
    known: dict[int, tuple[int, set[str]]] = {}  # a candidate's aliases, normalised (aliases only ever grow)

    def normed(text: str) -> str:
        if text not in norms:
            norms[text] = norm(text)
        return norms[text]

    words: dict[str, list[str]] = {}

    def bare_words(title: str) -> list[str]:
        if title not in words:
            words[title] = normed(re.sub(r"\s*\([^()]*\)", "", title)).split()
        return words[title]

    def alias_norms(o: Candidate) -> set[str]:
        if o.id not in known or known[o.id][0] != len(o.aliases):
            known[o.id] = (len(o.aliases), {normed(x) for x in o.aliases})
        return known[o.id][1]

    for c in sorted(alive, key=lambda c: (c.answer, c.block, c.sentence if c.sentence is not None else -1, c.start)):
        key = title_key(ctx, c.title)
        hit = by_key.get(key)
        if hit is None and c.rule == "titles.national_adoption":
            alias_keys = {title_key(ctx, x) for x in c.aliases}
            for key_, other in list(by_key.items()):  # "ISO/IEC 27001 as CNS 27001": the national one stands
                if title_key(ctx, other.title) in alias_keys:
                    c.mentions += other.mentions
                    c.aliases |= other.aliases | {other.title}
                    other.merged_into = c.id
                    by_key[key_] = c
                    hit = c
                    break
            if hit is c:
                by_key[key] = c
                continue
        if hit is None:
            mine = normed(c.title)
            several = len(mine.split()) >= 2
            for other in by_key.values():  # "the Patch Framework" after "Patch Framework for Small Firms"
                if mine in alias_norms(other) or (several and normed(other.title).startswith(mine + " ")) or (
                        several and c.where == "prose" and any(
                            a.startswith(mine + " ") and " " not in a[len(mine) + 1:] and instrument_of(
                                ctx.ref, a[len(mine) + 1:]) for a in alias_norms(other))):
                    hit = other  # ("The Mobile Money guidance ...": the run before the noun of an alias)
                    break
        if hit is None and c.where == "prose":
            short = bare_words(c.title)
            inside = list({o.id: o for o in by_key.values() if _names_again(ctx, short, bare_words(o.title))}.values()) \
                if len(short) >= 2 and instrument_of(ctx.ref, short[-1]) else []
            if len(inside) == 1:  # "the Incident Management Guide (see question 13)", "The Competency Model"
                hit = inside[0]
        if hit is None:
            by_key[key] = c
            continue
        if c.where == "list" and hit.where == "prose" and c.sentence is None:
            # the list item is the guideline; the earlier prose mention names it
            c.mentions += hit.mentions
            c.aliases |= hit.aliases
            hit.merged_into = c.id
            by_key[key] = c
            continue
        if (len(c.title) > len(hit.title) or c.rule == "titles.national_adoption") and key.count(":") and (
                hit.rule == c.rule or {hit.rule, c.rule} <= {"titles.standard_identifier", "titles.national_adoption"}):
            # "NEN-ISO/IEC 27001" is the standard this chapter means by "ISO/IEC 27001": the national adoption
            # (its title, issuer and line) stands for both
            c.mentions += hit.mentions
            c.aliases |= hit.aliases | {hit.title}
            hit.merged_into = c.id
            by_key[key] = c
            continue
        hit.mentions += c.mentions
        hit.aliases |= c.aliases
        c.merged_into = hit.id


def _bracketed_names(ctx: Context, alive: list[Candidate]) -> None:
    """"the Guide to Good Practices (Guía de Buenas Prácticas)": a name in brackets right after a title is the
    same document in its own language, not another guideline."""
    by_sentence: dict[tuple, list[Candidate]] = {}
    for c in alive:
        if c.sentence is not None:
            by_sentence.setdefault((c.answer, c.block, c.sentence), []).append(c)
    english = ctx.ref.words["determiner"] | ctx.ref.words["function"]
    for group in by_sentence.values():
        group.sort(key=lambda c: c.start)
        text = ctx.sentence_of(group[0]).text
        for c in group:  # "has published Kibernetinių incidentų valdymo rekomendacijos (Recommendations on ...)"
            native = re.search(r"\b(?:publish|issu|adopt|releas|produc)\w*\s+(?P<n>[A-ZÀ-ŽА-Я][^\s()]*(?:\s+[^\s(),;]+)"
                               r"{1,8}?)\s*\(\s*$", text[: c.start])
            if native and c.where == "prose" and not any(w.lower() in english for w in native.group("n").split()):
                c.title = f"{native.group('n')} ({c.title})"
                c.start = native.start("n")
        for first, then in zip(group, group[1:]):
            if first.merged_into is None and re.fullmatch(r"\s*\(\s*[‘“\"«*]?", text[first.end: then.start]):
                then.merged_into = first.id
                first.aliases.add(then.title)
                first.mentions += then.mentions


def _names_again(ctx: Context, a: list[str], b: list[str]) -> bool:
    """A shorter title that is a run of a longer one's words ending at its instrument noun names it again:
    "Incident Management Guide" in "Cyber Security Incident Management Guide", "Competency Model" in "Cyber
    Security Competency Model for the Energy Sector" (both titles as normalised words, brackets left out)."""
    if len(a) < 2 or len(a) >= len(b) or not instrument_of(ctx.ref, a[-1]):
        return False
    for i in range(len(b) - len(a) + 1):
        if b[i: i + len(a)] == a:
            rest = b[i + len(a):]
            return not rest or rest[0] in ctx.ref.words["connector"]
    return False


def head_noun(ctx: Context, title: str) -> str:
    """The noun a chapter uses to name a guideline again as "the X": its first capitalised instrument noun
    ("the Policy", "the Guide"), or the word that opens a title like "Communication on ..." or "Recommendation
    D"."""
    words = re.sub(r"\s*\([^()]*\)", "", title).split()
    head = next((w for w in words if instrument_of(ctx.ref, w) and w[0].isupper()), "")
    if not head:  # "the Code" for "Technology Risk Management Code": a noun that is an instrument with the word before
        head = next((w for v, w in zip(words, words[1:]) if w[0].isupper() and instrument_of(ctx.ref, f"{v} {w}")
                     and not instrument_of(ctx.ref, v)), "")
    if not head and len(words) >= 2 and words[0][:1].isupper() and words[0][1:].islower() and (
            words[1].lower() in ctx.ref.words["tail"] | {"concerning", "regarding", "about", "to"} or
            re.fullmatch(r"[A-Z]|[A-Z]?\d[\w/.\-]{0,6}", words[1])):  # "Recommendation D", "Circular 12/2020"
        head = words[0]
    return head


NOT_BEFORE_HEAD = r"(?!\s+(?:on|for|of|to|de|du|des|del|pour|para|sobre|sur|di|della|da|do|das|dos)\b)"  # "the Guide on
# Cloud Security" or "the Guide de sécurité" is another title, not the latest Guide


def head_pattern(c: Candidate, head: str) -> str:
    """"the Policy" names a guideline by its head noun; so does "the SPK Communiqué" or "the BoG template" (its
    issuer's abbreviation before the head, in any case), or "its Framework" after the body's name."""
    abbr = c.org.abbreviation if c.org is not None and c.org.abbreviation else ""
    owned = rf"|{re.escape(abbr)}(?:[’']s)?\s+(?i:{re.escape(head)})" if abbr else ""
    return rf"\b(?:[Tt]he|its)\s+(?:{re.escape(head)}{owned})\b"  # ("The CBI treats its Framework as ...")


_FOREIGN_RUN = re.compile(r"(?:\b[Tt]he\s+|(?P<own>[’']s\s+)|\b(?:published|issued|released|adopted|prepared)\s+(?:the\s+|an?\s+)?)"
                          r"(?P<t>[A-ZÀ-Ý][a-zà-ÿ]+(?:\s+(?:[a-zà-ÿ][\w’'\-]*|[dlDL][’']\w+|[A-ZÀ-Ý][\w\-]*)[,;:.]?)+)")
_ENGLISH_TAIL = re.compile(r",?\s+(?:for|to|on|aimed\s+at|intended\s+for|addressed\s+to|meant\s+for|designed\s+for)\s+"
                           r"(?:(?:the|all|its|their|every|each)\s+)?[a-z][a-z\-]+(?:\s+[a-z][a-z\-]+)*$")
_NUMBER_AFTER = re.compile(r"\s+(?:No\.?\s*)?\d")
_WORD_AFTER = re.compile(r"\s+([a-z]+)")


def _other_number(c: Candidate, name: str) -> bool:
    """"External Circular" is short for "External Circular 007" only when no other number follows it:
    "External Circular 033" is another instrument of the same series."""
    bare = re.sub(r"\s*\([^()]*\)", "", c.title)
    rest = bare[len(name):] if bare.startswith(name) else ""
    return bool(_NUMBER_AFTER.match(rest))


_LEAD = re.compile(r"\w+")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+\Z")
_CAP_AFTER = re.compile(r"\s+[A-Z\d]|[\w\-]")
_VERB_AFTER = re.compile(r"\s+(?:is|are|was|were|binds?|applies|remains|has|covers|requires)\b")


def _names_by_prefix(text: str, prefix: str) -> bool:
    """"The Cloud Guide" for "Cloud Guide for Public Bodies": the short form after "the" and before no other
    capitalised word, or right before a verb ("Cloud Guide is voluntary")."""
    for at in whole(text, prefix, tail=False):
        end = at + len(prefix)
        if _VERB_AFTER.match(text, end):
            return True
    for at in occurrences(text, prefix):
        end = at + len(prefix)
        if _THE_BEFORE.search(text, 0, at) and not _CAP_AFTER.match(text, end):
            return True
    return False


@rule("titles.mentions")
def mentions(ctx: Context) -> None:
    """Every sentence that names a guideline again: by title, abbreviation, short form or code, capitalised
    ("The Policy is not binding" after "the Cybersecurity Policy for X")."""
    alive = ctx.alive()
    order = {c.id: n for n, c in enumerate(alive)}
    plural = {w for w in ctx.ref.words["generic_document"] if w.endswith("s")}
    name_res = {c.id: [(n, _other_number(c, n)) for n in sorted(
        {c.title, re.sub(r"\s*\([^()]*\)", "", c.title).strip()} | c.aliases, key=len, reverse=True) if len(n) >= 2]
        for c in alive}
    index, always, by_mention = _mention_index(alive, name_res)
    # a head noun ("the Policy") names only the latest guideline with that head before it; candidates that share
    # a head and an issuer share one pattern, tried once a sentence
    by_head: dict[str, dict[str, list[Candidate]]] = {}
    for c in alive:
        h = head_noun(ctx, c.title)
        if h:
            by_head.setdefault(h, {}).setdefault(head_pattern(c, h) + NOT_BEFORE_HEAD, []).append(c)
    compiled = {src: re.compile(src) for group in by_head.values() for src in group}
    found: dict[tuple[int, int, int], list[tuple[int, str]]] = {}
    spans: dict[tuple[int, int, int], list[Candidate]] = {}
    for c in ctx.candidates:
        if c.sentence is not None and not c.vetoed and (c.merged_into is None or norm(c.title) == norm(
                ctx.candidates[c.merged_into].title)):  # (a group's short form merged into one item names others too)
            spans.setdefault((c.answer, c.block, c.sentence), []).append(c)
    for a in ctx.answers:
        for k, sents in enumerate(a.sentences):
            for s in sents:
                key = (a.index, k, s.index)
                ids = always | by_mention.get(key, set())
                for w in set(_LEAD.findall(s.text)):
                    ids |= index.get(w, set())
                hits: list[tuple[int, str]] = []
                for c in sorted((ctx.candidates[i] for i in ids), key=lambda c: order[c.id]):
                    how = "title" if key in c.mentions else _named_by(_others_masked(s.text, c, spans.get(key, [])),
                                                                       c, name_res[c.id], plural)
                    if how:
                        hits.append((c.id, how))
                taken = {cid for cid, _ in hits}
                for h, group in by_head.items():
                    if h not in s.text:
                        continue
                    heard = [c for src, cs in group.items() if compiled[src].search(s.text) for c in cs
                             if c.id not in taken and (c.answer, c.block) <= (a.index, k)]
                    if heard:
                        latest = max((c.answer, c.block) for c in heard)
                        hits.append((min((c for c in heard if (c.answer, c.block) == latest),
                                         key=lambda c: order[c.id]).id, "head"))
                if hits:
                    found[key] = sorted(hits, key=lambda h: order[h[0]])
    ctx.memo[("titles", "mentions")] = found


def _others_masked(text: str, c: Candidate, here: list[Candidate]) -> str:
    """The sentence with the titles of other guidelines found in it blanked: "Cyber Security Guidelines" (short
    for "... for Banks") inside "the CMDA's Cyber Security Guidelines for Capital Market Licensees" names none."""
    for o in here:
        if o.id != c.id and o.merged_into != c.id and c.merged_into != o.id and 0 <= o.start < o.end <= len(text) \
                and c.title not in o.title:  # ("1 October 2014 Cyber Essentials" still names Cyber Essentials)
            text = text[: o.start] + " " * (o.end - o.start) + text[o.end:]
    return text


def _named_by(text: str, c: Candidate, names: list[tuple[str, bool]], plural: set[str]) -> str:
    """How a sentence names a candidate, if it does: by one of its names whole, or by a short form."""
    for n, numbered in names:
        at = next((i for i in whole(text, n) if not (numbered and _NUMBER_AFTER.match(text, i + len(n)))), None)
        after = _WORD_AFTER.match(text, at + len(n)) if at is not None else None
        if at is not None and not (after and after.group(1) in plural):  # "the CCN-STIC guides" names a group
            return "name"
    if any(_names_by_prefix(text, x) for x in c.prefixes):
        return "prefix"
    return ""


def _mention_index(alive: list[Candidate], name_res: dict[int, list[tuple[str, bool]]]):
    """Which candidates a sentence can name at all. Every way of naming finds a name whole, so each of the
    name's words is a word of the sentence: a candidate is looked at only in sentences that have its name's
    rarest word, so a long list is not read n × n."""
    spelled = {c.id: [n for n, _ in name_res[c.id]] + sorted(c.prefixes) for c in alive}
    seen: dict[str, int] = {}
    for c in alive:
        for w in {w for n in spelled[c.id] for w in _LEAD.findall(n)}:
            seen[w] = seen.get(w, 0) + 1
    index: dict[str, set[int]] = {}
    always: set[int] = set()
    by_mention: dict[tuple, set[int]] = {}
    for c in alive:
        for n in spelled[c.id]:
            words = _LEAD.findall(n)
            if words:
                index.setdefault(min(words, key=lambda w: (seen[w], -len(w))), set()).add(c.id)
            else:
                always.add(c.id)
        for key in c.mentions:
            by_mention.setdefault(key, set()).add(c.id)
    return index, always, by_mention


def said_to_be(ctx: Context, called: re.Pattern) -> list[Candidate]:
    """The candidates a sentence calls something (`called` matches just after the reference): by name, live ones
    only ("The BDDK Regulation ... are secondary legislation"); by item label ("items (a) and (c) are ...") or
    by place after a list ("The third is a government programme"), any item, a vetoed law too.

    One reader for every "X is a Y" verdict, so laws and non-guidance are found the same way."""
    from policyqa.extract.status import cited_in
    from policyqa.extract.text import ordinal_places

    out: dict[int, Candidate] = {}
    for (a, k, n), hits in ctx.memo.get(("titles", "mentions"), {}).items():
        block = ctx.answers[a].blocks[k]
        text = block.text if n < 0 else ctx.answers[a].sentences[k][n].text
        for cid, _ in hits:
            c = ctx.candidates[cid]
            if not c.alive:
                continue
            names = {x for x in {c.title, re.sub(r"\s*\([^()]*\)", "", c.title), *c.aliases} if len(x) >= 3}
            ends = [text.find(x) + len(x) for x in names if x in text]
            head = head_noun(ctx, c.title)
            if head and head.lower() in text.lower():  # "the SPK Communiqué"
                m = re.search(head_pattern(c, head), text)
                ends += [m.end()] if m else []
            if any(called.match(text[end:]) for end in ends):
                out[c.id] = c
    for a in ctx.answers:
        for k, sents in enumerate(a.sentences):
            lists = [lst for lst in a.lists if lst.items[-1] < k]
            if not lists:
                continue
            places = lists[-1].places()
            members = [c for c in ctx.candidates if c.lst is lists[-1] and c.sentence is None]
            for s in sents:
                refs = [(m.end(), cited_in(ctx, m.group(0), lists))
                        for m in ctx.ref.phrases["item_reference"].finditer(s.text)]
                for m in ctx.ref.phrases["ordinal_item"].finditer(s.text):
                    if not s.text[:m.start()].strip(" \t\"“”‘’'"):  # "The third is ...": the sentence's subject
                        wanted = ordinal_places(ctx, m.group("n"), len(places))
                        refs.append((m.end(), [c.id for c in members if places.get(c.block) in wanted]))
                for end, cids in refs:
                    if called.match(s.text[end:]):
                        out.update((cid, ctx.candidates[cid]) for cid in cids)
    return list(out.values())


@rule("titles.veto_called_not_guidance", veto=True)
def veto_called_not_guidance(ctx: Context) -> None:
    """"The third is a government programme, not guidance", "Item (g) sets policy only", "The Plan is not
    guidance": what the chapter itself says is no guideline, though its list or its name made it look like one."""
    for c in said_to_be(ctx, ctx.ref.phrases["called_not_guidance"]):
        _veto(c, "titles.veto_called_not_guidance")

