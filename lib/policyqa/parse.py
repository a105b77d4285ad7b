"""Step 2: numbered lines to the chapter's structure.

A chapter is a questionnaire answered in plain text: bare heading lines,
questions (numbered in print editions, bare on the web), answers made of
paragraphs, bullets and inline sub-headings, and sometimes page furniture
above the first heading. Each non-blank line lands in exactly one place
(heading, question, answer, furniture, or `unplaced`, which is reported as a
diagnostic), so nothing the parser did not understand disappears.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache

from policyqa.read import SourceText
from policyqa.reference import Reference
from policyqa.schema import Diagnostic

BLANK_CHARS = " \t\u00a0\u2007\u202f\u200b\ufeff\x0b\x0c"
_BULLET = re.compile(r"^(?P<indent>[ \t\u00a0]*)(?P<mark>[•●▪◦○·‣∙⁃■□➢►▸◆◇✓*]|[-–—](?=[ \t\u00a0]))[ \t\u00a0]*"
                     r"(?P<text>.*)$")
# "1." "2)" "(3)" "a." "b)" "(c)" "i." "(iv)": numbered and lettered list items (a line the questionnaire does not
# recognise as a printed question)
_NUMBERED = re.compile(r"^(?P<indent>[ \t\u00a0]*)(?P<mark>(?:\d{1,2}|[a-z]|[ivx]{1,4}|[A-Z])[.)]|"
                       r"\((?:\d{1,2}|[a-z]|[ivx]{1,4})\))[ \t\u00a0]+(?P<text>\S.*)$")
_PRINTED = re.compile(r"^\s*(?:Q(?:uestion)?\s*(?P<qno>\d{1,2})\s*[.):]?|(?P<no>\d{1,2})\s*[.):]|\((?P<paren>\d{1,2})\))\s*"
                      r"(?P<text>\S.*)$")
_BARE_NUMBER = re.compile(r"^(?P<no>\d{1,2})\s+(?P<text>[A-Z].*)$")
_GLUE = re.compile(r"(?<=[a-z\)])(?=[A-Z])|(?<=[a-z])(?=\d{1,2}\.\s+[A-Z])")  # "protectionDo", "Enforcement20. Which"
_HEADING_BAD = re.compile(r"[.?!:;,]$|\s{3,}|[.?!;]\s")
_WORD = re.compile(r"[a-z0-9]+")
_QUESTION_WORD = re.compile(
    r"^(?:what|which|who|how|when|where|why|is|are|do|does|has|have|can|could|should|will|would|describe|identify|"
    r"summarise|summarize|outline|explain|list)\b",
    re.IGNORECASE,
)
_STOP = frozenset(
    "the and for are any with that this from your what which does have must such been into about their there these "
    "those than then them they other more most under over also only when where will would could should rules "
    "describe requiring organisations organizations jurisdiction cybersecurity cyber".split()
)

# Memos by text (here and in extract) hold a chapter's repeats (each sentence is searched for titles, bodies
# and statements) and the questionnaire's lines; kept small, because a corpus of distinct chapters fills
# them: at 65536 entries they would hold about 400 MB (`tokens` alone about 240 MB).
MEMO = 1024


@dataclass(slots=True)
class Block:
    """One line of an answer: a paragraph, a list item or an inline sub-heading."""

    kind: str
    text: str
    line: int
    level: int = 0
    more_lines: tuple[int, ...] = ()  # lines joined to this one (a sentence or item split by a page break)
    marker: str = ""  # the list marker ("•", "-", or a numbering family: digit, letter, roman, upper)
    label: str = ""  # a numbered item's own label, lower case ("b" for "(b)", "iii", "3"): what "item (b)(iii)" cites


@dataclass(slots=True)
class Heading:
    text: str
    line: int
    level: str
    glued: bool = False  # printed on the same line as the question after it


@dataclass(slots=True)
class Question:
    number: int | None
    text: str
    line: int
    section: str | None
    subsection: str | None
    match: str
    score: float
    blocks: list[Block] = field(default_factory=list)
    shares_answer_of: int | None = None  # line of the question whose answer this one shares
    more_lines: tuple[int, ...] = ()  # the rest of a question hard-wrapped over several lines


@dataclass
class Chapter:
    """The parsed structure of one chapter, with every line accounted for."""

    source_file: str
    path: str
    jurisdiction: str
    jurisdiction_source: str
    edition: str | None
    headings: list[Heading]
    questions: list[Question]
    furniture: list[tuple[int, str]]
    unplaced: list[tuple[int, str]]
    diagnostics: list[Diagnostic]
    n_lines: int
    n_nonblank: int

    def answer_blocks(self, question: Question) -> list[Block]:
        if question.shares_answer_of is None:
            return question.blocks
        owner = next((q for q in self.questions if q.line == question.shares_answer_of), None)
        return owner.blocks if owner else question.blocks

    def placement(self) -> dict[int, str]:
        """Line number to the one place it landed in; the basis of the no-line-lost guarantee."""
        where: dict[int, str] = {}
        for h in self.headings:
            if not h.glued:
                where[h.line] = "heading"
        for q in self.questions:
            where[q.line] = "question"
            for extra in q.more_lines:
                where[extra] = "question"
            for b in q.blocks:
                if b.line != q.line:  # (an answer printed on its question's line is placed with the question)
                    where[b.line] = "answer"
                for extra in b.more_lines:
                    where[extra] = "answer"
        for line, _ in self.furniture:
            where[line] = "furniture"
        for line, _ in self.unplaced:
            where[line] = "unplaced"
        return where


# --------------------------------------------------------------------------- line classes


@dataclass(frozen=True)
class LineClass:
    kind: str  # blank | bullet | question | glued | heading | paragraph
    text: str
    level: int = 0
    number: int | None = None
    match: str = ""
    score: float = 0.0
    headings: tuple[str, ...] = ()
    label: str = ""
    rest: str = ""  # the answer, where it runs on after the question on the same line


def marker_family(mark: str) -> str:
    """What kind of list marker: digits, letters or roman numerals, with or without brackets ("(a)" and "a)"
    are one family), so that a change of family inside a list reads as nesting."""
    core = mark.strip("().")
    kind = "digit" if core.isdigit() else "roman" if re.fullmatch(r"[ivx]+", core) and core != "x" else \
        "upper" if core.isupper() else "letter"
    return kind


def is_blank(text: str) -> bool:
    return not text.strip(BLANK_CHARS)


def clean(text: str) -> str:
    return re.sub(r"[ \t\u00a0\u2007\u202f]+", " ", text.strip(BLANK_CHARS))


def norm(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(_WORD.findall(text))


class Classifier:
    """Decides what a single line is, memoised on the line's text (chapters repeat their questions)."""

    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        self._exact = {norm(q.text): q.number for q in ref.questions}
        self._specs = [(q.number, norm(q.text), set(norm(q.text).split())) for q in ref.questions]
        for q in ref.questions:  # each sentence of a multi-sentence question also matches on its own
            for sentence in re.split(r"(?<=[?.])\s+", q.text):
                if sentence != q.text and len(sentence.split()) >= 6:
                    self._specs.append((q.number, norm(sentence), set(norm(sentence).split())))
        self._headings = {norm(s): "section" for s in ref.sections}
        self._headings.update({norm(s): "subsection" for s in ref.subsections if norm(s) not in self._headings})
        self.classify = lru_cache(maxsize=MEMO)(self._classify)
        self.match_question = lru_cache(maxsize=MEMO)(self._match_question)

    def heading_level(self, text: str) -> str | None:
        key = norm(text)
        if key in self._headings:
            return self._headings[key]
        for name, level in self._headings.items():
            if abs(len(name) - len(key)) <= 3 and SequenceMatcher(None, name, key).ratio() >= 0.9:
                return level
        return None

    def _match_question(self, text: str) -> tuple[int | None, float]:
        key = norm(text)
        if not key:
            return None, 0.0
        if key in self._exact:
            return self._exact[key], 1.0
        words = set(key.split())
        best: tuple[int | None, float] = (None, 0.0)
        for number, spec, spec_words in self._specs:
            overlap = len(words & spec_words) / max(1, len(words | spec_words))
            if overlap < 0.3:
                continue
            score = SequenceMatcher(None, key, spec, autojunk=False).ratio()
            if score > best[1]:
                best = (number, score)
        return best

    def looks_like_heading(self, text: str) -> bool:
        t = clean(text)
        if not t or len(t) > 80 or len(t.split()) > 9:
            return False
        if not (t[0].isupper() or t[0].isdigit() or t[0] in "‘“\"«„("):
            return False
        if self.ref.phrases["no_answer_words"].search(t):
            return False
        return not _HEADING_BAD.search(t)

    def _question(self, text: str) -> LineClass | None:
        found = self._whole_question(text)
        if found is None or found.match == "fuzzy" or (found.match == "printed" and "? " in found.text):
            inline = self._inline_question(text)  # "Do the authorities ...? Yes. The MDDC ...": one line
            if inline is not None and (found is None or found.match == "printed" or inline.score > found.score):
                return inline
        return found

    def _inline_question(self, text: str) -> LineClass | None:
        """A question the copy runs on into its answer on one line: the words up to one of its question marks
        are a question of the questionnaire (nearly word for word), the rest its answer."""
        t = clean(text)
        if not t or not (t[0].isupper() or t[0].isdigit()):
            return None
        printed = _PRINTED.match(t)
        whole = self.match_question(printed.group("text") if printed else t)[1]  # (a question of two sentences,
        best: tuple[float, LineClass, str] | None = None  # "...? Are the obligations the same ...?", stays whole)
        for m in re.finditer(r"\?\s+(?=\S)", t[:1200]):
            head, rest = t[: m.start() + 1], t[m.end():]
            found = self._whole_question(head)
            score = self.match_question(found.text)[1] if found is not None else 0.0
            if found is None or score < 0.85 or score <= whole:
                continue
            if best is None or score > best[0]:
                best = (score, found, rest)
        if best is None:
            return None
        _, found, rest = best
        return replace(found, rest=rest)

    def _whole_question(self, text: str) -> LineClass | None:
        t = clean(text)
        if len(t) > 700 or not t or not (t[0].isupper() or t[0].isdigit()):
            return None
        printed = _PRINTED.match(t)
        if printed:
            body = printed.group("text")
            number = int(printed.group("qno") or printed.group("no") or printed.group("paren"))
            matched, score = self.match_question(body)
            if body.endswith("?") or score >= 0.5 or _QUESTION_WORD.match(body):
                return LineClass("question", body, number=number, match="printed", score=round(score, 3))
            return None
        if not t.endswith(("?", ".")):
            return None
        bare = _BARE_NUMBER.match(t)  # "13 Do the authorities ...?": a number without its dot, taken only when the
        if bare:  # words are that very question of the questionnaire ("25 Steps to Harden a Server" is a title)
            number, score = self.match_question(bare.group("text"))
            if number == int(bare.group("no")) and score >= 0.6:
                return LineClass("question", bare.group("text"), number=number, match="printed", score=round(score, 3))
        number, score = self.match_question(t)
        threshold = 0.6 if t.endswith("?") else 0.8
        if number is not None and score >= threshold:
            return LineClass("question", t, number=number, match="exact" if score == 1.0 else "fuzzy",
                             score=round(score, 3))
        return None

    def _glued(self, text: str) -> LineClass | None:
        t = clean(text)
        for m in _GLUE.finditer(t):
            head, rest = t[: m.start()], t[m.start():]
            question = self._question(rest)
            if question is None:
                continue
            parts = self._split_headings(head)
            if parts:
                return LineClass("glued", question.text, number=question.number, match=question.match,
                                 score=question.score, headings=tuple(parts))
        return None

    def _split_headings(self, head: str) -> list[str] | None:
        if self.looks_like_heading(head) and (self.heading_level(head) or len(head.split()) <= 5):
            whole = [head]
        else:
            whole = None
        for m in _GLUE.finditer(head):
            left, right = head[: m.start()], head[m.start():]
            if self.heading_level(left) and self.heading_level(right):
                return [left, right]
        return whole

    def _classify(self, raw: str) -> LineClass:
        if is_blank(raw):
            return LineClass("blank", "")
        bullet = _BULLET.match(raw)
        if bullet:
            indent = len(bullet.group("indent").expandtabs(4))
            level = 1 if indent >= 4 or bullet.group("mark") in "◦○▪‣" else 0
            return LineClass("bullet", clean(bullet.group("text")), level=level, match=bullet.group("mark"))
        question = self._question(raw)
        numbered = _NUMBERED.match(raw)
        if numbered and question is None:
            indent = len(numbered.group("indent").expandtabs(4))
            return LineClass("bullet", clean(numbered.group("text")), level=1 if indent >= 4 else 0,
                             match=marker_family(numbered.group("mark")),
                             label=numbered.group("mark").strip("().").lower())
        if (question is None or question.match == "fuzzy") and _GLUE.search(raw):
            glued = self._glued(raw)  # "Increased protectionDo the authorities ...?"
            if glued and (question is None or glued.score >= question.score):
                return glued
        if question:
            return question
        if self.looks_like_heading(raw):
            return LineClass("heading", clean(raw))
        return LineClass("paragraph", clean(raw))


@lru_cache(maxsize=8)
def classifier_for(ref: Reference) -> Classifier:
    return Classifier(ref)


# --------------------------------------------------------------------------- structure


def wrap_width(lengths: list[int]) -> int:
    """The length from which a line was cut by a hard wrap, or 0 where lines are not wrapped: in a print copy
    wrapped at some width most lines end within a few characters of it (web copies run a paragraph on one
    line of hundreds)."""
    if len(lengths) < 10:
        return 0
    width = sorted(lengths)[int(len(lengths) * 0.9)]
    if width > 120:
        return 0
    near = sum(1 for n in lengths if n >= width - 15)
    return width - 15 if near >= 0.3 * len(lengths) else 0


def _wrapped_questions(clf: Classifier, lines, classes: list[LineClass]) -> dict[int, tuple[int, ...]]:
    """Questions a print copy hard-wrapped over two to four lines ("Q1 Summarise ... Does" / "your jurisdiction
    have ...?"): the joined lines read as a question where the first alone does not end one. Rewrites
    `classes[i]` to the joined question and returns, for each, the line numbers it took in."""
    out: dict[int, tuple[int, ...]] = {}
    i = 0
    while i < len(classes):
        c = classes[i]
        first = clean(lines[i]) if c.kind != "blank" else ""
        if c.kind in ("blank", "bullet") or re.search(r"[?.!:;]$", first) or not (
                first[:1].isupper() or first[:1].isdigit()):
            i += 1
            continue
        k, found = i, None
        while k + 1 < len(classes) and k - i < 3 and classes[k + 1].kind in ("paragraph", "heading"):
            k += 1
            if clean(lines[k]).endswith(("?", ".")):  # (an imperative ends with a full stop: "Describe ...")
                joined = " ".join(clean(lines[n]) for n in range(i, k + 1))
                question = clf.classify(joined)
                if question.kind in ("question", "glued"):
                    found = (k, question)
                break
        if found is None:
            i += 1
            continue
        k, question = found
        for j in range(i + 1, k):  # "Best practice" / "Increased protection" / "Do the ... mandated" / "by law?":
            # headings above a wrapped question are not part of it (the best match, then the longest)
            later = clf.classify(" ".join(clean(lines[n]) for n in range(j, k + 1)))
            if later.kind == "question" and later.score > question.score:
                i, question = j, later
        classes[i] = question
        for n in range(i + 1, k + 1):
            classes[n] = LineClass("blank", "")  # (placed as the question's: see Question.more_lines)
        out[i] = tuple(n + 1 for n in range(i + 1, k + 1))
        i = k + 1
    return out


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if len(w) >= 4 and w not in _STOP and not w.isdigit()}


def shares_answer(question: str, next_question: str, answer: str) -> bool:
    """Whether an unanswered question is answered together with the next one.

    Web copies run two questions on the same matter together ("Describe any rules
    requiring organisations to report ... to regulatory authorities." then "What is the
    timeline for reporting to the authorities?") over one answer; a question that simply
    went unanswered asks about something else than the question after it, and its words
    are not in the answer.
    """
    common = len(_stems(question) & _stems(next_question))
    return common >= 2 or (common == 1 and len(_stems(question) & _stems(answer)) >= 2)


_GAP = re.compile(r"(?<=\S)(?:[ \u00a0\u2007\u202f]{4,}|\t+)(?=\S)")


def running_header(raw: str, furniture_re: re.Pattern, aliases: set[str]) -> bool:
    """A print copy's running header or footer ("88      Cybersecurity 2025", "Drini & Partners      Albania"):
    two or three parts set apart by a wide gap, one of which is furniture on its own (a page number, the guide's
    title and year, a web address) or the jurisdiction's name. Left in an answer, it cuts a list in two and a
    sentence in half."""
    parts = _GAP.split(raw.strip(BLANK_CHARS))
    if not 2 <= len(parts) <= 3 or sum(len(p) for p in parts) > 120:
        return False
    return any(p.lower() in aliases or furniture_re.fullmatch(p) for p in parts)


_CELLS = re.compile(r"\s*\|\s*|\t+")


def _cells(raw: str) -> list[str]:
    return [c.strip(BLANK_CHARS) for c in _CELLS.split(raw.strip(BLANK_CHARS + "|"))]


_SPACED = re.compile(r"\s{2,}")


def _row_cells(raw: str, width: int) -> list[str] | None:
    """A table row's cells: split on tabs or bars, or, in a row pasted without them, on runs of two or more
    spaces when the first cell is a name of several words; an empty last cell may be missing."""
    if "|" in raw and "\t" not in raw:  # keep the places of empty cells (" |  | private sector | voluntary")
        cells = [c.strip(BLANK_CHARS) for c in raw.strip(BLANK_CHARS).split("|")]
        cells = cells[1:] if len(cells) > width and not cells[0] else cells
        cells = cells[:-1] if len(cells) > width and not cells[-1] else cells
    else:
        cells = _cells(raw)
    if len(cells) == 1 and "\t" not in raw:
        spaced = [c for c in _SPACED.split(raw.strip(BLANK_CHARS)) if c]
        if len(spaced) >= 2 and len(spaced[0].split()) >= 2:
            cells = spaced
    return cells if 2 <= len(cells) <= width else None


def _table_rows(lines, classes: list[LineClass], i: int, width: int, merged: dict[int, list[int]]
                ) -> list[tuple[int, list[str]]]:
    """The rows under a table header at line i. A cell wrapped onto a line of its own ("Ministries,
    departments and" / "statutory agencies") joins the cell above; a page break inside the table (blank
    lines, running footer and header) is stepped over when rows follow it; the table ends at the first other
    line."""
    rows: list[tuple[int, list[str]]] = []
    k = i + 1
    while k < len(lines):
        cells = _row_cells(lines[k], width) if classes[k].kind != "blank" else None
        if cells is not None:
            rows.append((k, cells + [""] * (width - len(cells))))
            k += 1
            continue
        text = lines[k].strip(BLANK_CHARS)
        if rows and rows[-1][0] == k - 1 and text[:1].islower() and "\t" not in text:
            last = rows[-1][1]
            last[-1 if last[-1] else max(n for n, c in enumerate(last) if c)] += " " + text
            classes[k] = LineClass("blank", "")
            merged.setdefault(rows[-1][0], []).append(k + 1)  # (placed as the row's: see Block.more_lines)
            k += 1
            continue
        ahead = next((n for n in range(k, min(k + 7, len(lines)))
                      if classes[n].kind != "blank" and _row_cells(lines[n], width) is not None), None)
        if ahead is None or any(classes[n].kind in ("question", "glued") for n in range(k, ahead)) or (
                not rows and any(classes[n].kind != "blank" for n in range(k, ahead))):
            break  # (blank lines between the header and the first row, as a web page's table pastes, are stepped over)
        k = ahead  # a page break inside the table
    return rows


def _row_like_prefix(lines, body: list[int], width: int) -> int:
    """How many of a one-cell-a-line table's lines are whole rows: each of its cells short, its first (a title)
    no sentence, and no "Source:" or "Note:" line among them."""
    n = 0
    while n + width <= len(body):
        cells = [lines[k].strip(BLANK_CHARS) for k in body[n: n + width]]
        if any(len(c.split()) > 25 for c in cells) or cells[0].endswith(".") or any(
                re.match(r"(?i)(?:source|note|notes)\s*:", c) for c in cells):
            break
        n += width
    return n


def _vertical_table(lines, classes: list[LineClass], i: int, role, merged: dict[int, list[int]]):
    """A table flattened one cell a line: three to six short header lines that name columns ("Title", "Issuer",
    "Addressed to", "Status"), then that many lines a row up to a blank line (or, with no blank line after it,
    its whole rows of short cells); each row's later cells are placed with its first line (Block.more_lines).
    None when the lines at i are not such a table."""
    head: list[str] = []
    k = i
    while k < len(lines) and len(head) < 6 and classes[k].kind not in ("blank", "question", "glued"):
        text = lines[k].strip(BLANK_CHARS)
        if len(text.split()) > 4 or not role(text):
            break
        head.append(text)
        k += 1
    roles = [role(h) for h in head]
    if len(head) < 3 or "title" not in roles or (i > 0 and classes[i - 1].kind != "blank" and role(
            lines[i - 1].strip(BLANK_CHARS))):
        return None
    width = len(head)
    body = []
    while k < len(lines) and classes[k].kind not in ("blank", "question", "glued"):
        body.append(k)
        k += 1
    if len(body) % width:  # no blank line after the table ("Source: ..." and the next paragraph run on): the
        body = body[: _row_like_prefix(lines, body, width)]  # whole rows of short cells, up to the first that is not
    if len(body) < width:
        return None
    rows = []
    for start in range(0, len(body), width):
        group = body[start: start + width]
        rows.append((group[0], [lines[n].strip(BLANK_CHARS) for n in group]))
        for n in group[1:]:
            classes[n] = LineClass("blank", "")
            merged.setdefault(group[0], []).append(n + 1)
    return head, roles, list(range(i, i + width)), rows


def _trailing_header(raw: str) -> str:
    """The last sentence of a line when it is a row of cells ("... (each row reads document | issuer | status).
    Document | Issuer | Status"), else ''."""
    text = clean(raw)
    if text.count("|") < 2:
        return ""
    ends = [m.end() for m in re.finditer(r"[.:?!)]\s+(?=[A-Z])", text)]
    tail = text[ends[-1]:] if ends else ""
    return tail if tail.count("|") >= 2 and re.fullmatch(r"[^.;:?!()]+", tail) else ""


def _tables(ref: Reference, lines, classes: list[LineClass], name: str, merged: dict[int, list[int]]
            ) -> list[Diagnostic]:
    """A table flattened to text ("Document | Issuer | Addressees | Binding?" over one row per document): its
    header names the columns, and each row becomes a list item written the way list items are ("Title – issued
    by X for Y; binding"), so the list rules read it. The header is reported, not dropped."""
    column = ref.phrases["table_column"]
    diags: list[Diagnostic] = []

    def role(cell: str) -> str:
        m = column.match(cell.lower())
        return next((k for k, v in m.groupdict().items() if v), "") if m else ""

    i = 0
    while i < len(lines):
        head = _cells(lines[i]) if classes[i].kind != "blank" and ("|" in lines[i] or "\t" in lines[i].strip()) else []
        roles = [role(c) for c in head]
        header_lines = [i]
        trailing = _trailing_header(lines[i]) if classes[i].kind in ("question", "paragraph") else ""
        if trailing and (len(head) < 3 or "title" not in roles):  # "... each row reads: Document | Issuer | Status"
            head = _cells(trailing)  # at the end of a line that holds the answer's opening
            roles = [role(c) for c in head]
            rows = _table_rows(lines, classes, i, len(head), merged) if (
                len(head) >= 3 and "title" in roles and len([r for r in roles if r]) >= 2) else []
            if not rows:
                i += 1
                continue
            line = classes[i]  # the line keeps its text, less the header
            classes[i] = replace(line, rest=line.rest[: len(line.rest) - len(trailing)].rstrip()) if line.rest else \
                replace(line, text=line.text[: len(line.text) - len(trailing)].rstrip())
            diags.append(Diagnostic(name, i + 1, "guess", "table header at the end of the line: " + ", ".join(
                f"{c} ({r or 'not read'})" for c, r in zip(head, roles)), trailing))
            header_lines = []
        elif len(head) < 3 or "title" not in roles or len([r for r in roles if r]) < 2:
            tall = _vertical_table(lines, classes, i, role, merged)
            if tall is None:
                i += 1
                continue
            head, roles, header_lines, rows = tall
        else:
            rows = _table_rows(lines, classes, i, len(head), merged)
        if not rows:
            i += 1
            continue
        k = max([n for n, _ in rows] + [m - 1 for n, _ in rows for m in merged.get(n, [])]) + 1
        for n in header_lines:
            classes[n] = LineClass("blank", "")
            diags.append(Diagnostic(name, n + 1, "guess", "table header: " + ", ".join(
                f"{c} ({r or 'not read'})" for c, r in zip(head, roles)), clean(lines[n])))
        last = None
        for n, cells in rows:
            cell = dict(zip(roles, cells))
            if not cell.get("title"):  # a row that only adds an audience and its status to the one above
                more = " ".join(x for x in (cell.get("status", "").strip(), "for " + cell["audience"].strip()
                                            if cell.get("audience", "").strip() else "") if x)
                if last is not None and more:
                    classes[last] = LineClass("bullet", clean(f"{classes[last].text}; {more}"), match="|")
                    classes[n] = LineClass("blank", "")
                    merged.setdefault(last, []).extend([n + 1, *merged.pop(n, [])])
                continue
            last = n
            text = cell["title"]
            if cell.get("issuer", "").strip("–—- "):
                text += f" – issued by {cell['issuer']}"
            if cell.get("audience", "").strip("–—- "):
                text += f", for {cell['audience'].replace(';', ' and')}"
            status = cell.get("status", "").strip()
            yes_no = re.match(r"(?i)(yes|no)\b[\s,.:;–—-]*", status)
            if yes_no:
                status = ("binding" if yes_no.group(1).lower() == "yes" else "not binding") + (
                    f" ({status[yes_no.end():]})" if status[yes_no.end():] else "")
            if status.strip("–—- "):
                text += f"; {status}"
            classes[n] = LineClass("bullet", clean(text), match="|")
        i = k
    return diags


def parse_lines(src: SourceText, ref: Reference, name: str | None = None, jurisdiction: str | None = None
                ) -> tuple[list[Heading], list[Question], list, list, list[Diagnostic]]:
    """Walk the lines once, top to bottom, placing each one (the chapter's jurisdiction, where known, is one more
    name a running header can carry)."""
    clf = classifier_for(ref)
    classes = [clf.classify(raw) for raw in src.lines]
    merged: dict[int, list[int]] = {}  # a table row's line -> the lines joined to it
    table_diags = _tables(ref, src.lines, classes, name or src.name, merged)
    wrapped = _wrapped_questions(clf, src.lines, classes)
    furniture_re = ref.phrases["furniture"]
    nonblank = [i for i, c in enumerate(classes) if c.kind != "blank"]
    next_nonblank = {a: b for a, b in zip(nonblank, nonblank[1:])}

    headings: list[Heading] = []
    questions: list[Question] = []
    furniture: list[tuple[int, str]] = []
    unplaced: list[tuple[int, str]] = []
    diags: list[Diagnostic] = []
    section: str | None = None
    subsection: str | None = None
    current: Question | None = None
    started = False
    name = name or src.name

    def chain_end(i: int) -> tuple[str, int]:
        """Kind of the first line after a run of heading-like lines starting after i."""
        j = next_nonblank.get(i)
        steps = 0
        while j is not None and classes[j].kind == "heading" and steps < 6:
            j = next_nonblank.get(j)
            steps += 1
        return ("eof" if j is None else classes[j].kind), steps

    consumed = {n - 1 for rest in wrapped.values() for n in rest}
    vocab = chapter_words(src.lines)
    aliases = {a.lower() for a in ref.jurisdiction_alias} | ({jurisdiction.lower()} if jurisdiction else set())
    wrap_min = wrap_width([len(clean(raw)) for raw in src.lines if not is_blank(raw)])
    for i, c in enumerate(classes):
        if c.kind == "blank" or i in consumed:
            continue
        lineno = i + 1
        raw_clean = clean(src.lines[i])
        header = current is not None and (raw_clean in ref.jurisdiction_alias or  # a running header: the bare name
                                          running_header(src.lines[i], furniture_re, aliases))  # of a jurisdiction
        if c.kind not in ("question", "glued") and (furniture_re.search(raw_clean) or header) and (
                not started or current is None or c.kind != "bullet"):
            if not started or len(raw_clean) < 120:
                furniture.append((lineno, raw_clean))
                continue
        if c.kind in ("question", "glued"):
            for h in c.headings:
                level = clf.heading_level(h) or ("section" if section is None else "subsection")
                if level == "section":
                    section, subsection = h, None
                else:
                    subsection = h
                h = sys.intern(h)  # (every chapter prints the questionnaire's words: one string for them all)
                headings.append(Heading(h, lineno, level, glued=True))
            current = Question(c.number, sys.intern(c.text), lineno, section, subsection, c.match, c.score,
                               more_lines=wrapped.get(i, ()))
            questions.append(current)
            started = True
            if c.rest:  # the answer printed on the question's own line
                current.blocks.append(Block("paragraph", c.rest, lineno))
            if c.match == "fuzzy":
                diags.append(Diagnostic(name, lineno, "guess",
                                        f"question matched by wording to question {c.number} "
                                        f"(similarity {c.score:.2f})", c.text))
            elif c.match == "printed" and clf.match_question(c.text)[1] < 0.6:
                diags.append(Diagnostic(name, lineno, "guess",
                                        f"printed number {c.number} taken; wording matches no standard question",
                                        c.text))
            continue
        if current is not None and wrap_min and c.kind in ("heading", "paragraph") and current.blocks and \
                current.blocks[-1].kind in ("paragraph", "item") and \
                (current.blocks[-1].more_lines or (current.blocks[-1].line,))[-1] == lineno - 1 and \
                len(clean(src.lines[i - 1])) >= wrap_min:
            prev = current.blocks[-1]  # a print copy's hard wrap: a full line runs on, whatever case follows
            current.blocks[-1] = replace(prev, text=join_wrapped(prev.text, c.text, vocab), more_lines=prev.more_lines + (lineno,))
            continue
        if c.kind == "heading":
            known = clf.heading_level(c.text)
            end, steps = chain_end(i)
            if current is not None:
                if not current.blocks and not known and end == "eof":
                    current.blocks.append(Block("paragraph", c.text, lineno))  # a short or cut-off answer
                    continue
                if not current.blocks and not known and end not in ("question", "glued"):
                    current.blocks.append(Block("subheading", c.text, lineno))
                    continue
                structural = end in ("question", "glued", "eof") or (known is not None and steps > 0)
                if not structural:
                    current.blocks.append(Block("subheading", c.text, lineno))
                    continue
            elif not started:
                if not known and not (end in ("question", "glued") and steps == 0):
                    furniture.append((lineno, c.text))
                    continue
            elif not known and end not in ("question", "glued"):
                unplaced.append((lineno, c.text))
                diags.append(Diagnostic(name, lineno, "unplaced", "text between a heading and the next question "
                                        "belongs to no answer", c.text))
                continue
            level = known or ("section" if steps > 0 or section is None else "subsection")
            text = sys.intern(c.text)
            if level == "section":
                section, subsection = text, None
            else:
                subsection = text
            headings.append(Heading(text, lineno, level))
            if not known:
                diags.append(Diagnostic(name, lineno, "guess", f"heading not in the questionnaire; taken as a {level}",
                                        c.text))
            current = None
            started = True
            continue
        # paragraph or bullet
        if current is not None:
            if c.kind == "bullet":
                current.blocks.append(Block("item", c.text, lineno, c.level, marker=c.match, label=c.label,
                                            more_lines=tuple(sorted(merged.get(i, ())))))
                if not c.text.strip(" ;,.:") or re.fullmatch(r"[;,.:\s]*(?:and|or)?[;,.:\s]*", c.text):
                    diags.append(Diagnostic(name, lineno, "warning", "empty list item (a removed link?)",
                                            raw_clean))
            elif current.blocks and current.blocks[-1].kind in ("paragraph", "item") and \
                    continues(current.blocks[-1].text, c.text):
                prev = current.blocks[-1]  # the rest of a sentence or item cut by a page break or a hard wrap
                current.blocks[-1] = replace(prev, text=join_wrapped(prev.text, c.text, vocab), more_lines=prev.more_lines + (lineno,))
            else:
                current.blocks.append(Block("paragraph", c.text, lineno))
        elif not started:
            furniture.append((lineno, raw_clean))
        else:
            unplaced.append((lineno, raw_clean))
            diags.append(Diagnostic(name, lineno, "unplaced", "text that follows a heading but no question",
                                    raw_clean))

    diags = table_diags + diags
    for q in questions:
        nest_items(q.blocks)
    _link_shared_answers(questions, headings, name, diags)
    if questions:
        last_blocks = questions[-1].blocks or []
        if last_blocks and last_blocks[-1].kind == "paragraph" and not re.search(r"[.?!:)\]’”\"]\s*$",
                                                                                  last_blocks[-1].text):
            diags.append(Diagnostic(name, last_blocks[-1].line, "warning", "the last answer stops mid-sentence "
                                    "(the excerpt is cut off)", last_blocks[-1].text[-80:]))
    else:
        diags.append(Diagnostic(name, 1, "warning", "no questions found: nothing matches the questionnaire"))
        # with no question there is no structure to place anything in: every line is reported, none kept aside
        moved = sorted([(h.line, h.text) for h in headings] + furniture + unplaced)
        headings, furniture = [], []
        diags = [d for d in diags if d.level != "unplaced"]
        unplaced = moved
        diags += [Diagnostic(name, line, "unplaced", "no question in the file to place this line under", text)
                  for line, text in moved]
    return headings, questions, furniture, unplaced, diags


_UNFINISHED = re.compile(r"(?:,|\b(?:the|a|an|of|and|or|by|for|to|in|on|with|from|its|their|under|as|that|which|is|are))$")


_WORD_OR_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?![\w-])")  # not a word cut at a wrap
_BROKEN = re.compile(r"([^\W\d_]+)-$")  # a line that stops on a word and a hyphen
_RESUMED = re.compile(r"([^\W\d_A-Z]+)")  # ... and a line that goes on in lower case


def chapter_words(lines: list[str]) -> frozenset[str]:
    """Every word and hyphenated compound the chapter writes in full on one line, in lower case: what decides
    whether a hyphen at a hard wrap was the typesetter's or belongs to the word."""
    return frozenset(w.lower() for line in lines for w in _WORD_OR_COMPOUND.findall(line))


def join_wrapped(previous: str, text: str, vocab: frozenset[str] = frozenset()) -> str:
    """A block and the line that runs it on. A print copy hyphenates words at the wrap ("Digitalisa-" /
    "tion Unit", "compul-" / "sory"): the hyphen goes, unless the chapter writes the compound with it elsewhere
    ("state-owned") or the part before it is a word of its own there and the whole is not ("cyber-" /
    "resilience")."""
    head, tail = _BROKEN.search(previous.rstrip()), _RESUMED.match(text)
    if not head or not tail:
        return f"{previous} {text}"
    left, right = head.group(1).lower(), tail.group(1).lower()
    whole, compound = left + right, f"{left}-{right}"
    keep = whole not in vocab and (compound in vocab or left in vocab)
    return previous.rstrip()[:-1] + ("-" if keep else "") + text


def continues(previous: str, text: str) -> bool:
    """Whether a paragraph line is the rest of the block before it: the block stops without a full stop and the
    line starts in lower case, or the block stops on a word that cannot end a sentence ("issued by the")."""
    prev = previous.rstrip()
    if not prev or not text or re.search(r"[.?!:;]['’”\")\]]*$", prev) or not re.search(r"\w{2}", prev.replace(
            "and", "").replace("or", "")):
        return False
    return text[0].islower() or bool(_UNFINISHED.search(prev))


def nest_items(blocks: list[Block]) -> None:
    """Levels of list items written without indentation but with a change of marker ("1)" then "(a)" then
    "(i)"): a new marker family opens a level, a family seen before closes back to it. Indented lists keep the
    levels their indentation gave."""
    k = 0
    while k < len(blocks):
        if blocks[k].kind != "item":
            k += 1
            continue
        run = [k]
        while k + 1 < len(blocks) and blocks[k + 1].kind in ("item",):
            k += 1
            run.append(k)
        k += 1
        if len({blocks[i].level for i in run}) > 1 or len({blocks[i].marker for i in run}) < 2:
            continue
        stack: list[str] = []
        for i in run:
            fam = blocks[i].marker
            if fam in stack:
                del stack[stack.index(fam) + 1:]
            else:
                stack.append(fam)
            blocks[i] = replace(blocks[i], level=min(len(stack) - 1, 3))


def _link_shared_answers(questions: list[Question], headings: list[Heading], name: str,
                         diags: list[Diagnostic]) -> None:
    heading_lines = sorted(h.line for h in headings)
    for k, q in enumerate(questions):
        if q.blocks:
            continue
        nxt = questions[k + 1] if k + 1 < len(questions) else None
        heading_between = nxt is not None and any(q.line < h < nxt.line for h in heading_lines)
        if nxt is not None and not heading_between:
            # follow a run of unanswered questions to the answer they share
            owner = nxt
            j = k + 1
            while not owner.blocks and j + 1 < len(questions):
                j += 1
                owner = questions[j]
            if owner.blocks and shares_answer(q.text, nxt.text, " ".join(b.text for b in owner.blocks)):
                q.shares_answer_of = owner.line
                diags.append(Diagnostic(name, q.line, "guess",
                                        f"question {q.number} has no answer of its own; it shares the answer of "
                                        f"question {owner.number} (line {owner.line})", q.text))
                continue
        diags.append(Diagnostic(name, q.line, "warning", f"question {q.number} has no answer", q.text))


def infer_jurisdiction(lines: tuple[str, ...], ref: Reference, filename: str) -> tuple[str, str, int]:
    """The jurisdiction the chapter is about: its title line ("Cybersecurity – Ruritania") if it has one,
    else the one it names most, else the file name."""
    title = ref.phrases["title_line"]
    for raw in [line for line in lines if not is_blank(line)][:5]:
        m = title.match(clean(raw))
        if m:
            return m.group("jurisdiction").strip(), "title line", 1
    text = "\n".join(lines)
    tally: dict[str, int] = {}
    for m in ref.jurisdiction_any.finditer(text):
        name = ref.jurisdiction_alias[m.group()]
        tally[name] = tally.get(name, 0) + 1
    counts = sorted(((n, name) for name, n in tally.items()), reverse=True)
    if counts and (counts[0][0] >= 2 and (len(counts) == 1 or counts[0][0] >= 2 * counts[1][0])):
        return counts[0][1], "text", counts[0][0]
    stem = re.sub(r"[_\-]+", " ", filename.rsplit(".", 1)[0]).strip().lower()
    for name, pattern in ref.jurisdictions:
        if name.lower() == stem or pattern.fullmatch(stem.title()) or pattern.fullmatch(stem.upper()):
            return name, "file name", 0
    if counts:
        return counts[0][1], "text", counts[0][0]
    return "Unknown", "none", 0


def parse(src: SourceText, ref: Reference, jurisdiction: str | None = None, edition: str | None = None,
          jurisdiction_source: str = "caller", name: str | None = None) -> Chapter:
    """The chapter's structure; the jurisdiction comes from the caller, else the text, else the file name.

    `name` is how rows name the file (`source_file`): the file name, or "folder/name" when two files of
    one name are read together."""
    name = name or src.name
    guessed: list[Diagnostic] = []
    if jurisdiction:
        source = jurisdiction_source
    else:
        jurisdiction, source, n = infer_jurisdiction(src.lines, ref, src.name)
        how = {"text": f"from {n} mentions in the text", "file name": "from the file name",
               "title line": "from the title line",
               "none": "(nothing in the text or file name says)"}[source]
        guessed.append(Diagnostic(name, 1, "guess", f"jurisdiction inferred as {jurisdiction} {how}"))
    headings, questions, furniture, unplaced, diags = parse_lines(src, ref, name,
                                                                  jurisdiction if source != "none" else None)
    diags = [replace(d, source_file=name) for d in src.warnings] + diags
    diags += [Diagnostic(name, line, "furniture", "page furniture (a title, author, date or page line), set aside",
                         text) for line, text in furniture]
    diags = guessed + diags
    nonblank = sum(1 for line in src.lines if not is_blank(line))
    return Chapter(name, src.path, jurisdiction, source, edition, headings, questions, furniture, unplaced,
                   diags, len(src.lines), nonblank)
