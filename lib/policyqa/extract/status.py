"""Rule family `status`: how binding each guideline is, and for whom.

Chapters state binding status in sentences, not fields: inside a list item
("– mandatory for government organisations"), in a sentence that names one
or two guidelines ("The NZISM is mandatory for government departments ...;
both are recommended to private sector organisations"), about a group ("None
of the KNF's recommendations is legally binding on banks", "The OGCIO
documents are mandatory for ...", "those numbered 1 to 3 below"), by pronoun
("The guideline is not binding on controllers"), or once for a whole list or
answer ("The guidelines are voluntary to follow for private companies ...").

`statements` finds every sentence (or item) with a status cue and splits it
into clauses, each with its levels and audiences as written. The `scope_*`
rules decide what each statement speaks of, most specific first. `assign`
gives every guideline its (audience, level) rows: a statement about it alone
outranks one about its group or list, which outranks its paragraph's and its
answer's; a more specific statement adds its audiences to a more general one
and replaces it for an audience both name, and a level stated for no audience
gives way to one stated for a named audience.
"""

from __future__ import annotations

import re
from dataclasses import replace

from policyqa.extract.context import Candidate, Clause, Context, Sentence, Statement
from policyqa.extract.organisations import is_abbreviation
from policyqa.extract.registry import rule
from policyqa.extract.text import has_whole, item_numbers, number_of, ordinal_places, whole
from policyqa.extract.titles import ITEM_NUMBERS, instrument_of
from policyqa.schema import NOT_STATED, OTHER_GROUP

_PLURAL_AFTER = re.compile(r"(?:\s+[a-z]+s|s)\b")  # "the Cyber Essentials controls", "CIS Benchmarks"

_USES_THEM = re.compile(r"(?P<a>.+?)\s+(?:apply|applies|use|uses|follow|follows|adopt|implement|certify\s+against)\s+"
                        r"(?:both|them|it|these|those|either|the\s+(?P<nth>\w+))\b(?:\s+(?:on|in|at|as|with)\b.*)?\s*$")

RANK = {"own": 0, "list": 1, "paragraph": 2, "answer": 3}


# ----------------------------------------------------------------------------- cues and audiences


def level_spans(ctx: Context, text: str) -> list[tuple[int, int, str]]:
    """Status cues in a piece of text: (start, end, level), non-overlapping, most specific pattern first (a
    pattern whose level is `ignore`, "whether a document binds", takes its words out of play)."""
    key = ("status", "levels", text)
    hit = ctx.memo.get(key)
    if hit is None:
        anyone = ctx.ref.mandatoriness_any  # one pass that rules out most sentences before forty patterns are tried
        if anyone is None or not anyone.search(text):
            ctx.memo[key] = []
            return []
        found: list[tuple[int, int, str]] = []
        for pattern, label in ctx.ref.mandatoriness:
            for m in pattern.finditer(text):
                if all(m.end() <= a or m.start() >= b for a, b, _ in found):
                    found.append((m.start(), m.end(), label))
        ctx.memo[("status", "ignored", text)] = [(a, b) for a, b, label in found if label == "ignore"]
        hit = ctx.memo[key] = sorted(x for x in found if x[2] != "ignore")
    return hit


def _without_ignored(ctx: Context, text: str) -> str:
    """The text with the words an `ignore` cue took out of play blanked, so that they name no audience either
    ("it may make parts of them mandatory for CNI operators in future")."""
    level_spans(ctx, text)
    for a, b in ctx.memo.get(("status", "ignored", text), []):
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _audience_words(ctx: Context) -> frozenset[str]:
    return ctx.ref.words["audience_noun"]


_HEAD_END = re.compile(r"\s+(?:of|in|for|with|under|that|who|which|whose|to|from|on|at|across|within|by|as|whether|"
                       r"where|when|if)\b|\s*[,;:(]|\s+(?=(?:it|they)\s+[a-z]+\b)")  # "the institutions it supervises"


def is_audience(ctx: Context, phrase: str) -> bool:
    """A noun phrase that names a group of addressees: its head (the words before "of", "in", "that" ...)
    ends in an audience noun ("operators of essential services", "banks"; not "staff awareness" or "the
    protection of personal data in the banking sector") or is an abbreviation the vocabulary or chapter
    gives for one ("AIs", "MDAs", "B/Ds"). A head that only points ("those in the financial sector",
    "anyone in X") is judged by the whole phrase."""
    cut = next((m for m in _HEAD_END.finditer(phrase) if m.start() > 0), None)
    head = phrase[: cut.start()] if cut else phrase
    head = re.sub(r"\s+(?:else|too|alike)\W*$", "", head)  # "recommended to everyone else"
    words = head.split()
    nouns = _audience_words(ctx)
    for n in range(1, len(words)):  # "providers serving only private customers": a participle after the noun
        prev = words[n - 1].lower()
        if re.fullmatch(r"[a-z]{3,}(?:ing|ed)", words[n]) and (prev in nouns or re.fullmatch(r"\w+[^s]s", prev)):
            head = " ".join(words[:n])
            break
    last = re.findall(r"[\w/’'\-]+", head)
    if not last or last[-1].lower() in ctx.ref.words.get("pointing_head", frozenset()):
        return _holds_group(ctx, phrase)
    if instrument_of(ctx.ref, last[-1]) or last[-1].lower() in ctx.ref.words["generic_document"]:
        return False  # "its SME guidelines": documents, not the group they are for
    heads = [_last_noun(re.findall(r"[\w/’'\-]+", part)) for part in re.split(r"\s+(?:and|or|&)\s+|,\s*", head)]
    return _holds_group(ctx, " ".join(w for part in heads for w in part)) or \
        any(p.search(head) for p, _ in ctx.ref.audiences)


def _last_noun(words: list[str]) -> list[str]:
    """The head word of a group's words: the last, past any participle that describes it ("every healthcare
    entity licensed", "providers serving only private customers")."""
    for n in range(len(words) - 1, -1, -1):
        if not (n > 0 and re.fullmatch(r"[a-z]{3,}(?:ed|ing)|only|solely|mainly|directly", words[n])):
            return words[n: n + 1]
    return words[-1:]


def _holds_group(ctx: Context, phrase: str) -> bool:
    words = re.findall(r"[\w/’'\-]+", phrase)
    nouns = _audience_words(ctx)
    for w in words:
        low = w.lower().strip("’'")
        if low in nouns or (low.endswith("s") and low[:-1] in nouns):
            return True
        if re.fullmatch(r"[A-Z][A-Za-z/]*[A-Z][a-z]?s?", w) and not ctx.orgs.is_org_abbreviation(w):
            full = ctx.orgs.definitions.get(w) or ctx.orgs.definitions.get(w[:-1] if w.endswith("s") else w)
            if full is not None:  # "FRFIs" stands for institutions; "TLS" for Transport Layer Security
                if _names_group(ctx, full):
                    return True
            elif w.endswith("s") or "/" in w:  # an abbreviation nobody defines: a plural one ("AIs", "B/Ds")
                return True
    return any(p.search(phrase) for p, _ in ctx.ref.audiences)


def _names_group(ctx: Context, phrase: str) -> bool:
    nouns = _audience_words(ctx)
    return any(w.lower() in nouns or w.lower().rstrip("s") in nouns for w in re.findall(r"[\w\-]+", phrase)) or \
        any(p.search(phrase) for p, _ in ctx.ref.audiences)


def clean_audience(ctx: Context, phrase: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,;:.")
    if phrase.count("(") > phrase.count(")"):  # "operators under the Protective Security Act (2018": cut off
        phrase = phrase[: phrase.rindex("(")]
    if phrase.count(")") > phrase.count("("):  # "Vital Sites) of the Agency": a gloss's end, not the group's
        phrase = phrase[: phrase.index(")")]
    phrase = re.sub(r"\s*\([^()]*\b(?:19|20)\d\d\)$", "", phrase)  # "... for SMEs (MwCERT, 2022)": the item's date
    phrase = re.sub(r"^(?:(?:and|or|but|to|for|on|upon|by|with|at|which|that|who|whom|while|whilst|whereas)\s+)+", "",
                    phrase)  # "..., which organisations may adopt", "..., while private institutions may"
    phrase = re.sub(r"\s+(?:alike|as well|too|also|in themselves|themselves|as a reference|as good practice|"
                    r"in practice|generally|only)$", "", phrase)
    phrase = re.sub(r"(?:\s+(?:of|for|to|and|or|the|a|an|with|by|in|on))+$", "", phrase)  # "the member banks of the"
    return phrase.strip(" ,;:.")


def split_audience(ctx: Context, phrase: str) -> list[str]:
    """"public and private entities" -> ["public entities", "private entities"]; "government organisations and
    CNI operators" -> both; a name with "and" inside one group stays whole; a relative clause stays with the
    last group ("X and for Y that own, operate or host CNI")."""
    again = re.split(r"\s+and\s+(?:for|to|on|upon)\s+(?=\S)", phrase)
    if len(again) > 1 and all(is_audience(ctx, p) for p in again):  # "for government organisations that use
        return [x for p in again for x in split_audience(ctx, p)]  # the cloud and for the providers that host them"
    rel = re.search(r"\s+(?:that|who|which|whose)\s", phrase)
    if rel:
        head, tail = phrase[: rel.start()], phrase[rel.start():]
        parts = _split_groups(ctx, head)
        return parts[:-1] + [parts[-1] + tail]
    return _split_groups(ctx, phrase)


def _split_groups(ctx: Context, phrase: str) -> list[str]:
    m = re.fullmatch(r"(?P<q>(?:all|both|other)\s+)?(?P<a>[\w\-]+)\s+and\s+(?P<b>[\w\-]+)\s+(?P<noun>[\w\s\-]+)", phrase)
    adjective = ctx.ref.words.get("group_adjective", frozenset())
    shared = m and all(m.group(x).lower() in adjective or not is_audience(ctx, m.group(x)) for x in "ab")
    if m and shared and m.group("a").lower() not in ("small", "medium") and is_audience(ctx, m.group("noun")):
        if (m.group("q") or "").strip() in ("all", "both"):
            return [phrase]  # "all public and private organisations": one group, every organisation
        q = m.group("q") or ""
        return [f"{q}{m.group('a')} {m.group('noun')}", f"{q}{m.group('b')} {m.group('noun')}"]
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+(?:the\s+|for\s+|to\s+)?|\s+or\s+", phrase)
    if len(parts) > 2 and re.match(r"other\s", parts[-1].strip()):
        return [phrase]  # "ministries, departments, offices and other government entities": members of one
        # group, written as one phrase (not "public bodies and their suppliers": two groups)
    if len(parts) > 1 and all(is_audience(ctx, p) for p in parts) and all(len(p.split()) >= 1 for p in parts):
        return [p.strip() for p in parts if p.strip()]
    return [phrase]


def audiences_in(ctx: Context, text: str, cues: list[tuple[int, int, str]]) -> list[str]:
    """Audiences a clause names: the object of the status words ("mandatory for X", "binding on X",
    "recommended to X", "addressed to X", "requires X to"), the subject of a duty ("X must ...", "X are expected
    to ..."), else a phrase from the audience vocabulary."""
    stop = ctx.ref.phrases["audience_stop"]
    out: list[str] = []
    pointed = []
    names = ctx.memo.get(("status", "names"))
    if names is None:
        names = ctx.memo[("status", "names")] = [n for c in ctx.alive() for n in c.aliases if len(n) >= 3]

    def take(raw: str) -> None:
        used = _USES_THEM.match(raw)  # "Private companies apply both on a voluntary basis": the group, not its verb
        if used and used.group("nth") and number_of(ctx, used.group("nth")) is None and \
                used.group("nth").lower() not in ("former", "latter", "last"):
            used = None  # ("banks apply the first": an item by its place, words.csv number_word)
        raw = used.group("a") if used else raw
        if ctx.ref.phrases["audience_anaphoric"].search(raw[:60]):
            here = _pointed_here(ctx, text, raw)
            if not here:
                pointed.append(raw)
                return  # "the institutions to which they are addressed": whom the guideline itself names
            raw = here
        m = stop.search(raw)
        raw = raw[: m.start()] if m else raw
        raw = clean_audience(ctx, raw)
        help_ = ctx.ref.phrases["audience_helped"].match(raw)
        if help_:  # "aimed at helping organisations manage cyber risk"
            raw = helped(ctx, raw[help_.end():])
        nobody = ctx.ref.phrases["audience_nobody"].search(text)
        if raw and nobody and nobody.group(0).lower().endswith(raw.lower()):
            return  # "do not bind anyone": a level for no group in particular
        words = raw.split()
        if "_" in raw or "#" in raw or any(n in raw and re.search(rf"(?<![\w\-]){re.escape(n)}(?![\w\-])", raw) for n in names):
            return  # a title (masked, or named again: "only the GCB") or a body is no audience
        if 1 <= len(words) <= 16 and is_audience(ctx, raw):
            for part in split_audience(ctx, raw):
                if part not in out:
                    out.append(part)

    fronted = _fronted_for(text)
    if fronted:
        take(fronted)
    for pattern in ctx.ref.phrase_rows["audience_object"]:
        for m in pattern.finditer(text):
            if not (fronted and m.start() == 0):
                take(m.group("aud"))
    plain = re.sub(r",\s+(?:such as|including|for example|e\.g\.|whose|which|who)\b[^;]*?,\s+(?=(?:must|shall|are|is|were|"
                   r"was|may|can|should|have|has|need)\b)", " ", text)  # "X, such as A, B and C, must ..." -> "X must
    # ...", "ISPs, whose licences do not refer to them, are merely encouraged to ..." -> "ISPs are ..."
    plain = re.sub(r"^\W*(?:(?:and|but|or|while|whereas|whilst)\s+)?", "", plain)  # ", and parastatals are advised"
    for m in [ctx.ref.phrases["audience_subject"].match(plain)]:
        if m is None:
            continue
        subj = m.group("aud")
        subj = re.split(r"(?i)\b(?:although|but|while|whereas|so|because|however|moreover)\s", subj)[-1]
        inner = re.search(r"\b(?:are|is|were|was|be)\b.*\b(?:that|which|who|whom)\s+(?P<rest>.+)$", subj)
        if inner:  # "the other two are guidance that organisations may follow": the relative clause's subject
            subj = inner.group("rest")
        subj = re.sub(r"^(?:[\w’']+\s+){0,2}?(?=(?:all|every|each|most|some|the|any|other)\b)", "", subj)
        take(subj)
    if not out:  # "Organisations commonly certify against X", "..., which licensees are encouraged to complete": the
        # noun phrase that opens the clause (or its relative clause), then the cue
        for start, _end, _level in cues[:1]:
            m = re.match(r"(?:[^,;]{0,200},\s+)?\W*(?:(?:and|but|or|while|whilst|whereas|although|though|yet)\s+)?"
                         r"(?:(?:which|that|whom)\s+)?(?P<aud>(?:[\w’'/()\-]+\s+){1,10}?)"
                         r"(?:(?:are|is|were|was|be|been|being|have|has)\s+)*(?:\w+ly\s+)?$", text[:start])
            if m and not re.match(r"(?i)(?:the|it|this|these|they|there|which|that|and|but)\b", m.group("aud")):
                take(m.group("aud"))
    if not out and not pointed:
        for phrase in vocabulary_audiences(ctx, text):
            take(phrase)
    return out


def _pointed_here(ctx: Context, text: str, raw: str) -> str:
    """"... into the licences of MNOs, which makes them compulsory for those operators": a group named by
    pointing back to the same clause, where an abbreviation or a phrase with the same head noun stands."""
    m = re.fullmatch(r"(?:those|these|such|the\s+same)\s+(?P<noun>[a-z]{4,})", raw.strip())
    at = text.find(raw.strip())
    if not m or at <= 0:
        return ""
    noun = m.group("noun")
    before = text[:at]
    for w in reversed(re.findall(r"(?<![\w\-])[A-Z][A-Za-z/]*[A-Z]s?(?![\w\-])", before)):
        full = ctx.orgs.definitions.get(w) or ctx.orgs.definitions.get(w[:-1] if w.endswith("s") else w) or ""
        if full.lower().rstrip("s").endswith(noun.rstrip("s")):
            return w  # "MNOs" (mobile network operators) for "those operators"
    own = list(re.finditer(rf"(?<![\w\-])(?:(?!(?:the|a|an|of|to|for|on|by|and|or|which|that|who|must|are|is)\b)"
                           rf"[\w\-]+\s+){{1,3}}{noun}\b", before))
    if own and is_audience(ctx, own[-1].group(0)):
        return own[-1].group(0)
    return ""


def _fronted_for(text: str) -> str:
    """"For municipalities, regions and private companies the two standards are not mandatory": the group a
    clause opens on, a list of groups included; up to its first comma when that is all it names."""
    m = re.match(r"\W*(?:(?:and|but|while|whereas|although)\s+)?(?:for|to)\s+(?P<rest>.+)$", text, re.IGNORECASE)
    if not m:
        return ""
    rest = m.group("rest")
    comma = rest.split(", ", 1)[0] if ", " in rest else ""
    bounded = re.match(r"(?P<a>.+?)(?:,\s+|\s+)(?=(?:the|these|this|it|they|its|their|such|none|neither|all|each|both|"
                       r"certification|compliance|"
                       r"use|adoption|application|implementation|following)\b)", rest, re.IGNORECASE)
    b = bounded.group("a") if bounded else ""
    if b and "," in b and " the " not in b:
        return b
    if b and "," not in b and len(b.split()) <= 6 and (not comma or len(b) < len(comma)):
        return b  # "For public bodies it is de facto mandatory"
    used = re.match(r"(?P<a>.+?)\s+(?=(?:certification|compliance|use|adoption|application|implementation|following|"
                    r"applying|using)\b)", rest, re.IGNORECASE)
    if used and (not comma or len(used.group("a")) < len(comma)):
        return used.group("a")  # "for private companies certification is voluntary"
    return comma


def names_audience(ctx: Context, text: str) -> bool:
    return any(p.search(text) for p in ctx.ref.phrase_rows["audience_object"])


_GAP_WORD = r"(?!(?:the|a|an|to|with|by|for|of|in|on|at|from|under|as|that|which|who|it|they|is|are)\b)[\w’'\-]+"
_GAP_AUD = rf"(?P<aud>{_GAP_WORD}(?:\s+{_GAP_WORD}){{0,3}}?)\s+(?:the|its|their)\s+(?=[_#A-Z])"
_GAPPED = re.compile(rf"\W*(?:and\s+)?{_GAP_AUD}")
_GAP = re.compile(rf"\s+and\s+{_GAP_AUD}")


def _fuller(ctx: Context, before: str, aud: str) -> str:
    """"Capital market licensees are asked to ...; ..., but the CMDA expects licensees to follow them": a bare
    audience noun is the group the sentence named in full before it."""
    if " " in aud or aud not in before:
        return aud
    m = re.search(rf"(?:^|[,;:]\s*|\b(?:for|to|on|by)\s+)(?P<full>(?:{_GAP_WORD}\s+){{1,3}}{re.escape(aud)})\b", before)
    return m.group("full") if m and is_audience(ctx, m.group("full")) else aud


def _gaps(ctx: Context, text: str) -> set[int]:
    """"Public institutions must implement the Standards and CII operators the CII guidelines": the verb of
    the duty is left out before the second pair, which is a clause of its own (cut where "and" opens it)."""
    if " and " not in text:
        return set()
    return {m.start() for m in _GAP.finditer(text) if level_spans(ctx, text[: m.start()])
            and is_audience(ctx, m.group("aud")) and not level_spans(ctx, m.group("aud"))}


_HEDGE = re.compile(r"\W*(?:but|although|though|yet|however|while|whilst)\b", re.IGNORECASE)
_HEDGE_USE = re.compile(r"\bto\s+(?:follow|comply\s+with|apply|use|implement|adopt|observe|meet|respect)\s+(?:it|them|this|these)\b")


def clauses_of(ctx: Context, text: str) -> list[Clause]:
    """The sentence cut where its status may change ("…; both are …", ", while …", ", whereas …", "and are
    …"), each clause with its levels and audiences."""
    spans = level_spans(ctx, text)
    silent = not spans  # no status words in the sentence: none in any clause of it either
    cuts = sorted({0, len(text)} | {c for c in {m.start() for m in ctx.ref.phrases["clause_break"].finditer(text)
                                                if m.start() > 0} | (set() if silent else _gaps(ctx, text))
                                    if not any(a < c < b and not level_spans(ctx, text[a:c]) for a, b, _ in spans)})
    # (a cut before a status phrase's own status word would break it: "not, strictly speaking, binding")
    out = []
    earlier = ""  # the group a clause before named ("for essential entities ...: for those entities, X is ...")
    for start, end in zip(cuts, cuts[1:]):
        p = text[start:end]
        if not p.strip(" ;:,."):
            continue
        body = re.sub(r"^[;:,\s]+", "", p)
        cues = [] if silent else level_spans(ctx, body)
        levels = list(dict.fromkeys(label for _, _, label in cues))
        heard = _without_ignored(ctx, body)
        auds = audiences_in(ctx, heard, cues) if cues or names_audience(ctx, heard) else []
        if levels and not auds and earlier and ctx.ref.phrases["points_back"].search(body):
            auds = split_audience(ctx, earlier)
        elif levels and not auds and out and out[-1].audiences and not out[-1].levels and \
                ctx.ref.phrases["points_back"].search(body):  # "X addresses its guides to Y, and presents them as
            auds = list(out[-1].audiences)  # recommendations": the group the clause before named
        gapped = _GAPPED.match(body) if not levels and out and out[-1].levels else None
        if gapped and is_audience(ctx, gapped.group("aud")):  # "..., and government bodies the EGDU standards"
            levels, auds = out[-1].levels[:1], [clean_audience(ctx, gapped.group("aud"))]
        auds = [_fuller(ctx, text[:start], a) for a in auds]
        if not levels and auds and out and out[-1].levels and not out[-1].audiences and _HEDGE.match(body) and \
                _HEDGE_USE.search(body):
            prev = out[-1]  # "X is not formally binding, but the FMA expects banks and insurers to follow it": the
            out[-1] = replace(prev, audiences=list(auds), pairs=[(a, prev.levels[0]) for a in auds])  # hedge names
            # whom the status before it is for
        pairs = [(a, levels[0]) for a in auds] if levels and auds else []
        out.append(Clause(p, levels, auds, pairs, start, end))
        named = re.search(r"\bfor\s+(?P<aud>(?:[\w’'\-]+\s+){0,6}?[\w’'\-]+)(?=\s+(?:within|in|under|that|who|which|"
                          r"covered|subject)\b|\s*[,;:(]|\s*$)", body)
        if named and is_audience(ctx, named.group("aud")) and not ctx.ref.phrases["audience_anaphoric"].search(
                named.group("aud")):
            earlier = clean_audience(ctx, named.group("aud"))
    return out


# ----------------------------------------------------------------------------- statements


def _mask(ctx: Context, text: str, spans: list[tuple[int, int]]) -> str:
    """Titles and bodies blanked (same length), so a title's own words ("Recommendations on ...", "Mandatory
    Controls") and a body's name ("Critical Infrastructure Protection Centre") state nothing."""
    out = text
    for s, e in sorted(spans, reverse=True):
        out = out[:s] + "_" * (e - s) + out[e:]
    for o in ctx.orgs.find(out):
        if o.org.how != "abbreviation":
            out = out[: o.start] + "#" * (o.end - o.start) + out[o.end:]
    return out


def _title_spans(ctx: Context, a_index: int, k: int, s: Sentence | None) -> list[tuple[int, int]]:
    spans = []
    for c in ctx.candidates:
        if c.answer != a_index or c.block != k or c.vetoed == ITEM_NUMBERS:
            continue
        if s is None and c.sentence is None:
            spans.append((c.start, c.end))
        elif s is not None and c.sentence == s.index:
            spans.append((c.start, c.end))
        elif s is not None and c.sentence is None and c.start < s.offset + len(s.text) and c.end > s.offset:
            spans.append((max(0, c.start - s.offset), min(len(s.text), c.end - s.offset)))
    return spans


@rule("status.statements")
def statements(ctx: Context) -> None:
    """Every sentence or list item that says how binding something is, split into clauses with their levels and
    audiences (titles and body names masked)."""
    for a in ctx.answers:
        for k, sents in enumerate(a.sentences):
            b = a.blocks[k]
            if b.kind == "subheading":
                continue
            for s in sents:
                masked = _mask(ctx, s.text, _title_spans(ctx, a.index, k, s))
                if not level_spans(ctx, masked) and not names_audience(ctx, masked):
                    continue
                cl = clauses_of(ctx, masked)
                if any(c.levels for c in cl):
                    ctx.statements.append(Statement(a.index, k, s.index, b.line, s.text, cl))
                elif any(c.audiences for c in cl) and b.kind != "item":
                    ctx.statements.append(Statement(a.index, k, s.index, b.line, s.text, cl, audience_only=True))
    _back_groups(ctx)


def _back_groups(ctx: Context) -> None:
    """"Items (a) and (e) are addressed to ministries and public bodies. ... the Cabinet directed those
    entities to comply with both, so they are binding on them. The Baseline Controls are mandatory for the
    same bodies": a group named only by pointing back is the group the paragraph's last sentence named."""
    back = ctx.ref.phrases["audience_back_group"]
    last: dict[tuple[int, int], list[str]] = {}
    for st in ctx.statements:  # in the order of the text, clause by clause ("Edict No. 40 requires owners of
        key = (st.answer, st.block)  # CIIO to comply ..., so for those owners it is compulsory")
        clauses = []
        for c in st.clauses:
            if last.get(key) and c.audiences and all(back.fullmatch(x) for x in c.audiences):
                c = replace(c, audiences=list(last[key]), pairs=[(x, c.levels[0]) for x in last[key]]
                            if c.levels else [])
            clauses.append(c)
            named = [x for x in c.audiences if not back.fullmatch(x)]
            if named:
                last[key] = list(dict.fromkeys(named))
        st.clauses = clauses


def _items_of(ctx: Context, a_index: int, k: int) -> list[Candidate]:
    return [c for c in ctx.alive() if c.answer == a_index and c.block == k and c.sentence is None]


def _mentioned(ctx: Context, st: Statement) -> list[tuple[int, str]]:
    return ctx.memo.get(("titles", "mentions"), {}).get((st.answer, st.block, st.sentence), [])


def _target(st: Statement, ids: list[int], scope: str, name: str) -> None:
    st.targets = list(dict.fromkeys(ids))
    st.scope = scope
    st.rule = name


def _pending(ctx: Context) -> list[Statement]:
    return [st for st in ctx.statements if not st.targets]


def _about_law(ctx: Context, st: Statement) -> bool:
    """"Public administration bodies must also meet MIRRI Decree No. 179/2020": a duty whose object is a law
    the chapter names says nothing about the guidance around it."""
    source = ctx.ref.phrases["law_source"]  # "must apply the measures laid down in Decisions of the DSA ..."
    called = ctx.ref.phrases["called_laws"]  # "Some are directives with binding force; the rest are guidance"
    if any(c.levels for c in st.clauses) and all(source.search(c.text) or called.match(c.text)
                                                 for c in st.clauses if c.levels):
        return True
    laws = [x.title for x in ctx.laws if x.answer == st.answer]
    duty = ctx.ref.phrases["duty_object"]
    return bool(laws) and any(c.levels for c in st.clauses) and all(  # (a statement of audience only is no duty)
        any(law.lower() in c.text.lower() and re.search(duty.pattern + re.escape(law), c.text, re.IGNORECASE)
            for law in laws)
        for c in st.clauses if c.levels)


@rule("status.scope_item")
def scope_item(ctx: Context) -> None:
    """A status inside a list item is that item's own."""
    for st in _pending(ctx):
        b = ctx.answers[st.answer].blocks[st.block]
        if b.kind != "item":
            continue
        own = _items_of(ctx, st.answer, st.block)
        if own:
            _target(st, [c.id for c in own], "own", "status.scope_item")


def _alive_ids(ctx: Context) -> set[int]:
    return {c.id for c in ctx.alive()}


def _new_subject(ctx: Context, words: str) -> bool:
    """A clause that opens on a body ("and the OPC recommends ...") or on other documents ("the three sets of
    recommendations are ...") speaks of them."""
    body = re.sub(r"^\W*(?:(?:and|but|while|whereas|although|though|so|or)\s+)?(?:the\s+)?", "", words)
    orgs = ctx.orgs.find(body[:80])
    if orgs and orgs[0].start == 0:
        return True
    head = re.match(r"(?:(?:these|those|all|other|remaining|\w+)\s+){0,3}?(?P<noun>[a-z]+s)\s+(?:are|were|remain)\b",
                    body)  # plural: "the three sets of recommendations are"; "the standard is" points back
    return bool(head) and (head.group("noun") in ctx.ref.words["generic_document"] or
                           bool(instrument_of(ctx.ref, head.group("noun"))))


def _has(text: str, name: str) -> bool:
    return has_whole(text, name)


def _span_in(ctx: Context, st: Statement, cid: int, clause) -> bool:
    """Whether the guideline was found (by a title rule) inside this clause of the sentence."""
    for c in ctx.candidates:
        if (c.id == cid or c.merged_into == cid) and c.answer == st.answer and c.block == st.block and \
                c.sentence == st.sentence and clause.start <= c.start < clause.end:
            return True
    return False


def _names(ctx: Context, c: Candidate) -> list[str]:
    out = [c.title, re.sub(r"\s*\([^()]*\)", "", c.title)] + sorted(c.aliases | c.prefixes, key=len, reverse=True)
    return [n for n in out if n]


def _relative_owner(ctx: Context, st: Statement, clause: Clause, inside: list[int]) -> list[int]:
    """"... rely on X (see question 3) and, for card payments, on Y, which the CBK requires banks to comply
    with": a status said only in a relative clause is said of the title just before it."""
    if len(inside) < 2:
        return inside
    a = ctx.answers[st.answer]
    full = a.sentences[st.block][st.sentence].text if st.sentence is not None else a.blocks[st.block].text
    text = full[clause.start: clause.end]
    rel = list(re.finditer(r",\s*(?:which|whose|who|that)\b", text))
    cues = level_spans(ctx, clause.text)
    if not rel or not cues or any(start < rel[-1].start() for start, _, _ in cues):
        return inside
    head = text[: rel[-1].start()]

    def span(names: list[str]) -> tuple[int, int]:
        return max(((m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), head)),
                   key=lambda x: x[1], default=(-1, -1))

    spans = {}
    for cid in inside:  # where its whole title is, else where a short form is
        c = ctx.candidates[cid]
        whole_title = span([x for x in (c.title, re.sub(r"\s*\([^()]*\)", "", c.title)) if x])
        spans[cid] = whole_title if whole_title[1] >= 0 else span(_names(ctx, c))
    best = max(spans, key=lambda cid: spans[cid][1])
    if spans[best][1] < 0:
        return inside
    out = [best]  # "X and Y, which are ...": titles joined by "and" just before share the relative clause
    while True:
        start = spans[out[-1]][0]
        joined = [cid for cid in inside if cid not in out and 0 <= spans[cid][1] <= start and
                  re.fullmatch(r"\s*(?:,\s*)?(?:and|or|,)\s*(?:the\s+)?", head[spans[cid][1]: start])]
        if not joined:
            return out
        out.append(max(joined, key=lambda cid: spans[cid][1]))


@rule("status.scope_position")
def scope_position(ctx: Context) -> None:
    """Items named by their place: "those numbered 1 to 3 below", "item 4", "the first two", "the rest", "the
    other documents" (every item of the list that no earlier statement named)."""
    pattern = ctx.ref.phrases["item_numbers"]
    rest_pattern = ctx.ref.phrases["rest_of_list"]
    mentions = ctx.memo.get(("titles", "mentions"), {})
    for st in _pending(ctx):
        a = ctx.answers[st.answer]
        below = bool(re.search(r"\bbelow\b|\bfollowing\b", st.text))
        lists = [lst for lst in a.lists if (lst.items[0] > st.block if below else lst.items[-1] < st.block)]
        if not lists:
            continue
        lst = lists[0] if below else lists[-1]
        ids = _list_items(ctx, lst)  # (an item merged into the same title named earlier stands for it)
        members = [ctx.candidates[cid] for cid in ids]
        position = {cid: n for n, cid in enumerate(ids, 1)}
        places = lst.places()
        if not members:
            continue
        last: list[int] = []
        head: list[Clause] = []  # "Both are soft law: X applies the first ..., and the second ...": before any place
        excepting = False
        alive = _alive_ids(ctx)
        hits = [cid for cid, _ in _mentioned(ctx, st) if cid in alive]
        for clause in st.clauses:
            if not st.per_target:
                head.append(clause)
            picked = [] if ctx.ref.phrases["except_clause"].match(clause.text) else \
                cited_in(ctx, clause.text, lists[::-1] if below else lists)  # "items (c) and (d)", "item 1(a)": by
            # label, in the nearest list that has it (an exception: see scope_references); else by place
            for m in pattern.finditer(clause.text) if not picked else ():
                nums = item_numbers(ctx, m.group(0))
                picked += [c.id for c in members if c.position in nums]
            for m in ctx.ref.phrases["ordinal_item"].finditer(clause.text):  # "the second document is guidance",
                wanted = ordinal_places(ctx, m.group("n"), len(places))  # "only the second and third bind ..."
                picked += [c.id for c in members if places.get(c.block) in wanted]  # among all items, laws too
            for m in ctx.ref.phrases["ordinal_heading"].finditer(clause.text):  # "the documents under the first
                labels = list(dict.fromkeys(c.label.text for c in members if c.label is not None))  # heading"
                n = number_of(ctx, m.group("n")) if m.group("n").lower() != "last" else len(labels)
                if n and n <= len(labels):
                    picked += [c.id for c in members if c.label is not None and c.label.text == labels[n - 1]]
            first = ctx.ref.phrases["first_n"].search(clause.text)
            n = number_of(ctx, first.group("n")) if first else None
            if n:
                picked += [cid for cid in ids if position[cid] <= n]
            last_n = ctx.ref.phrases["last_n"].search(clause.text)  # "The last two are entirely voluntary"
            n = number_of(ctx, last_n.group("n")) if last_n else None
            if n:
                picked += [cid for cid in ids if position[cid] > len(ids) - n]
            if not picked and last:
                picked = named_in(ctx, st, clause, [cid for cid in hits if cid not in last])  # "Item (d) binds
                # banks; the Guide to X is recommended to ...": a clause that names another title speaks of it
            if not picked and last and (ctx.ref.phrases["continues_subject"].search(clause.text) or
                                        not _new_subject(ctx, clause.text)):
                picked = last  # "Only the first two bind: they are mandatory for ..."
            picked = list(dict.fromkeys(picked))
            if picked and ctx.ref.phrases["except_clause"].match(clause.text):
                excepting = True
            for cid in picked:
                st.per_target.setdefault(cid, []).append(clause)
            last = picked
        head = [c for c in head if not any(c is x for cl in st.per_target.values() for x in cl)]
        if any(c.levels for c in head):  # a level said of them all holds where their own clauses say none
            for cid, cl in st.per_target.items():
                if not any(c.levels for c in cl):
                    st.per_target[cid] = head + cl
            if excepting:  # "none of the items below is required: they are voluntary for X, except the third,
                for cid in ids:  # which binds Y": what comes before the exception holds for every other item
                    st.per_target.setdefault(cid, list(head))
        rest_clauses = [c for c in st.clauses if _rest_of_list(c, rest_pattern)]
        if rest_clauses:
            earlier = {cid for other in ctx.statements if other is not st and other.answer == st.answer and
                       other.levels and (other.block, other.sentence or 0) < (st.block, st.sentence or 0)
                       for cid, _ in mentions.get((other.answer, other.block, other.sentence), [])}
            earlier |= {cid for other in ctx.statements if other is not st and other.answer == st.answer and
                        other.rule == "status.scope_position" for cid in other.targets}
            if not st.per_target and not (earlier & {c.id for c in members}):
                continue  # "the other two" of a group, not of the whole list: see scope_description
            rest = [c.id for c in members if c.id not in st.per_target and c.id not in earlier]
            counted = re.search(r"\bother\s+(?P<n>\w+)\b", " ".join(c.text for c in rest_clauses))
            n = number_of(ctx, counted.group("n")) if counted else None
            if n is not None and n != len(rest):
                continue  # "the other two" are not every other item here
            for cid in rest:
                st.per_target.setdefault(cid, []).extend(rest_clauses)
        if st.per_target:
            _target(st, list(st.per_target), "own", "status.scope_position")


def _rest_of_list(clause: Clause, rest_pattern: re.Pattern) -> bool:
    """Whether a clause speaks of the list's other items ("the others are voluntary"), not of the other members
    of a group after a status word ("compulsory for ISPs licensed after 2020, and recommended to the others")."""
    m = rest_pattern.search(clause.text)
    return bool(m) and not (clause.levels and re.search(r"\b(?:to|for|on|upon)\s+$", clause.text[: m.start()]))


@rule("status.scope_except")
def scope_except(ctx: Context) -> None:
    """"All of the above are voluntary except the OJK guidelines, which bind every commercial bank": the level
    before "except" for every item of the list but the ones named after it, which take the clauses that
    follow."""
    pattern = ctx.ref.phrases["all_except"]
    for st in _pending(ctx):
        m = pattern.search(st.text)
        if not m:
            continue
        a = ctx.answers[st.answer]
        lst = _list_of_paragraph(ctx, st)
        members = _list_items(ctx, lst) if lst is not None else []
        if not members:
            continue
        rest = st.text[m.end():]
        excepted = {cid for cid in members if any(_has(rest, x) for x in _names(ctx, ctx.candidates[cid]))}
        excepted |= {cid for cid, _ in grouped_in(ctx, rest, a.index) if cid in members}
        excepted |= {cid for cid in cited_items(ctx, rest, lst) if cid in members}
        first = next((c for c in st.clauses if c.start <= m.start() < c.end), None)
        if first is None:
            continue
        said = _mask(ctx, st.text[first.start: m.end()], [])
        cues = level_spans(ctx, said)
        if not cues:
            continue
        head = Clause(said, [lv for _, _, lv in cues], audiences_in(ctx, said, cues), [], first.start, m.end())
        after = [replace(c, start=c.start + m.end(), end=c.end + m.end()) for c in clauses_of(ctx, _mask(
            ctx, rest, [])) if c.levels]
        for cid in members:
            if cid not in excepted:
                st.per_target[cid] = [head]
            elif after:
                st.per_target[cid] = after
        _target(st, list(st.per_target), "list", "status.scope_except")


# ----------------------------------------------------------------------------- what a clause speaks of
#
# A clause names guidelines in three ways, tried together so that one sentence can name a guideline, a group and
# a description in turn ("The NZISM is mandatory ...; the three sets of recommendations are voluntary ..."):
# by name (title, abbreviation, short form, code), as a group (a body's documents, titles that begin alike),
# or by description (words of its title in lower case, "the other two", "the three sets of recommendations").


def named_in(ctx: Context, st: Statement, clause: Clause, hits: list[int]) -> list[int]:
    """Guidelines the clause names by title, abbreviation, short form or code, or as "the <head noun>" ("the
    Policy", "the Communication")."""
    from policyqa.extract.titles import NOT_BEFORE_HEAD, head_noun, head_pattern

    words = st.text[clause.start: clause.end]
    out = []
    for cid in hits:
        c = ctx.candidates[cid]
        head = head_noun(ctx, c.title)
        if any(_has(words, x) for x in _names(ctx, c)) or (
                head and re.search(head_pattern(c, head) + NOT_BEFORE_HEAD, words)) or (
                st.sentence is not None and _span_in(ctx, st, cid, clause)):
            out.append(cid)
    return out


def grouped_in(ctx: Context, text: str, answer: int) -> list[tuple[int, int]]:
    """(guideline, where) for every group the text names: a body's documents ("the OGCIO documents", "None of the
    KNF's recommendations"), titles that begin alike ("The CCN-STIC guides", "the Joint Standards")."""
    generic = ctx.ref.words["generic_document"]
    alive = [c for c in ctx.alive() if c.answer == answer]
    found: list[tuple[int, int]] = []
    orgs = ctx.orgs.find(text)
    owners = [(o.org, o.start, o.end) for o in orgs]
    for m in re.finditer(r"\b[Tt]he\s+(?P<w>[A-Z][a-z]+)(?=[’']s\s)", text):  # "The Council's baseline controls"
        if ctx.orgs.is_org_word(m.group("w")) and not any(o.start <= m.start("w") < o.end for o in orgs):
            owners.append((ctx.orgs.org(m.group("w")), m.start(), m.end()))
    for m in re.finditer(r"\b(?:its|their)\b", text):  # "whereas its SME guidelines ...": the body named before
        before = [o for o in orgs if o.end <= m.start()]
        if before:
            owners.append((before[-1].org, m.start(), m.end()))
    for org, o_start, o_end in owners:
        after = re.match(r"[’']?s?\s+(?P<words>(?:(?!(?:are|is|were|was|remain|remains|must|should|have|has|bind|"
                         r"binds|apply|applies)\b)[\w\-]+\s*){1,6})", text[o_end: o_end + 80])
        if not after:  # (the group's own words: "the CERTuy guides are recommendations" enumerates no kinds)
            continue
        if re.match(r"(?:against|to|for|by|with|from|under|at|on|in|into|of|as|than|via|through)\b",
                    after.group("words")):
            continue  # "auditors certified by ANTIC against the framework": a preposition, not the body's documents
        nouns = re.findall(r"[a-z]+", after.group("words"))[:5]
        if not any(n in generic for n in nouns):
            continue
        members = [c for c in alive if _issued_by(c, org)]
        partner = next((o.org for o in orgs if o.end <= o_start and re.fullmatch(
            r"\s*(?:[–—\-/]|and)\s*", text[o.end: o_start])), None)
        if partner is not None:  # "the DAFP–MinTIC guide": the one both bodies issued, named together
            both = [c for c in alive if (_issued_by(c, org) or _issued_by(c, partner)) and all(
                _names_body(_where_named(ctx, c), x) for x in (org, partner))]
            members = both or members
        # "the KNF's recommendations and guidelines": its recommendations and guidelines, not its Communication
        kinds = [n[:6] for n in nouns if n in generic and n not in ctx.ref.words["broad_document"]]
        if len(kinds) >= 2:  # an enumeration of kinds is specific; one noun ("the AgID guidelines") is all of them
            members = [c for c in members if any(k in c.title.lower() for k in kinds)] or members
        elif kinds and not kinds[0].startswith(("guid", "recomm")):  # but one narrow kind ("the DM controls",
            members = [c for c in members if kinds[0] in c.title.lower()] or members  # "its checklist") is that kind
        nouns_alt = "|".join(sorted(generic, key=len, reverse=True))
        described = re.match(r"(?P<what>(?:[\w\-]+\s+){1,4}?)(?=(?:" + nouns_alt + r")\b)", after.group("words"))
        plain = generic | ctx.ref.words["determiner"] | ctx.ref.words["function"] | ctx.ref.words["quantity_some"]
        what = " ".join(w for w in described.group("what").split() if w.lower() not in plain) if described else ""
        if what and len(members) > 1:  # "the CSA's incident reporting guidelines": the one about that
            fits = [c for c in members if _describes(ctx, what, c.title)]
            members = fits or members
        found += [(c.id, o_start) for c in members]
    plural_at: dict[str, int | None] = {}  # titles that begin alike share their prefixes: each looked up once

    def plural_of(prefix: str) -> int | None:
        if prefix not in plural_at:
            plural_at[prefix] = next((i for i in whole(text, prefix, hyphen=False, bounded=True, tail=False)
                                      if _PLURAL_AFTER.match(text, i + len(prefix))), None)
        return plural_at[prefix]

    by_chain: dict[tuple[str, ...], int | None] = {}
    for c in alive:  # "The CCN-STIC guides", "the Joint Standards": titles that begin alike, in the plural
        chain = _prefixes(ctx, c)
        if chain not in by_chain:
            by_chain[chain] = next((at for at, prefix in ((plural_of(x), x) for x in chain)
                                    if at is not None and (" " in prefix or re.search(r"[A-Z]{2,}", prefix))), None)
        if by_chain[chain] is not None:
            found.append((c.id, by_chain[chain]))
    return found


def _prefixes(ctx: Context, c: Candidate) -> tuple[str, ...]:
    """A title's first three, two and one words (those of four letters or more), longest first."""
    key = ("status", "prefixes", c.title)
    if key not in ctx.memo:
        words = c.title.split()
        ctx.memo[key] = tuple(p for n in (3, 2, 1) if len(words) > n and len(p := " ".join(words[:n])) >= 4)
    return ctx.memo[key]


def _where_named(ctx: Context, c: Candidate) -> str:
    s = ctx.sentence_of(c)
    return s.text if s is not None else ctx.block_of(c).text


def _issued_by(c: Candidate, org) -> bool:
    """(also "the Council's baseline controls" for the Supreme Cybersecurity Council's)"""
    return c.org is not None and (c.org.name == org.name or bool(
        org.abbreviation and c.org.abbreviation == org.abbreviation) or (
        len(org.name.split()) == 1 and org.name in c.org.name.split()))


def _names_body(text: str, org) -> bool:
    return any(x and re.search(rf"(?<![\w\-]){re.escape(x)}(?![\w\-])", text) for x in (org.name, org.abbreviation))


def _describes(ctx: Context, words: str, title: str) -> bool:
    """Whether lower-case describing words fit a title: each content word's stem is in it, or an abbreviation
    is the initials of a run of its words ("SME" for "Small and Medium-sized Enterprises")."""
    stop = ctx.ref.words["connector"] | ctx.ref.words["determiner"] | ctx.ref.words["function"]
    wanted = [w for w in re.findall(r"[\w\-]+", words) if w.lower() not in stop]
    if not wanted:
        return False
    tw = [w for w in re.findall(r"[\w\-]+", title) if w.lower() not in stop]
    initials = "".join(w[0].lower() for w in tw)
    for w in wanted:
        if is_abbreviation(w):
            if re.sub(r"s$", "", w).lower() not in initials:
                return False
        elif not any(t.lower().startswith(w.lower()[:5]) for t in tw):
            return False
    return True


def _glossed(ctx: Context, c: Candidate) -> str:
    """A title with the translation a chapter gives in brackets after it ("Lineamientos para el uso de servicios
    en la nube (guidelines on the use of cloud services)"): "the cloud guidelines" describes it in English."""
    text = _where_named(ctx, c)  # (a list item's offsets are in its block, a sentence's in its sentence)
    gloss = re.match(r"\s*[’”\"»*]?(?:\[\d+\])?\s*\((?P<g>[^()]{3,160})\)", text[c.end:])
    return f"{c.title} {gloss.group('g')}" if gloss else c.title


def described_in(ctx: Context, text: str, answer: int) -> list[int]:
    """Guidelines a clause describes in lower case: "only the guidelines on personal data held by public
    institutions", "the banking standards", "the three sets of recommendations", or a list label's words ("The
    self-regulatory rules" for the items under "Self-regulatory rules adopted by ...")."""
    stop = ctx.ref.words["connector"] | ctx.ref.words["determiner"] | ctx.ref.words["function"]
    alive = [c for c in ctx.alive() if c.answer == answer]

    def words_of(t: str) -> set[str]:  # ("the banking guidelines" for "... Guidelines for Banks")
        return {_stem(w) for w in re.findall(r"[a-z]+", t.lower()) if w not in stop and len(w) > 3}

    picked: list[int] = []
    for m in ctx.ref.phrases["counted_reference"].finditer(text):
        n = number_of(ctx, m.group("n"))
        stem = m.group("noun")[:6].lower()
        same = [c.id for c in alive if any(w.lower().startswith(stem) for w in c.title.split()[:3] if w[:1].isupper())]
        if n and len(same) == n:
            picked += same
    for m in ctx.ref.phrases["described_before"].finditer(text):
        words = m.group("words").split()
        at = next((k for k in range(1, len(words)) if instrument_of(ctx.ref, words[k]) or
                   words[k] in ctx.ref.words["generic_document"]), None)
        if at is None or words[0] in stop:
            continue  # "the enabling technologies guidelines": the words before the first document noun
        noun, what_words = words[at], words[:at]
        phrase = f"{' '.join(what_words)} {noun}"
        labelled = [c.id for c in alive if c.label is not None and
                    re.match(rf"(?i)(?:the\s+)?{re.escape(phrase)}\b", c.label.text)]
        if labelled:
            picked += labelled
            continue
        what = words_of(" ".join(what_words))
        fits = [c for c in alive if what and what <= words_of(_glossed(ctx, c)) and
                noun[:5].lower() in _glossed(ctx, c).lower()]
        if len(fits) == 1:
            picked.append(fits[0].id)
    for m in ctx.ref.phrases["described_after"].finditer(text):
        if not instrument_of(ctx.ref, m.group("noun")):
            continue
        what = words_of(m.group("what"))
        best, score = None, 0
        for c in alive:
            common = len(what & words_of(c.title))
            if common > score:
                best, score = c, common
        if best is not None and score >= 2:
            picked.append(best.id)
        else:
            picked += _for_group(ctx, alive, m.group("noun"), m.group("what"))
    return list(dict.fromkeys(picked))


def _for_group(ctx: Context, alive: list[Candidate], noun: str, what: str) -> list[int]:
    """"The guide for SMEs" of a "Guide d'hygiène informatique pour les PME": the one guideline of that kind
    whose own audience is in the same group, though the words differ (another language, an abbreviation)."""
    group = ctx.ref.audience_group(what.strip())
    kind = instrument_of(ctx.ref, noun)
    if group in ("other", NOT_STATED) or not is_audience(ctx, what.strip()) or kind is None:
        return []
    fits = [c.id for c in alive if (instrument_of(ctx.ref, c.title) or ("",))[0] == kind[0] and
            any(ctx.ref.audience_group(h) == group for h in c.audience_hint)]
    return fits if len(fits) == 1 else []


_INLINE_LABEL = re.compile(r"(?:\((?P<p>[ivx]{1,4}|[a-z]|\d{1,2})\)|(?:^|[:;,]\s+)(?P<d>[ivx]{1,4}|[a-z]|\d{1,2})\.)\s+"
                           r"(?:the\s+|an?\s+)?(?:[\w’'\-]+[’']s\s+)?$")
_BARE_ITEMS = re.compile(r"\bitems?\s+(?P<refs>(?:[ivx]{1,4}|[a-z]|\d{1,2})(?:\s*(?:,|and|or)\s*(?:[ivx]{1,4}|[a-z]|\d{1,2}))*)\b",
                         re.IGNORECASE)


def _inline_labels(ctx: Context, answer: int) -> dict[str, list[int]]:
    """Labels of a list run into a paragraph ("...: (i) the X issued by the RMA; (ii) Decree-Law No. 7; (iii) Y"
    or ": i. X; ii. Y"): each label and the guidelines named right after it (two labels at least)."""
    key = ("status", "inline", answer)
    if key not in ctx.memo:
        out: dict[str, list[int]] = {}
        a = ctx.answers[answer]
        for c in ctx.alive():
            if c.answer != answer or c.sentence is None:
                continue
            sents = a.sentences[c.block]
            before = sents[c.sentence].text[: c.start]
            if not before.strip() and c.sentence > 0:  # ("...: i. X; ii. Y": a sentence may end at "i.")
                before = sents[c.sentence - 1].text + " "
            m = _INLINE_LABEL.search(before)
            if m:
                out.setdefault((m.group("p") or m.group("d")).lower(), []).append(c.id)
        ctx.memo[key] = out if len(out) >= 2 else {}
    return ctx.memo[key]


def _inline_cited(ctx: Context, answer: int, text: str) -> list[int]:
    """The guidelines a clause cites by the labels of a list run into a paragraph ("Item (iii) binds ...", "The
    framework in (i) ...", "Items i and iii are mandatory ...")."""
    labels = _inline_labels(ctx, answer)
    if not labels:
        return []
    refs = [m.group("refs") for m in ctx.ref.phrases["item_reference"].finditer(text)]
    refs += [m.group("refs") for m in _BARE_ITEMS.finditer(text)]
    out: list[int] = []
    for r in refs:
        for label in re.findall(r"\(?([a-z0-9]{1,4})\)?", r.lower()):
            out += labels.get(label, [])
    return list(dict.fromkeys(out))




@rule("status.scope_references")
def scope_references(ctx: Context) -> None:
    """Clause by clause, what a statement speaks of: the guidelines a clause names, groups or describes; a clause
    that goes on about the same thing ("..., which must ...", "; both are ...", "and is binding on them") keeps
    the guidelines before it; a clause that opens on a body or on other documents speaks of those. The
    statement's rule says which kind of reference it rests on (named, group or description)."""
    alive = _alive_ids(ctx)
    for st in _pending(ctx):
        hits = [cid for cid, _ in _mentioned(ctx, st) if cid in alive]
        groups = grouped_in(ctx, st.text, st.answer)
        if not hits and not groups and not _inline_cited(ctx, st.answer, st.text) and \
                not ctx.ref.phrases["either_one"].search(st.text) and \
                not ctx.ref.phrases["both"].search(st.text) and \
                not ctx.ref.phrases["described_before"].search(st.text) and not \
                ctx.ref.phrases["described_after"].search(st.text) and not \
                ctx.ref.phrases["counted_reference"].search(st.text):
            continue
        kinds: set[str] = set()
        current: list[int] = []
        per: dict[int, list[Clause]] = {}
        excepted: dict[int, int] = {}  # "..., except the website requirements in item (b)(iii), which ...": from clause n
        before = [lst for lst in ctx.answers[st.answer].lists if lst.items[-1] < st.block]
        aside = ctx.ref.phrases["aside_opening"].match(st.text)  # "Beyond the DPO guidance (question 13), the
        # Rules require X to ...": what
        skip = aside.end() if aside else 0  # the sentence sets aside is not what it speaks of
        groups = [(cid, at) for cid, at in groups if at >= skip]
        order: dict[int, int] = {}
        for n, clause in enumerate(st.clauses):
            if clause.end <= skip:
                continue
            if clause.start < skip:  # (other clauses stay the very objects st.clauses holds)
                clause = replace(clause, start=skip)
            order[id(clause)] = n
            words = st.text[clause.start: clause.end]
            inside = _relative_owner(ctx, st, clause, named_in(ctx, st, clause, hits))
            if n > 0 and ctx.ref.phrases["except_clause"].match(words):
                cited = (cited_items(ctx, words, before[-1]) if before else []) or inside
                if cited:
                    kinds.add("named")
                    excepted.update({cid: n for cid in cited})
                    inside = cited
            if not inside:
                inside = _inline_cited(ctx, st.answer, words)  # "Item (iii) binds ...", "The framework in (i) ..."
            if inside:
                kinds.add("named")
            if not inside:
                described = described_in(ctx, words, st.answer)
                if described:
                    kinds.add("description")
                    inside = described
            grouped = list(dict.fromkeys(cid for cid, at in groups if clause.start <= at < clause.end))
            if grouped and not inside:
                kinds.add("group")
                inside = grouped
            if not inside and n == 0 and st.sentence and ctx.ref.phrases["use_anaphora"].match(words):
                # "Certification is voluntary for every organisation, although ... an X certificate ...": the
                # use of what the sentence before named
                inside = _before(ctx, st)
                if inside:
                    kinds.add("named")
            if not inside and ctx.ref.phrases["either_one"].search(words):
                # "applying either standard is voluntary", "Neither document ...": the two named just before
                inside = _before(ctx, st)
                if inside:
                    kinds.add("named")
            if not inside and n == 0 and _after_items_only(ctx, st) and \
                    ctx.ref.phrases["list_back_reference"].match(words):
                lst = _list_of_paragraph(ctx, st)  # "None of these documents ..., although X ...": the list's
                inside = _list_items(ctx, lst) if lst is not None else []  # items, not the X named later
            pointing = ctx.ref.phrases["both"].search(words)  # ("both X and Y must ..." joins two others)
            if pointing or (not inside and re.match(r"\W*(?:and\s+)?(?:all|each|they|these|neither|none)\b", words,
                                                    re.I)):
                # the ones this clause names, else those the sentence named before it, else those named before
                # the sentence ("NSM recommends both to ..." after a list of two), else all the sentence names
                # ("Both are voluntary standards; the MSPI is aligned with X": an opening pronoun speaks of what
                # came before, not of names later in its sentence)
                opening = n == 0 and not inside and not current
                prior = _before(ctx, st) if len(inside) < 2 and len(current) < 2 and (
                    len(hits) < 2 or opening) else []
                inside = inside if len(inside) >= 2 else current if len(current) >= 2 else \
                    prior if opening and len(prior) >= 2 else \
                    hits if len(hits) >= 2 else prior if len(prior) >= 2 else (hits or current)
                if inside is prior:
                    kinds.add("named")
            if inside:
                current = inside
            elif n == 0:
                current = []  # a clause before the guideline is named speaks of something else
            elif ctx.ref.phrases["continues_subject"].search(words) or not _new_subject(ctx, words):
                pass  # "..., which must ...", "and is binding on them", "making the declaration is voluntary"
            else:
                current = []  # a clause about something else ("the OPC recommends that every agency ...")
            for cid in current:
                per.setdefault(cid, []).append(clause)
        for cid, n in excepted.items():  # an exception keeps only what its own clause and those after it say
            per[cid] = [c for c in per.get(cid, []) if order.get(id(c), 0) >= n]
        if not per:
            continue
        if "description" in kinds:  # "only the guidelines on X are binding ...; the other two are guidance"
            first = ctx.candidates[next(iter(per))]
            rest = [c.id for c in ctx.alive() if c.answer == st.answer and c.org == first.org and c.lst is first.lst
                    and c.id not in per]
            for clause in st.clauses:
                if rest and ctx.ref.phrases["rest_of_group"].search(clause.text):
                    for cid in rest:
                        per.setdefault(cid, []).append(clause)
                    for cid in [x for x in per if x not in rest]:
                        per[cid] = [c for c in per[cid] if c is not clause]
        st.per_target = per
        if "named" in kinds or "description" in kinds:
            _target(st, list(per), "own", "status.scope_named" if "named" in kinds else "status.scope_description")
        else:
            _target(st, list(per), "list", "status.scope_group")


def _list_before(ctx: Context, st: Statement, opening: bool = True) -> list[int]:
    """The items of the list just before the statement's paragraph (when it opens that paragraph, or with
    `opening` false, when the sentences before it in the paragraph named nothing)."""
    a = ctx.answers[st.answer]
    if (opening and st.sentence) or st.block == 0 or a.blocks[st.block - 1].kind != "item":
        return []
    lst = next((x for x in a.lists if st.block - 1 in x.items), None)
    return _list_items(ctx, lst) if lst else []


def _item_paths(ctx: Context, lst) -> dict[int, tuple[str, ...]]:
    """Each item's label path in a numbered list ("(b)" then its "(iii)" is ("b", "iii")), what "item (b)(iii)"
    and "items (c) and (d)" cite."""
    a = ctx.answers[lst.answer]
    out: dict[int, tuple[str, ...]] = {}
    stack: list[tuple[int, str]] = []  # (level, label)
    for k in lst.items:
        b = a.blocks[k]
        while stack and stack[-1][0] >= b.level:
            stack.pop()
        stack.append((b.level, b.label))
        out[k] = tuple(label for _, label in stack)
    return out


_BARE_LETTERS = re.compile(r"\W*(?:(?:and|but|while|whereas)\s+)?(?P<refs>[A-Z](?:\s*(?:,|and|or|to|–|-)\s*[A-Z])*)(?=\s+(?:is|"
                           r"are|was|were|binds?|applies|apply|remains?|has|have|must|should|may|can|will|would)\b|,)")


def cited_items(ctx: Context, text: str, lst) -> list[int]:
    """The guidelines a clause cites by item label: "items (c) and (d)", "item (b)(iii)", "items (a) to (c)"
    (an item that only groups others, "(b) guides published by CERTuy:", stands for the items under it)."""
    paths = _item_paths(ctx, lst)
    if not any(p and p[-1] for p in paths.values()):
        return []
    members = [ctx.candidates[cid] for cid in _list_items(ctx, lst)]
    out: list[int] = []
    found = [m.group("refs").lower() for m in ctx.ref.phrases["item_reference"].finditer(text)]
    bare = _BARE_LETTERS.match(text)
    if bare and all(re.fullmatch(r"[a-z]", p[0]) for p in paths.values() if p):  # "B binds every agency", "C and H
        found.append("".join(f"({x.lower()})" if len(x) == 1 and x.isalpha() else x for x in re.split(r"(\W+)", bare.group("refs"))))
        # are voluntary": a list lettered A., B., C. cited by its bare letters
    for refs_text in found:
        refs = re.findall(r"(?:\(?([a-z0-9]{1,4})\)|(\d{1,2})|\b([ivx]{1,4})\b)((?:\s*\([a-z0-9]{1,4}\))*)|(to|–|-)",
                          refs_text)  # ("items iii and v": a roman numeral cited bare)
        cited: list[tuple[str, ...]] = []
        for first, number, roman, rest, dash in refs:
            if dash:
                cited.append(("…",))
                continue
            cited.append((first or number or roman, *re.findall(r"\(([a-z0-9]{1,4})\)", rest)))
        expanded: list[tuple[str, ...]] = []
        for n, ref in enumerate(cited):  # "(a) to (c)": every top-level label between
            if ref == ("…",) and 0 < n < len(cited) - 1:
                tops = list(dict.fromkeys(p[0] for p in paths.values() if p))
                lo, hi = cited[n - 1][:1], cited[n + 1][:1]
                if lo[0] in tops and hi[0] in tops:
                    expanded += [(t,) for t in tops[tops.index(lo[0]) + 1: tops.index(hi[0])]]
            elif ref != ("…",):
                expanded.append(ref)
        for ref in expanded:
            out += [c.id for c in members if c.block in paths and paths[c.block][: len(ref)] == ref]
    return list(dict.fromkeys(out))


def cited_in(ctx: Context, text: str, lists: list) -> list[int]:
    """The guidelines a clause cites by item label, in the latest of the lists before it that has those labels:
    labels may run on from one list to the next ("(a)" to "(d)" under one body, "(e)", "(f)" under another)."""
    for lst in reversed(lists):
        cited = cited_items(ctx, text, lst)
        if cited:
            return cited
    return []


def _list_items(ctx: Context, lst) -> list[int]:
    """The guidelines a list names, in its order: an item merged into the same title named earlier counts as
    that guideline ("the first two" of a list whose first item the chapter named in question 1 too)."""
    alive = _alive_ids(ctx)
    out: list[int] = []
    own = [c for c in ctx.candidates if c.lst is lst and c.sentence is None and not c.vetoed]
    blocks = {c.block for c in own}
    for k in lst.items:  # an item whose title was found in its running text ("..., SOA has published the X")
        if k not in blocks:
            inside = sorted((c for c in ctx.alive() if c.answer == lst.answer and c.block == k),
                            key=lambda c: (c.sentence or 0, c.start))
            own += inside[:1]
    for c in sorted(own, key=lambda c: (c.block, c.start)):
        x = c
        while x.merged_into is not None:
            x = ctx.candidates[x.merged_into]
        if x.id in alive and x.id not in out:
            out.append(x.id)
    return out


def _named_in_sentence(ctx: Context, answer: int, block: int, n: int) -> list[int]:
    """The guidelines a sentence names: by title or short form, else by the label of an item in the list before
    its paragraph ("The exception is the audit framework in (c).")."""
    mentions = ctx.memo.get(("titles", "mentions"), {})
    alive = _alive_ids(ctx)
    named = [cid for cid, _ in mentions.get((answer, block, n), []) if cid in alive]
    if named:
        return named
    a = ctx.answers[answer]
    if n >= len(a.sentences[block]):
        return []
    text = a.sentences[block][n].text
    group = list(dict.fromkeys(cid for cid, _ in grouped_in(ctx, text, answer) if cid in alive))
    if len(group) == 1:
        return group  # "The CBTT guideline is in a different position.": the body's one guideline
    lists = [lst for lst in a.lists if lst.items[-1] < block]
    if not lists:
        return []
    cited = [cid for cid in cited_in(ctx, text, lists) if cid in alive]
    m = ctx.ref.phrases["ordinal_item"].match(text.lstrip())  # "The third item was issued by BDL. It is ..."
    if not cited and m and block in lists[-1].trailer:
        places = lists[-1].places()
        wanted = ordinal_places(ctx, m.group("n"), len(places))
        cited = [cid for cid in _list_items(ctx, lists[-1]) if places.get(ctx.candidates[cid].block) in wanted]
    return cited


def _named_earlier(ctx: Context, st: Statement) -> list[int]:
    """What the nearest sentence before the statement in its paragraph that names anything names."""
    for n in range((st.sentence or 0) - 1, -1, -1):
        named = _named_in_sentence(ctx, st.answer, st.block, n)
        if named:
            return named
    return []


def _before(ctx: Context, st: Statement) -> list[int]:
    """What was named just before the statement: in the sentences before it in its paragraph (the nearest that
    names any), else the items of the list the paragraph follows ("Neither document has the force of law")."""
    return _named_earlier(ctx, st) or _list_before(ctx, st, opening=False)


@rule("status.scope_anaphora")
def scope_anaphora(ctx: Context) -> None:
    """"The guideline is not binding on controllers", "It is voluntary", "These are ...": what the sentence
    before named (the latest one for a singular, all of them for a plural)."""
    pattern = ctx.ref.phrases["anaphora"]
    alive = _alive_ids(ctx)
    mentions = ctx.memo.get(("titles", "mentions"), {})
    use = ctx.ref.phrases["use_anaphora"]
    for st in _pending(ctx):
        m = pattern.match(st.text)
        if st.sentence and not m and ctx.ref.phrases["object_anaphora"].search(st.text) and not _mentioned(ctx, st):
            # "Private companies ... must also follow them": what the statement before in the paragraph spoke of
            before = [o for o in ctx.statements if o.answer == st.answer and o.block == st.block and
                      o.sentence == st.sentence - 1 and o.targets]
            if before:
                _target(st, before[0].targets, "own", "status.scope_anaphora")
                continue
            # "One qualification concerns the ICT Policy. Cabinet has directed ministries to comply with it": what
            # the sentence before named, though it said nothing of its status
            named = _named_earlier(ctx, st)
            plural = re.search(r"\bthem\b", ctx.ref.phrases["object_anaphora"].search(st.text).group(0))
            if named and (plural or len(set(named)) == 1):
                _target(st, list(dict.fromkeys(named)), "own", "status.scope_anaphora")
                continue
        if st.sentence is not None and not m and use.match(st.text) and st.sentence > 0:
            # "... adopted X as Y. For operators of vital importance, compliance is expected but not required."
            named = [cid for cid, _ in mentions.get((st.answer, st.block, st.sentence - 1), []) if cid in alive]
            if named:
                _target(st, named[-1:], "own", "status.scope_anaphora")
            continue
        if not m or st.sentence is None:
            continue
        if re.match(rf"\W*(?:the|these|those|both)\s+(?:\w+\s+)?{ctx.ref.phrases['law_word'].pattern}\b", st.text,
                    re.IGNORECASE):
            continue  # "The two directives are legally binding": laws, not the guidance named before
        if st.clauses and re.match(r"\W*\w+\s+(?:_{3,}|(?:[A-Z][\w\-]+\s+){2,})", st.clauses[0].text):
            continue  # "The National Cybersecurity Policy ... creates no duties": a title the chapter names (and
            # may not count as guidance), not the one before
        named = _named_earlier(ctx, st)
        if not named:
            named = _list_before(ctx, st)
        if not named:
            continue
        singular = m.group("word").lower() in ("it", "its", "this", "the") and not re.match(
            r"(?i)the\s+\w+s\b", st.text)
        _target(st, named[-1:] if singular else named, "own", "status.scope_anaphora")


def is_generic(ctx: Context, st: Statement, broad: bool = False) -> bool:
    """A statement about guidance in general: its subject is "the guidelines", "None of the following", "These
    documents"; `broad` (an answer's opening) also takes any sentence that speaks of guidance ("non-legislative
    initiatives intended to raise cybersecurity standards")."""
    if ctx.ref.phrases["generic_subject"].search(st.text):
        return True
    return broad and bool(ctx.ref.phrases["guidance_noun"].search(st.text))


def _list_of_paragraph(ctx: Context, st: Statement):
    """The list whose lead-in or first paragraph after it holds the statement; a later paragraph after it
    only when the statement opens it pointing back ("None of these documents has the force of law"), since a
    paragraph on another guideline may come between."""
    a = ctx.answers[st.answer]
    for lst in a.lists:
        if lst.lead == st.block or st.block in lst.trailer[:1]:
            return lst
        if st.block in lst.trailer and _after_items_only(ctx, st) and \
                ctx.ref.phrases["list_back_reference"].match(st.text):
            return lst
    return None


def _after_items_only(ctx: Context, st: Statement) -> bool:
    """Whether a statement opens its paragraph, or follows sentences that name only list items ("The
    Commissioner refers to the Guidance Note ..., and CIRT-BB promotes its checklist. Nonetheless, none of these
    documents has the force of law")."""
    if not st.sentence:
        return True
    mentions = ctx.memo.get(("titles", "mentions"), {})
    named = [cid for n in range(st.sentence) for cid, _ in mentions.get((st.answer, st.block, n), [])]
    return bool(named) and all(ctx.candidates[cid].lst is not None and ctx.candidates[cid].sentence is None
                               for cid in named)


@rule("status.scope_list")
def scope_list(ctx: Context) -> None:
    """A statement about guidance in general in a list's lead-in or just after it ("None of the following is
    legally binding", "The guidelines are voluntary ...") covers the list's items."""
    for st in _pending(ctx):
        if _about_law(ctx, st):
            continue
        if not is_generic(ctx, st):
            continue
        lst = _list_of_paragraph(ctx, st)
        if lst is None:
            continue
        members = [c.id for c in ctx.alive() if c.lst is lst and c.sentence is None]
        if members:
            _target(st, members, "list", "status.scope_list")


@rule("status.scope_paragraph")
def scope_paragraph(ctx: Context) -> None:
    """A statement about guidance in general covers the guidelines its paragraph names."""
    for st in _pending(ctx):
        if _about_law(ctx, st):
            continue
        if not is_generic(ctx, st):
            continue
        ids = [c.id for c in ctx.alive() if c.answer == st.answer and c.block == st.block]
        if ids:
            _target(st, ids, "paragraph", "status.scope_paragraph")


@rule("status.scope_answer")
def scope_answer(ctx: Context) -> None:
    """A statement about guidance in general in the answer's opening paragraph covers every guideline of the
    answer that no list lead-in covers."""
    for st in _pending(ctx):
        if _about_law(ctx, st):
            continue
        a = ctx.answers[st.answer]
        if st.block != a.first_paragraph() or not is_generic(ctx, st, broad=True):
            continue
        ids = [c.id for c in ctx.alive() if c.answer == st.answer]
        if ids:
            _target(st, ids, "answer", "status.scope_answer")


# ----------------------------------------------------------------------------- audiences of a guideline


@rule("status.audience_hints")
def audience_hints(ctx: Context) -> None:
    """The audience a guideline names for itself: its label's ("... for authorised institutions (AIs):"), "for
    X" in its title or item ("Security policies for SMEs", "– BNM's policy document for financial
    institutions"), "addressed to X"."""
    pattern = ctx.ref.phrases["audience_hint"]
    for c in ctx.alive():
        hints: list[str] = []
        source = ""
        if c.label is not None and c.label.audience:
            hints.append(clean_audience(ctx, c.label.audience))
            source = "label"
        title_hints = [h for h in vocabulary_audiences(ctx, c.title)]  # "Security policies for SMEs"
        lower = re.search(r"\bfor\s+(?:the\s+)?(?P<aud>[A-Za-z][\w\- ]{2,60})$", re.sub(r"\s*\([^()]*\)$", "", c.title))
        if lower and is_audience(ctx, lower.group("aud")) and (lower.group("aud")[0].islower() or title_hints) and (
                not title_hints or all(h.lower() in lower.group("aud").lower() for h in title_hints)):
            title_hints = [lower.group("aud")]  # "... for portfolio managers", "... for insurance undertakings"
        if title_hints:
            hints += title_hints
            source = source or "title"
        for name, text in ((("description", c.description[:300]), ("sentence", _own_text(ctx, c)))
                           if not title_hints else ()):
            for m in pattern.finditer(_without_ignored(ctx, text)):
                if name == "sentence" and _other_documents_clause(ctx, c, text, m.start()):
                    continue  # "Säpo issues guidance for operators ..., and FI expects banks to apply the X"
                aud = clean_audience(ctx, re.split(ctx.ref.phrases["audience_stop"], m.group("aud"))[0])
                if m.group("help"):
                    aud = helped(ctx, aud)
                if aud and is_audience(ctx, aud) and len(aud.split()) <= 12:
                    hints += split_audience(ctx, aud)
                    source = source or name
                    break
            if hints:
                break
        if not hints:  # the sentence's opening ("For banks, insurers and X, the RBNZ ..."), or a group its clause names
            aud = _fronted(ctx, _own_text(ctx, c))
            if aud and is_audience(ctx, aud) and len(aud.split()) <= 14:
                hints = split_audience(ctx, aud)
            elif aud:
                hints = vocabulary_audiences(ctx, aud)
            if not hints:  # a group the clause names, not as a member of something ("the partnership of
                # companies, public authorities and ...") or one of a kind ("the threat an organisation faces")
                clause = _own_clause(ctx, c)
                hints = [h for h in vocabulary_audiences(ctx, clause) if not re.search(
                    rf"\b(?:an?|each|every|any|of)\s+(?:\w+\s+)?{re.escape(h)}\b", clause)]
            source = "sentence" if hints else ""
        # a masked name ("###", "___") marks words that are a body or a title, never an audience
        c.audience_hint = list(dict.fromkeys(h for h in hints if h and "###" not in h and "___" not in h))
        c.hint_source = source if c.audience_hint else ""


def helped(ctx: Context, phrase: str) -> str:
    """"(to help) small businesses protect themselves": whom a guide helps ends where what they do begins, at
    the first lower-case word after an audience noun that does not carry the group on ("of", "and", ...)."""
    nouns = _audience_words(ctx)
    carry = ctx.ref.words.get("connector", set()) | ctx.ref.words.get("function", set())
    words = phrase.split()
    for i in range(1, len(words)):
        raw_prev = words[i - 1].strip(",")
        prev = raw_prev.lower()
        nounish = prev in nouns or prev.rstrip("s") in nouns or re.fullmatch(r"[A-Z][A-Z0-9/\-]+s?", raw_prev) or (
            i >= 2 and prev.endswith("s") and words[i - 2].islower() and words[i - 2] not in carry)
        if nounish and words[i].islower() and words[i] not in carry:  # "owners of CII secure their systems"
            return " ".join(words[:i])
    return phrase


def _anyone(ctx: Context, audience: str) -> bool:
    """"organisations", "all companies", "any entity": a group that names no one in particular."""
    skip = ctx.ref.words.get("determiner", frozenset()) | {"all", "any", "every", "each", "other"}
    words = [w for w in audience.lower().split() if w not in skip]
    return ctx.ref.audience_group(audience) == "all organisations" or (
        len(words) == 1 and words[0] in ctx.ref.words.get("generic_audience", frozenset()))


def _own_group(ctx: Context, c: Candidate) -> bool:
    """The item names its own group: in its label or description, or in its title as a group the vocabulary knows
    ("... for Small Businesses", not "... for managers")."""
    return bool(c.audience_hint) and (c.hint_source in ("label", "description") or (c.hint_source == "title" and all(
        ctx.ref.audience_group(h) != "other" for h in c.audience_hint)))


def _stem(word: str) -> str:
    """A word's stem, enough to tell "banking" and "banks", "financial" and "finance" apart from other words."""
    for suffix in ("ing", "ers", "ies", "es", "er", "ial", "al", "s", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower())}


def _same_group(audience: str, hints: list[str]) -> bool:
    return any(_stems(audience) & _stems(h) for h in hints)


def _own_text(ctx: Context, c: Candidate) -> str:
    """The sentence (or item) that names the guideline, with body names masked ("Association for
    Standardisation" says nothing about an audience)."""
    s = ctx.sentence_of(c)
    if s is None:
        return _mask(ctx, ctx.block_of(c).text, [])
    text = s.text
    labels = [m.start() for m in _INLINE_ITEM.finditer(text)]
    if len(labels) >= 2:  # "...: (a) the X, which binds banks; (b) the Y, for operators": its own item only
        start = max((x for x in labels if x <= c.start), default=0)
        end = min((x for x in labels if x > c.start), default=len(text))
        text = " " * start + text[start:end]  # (offsets kept)
    return _mask(ctx, text, [])


_INLINE_ITEM = re.compile(r"(?:[:;]\s*(?:and\s+)?|,\s+and\s+)\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})[).]\s")


def _fronted(ctx: Context, sentence: str) -> str:
    """The group a sentence opens on: "In the industrial field, ...", "For banks, insurers and X, the RBNZ ..."
    (list items after the first comma belong to it while they name groups)."""
    m = re.match(r"\W*(?:In|For|Within|Among|Across)\s+(?:the\s+)?", sentence)
    if not m:
        return ""
    parts = sentence[m.end():].split(", ")
    if len(parts) < 2:
        return ""
    taken = [parts[0]]
    for part in parts[1:-1]:
        if len(part.split()) <= 6 and is_audience(ctx, part):
            taken.append(part)
        else:
            break
    return clean_audience(ctx, ", ".join(taken))


def _other_documents_clause(ctx: Context, c: Candidate, text: str, at: int) -> bool:
    """Whether position `at` of the guideline's sentence lies in another clause, one that names documents of its
    own before that point ("X issues guidance for operators ..., and Y expects banks to apply the Z")."""
    if c.sentence is None:
        return False
    spans = _clause_spans(ctx, text)
    mine = next((k for k, (a, b) in enumerate(spans) if a <= c.start < b), None)
    theirs = next((k for k, (a, b) in enumerate(spans) if a <= at < b), None)
    return mine is not None and theirs is not None and mine != theirs and bool(
        ctx.ref.phrases["guidance_noun"].search(text[spans[theirs][0]: at]))


def _own_clause(ctx: Context, c: Candidate) -> str:
    """The clause of its sentence that names the guideline (a list item: the item)."""
    text = _own_text(ctx, c)
    if c.sentence is None:
        return text
    for a, b in _clause_spans(ctx, text):
        if a <= c.start < b:
            return text[a:b]
    return text


def _clause_spans(ctx: Context, text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of a sentence, cut where clause_break says."""
    cuts = [0] + [m.start() for m in ctx.ref.phrases["clause_break"].finditer(text) if m.start() > 0] + [len(text)]
    return list(zip(cuts, cuts[1:]))


def vocabulary_audiences(ctx: Context, text: str) -> list[str]:
    """Audience phrases of the vocabulary (audiences.csv) in a text, as written, longest first where they
    overlap."""
    matches = sorted(((m.start(), m.end()) for pattern, _label in ctx.ref.audiences for m in pattern.finditer(text)),
                     key=lambda x: x[0] - x[1])  # the longest first
    spans: list[tuple[int, int]] = []
    for a, b in matches:
        compound = re.search(r"(?<![\w\-])[a-z]+(?:-[a-z]+)+\s+$", text[max(0, a - 40): a])
        a = a - len(compound.group(0)) if compound else a  # "state-owned companies", "mid-sized firms": the
        # hyphenated word before a vocabulary noun narrows the group
        if all(b <= x or a >= y for x, y in spans):
            spans.append((a, b))
    return [clean_audience(ctx, text[a:b]) for a, b in sorted(spans)]


# ----------------------------------------------------------------------------- rows


def _pairs_for(st: Statement, cid: int, gloss, parts, part_binding, part_scope=None) -> tuple[list[tuple[str, str]],
                                                                                            list[str]]:
    """(audience, level) pairs the statement gives one target, and its levels stated for no audience."""
    clauses = st.per_target[cid] if cid in st.per_target else st.clauses
    pairs: list[tuple[str, str]] = []
    loose_levels: list[str] = []
    loose_auds: list[str] = []
    some = any("mandatory in some cases" in c.levels for c in clauses)
    for c in clauses:
        if some and gloss.search(c.text):  # "...; in other cases the guidelines recommend": explains "some cases"
            loose_auds += [x for x in c.audiences if x not in loose_auds]
            continue
        pairs += c.pairs
        if c.levels and not c.audiences:
            loose_levels += [x for x in c.levels[:1] if x not in loose_levels]
        if c.audiences and not c.levels:
            loose_auds += [x for x in c.audiences if x not in loose_auds]
    if loose_levels and loose_auds:
        pairs += [(a, x) for a in loose_auds for x in loose_levels[:1]]
        loose_levels = []
    # "its regulations are binding on X, whereas its guidelines are only recommendations": binding in part
    parted = [c for c in clauses if c.levels and parts.match(c.text)]
    if len(parted) >= 2 and {"mandatory", "voluntary"} <= {c.levels[0] for c in parted}:
        auds = [a for c in parted for a in c.audiences] or ["not stated"]
        some = [(a, "mandatory in some cases") for a in auds]
        pairs = [p for p in pairs if p[0] not in auds] + some
        loose_levels = [] if auds != ["not stated"] else ["mandatory in some cases"]
        if loose_levels:
            pairs = [p for p in pairs if p[0] != "not stated"]
    # "X is not legally binding, but some of its requirements are binding on banks": binding in part
    part = [c for c in clauses if c.levels[:1] == ["mandatory"] and (part_binding.match(c.text) or (
        part_scope is not None and part_scope.search(c.text)))]  # "... bind banks as far as their minimum
    # requirements are concerned, while the good practices in their annexes are recommendations only"
    if part and any(c.levels[:1] == ["voluntary"] and c not in part for c in clauses):
        auds = [a for c in part for a in c.audiences] or ["not stated"]
        pairs = [p for p in pairs if p[0] not in auds and p[0] != "not stated"]
        pairs += [(a, "mandatory in some cases") for a in auds if a != "not stated"]
        loose_levels = ["mandatory in some cases"] if auds == ["not stated"] else []
    return list(dict.fromkeys(pairs)), loose_levels


@rule("status.audience_statements")
def audience_statements(ctx: Context) -> None:
    """"The OSFI guidance applies to FRFIs": a sentence that says whom guidelines are for, but not how binding
    they are, gives them their audience (a level stated elsewhere, "None of these publications is legally
    binding", then holds for it)."""
    for st in ctx.statements:
        if not st.audience_only or st.scope not in ("own", "list"):
            continue
        for cid in st.targets:
            c = ctx.candidates[cid]
            clauses = st.per_target[cid] if cid in st.per_target else st.clauses
            generic = ctx.ref.words.get("generic_audience", frozenset())  # ("the instruments that organisations
            auds = [a for cl in clauses for a in cl.audiences if a.lower() not in generic]  # apply": no one named)
            if auds:
                c.audience_hint = list(dict.fromkeys(auds + c.audience_hint))


def _restricted(ctx: Context, clauses: list[Clause], pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """"compulsory for government offices whose systems are hosted in X; other offices are encouraged to follow
    it", "compulsory for operators whose networks are designated, a reference for the rest": binding on part of
    the group, so one row, mandatory in some cases, for the group."""
    part = any(ctx.ref.phrases["rest_of_document"].search(c.text) for c in clauses)  # "The measures in chapter 3
    duty = [c for c in clauses if (c.levels[:1] == ["mandatory"] and (part or ctx.ref.phrases[  # are compulsory
        "restricted_duty"].search(c.text))) or c.levels[:1] == ["mandatory in some cases"]]  # for X; the rest of
    if not duty:  # the document is advice": binding in part
        return pairs
    groups = {a for c in duty for a in c.audiences}
    if part:
        return [(a, "mandatory in some cases" if a in groups and x == "mandatory" else x) for a, x in pairs
                if not (a == NOT_STATED and x == "voluntary")]
    rest = ctx.ref.phrases["complement_group"]
    nouns = {a.split()[-1].lower()[:5] for a in groups if a.split()}

    def of_same_group(aud: str) -> bool:  # "other offices" after "government offices"; not "other organisations"
        words = aud.lower().split()   # after "companies that apply for clearance", a wider group
        return bool(rest.search(aud)) and (words[-1] in ("rest", "others") or words[-1][:5] in nouns)

    others = [c for c in clauses if c not in duty and c.levels[:1] == ["voluntary"] and c.audiences and
              all(of_same_group(a) for a in c.audiences)]
    if not others and not any(rest.search(c.text) for c in clauses):  # ", and a reference for the others"
        return pairs
    dropped = {a for c in others for a in c.audiences}
    return [(a, "mandatory in some cases" if a in groups and x == "mandatory" else x) for a, x in pairs
            if a not in dropped]


def _respectively(ctx: Context, st: Statement, c: Candidate, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """"Items (d) and (h) are binding on commercial banks and on e-money institutions respectively": the n-th
    item named goes with the n-th group."""
    if len(st.targets) < 2 or c.id not in st.targets or len(pairs) != 1 or not re.search(r"\brespectively\b",
                                                                                          pairs[0][0] + " " + st.text):
        return pairs
    aud, level = pairs[0]
    parts = [p for p in re.split(r",\s+(?:and\s+)?(?:(?:on|for|to|upon)\s+)?|\s+and\s+(?:(?:on|for|to|upon)\s+)?",
                                 re.sub(r"\s+respectively$", "", aud)) if p]
    if len(parts) != len(st.targets) or not all(is_audience(ctx, p) for p in parts):
        return pairs
    order = sorted(st.targets, key=lambda t: (ctx.candidates[t].answer, ctx.candidates[t].block,
                                              ctx.candidates[t].start))
    return [(clean_audience(ctx, parts[order.index(c.id)]), level)]


def _item_overrides(ctx: Context, found: dict[str, tuple]) -> dict[str, tuple]:
    """"Unless the entry says otherwise, each is compulsory for public bodies" and an item "presented as a
    recommendation only, even for public bodies": what the item says of its own audience group replaces what a
    list, paragraph or answer says of the same group at another level."""
    own = {(ctx.ref.audience_group(aud), level) for rank, aud, level, st in found.values()
           if rank == 0 and st is not None and st.rule == "status.scope_item" and aud != NOT_STATED}
    groups = {g for g, _ in own}
    return {k: v for k, v in found.items() if not (
        v[0] > 0 and ctx.ref.audience_group(v[1]) in groups and (ctx.ref.audience_group(v[1]), v[2]) not in own)}


def _item_wins(ctx: Context, c: Candidate, found: dict[str, tuple]) -> dict[str, tuple]:
    """A status written inside a list item, for a group it names ("– addressed only to small businesses and
    voluntary for them"), wins over what the list's lead-in says of every item (a later sentence on the list,
    "The X and Y guidelines are advisory for private organisations", still adds its group)."""
    if c.lst is None or not any(v[0] == 0 and v[3] is not None and v[3].rule == "status.scope_item" and v[1] != NOT_STATED
               for v in found.values()):
        return found
    return {k: v for k, v in found.items() if not (v[0] > 0 and v[3] is not None and v[3].scope == "list" and
                                                   v[3].answer == c.lst.answer and v[3].block == c.lst.lead)}


def _defaults_give_way(ctx: Context, found: dict[str, tuple]) -> dict[str, tuple]:
    """"Unless stated otherwise below, the following are recommendations that organisations may adopt", then
    "The first item binds every insurer": a default said to hold unless something else is said holds only for
    the items nothing said more of, whatever groups the two name."""
    mine = [v[1] for v in found.values() if v[0] == 0 and v[2] != NOT_STATED]
    everyone = ctx.ref.phrases["catch_all_audience"]  # ("for all users of the networks": everyone)
    own = {"all organisations" if everyone.match(a) else ctx.ref.audience_group(a) for a in mine}
    if not own:
        return found
    marker = ctx.ref.phrases["list_default"]
    # ("Except where noted below, each is voluntary for private businesses and recommended to departments", then
    # "Items iii and v are mandatory for public servants": the default still holds for the other sector)
    return {k: v for k, v in found.items() if not (v[0] > 0 and v[3] is not None and marker.search(v[3].text) and
                                                   not _other_sector(ctx.ref.audience_group(v[1]), own))}


def _other_sector(group: str, own: set[str]) -> bool:
    """Whether a group lies wholly outside the groups an item speaks of: public beside private (or any private
    group: banks, operators, SMEs); a catch-all group ("organisations", "all entities") covers them all."""
    if group in ("all organisations", OTHER_GROUP, NOT_STATED) or own & {"all organisations", OTHER_GROUP, NOT_STATED}:
        return False
    public = group == "public sector"
    return all((g == "public sector") != public for g in own)


def _pointers_give_way(ctx: Context, found: dict[str, tuple]) -> dict[str, tuple]:
    """"SAMA requires the institutions it supervises to comply with X" beside "X binds banks, insurers and the
    other institutions SAMA regulates": a group named only by who supervises it gives way to a group named in
    words at the same level; alone, it stands."""
    pointer = ctx.ref.phrases["audience_pointer"]
    named = {v[2] for v in found.values() if not pointer.search(v[1])}
    return {k: v for k, v in found.items() if not (pointer.search(v[1]) and v[2] in named)}


@rule("status.assign")
def assign(ctx: Context) -> None:
    """Each guideline's rows: every statement about it, the most specific first for any audience it names; a
    level stated for no audience takes the guideline's own audience, else 'not stated'; no statement at all
    gives 'not stated' for its own audience."""
    by_target: dict[int, list[Statement]] = {}
    for st in ctx.statements:
        if st.audience_only:
            continue
        for cid in st.targets:
            by_target.setdefault(cid, []).append(st)
    rows: dict[int, list[tuple]] = {}
    for c in ctx.alive():
        found: dict[str, tuple] = {}  # audience (lower case) -> (rank, audience, level, st)
        borrowed: set[str] = set()  # audiences a statement naming none took from the guideline's own hint
        loose: list[tuple] = []
        for st in sorted(by_target.get(c.id, []), key=lambda s: RANK[s.scope]):
            pairs, levels = _pairs_for(st, c.id, ctx.ref.phrases["gloss_clause"], ctx.ref.phrases["parts_differ"],
                                       ctx.ref.phrases["part_binding"], ctx.ref.phrases["part_scope"])
            pairs = _restricted(ctx, st.per_target.get(c.id, st.clauses), pairs)
            pairs = _respectively(ctx, st, c, pairs)
            rank = RANK[st.scope]
            if st.scope == "list" and len({a for a, _ in pairs}) > 1 and len({x for _, x in pairs}) == 1 and \
                    c.hint_source in ("title", "label"):
                # "None of the KNF's recommendations is binding on banks or insurers": each its own
                mine = [(a, x) for a, x in pairs if _same_group(a, c.audience_hint)]
                pairs = mine or pairs
            if st.scope == "list" and pairs and _own_group(ctx, c) and not any(v[0] == 0 for v in found.values()) \
                    and len({x for _, x in pairs}) == 1 and all(_anyone(ctx, a) for a, _ in pairs):
                # "The following are recommendations only, which organisations may adopt": each item for its own
                pairs = [(h, pairs[0][1]) for h in c.audience_hint]  # group ("– issued by the BOJ for DTIs")
            for aud, level in pairs:
                key = aud.lower()
                if key not in found or found[key][0] > rank:
                    found[key] = (rank, aud, level, st)
                elif found[key][0] == rank and found[key][2] != level:
                    found[key + "\0" + level] = (rank, aud, level, st)
            for level in levels:
                loose.append((rank, level, st))
        own_loose = any(rank == 0 for rank, _, _ in loose)
        if own_loose:  # "the PDSS sets out recommended rules": its own status, for no one named, stands alone
            # ("all of which are binding on banks", then "The third ... binds only some of them": an item's own
            # restriction, for no one named, narrows the group the list bound rather than replacing it)
            narrows = {lv for rank, lv, _ in loose if rank == 0} == {"mandatory in some cases"} and not c.audience_hint
            narrowed = {k: v for k, v in found.items() if narrows and v[0] > 0 and v[2] == "mandatory"}
            found = {k: v for k, v in found.items() if v[0] == 0}
            if narrowed:
                st0 = next(st for rank, _, st in loose if rank == 0)
                found.update({k: (0, v[1], "mandatory in some cases", st0) for k, v in narrowed.items()})
            loose = [x for x in loose if x[0] == 0]
        out: list[tuple] = []
        best_named = min((v[0] for v in found.values()), default=99)
        for rank, level, st in loose:
            if rank >= best_named and not (st.rule == "status.scope_item" and c.hint_source == "description"):
                continue  # "The CBN frameworks are mandatory" gives way to "DMBs must comply with the 2018 one"
                # (an item's own "– for SBs; binding" stands beside what a later sentence says of other groups)
            for aud in c.audience_hint or [NOT_STATED]:
                if aud.lower() not in found:
                    found[aud.lower()] = (rank, aud, level, st)
                    borrowed.add(aud.lower())
        if any(v[0] == 0 for v in found.values()):  # "... recommendations that no law makes compulsory for private
            # companies", then "The fourth is nevertheless binding on credit institutions": a guideline's own
            # statement for its own group replaces what the answer said of guidance in general
            found = {k: v for k, v in found.items() if v[0] < RANK["answer"]}
        found = _item_overrides(ctx, found)
        found = _item_wins(ctx, c, found)
        found = _defaults_give_way(ctx, found)
        found = _pointers_give_way(ctx, found)
        for key, (_rank, aud, level, st) in found.items():
            out.append((aud, level, st, key not in borrowed and aud != NOT_STATED))
        if not out:  # nothing says how binding it is: 'not stated' for the audience it names for itself
            out = [(aud, NOT_STATED, None, False) for aud in (c.audience_hint or [NOT_STATED])]
        rows[c.id] = out
    ctx.memo[("status", "rows")] = rows
