"""Rule family `lists`: lists of guidelines, their labels, and what each item names.

Chapters list guidance in many shapes: bullets, dashes, "1." or "(a)" items,
nested items under a label line ("Guidance issued by the X (XA) for Y:",
"Guides from the X;", "Central Bank of R (CBR):"), items of the form
"Title – what it is", "Title (ISSUER, 2023): what it does", "the X's Title,
issued by Y". A list of statutes or of practices is no list of guidance.
`structure` groups items with their lead-in and the paragraphs after them,
`labels` finds the group labels, `kind` says what a list lists, and `items`
makes one candidate per guideline item, with its title cut from its
description.
"""

from __future__ import annotations

import re

from policyqa.extract.context import Context, Label, ListBlock
from policyqa.extract.organisations import is_abbreviation
from policyqa.extract.registry import rule
from policyqa.extract.text import OPEN_QUOTES, QUOTED, strip_possessive
from policyqa.extract.titles import clean_title, instrument_of, is_law_title, kept_in_guidance_list, not_guidance

_DASH = re.compile(r"\s+[–—-]\s+|\s+[–—](?=\S)|(?<=\S)[–—]\s+")
_BRACKET_CUT = re.compile(r"\s+\((?=the\s|[a-z](?![A-Z]))")  # "(the ...)", "(available ...)" (not "(eGA/EXT/1)")
_CUTS = (
    re.compile(r":\s+(?=[a-z])(?!(?:the|a|an)\s+[A-Z])"),  # "label: description"
    re.compile(r",\s+(?=[a-z])"),  # ", which ...", ", of January 2020", ", on categorising systems"
    re.compile(r",\s+(?=[A-Z][\w\-]*[’']s\s)"),  # ", DESC's control standard for the emirate"
    _BRACKET_CUT,
    re.compile(r";\s+(?=[a-z])"),  # "...; mandatory for ..."
    re.compile(r",\s+(?=[A-Z][A-Za-z]*[A-Z][\w\-]*(?:\s+and\s+[A-Z][\w\-]+)?\s*,\s*(?:19|20)\d\d\b)"),  # ", MITIC, 2021"
)


_DESCRIBING = re.compile(r",\s+(?=(?:the|a|an|which|who|whose|its|their|now|first|with|as|one|part|each|both)\s)")


def split_item(text: str, phrases: dict) -> tuple[str, str, str]:
    """(owner, title part, description) of a list item: "the KNF's Communication on X, of January 2020" gives
    ("KNF", "Communication on X", ", of January 2020")."""
    owner = ""
    body = text
    lead = re.match(r"(?:the|a|an)\s+(?=[‘“\"«A-Z0-9])", body)
    if lead:
        body = body[lead.end():]
    poss = re.match(r"(?P<owner>[A-Z][\w\-.&]*(?:\s+[A-Z][\w\-.&]*){0,5})[’']s?\s+(?=[‘“\"\w])", body)
    if poss:
        owner = poss.group("owner")
        body = body[poss.end():]
    quoted = QUOTED.match(body)
    if quoted:
        return owner, quoted.group("t"), body[quoted.end():]
    cut = len(body)
    agent = phrases["item_agent"].search(body)
    if agent:
        cut = agent.start()
    described = phrases["item_description"].search(body)
    if described and described.start() < cut:
        cut = described.start()
    agent_cut = bool(agent)
    for m in _DASH.finditer(body[:cut]):
        if _inside_brackets(body, m.start()):
            continue
        before, after = body[: m.start()], body[m.end():]
        # "BSI Standard 200-1 – Information Security Management Systems": a code, then its name
        name = re.match(r"(?:[A-Z0-9][\w/&’'\-]*(?:\s+(?:of|for|and|the|in|on|to|&|based|de|des|la))*\s*)+"
                        r"(?=\s*(?:[;,.]|$|\s+[–—-]\s+))", after)
        if re.search(r"\d", before) and len(before.split()) <= 5 and name and len(name.group(0).split()) >= 2:
            continue
        if _subtitle(after) and not phrases["issuer_after_dash"].match(after) and not _gloss(before, after, phrases):  # "Guide to IT hygiene – 42
            continue  # measures for a healthy network": a subtitle; "Guide X – National Cyber Directorate, 2022": its issuer
        cut = m.start()
        break
    # with an agent ("X for A, B and C issued by Y") only a comma that opens a description cuts before it
    cuts = _CUTS if not (agent_cut and cut == agent.start()) else (_DESCRIBING,)
    for pattern in cuts:
        m = pattern.search(body[:cut])
        if m and pattern is _BRACKET_CUT and _bracket_gloss(body, m.start(), phrases):
            continue
        if m and not _inside_brackets(body, m.start()) and m.start() > 0:
            cut = m.start()
    paren = re.search(r"\s*\((?P<inside>[^()]*?(?:\b(?:19|20)\d\d\b|\b[A-Z]{2,}\b[^()]*,)[^()]*)\)\s*(?:[:;,.]|$)",
                      body[:cut])
    if paren and re.search(r",|\b(?:19|20)\d\d\b", paren.group("inside")) and not re.fullmatch(
            r"[^,]*[A-Z]{2,}[^,]*", paren.group("inside")):
        cut = min(cut, paren.start())  # "Title (METI and IPA, March 2023)": who and when, not the title
    title = re.sub(r"(?:[;,.:]+\s*(?:and|or)?|\s+(?:and|or))\s*$", "", body[:cut].strip()).strip()
    return owner, title, body[cut:]


def _subtitle(after: str) -> bool:
    """Words after a dash that continue a title: they start with a number, or most of them are capitalised
    ("Classification Method and Key Measures"); a description starts with a common word ("the GCSB's manual",
    "issued by ...", "NCSC guidance for boards")."""
    part = re.split(r"[;,(]|\s+[–—-]\s+", after, maxsplit=1)[0].strip()
    words = part.split()
    if len(words) < 2:
        return False
    if words[0][0].isdigit():
        return True
    content = [w for w in words if len(w) > 3 or w[0].isupper()]
    caps = [w for w in content if w[0].isupper() and not w.isupper()]
    return len(caps) >= 2 and len(caps) >= 0.75 * len(content) and not words[0].isupper()


def _gloss(before: str, after: str, phrases: dict) -> bool:
    """Words after a dash that translate a name in another language ("Guide d’hygiène informatique – 40 basic
    measures"): the name has that language's letters or small words, the words after have none."""
    part = re.split(r"[;,(]|\s+[–—-]\s+", after, maxsplit=1)[0]
    foreign = phrases["foreign_word"]
    return bool(foreign.search(before)) and not foreign.search(part)



def _bracket_gloss(body: str, pos: int, phrases: dict) -> bool:
    """"Richtsnoeren beveiliging (guidelines on security), from the AP": a bracket that translates the name in
    another language before it, and closes the title, is part of the title, not a description."""
    m = re.match(r"\s+\((?!the\s)(?P<g>[^()]{3,160})\)\s*(?:[,;:.]|\s+[–—-]\s|$)", body[pos:])
    if body[:pos].rstrip().endswith(")"):
        return False  # "Guide X (Guide to X) (voluntary for all)": the second bracket is no gloss
    return m is not None and _gloss(body[:pos], m.group("g"), phrases)


def _inside_brackets(text: str, pos: int) -> bool:
    depth = 0
    for ch in text[:pos]:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
    return depth > 0


def _label(ctx: Context, text: str, level: int, has_children: bool, block: int) -> Label | None:
    """A group label, or None: a "Guides from the X" phrase, a body's name standing alone ("Central Bank of R
    (CBR):"), or any line that ends in ':' over deeper items ("guides in the X series, in particular:")."""
    lex = ctx.orgs
    stripped = _current_name(text.strip())
    m = ctx.ref.phrases["list_label"].match(stripped)
    orgs = lex.find(stripped)
    if m and len(stripped.split()) <= 30:
        named = m.group("authority").split(" for ")[0].strip(" ;:.,")
        named = re.sub(r"\s*\([^()]*\)$", "", named)  # "Taiwan Stock Exchange (TWSE)"
        org = orgs[0].org if orgs else lex.org(named)
        return Label(block, level, org, _label_audience(stripped, orgs), stripped)
    ends = stripped.endswith((":", ";")) or _bare_body(ctx, stripped, orgs)
    if orgs and ends and len(stripped) - (orgs[-1].end - orgs[0].start) <= 40 and orgs[0].start <= 8 and \
            not instrument_of(ctx.ref, stripped[:orgs[0].start] + stripped[orgs[-1].end:]):
        inside = re.sub(r"\([^()]*\)", "", stripped[orgs[0].end:]).strip(" :;,.")
        if len(inside.split()) <= 3:
            return Label(block, level, orgs[0].org, "", stripped)
    if stripped.endswith(":") and has_children:
        owner, title, _ = split_item(stripped, ctx.ref.phrases)
        raw = re.sub(r"^(?:the|a|an)\s+", "", title)
        caps = [w for w in raw.split()[1:] if w[:1].isupper()]
        if raw[:1].isupper() and not owner and not ctx.orgs.find(raw[:40]) and len(caps) >= 2:
            return None  # "the Strategies to Mitigate X, eight of which make up the Y:": a guideline with its parts
        org = orgs[0].org if orgs else None
        return Label(block, level, org, _label_audience(stripped, orgs), stripped)
    return None


def _current_name(label: str) -> str:
    """"X SA (XSA), formerly the Y Agency (YA)": the label without the body's former name."""
    cut = re.sub(r",?\s*\(?\b(?:formerly|previously|known\s+until|renamed)\b.*$", "", label)
    return cut + (":" if label.endswith(":") and not cut.endswith(":") else "")


def _bare_body(ctx: Context, stripped: str, orgs) -> bool:
    """A line that is nothing but a body's name (and its abbreviation in brackets): "Bank of Ghana (BoG)" over
    the items it issued, a label without its colon."""
    if not orgs or orgs[0].start > 4 or stripped.endswith((".", ",")):
        return False
    gaps, at = [], 0
    for o in orgs:
        gaps.append(stripped[at:o.start])
        at = o.end
    gaps.append(stripped[at:])
    rest = re.sub(r"[()\s:;\-–—,]+|\b(?:the|The|and)\b", " ", " ".join(gaps)).strip()
    return not rest


def is_label_line(ctx: Context, text: str) -> bool:
    """A paragraph line that is a group label, not a sentence: "Central Bank of R (CBR):", "Guidance issued by
    the X:" (a body's name with at most a few words around it, ending in a colon), or a body's name alone."""
    stripped = _current_name(text.strip())
    if len(stripped) > 160:
        return False
    if not stripped.endswith(":"):
        return _bare_body(ctx, stripped, ctx.orgs.find(stripped))
    if ctx.ref.phrases["list_label"].match(stripped):
        return True
    orgs = ctx.orgs.find(stripped)
    if not orgs:
        return False
    rest = (stripped[: orgs[0].start] + stripped[orgs[-1].end:]).strip(" :")
    rest = re.sub(r"\([^()]*\)", "", rest).strip(" :")
    return len(rest.split()) <= 3 and orgs[0].start <= 8


def _label_audience(text: str, orgs) -> str:
    after = text[orgs[0].end:] if orgs else text
    m = re.search(r"\bfor\s+(?P<aud>[^:;]+?)\s*[:;,.]?\s*$", after)
    return m.group("aud").strip() if m else ""


@rule("lists.structure")
def structure(ctx: Context) -> None:
    """Group each answer's consecutive list items (and the label lines between them) into lists, each with the
    paragraph that introduces it and the paragraphs that follow it."""
    for a in ctx.answers:
        blocks = a.blocks
        k = 0
        while k < len(blocks):
            if blocks[k].kind != "item":
                k += 1
                continue
            start = k
            items = []
            while k < len(blocks):
                b = blocks[k]
                if b.kind == "item":
                    items.append(k)
                    k += 1
                    continue
                # a label line between two runs of items ("Central Bank of R (CBR):") keeps the list going
                if b.kind in ("paragraph", "subheading") and k + 1 < len(blocks) and blocks[k + 1].kind == "item" and \
                        is_label_line(ctx, b.text):
                    items.append(k)
                    k += 1
                    continue
                break
            lead = None
            j = start - 1
            # a label paragraph just before the first item belongs to the list; the lead-in is before it
            if j >= 0 and blocks[j].kind in ("paragraph", "subheading") and is_label_line(ctx, blocks[j].text) and \
                    (j == 0 or blocks[j - 1].kind == "paragraph"):  # (an answer may open on the label)
                items.insert(0, j)
                j -= 1
            if j >= 0 and blocks[j].kind == "paragraph":
                lead = j
            elif a.first_paragraph() is not None and a.first_paragraph() < start:
                lead = a.first_paragraph()  # a list under an inline sub-heading: the answer's opening
            trailer = []
            t = k
            while t < len(blocks) and blocks[t].kind == "paragraph":
                trailer.append(t)
                t += 1
            a.lists.append(ListBlock(a.index, items, lead, trailer))


@rule("lists.labels")
def labels(ctx: Context) -> None:
    """Group labels: a line that names the issuer (and perhaps the audience) of the items below it."""
    for a in ctx.answers:
        for lst in a.lists:
            for n, k in enumerate(lst.items):
                b = a.blocks[k]
                level = b.level if b.kind == "item" else -1
                nxt = a.blocks[lst.items[n + 1]] if n + 1 < len(lst.items) else None
                children = nxt is not None and (nxt.kind == "item" and (b.kind != "item" or nxt.level > b.level))
                label = _label(ctx, b.text, level, children, k)
                if label is not None:
                    label.nested = children and (b.kind != "item" or nxt.level > b.level)
                    lst.labels[k] = label


@rule("lists.kind")
def kind(ctx: Context) -> None:
    """What a list lists: guidance (its lead-in speaks of documents or guidance, or its items name
    instruments), laws (its items are statutes), or other things (practices, measures)."""
    generic = ctx.ref.words["generic_document"]
    for a in ctx.answers:
        for lst in a.lists:
            lead = a.blocks[lst.lead].text if lst.lead is not None else ""
            tail = lead[-300:].lower()
            titles = [split_item(a.blocks[k].text, ctx.ref.phrases)[1] for k in lst.items if k not in lst.labels]
            laws = sum(1 for t in titles if is_law_title(ctx.ref, t))
            strong = sum(1 for t in titles if (instrument_of(ctx.ref, t) or ("", ""))[1] == "strong" and
                         (t[:1].isupper() or t[:1].isdigit() or t[:1] in OPEN_QUOTES or instrument_of(ctx.ref, t.split()[0])))
            speaks = bool(ctx.ref.phrases["guidance_noun"].search(tail)) or any(
                w in tail and re.search(rf"\b{re.escape(w)}\b", tail) for w in generic)
            lst.not_exhaustive = bool(ctx.ref.phrases["not_exhaustive"].search(lead))
            if titles and laws * 2 > len(titles):
                lst.kind = "laws"
            elif lst.labels or strong * 2 >= max(1, len(titles)) or (speaks and strong >= 1) or (
                    speaks and not re.search(r"\b(?:laws?|statutes?|acts|legislation|measures|practices|steps|"
                                             r"principles|include)\b", tail) and titles and
                    sum(1 for t in titles if t[:1].isupper() or t[:1].isdigit()) * 2 > len(titles)):
                lst.kind = "guidance"


def _described_as_guidance(ctx: Context, lst: ListBlock, title: str, any_list: bool = False) -> bool:
    """"UAE Information Assurance Regulation (IAR), the TDRA's set of management and technical controls": an item of
    a list of guidance whose description says it is controls or a standard is one, whatever its name (`any_list`:
    in any list, for a title that is no law's)."""
    if lst.kind != "guidance" and not any_list:
        return False
    texts = [ctx.answers[lst.answer].blocks[k].text for k in lst.items]
    for text in [t for t in texts if title[:25] in t] or texts:  # (its own item first)
        if title.split()[0] in text:
            _, _, description = split_item(text, ctx.ref.phrases)
            head = " ".join(re.split(r"[,;(]", description.lstrip(" ,;:–—-"), maxsplit=1)[0].split()[:8])
            if not re.match(r"(?:the|a|an|its|their|[A-Z][\w\-]*[’']s)\s", head):
                return False  # (an appositive says what it is: "BSSN's self-assessment tool", not "which sets ...")
            return (instrument_of(ctx.ref, head) or ("", ""))[1] == "strong"
    return False


def _of_body(ctx: Context, title: str) -> tuple[int, int] | None:
    """Where "of/by/from the <body>" ends a title (the body, with its abbreviation in brackets, closing it):
    (start of " of the", start of the body's name)."""
    m = re.search(r"\s+(?:of|by|from)\s+(?:the\s+)?(?=[A-Z])", title)
    while m:
        rest = title[m.end():]
        orgs = ctx.orgs.find(rest)
        if orgs and orgs[0].start == 0 and re.fullmatch(r"\s*(?:\([^()]{1,20}\))?\s*", rest[orgs[0].end:]) and \
                not re.match(r"[A-Z][a-z]+(?:ies|ions|ers)\b", rest):
            return m.start(), m.end()
        m = re.compile(r"\s+(?:of|by|from)\s+(?:the\s+)?(?=[A-Z])").search(title, m.end())
    return None


def _guideline_item(ctx: Context, lst: ListBlock, title: str, labelled: bool, raw: str,
                    owned: bool = False) -> tuple[bool, str]:
    """Whether an item's title names a guideline, and the rule that says so (`raw`: the title as written, before
    its first letter was made upper-case)."""
    words = title.split()
    if not words or len(words) > 30:
        return False, ""
    kind = instrument_of(ctx.ref, title)
    first = instrument_of(ctx.ref, re.sub(r"(\w)\1+", r"\1", words[0].lower()))
    title_like = raw[:1].isupper() or raw[:1].isdigit() or raw[:1] in OPEN_QUOTES
    if is_law_title(ctx.ref, title) and not (first and first[1] == "strong"):
        if _described_as_guidance(ctx, lst, title):
            return True, "lists.described_item"  # "X Regulation, the TDRA's set of ... controls": a guideline
        return False, ""
    what = not_guidance(ctx.ref, title, ctx.chapter.jurisdiction)
    if what and not (kind and kind[1] == "strong") and not (lst.kind == "guidance" and kept_in_guidance_list(
            title, what, ctx.chapter.jurisdiction)):
        return False, ""
    if labelled:
        return True, "lists.label_item"
    if first and first[1] == "strong":
        return True, "lists.instrument_item"
    if (title_like or owned) and kind and kind[1] == "strong" and len(words) <= 25:
        return True, "lists.instrument_item"  # (or "the Agency's cyber crisis management guidelines")
    if lst.kind == "guidance" and (title_like or is_abbreviation(words[0])) and len(words) <= 20:
        return True, "lists.guidance_list_item"
    core = re.sub(r"\s*\([^()]*\)", "", title).split()  # (a name in the original language adds no words)
    if lst.kind == "guidance" and len(core) <= 14 and not re.match(r"\w+ing\b", raw) and any(
            (instrument_of(ctx.ref, w) or ("", ""))[1] == "strong" for w in core[:4]):
        return True, "lists.guidance_list_item"  # "the minimum standards for the federal administration"
    if title_like and _described_as_guidance(ctx, lst, title, any_list=True):
        return True, "lists.described_item"  # "the Information Security Index version 5.0, BSSN's self-assessment tool"
    return False, ""


@rule("lists.items")
def items(ctx: Context) -> None:
    """One candidate per item that names a guideline: its title (before "– what it is", ", issued by", "(WHO,
    when)"), its owner ("the KNF's ..."), its label, its place in the list, its description."""
    for a in ctx.answers:
        for lst in a.lists:
            current: Label | None = None
            position = 0
            for k in lst.items:
                b = a.blocks[k]
                if k in lst.labels:
                    current = lst.labels[k]
                    continue
                if current is not None and current.nested and b.kind == "item" and current.level >= 0 and \
                        b.level <= current.level:
                    current = None  # back at the label's level: the group has ended
                text = b.text
                if not text.strip(" ;,.:") or re.fullmatch(r"[;,.:\s]*(?:and|or)?[;,.:\s]*", text):
                    continue
                owner, title_part, description = split_item(text, ctx.ref.phrases)
                if owner and not ctx.orgs.find(owner) and not is_abbreviation(owner.split()[0]) and not (
                        len(owner.split()) == 1 and ctx.orgs.is_org_word(owner)):  # ("the Agency's X" is a body's)
                    at = text.find(owner)  # "Organizations' Social Media Accounts ...": a title's first word
                    title_part = text[at: text.find(title_part) + len(title_part)] if at >= 0 else title_part
                    owner = ""
                issuer = re.search(r"\s*\((?P<who>[^()]{2,60})\)$", title_part)
                joint = re.split(r"\s+and\s+|,\s*|/", issuer.group("who")) if issuer else []
                if issuer and not re.search(r"/[\w\-]*\d", issuer.group("who")) and ((all(
                        ctx.orgs.is_org_abbreviation(w) or (len(joint) > 1 and is_abbreviation(w)) for w in joint) and
                        any(ctx.orgs.is_org_abbreviation(w) for w in joint))  # ("(ARTCI and PLCC)": one known body)
                        or (issuer.group("who")[:1].isupper() and ctx.orgs.names_body(issuer.group("who")))):
                    first = next((w for w in joint if ctx.orgs.is_org_abbreviation(w)), issuer.group("who"))
                    owner = owner or first  # "Cyber/Physical Security Framework (METI)"; joint: the first body
                    title_part = title_part[: issuer.start()]
                nested = None if issuer else re.search(
                    r"\s*\((?P<who>[^()]{2,80}?)\s*\((?P<abbr>[^()]{2,12})\)(?:,\s*(?:\w+\s+)?(?:19|20)\d\d)?\)$", title_part)
                if nested and not owner and (ctx.orgs.is_org_abbreviation(nested.group("abbr")) or
                                             ctx.orgs.names_body(nested.group("who"))):
                    owner = nested.group("who")  # "(National Information Center (NIC), 2019)": a body with its own
                    title_part = title_part[: nested.start()]  # bracket inside the issuer's
                after = re.search(r",\s*(?P<who>[^,;()]{2,60}?)(?:,\s*(?:19|20)\d\d)?[\s;.,]*(?:and|or)?[\s;.,]*$", title_part)
                who = after.group("who").strip() if after else ""
                body = ctx.orgs.whole(who) if after and not owner else None
                if after and not owner and (ctx.orgs.is_org_abbreviation(who) or (body and body.org.abbreviation)):
                    owner = who  # "Code de conduite des opérateurs, ARN; and": the body after
                    title_part = title_part[: after.start()]  # the comma issues it
                of_body = _of_body(ctx, title_part)
                if of_body is not None:  # "Communiqué on X (VII-128.9) of the Capital Markets Board (SPK)"
                    owner = owner or title_part[of_body[1]:].strip()
                    title_part = title_part[: of_body[0]]
                title = clean_title(title_part, ctx.ref)
                if len(title) < 3:
                    continue  # an item cut to a letter or two at the end of an excerpt names nothing
                year = re.search(r"\((?P<y>(?:19|20)\d\d)\)", text)
                ok, name = _guideline_item(ctx, lst, title, current is not None, title_part, bool(owner))
                if not ok:
                    continue
                position += 1
                kind = instrument_of(ctx.ref, title) or ("guide", "")
                start = text.find(title_part) if title_part in text else 0
                c = ctx.add(title=title, instrument=kind[0], answer=a.index, block=k, sentence=None, start=start,
                            end=start + len(title_part), line=b.line, where="list", rule=name, strength=kind[1],
                            owner=strip_possessive(owner), description=description, label=current, lst=lst,
                            position=position, not_exhaustive=lst.not_exhaustive)
                c.mentions.append((a.index, k, -1))
                if year:  # "the 2018 framework" names "X Framework and Guidelines for Y (2018)"
                    for noun in re.findall(r"[A-Za-z]+", title):
                        if instrument_of(ctx.ref, noun):
                            c.aliases.add(f"{year.group('y')} {noun.lower()}")
