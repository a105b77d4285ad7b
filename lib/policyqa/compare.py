"""What changed between two editions of a chapter: the `changes` table.

The question analysts are asked most after "what does it say" is "what changed since last year". A diff
of two texts cannot say it: editors reword sentences, reorder lists, fix typos and rename agencies, and
every such edit shows as a change. This module compares the two editions' *tables* instead, one row per
change an analyst would list: an authority renamed, a guideline added, removed or renamed, a binding
status changed for an audience, a question's stance changed, a cross-reference added or removed.

Matching has to survive real editing, so it runs in steps, each saying how it matched (the `match`
column): the same title (lower-cased, without parentheses or list punctuation); the same title spelt
differently (a fixed typo is no change); the newer text saying that one replaced the other ("X, which
replaced Y", "X, formerly Y"); similar titles (rapidfuzz scores over thresholds in
data/reference/compare.csv). An authority that no longer issues anything and one that did not before are
one renamed authority when the newer text says so ("formerly", the old name in parentheses after the new)
or they share an abbreviation or most of their guidelines; its guidelines are then not changes.

Only the questionnaire sections both editions cover are compared: a chapter that leaves out a section
says nothing about it, so what stands there in the other edition is neither added nor removed.

`compare_editions(old, new)` is the API; `policyqa diff OLD NEW` the command; `what_changed` and
`changes_chart` feed notebook 07 and the briefing's "What changed since <edition>" section.
Nothing here names a chapter, jurisdiction or guideline: the vocabulary is in data/reference/compare.csv.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from policyqa.errors import PolicyqaError
from policyqa.schema import CHANGE_KINDS, NOT_STATED

#: the kinds drawn in the chart, in its order (stacks and legend)
CHART_KINDS = ("guideline added", "guideline removed", "guideline renamed", "status changed")


# ----------------------------------------------------------------------------- settings (data/reference/compare.csv)

@dataclass(frozen=True)
class Settings:
    """Thresholds and phrases of the matching; see data/reference/compare.csv for what each one means."""

    same_title_min_ratio: float = 95
    renamed_min_token_set: float = 80
    renamed_min_ratio: float = 60
    authority_min_shared: int = 2
    authority_min_share: float = 0.5
    successor_phrases: tuple[str, ...] = ()


def settings_path() -> Path:
    from policyqa.reference import reference_dir

    return reference_dir() / "compare.csv"


@lru_cache(maxsize=4)
def load_settings(path: str | Path | None = None) -> Settings:
    """The settings in compare.csv (`kind,value,meaning` rows; `#` rows are comments)."""
    path = Path(path) if path else settings_path()
    numbers: dict[str, float] = {}
    phrases: list[str] = []
    known = {f for f in Settings.__dataclass_fields__ if f != "successor_phrases"}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for n, row in enumerate(csv.reader(handle), start=1):
                if n == 1 or not row or not row[0].strip() or row[0].startswith("#"):
                    continue
                kind, value = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
                if kind == "successor_phrase" and value:
                    phrases.append(value)
                elif kind in known:
                    try:
                        numbers[kind] = float(value)
                    except ValueError:
                        raise PolicyqaError(str(path), n, f"{kind} must be a number, not {value!r}") from None
                else:
                    raise PolicyqaError(str(path), n, f"unknown setting {kind!r}; known: "
                                                      f"{', '.join(sorted(known | {'successor_phrase'}))}")
    except OSError as exc:
        raise PolicyqaError(str(path), 1, f"cannot read the comparison settings: {exc.strerror or exc}") from None
    values = {k: (int(v) if k == "authority_min_shared" else v) for k, v in numbers.items()}
    # longest first, so "which replaced" wins over "replaced" where both fit
    return Settings(**values, successor_phrases=tuple(sorted(phrases, key=len, reverse=True)))


# ----------------------------------------------------------------------------- one edition of a chapter

@dataclass
class Edition:
    """The rows of one chapter that a comparison needs, and its text (for 'formerly ...')."""

    file: str
    jurisdiction: str
    edition: str | None
    questions: object
    guidelines: object
    obligations: object
    cross_references: object
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text) of the chapter
    path: str = ""  # the file as it was read (for messages); empty for tables read back from files


def _files(tables) -> list[str]:
    seen: dict[str, None] = {}
    for s in getattr(tables, "summaries", None) or []:
        seen[s.source_file] = None
    for name in ("questions", "guidelines"):
        df = getattr(tables, name)
        for f in df["source_file"].dropna().astype(str):
            seen[f] = None
    return list(seen)


def edition_of(tables, file: str | None = None) -> Edition:
    """One chapter of `tables` (the only one, or the one named `file`) as an Edition."""
    files = _files(tables)
    if file is None:
        if len(files) != 1:
            where = files[0] if files else "tables"
            raise PolicyqaError(where, 1, f"{'no chapter' if not files else f'{len(files)} chapters'} in these "
                                          "tables; compare one chapter with one chapter")
        file = files[0]
    elif file not in files:
        raise PolicyqaError(file, 1, "no such chapter in these tables")
    q = tables.questions[tables.questions["source_file"] == file].reset_index(drop=True)
    g = tables.guidelines[tables.guidelines["source_file"] == file].reset_index(drop=True)
    o = tables.obligations[tables.obligations["guideline_id"].isin(set(g["guideline_id"]))].reset_index(drop=True)
    x = tables.cross_references[tables.cross_references["source_file"] == file].reset_index(drop=True)
    chapter = next((c for c in getattr(tables, "chapters", None) or [] if c.source_file == file), None)
    summary = next((s for s in getattr(tables, "summaries", None) or [] if s.source_file == file), None)
    jurisdiction = chapter.jurisdiction if chapter else summary.jurisdiction if summary else None
    if jurisdiction is None:
        values = [str(v) for v in (*q["jurisdiction"].dropna(), *g["jurisdiction"].dropna())]
        jurisdiction = values[0] if values else ""
    if chapter is not None:
        edition = chapter.edition
    else:
        editions = [str(e) for e in (*q["edition"].dropna(), *g["edition"].dropna())]
        edition = editions[0] if editions else None
    return Edition(file, jurisdiction, edition or None, q, g, o, x, _chapter_lines(q, summary),
                   getattr(summary, "path", "") or "")


def _chapter_lines(questions, summary) -> list[tuple[int, str]]:
    """The chapter's lines from its file; without the file (tables read back from CSV), the answers, each
    numbered with the line where it starts."""
    if summary is not None and getattr(summary, "path", None):
        from policyqa.read import read_text

        try:
            return list(enumerate(read_text(summary.path).lines, start=1))
        except (PolicyqaError, OSError):
            pass
    out = []
    for _, row in questions.iterrows():
        line = row.get("answer_line")
        line = int(row["line"]) if line is None or _isna(line) else int(line)
        out += [(line, text) for text in str(row.get("answer") or "").split("\n")]
    return out


def _isna(value) -> bool:
    import pandas as pd

    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


# ----------------------------------------------------------------------------- scope

def scope_questions(old: Edition, new: Edition, reference=None) -> list[int]:
    """The question numbers of the questionnaire sections both editions answer at least one question of."""
    from policyqa.reference import load_reference

    ref = reference or load_reference()
    section = {q.number: q.section for q in ref.questions}

    def sections(e: Edition) -> set[str]:
        return {section[int(n)] for n in e.questions["question_no"].dropna() if int(n) in section}

    common = sections(old) & sections(new)
    return sorted(q.number for q in ref.questions if q.section in common)


def _in_scope(df, column: str, numbers: set[int]):
    keep = [not _isna(v) and int(v) in numbers for v in df[column]]
    return df.loc[keep].reset_index(drop=True)


def _scoped_lines(e: Edition, numbers: set[int]) -> list[tuple[int, str]]:
    """The chapter's lines that stand under a question in scope (from its line to the next question's)."""
    starts = sorted((int(r["line"]), None if _isna(r["question_no"]) else int(r["question_no"]))
                    for _, r in e.questions.iterrows())
    out, i, current = [], 0, None
    for line, text in e.lines:
        while i < len(starts) and starts[i][0] <= line:
            current = starts[i][1]
            i += 1
        if current in numbers:
            out.append((line, text))
    return out


# ----------------------------------------------------------------------------- titles and names

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                         "\u00a0": " "})


def title_key(title: str) -> str:
    """A title as compared: lower case, straight quotes, no parentheses, no list punctuation or leading 'the'."""
    text = str(title or "").translate(_QUOTES).lower()
    text = re.sub(r"\s*\([^()]*\)", " ", text)
    text = re.sub(r"^[\s'\"]*(?:the\s+)?", "", text)
    text = re.sub(r"[\s;,.:'\"-]*(?:\band)?[\s;,.:'\"-]*$", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _name_pattern(name: str) -> str:
    """A regex for a title or name as written in running text: any spacing, any quotes or dashes."""
    words = [w for w in re.split(r"\s+", str(name).translate(_QUOTES).strip()) if w]
    parts = []
    for w in words:
        parts.append("".join("['\u2018\u2019]" if ch == "'" else '["\u201c\u201d]' if ch == '"' else
                             "[-\u2013\u2014]" if ch == "-" else re.escape(ch) for ch in w))
    return r"\s+".join(parts)


def _as_written(title: str) -> str:
    """The title without parenthesised parts or trailing punctuation: what the text will contain."""
    text = re.sub(r"\s*\([^()]*\)", "", str(title or ""))
    return re.sub(r"[\s;,.:\u2013\u2014-]+$", "", text).strip()


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\u2018\u201c'\"(])")


def _sentence_before(text: str, end: int) -> str:
    """The part of `text` before `end` that belongs to the same sentence."""
    before = text[:end]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    return before[ends[-1]:] if ends else before


def _successor_in_text(old_name: str, candidates: dict[str, str], lines: list[tuple[int, str]],
                       phrases: tuple[str, ...]) -> tuple[str, str, int] | None:
    """(candidate key, phrase, line) when a line says '<candidate> ... <phrase> [the] <old_name>': the candidate
    named nearest before the phrase in the same sentence is the successor. `candidates` maps key -> name."""
    if not phrases or not old_name.strip():
        return None
    phrase_re = "|".join(_name_pattern(p) for p in phrases)
    pattern = re.compile(rf"\b(?P<phrase>{phrase_re})\s+(?:the\s+)?['\"\u2018\u201c]?{_name_pattern(old_name)}",
                         re.IGNORECASE)
    for line, text in lines:
        for m in pattern.finditer(text):
            before = _sentence_before(text, m.start())
            best = None
            for key, name in candidates.items():
                if not name:
                    continue
                for c in re.finditer(_name_pattern(name), before, re.IGNORECASE):
                    if best is None or c.end() > best[1]:
                        best = (key, c.end())
            if best:
                return best[0], m.group("phrase").lower(), line
    return None


def _in_parentheses_after(new_name: str, old_name: str, lines: list[tuple[int, str]]) -> int | None:
    """The line where the text writes 'NEW (... OLD ...)': the old name in parentheses after the new."""
    pattern = re.compile(rf"{_name_pattern(new_name)}\s*\((?P<inside>[^()]*)\)", re.IGNORECASE)
    old = re.compile(rf"(?<!\w){_name_pattern(old_name)}(?!\w)", re.IGNORECASE)
    for line, text in lines:
        for m in pattern.finditer(text):
            if old.search(m.group("inside")):
                return line
    return None


# ----------------------------------------------------------------------------- matching guidelines

@dataclass
class Pair:
    """A guideline of the older edition and its counterpart in the newer (either may be None)."""

    old: int | None
    new: int | None
    how: str
    renamed: bool = False
    new_line: int | None = None  # where the text says one replaced the other, when it does


def _scores(a: str, b: str) -> tuple[float, float]:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b), fuzz.token_set_ratio(a, b)


def match_guidelines(old: Edition, new: Edition, settings: Settings,
                     new_lines: list[tuple[int, str]] | None = None) -> tuple[list[Pair], set[int]]:
    """Pairs of guideline rows (index into old.guidelines, new.guidelines), and the rows of the newer edition
    that only mention a title it says was replaced (not guidelines of that edition)."""
    og, ng = old.guidelines, new.guidelines
    okeys = [title_key(t) for t in og["title"]]
    nkeys = [title_key(t) for t in ng["title"]]
    pairs: list[Pair] = []
    free_old = list(range(len(og)))
    free_new = list(range(len(ng)))
    mentions: set[int] = set()

    def take(i: int, j: int | None, how: str, renamed: bool = False, new_line: int | None = None) -> None:
        free_old.remove(i)
        if j is not None:
            free_new.remove(j)
        pairs.append(Pair(i, j, how, renamed, new_line=new_line))

    # 1. the same title, and the same title spelt a little differently (a typo fixed is not a change)
    for i in list(free_old):
        j = next((j for j in free_new if nkeys[j] == okeys[i]), None)
        if j is not None:
            take(i, j, "same title")
    for i in list(free_old):
        best = max(((_scores(okeys[i], nkeys[j])[0], j) for j in free_new), default=None)
        if best and best[0] >= settings.same_title_min_ratio:
            take(i, best[1], f"same title, spelt differently (ratio {best[0]:.0f})")
    # 2. the newer text says which title replaced which ("X, which replaced Y"); a row of the newer edition
    #    that is only that mention of the old title is not one of its guidelines
    for i in [p.old for p in pairs] + list(free_old):
        candidates = {str(j): ng.loc[j, "title"] for j in free_new}
        found = _successor_in_text(_as_written(og.loc[i, "title"]), {k: _as_written(v) for k, v in candidates.items()},
                                   new_lines or [], settings.successor_phrases)
        if not found:
            continue
        j, phrase, line = int(found[0]), found[1], found[2]
        mention = next((p for p in pairs if p.old == i), None)
        if mention is not None:
            if mention.new is None or int(ng.loc[mention.new, "line"]) != line:
                continue  # the old title is a guideline of the newer edition in its own right
            pairs.remove(mention)
            mentions.add(mention.new)
            free_old.append(i)
        take(i, j, f"'{phrase}' at {new.file}:{line}", renamed=True, new_line=line)
    # 3. similar titles, best first
    scored = []
    for i in free_old:
        for j in free_new:
            ratio, token_set = _scores(okeys[i], nkeys[j])
            if token_set >= settings.renamed_min_token_set and ratio >= settings.renamed_min_ratio:
                scored.append((token_set + ratio, token_set, ratio, i, j))
    for _, token_set, ratio, i, j in sorted(scored, key=lambda s: (-s[0], s[3], s[4])):
        if i in free_old and j in free_new:
            take(i, j, f"similar title (token set {token_set:.0f}, ratio {ratio:.0f})", renamed=True)
    pairs += [Pair(i, None, "no counterpart") for i in free_old]
    pairs += [Pair(None, j, "no counterpart") for j in free_new if j not in mentions]
    return pairs, mentions


# ----------------------------------------------------------------------------- authorities

@dataclass
class Rename:
    old: str
    new: str
    how: str
    old_line: int | None
    new_line: int | None
    kept: int  # guidelines found in both editions under the old and the new name


def _abbreviations(g) -> dict[str, str]:
    out: dict[str, str] = {}
    for a, abbr in zip(g["issuing_authority"], g["authority_abbreviation"]):
        if not _isna(a) and not _isna(abbr) and str(abbr).strip():
            out.setdefault(str(a), str(abbr).strip())
    return out


def _first_line_naming(name: str, lines: list[tuple[int, str]]) -> int | None:
    pattern = re.compile(rf"(?<!\w){_name_pattern(name)}(?!\w)", re.IGNORECASE)
    return next((line for line, text in lines if pattern.search(text)), None)


def renamed_authorities(old: Edition, new: Edition, pairs: list[Pair], settings: Settings,
                        new_lines: list[tuple[int, str]]) -> list[Rename]:
    """Authorities of the older edition that the newer one names differently: the text says so ('formerly',
    the old name in parentheses after the new), the abbreviation is the same, or most guidelines moved."""
    og, ng = old.guidelines, new.guidelines
    olds = {str(a) for a in og["issuing_authority"].dropna()}
    news = {str(a) for a in ng["issuing_authority"].dropna()}
    fresh = sorted(news - olds)
    if not fresh:
        return []
    oabbr, nabbr = _abbreviations(og), _abbreviations(ng)
    moved: dict[tuple[str, str], int] = {}
    kept_total: dict[str, int] = {}
    for p in pairs:
        if p.old is None or p.new is None:
            continue
        a, b = og.loc[p.old, "issuing_authority"], ng.loc[p.new, "issuing_authority"]
        if _isna(a):
            continue
        kept_total[str(a)] = kept_total.get(str(a), 0) + 1
        if not _isna(b) and str(a) != str(b):
            moved[(str(a), str(b))] = moved.get((str(a), str(b)), 0) + 1
    first_line = {}
    for a, line in zip(og["issuing_authority"], og["line"]):
        if not _isna(a):
            first_line.setdefault(str(a), int(line))
    new_first = {}
    for b, line in zip(ng["issuing_authority"], ng["line"]):
        if not _isna(b):
            new_first.setdefault(str(b), int(line))
    out = []
    taken: set[str] = set()
    for a in sorted(olds):
        options = []
        for b in fresh:
            if b in taken:
                continue
            evidence, line = [], None
            said = _successor_in_text(a, {b: b}, new_lines, settings.successor_phrases)
            if said:
                evidence.append(f"'{said[1]}' at {new.file}:{said[2]}")
                line = said[2]
            inside = _in_parentheses_after(b, a, new_lines)
            if inside:
                evidence.append(f"old name in parentheses at {new.file}:{inside}")
                line = line or inside
            if oabbr.get(a) and oabbr.get(a) == nabbr.get(b):
                evidence.append(f"same abbreviation ({oabbr[a]})")
            shared = moved.get((a, b), 0)
            share = shared / kept_total[a] if kept_total.get(a) else 0.0
            gone = a not in news
            by_guidelines = gone and shared >= settings.authority_min_shared and share >= settings.authority_min_share
            if shared:
                evidence.append(f"same guidelines ({shared})")
            same_abbreviation = bool(oabbr.get(a)) and oabbr.get(a) == nabbr.get(b)
            if said or inside or (gone and same_abbreviation) or by_guidelines:
                options.append((bool(said or inside), shared, b, "; ".join(evidence), line))
        if options:
            _, shared, b, how, line = max(options, key=lambda o: (o[0], o[1]))
            taken.add(b)
            old_line = _first_line_naming(a, old.lines) or first_line.get(a)
            out.append(Rename(a, b, how, old_line, line or _first_line_naming(b, new_lines) or new_first.get(b),
                              shared))
    return out


# ----------------------------------------------------------------------------- status per audience

def _obligations(e: Edition, index: int) -> list[tuple[str, str, str, int | None]]:
    """(audience, audience group, mandatoriness, line) of one guideline."""
    gid = e.guidelines.loc[index, "guideline_id"]
    rows = e.obligations[e.obligations["guideline_id"] == gid]
    group = rows["audience_group"] if "audience_group" in rows.columns else [None] * len(rows)
    line = rows["status_line"] if "status_line" in rows.columns else rows.get("line", [None] * len(rows))
    return [(str(a), "" if _isna(gr) else str(gr), str(m), None if _isna(ln) else int(ln))
            for a, gr, m, ln in zip(rows["audience"], group, rows["mandatoriness"], line)]


def _audience_key(audience: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"^the\s+", "", str(audience).lower().translate(_QUOTES))).strip()


def status_changes(old_rows, new_rows) -> list[tuple[str, str, str, int | None, int | None, str]]:
    """(audience, old level, new level, old line, new line, how) for each audience whose status differs; an
    audience one edition does not name has status 'not stated' there."""
    free_new = list(range(len(new_rows)))
    paired = []
    for i, (aud, _, _, _) in enumerate(old_rows):
        j = next((j for j in free_new if _audience_key(new_rows[j][0]) == _audience_key(aud)), None)
        if j is not None:
            free_new.remove(j)
            paired.append((i, j, "same audience"))
    done = {i for i, _, _ in paired}
    for i, (_, group, _, _) in enumerate(old_rows):
        if i in done or group in ("", "other", NOT_STATED):
            continue
        j = next((j for j in free_new if new_rows[j][1] == group), None)
        if j is not None:
            free_new.remove(j)
            done.add(i)
            paired.append((i, j, f"same audience group ({group})"))
    out = []
    for i, j, how in paired:
        (_, _, before, oline), (aud, _, after, nline) = old_rows[i], new_rows[j]
        if before != after:
            out.append((aud, before, after, oline, nline, how))
    for i, (aud, _, before, oline) in enumerate(old_rows):
        if i not in done and before != NOT_STATED:
            out.append((aud, before, NOT_STATED, oline, None, "audience not named in the newer edition"))
    for j in free_new:
        aud, _, after, nline = new_rows[j]
        if after != NOT_STATED:
            out.append((aud, NOT_STATED, after, None, nline, "audience not named in the older edition"))
    return out


# ----------------------------------------------------------------------------- the comparison

def _int(v) -> int | None:
    return None if _isna(v) else int(v)


def _str(v) -> str | None:
    return None if _isna(v) else str(v)


def compare_editions(old, new, *, questions=None, settings: Settings | None = None):
    """The `changes` table between two editions of one jurisdiction's chapter.

        >>> changes = policyqa.compare_editions(policyqa.read_chapter("data/raw/denmark.txt"),
        ...                                     policyqa.read_chapter("data/raw/denmark-2024.txt"))
        >>> changes[["kind", "subject", "old_value", "new_value"]]

    `old` and `new` are the tables of one chapter each (`policyqa.read_chapter`), or an `Edition`.
    Only the questionnaire sections both editions cover are compared, unless `questions` lists the
    question numbers to compare. Two chapters of different jurisdictions raise PolicyqaError: their
    differences are not changes.
    """
    settings = settings or load_settings()
    o = old if isinstance(old, Edition) else edition_of(old)
    n = new if isinstance(new, Edition) else edition_of(new)
    if o.jurisdiction.casefold() != n.jurisdiction.casefold():
        message = (f"{o.file} is a chapter for {o.jurisdiction} and {n.file} for {n.jurisdiction}: only two "
                   "editions of one jurisdiction's chapter can be compared")
        raise PolicyqaError(n.path or n.file, 1, message)
    numbers = sorted({int(q) for q in questions}) if questions is not None else scope_questions(o, n)
    so, sn = _scoped(o, set(numbers)), _scoped(n, set(numbers))
    return _frame(_changes(so, sn, settings), so, sn, numbers)


def _scoped(e: Edition, scope: set[int]) -> Edition:
    """The edition's rows and lines under the questions in scope."""
    return Edition(e.file, e.jurisdiction, e.edition, _in_scope(e.questions, "question_no", scope),
                   _in_scope(e.guidelines, "question_no", scope), e.obligations,
                   _in_scope(e.cross_references, "from_question_no", scope), _scoped_lines(e, scope), e.path)


def _changes(o: Edition, n: Edition, settings: Settings) -> list[dict]:
    og, ng = o.guidelines, n.guidelines
    pairs, _ = match_guidelines(o, n, settings, n.lines)
    renames = renamed_authorities(o, n, pairs, settings, n.lines)
    rows: list[dict] = []

    def row(kind, subject, old_value=None, new_value=None, old_line=None, new_line=None, how="", question=None,
            authority=None, audience=None):
        rows.append({"kind": kind, "subject": subject, "old_value": old_value, "new_value": new_value,
                     "old_line": old_line, "new_line": new_line, "match": how, "question_no": question,
                     "authority": authority, "audience": audience})

    for r in renames:
        row("authority renamed", r.new, r.old, r.new, r.old_line, r.new_line, r.how, authority=r.new)
    for p in pairs:
        if p.old is None:
            g = ng.loc[p.new]
            row("guideline added", str(g["title"]), None, str(g["title"]), None, _int(g["line"]), p.how,
                _int(g["question_no"]), _str(g["issuing_authority"]))
        elif p.new is None:
            g = og.loc[p.old]
            row("guideline removed", str(g["title"]), str(g["title"]), None, _int(g["line"]), None, p.how,
                _int(g["question_no"]), _str(g["issuing_authority"]))
        else:
            before, after = og.loc[p.old], ng.loc[p.new]
            title, authority = str(after["title"]), _str(after["issuing_authority"])
            if p.renamed:
                row("guideline renamed", title, str(before["title"]), title, _int(before["line"]),
                    p.new_line or _int(after["line"]), p.how, _int(after["question_no"]), authority)
            for aud, was, now, oline, nline, how in status_changes(_obligations(o, p.old), _obligations(n, p.new)):
                row("status changed", title, was, now, oline or _int(before["line"]), nline or _int(after["line"]),
                    f"{p.how}; {how}", _int(after["question_no"]), authority, aud)
    oq, nq = _by_number(o.questions), _by_number(n.questions)
    for q in sorted(set(oq) & set(nq)):
        was, now = _str(oq[q]["stance"]), _str(nq[q]["stance"])
        if was and now and was != now:
            row("stance changed", f"question {q}", was, now, _int(oq[q]["line"]), _int(nq[q]["line"]),
                "same question number", q)
    ox, nx = _xrefs(o.cross_references), _xrefs(n.cross_references)
    for (a, b), line in nx.items():
        if (a, b) not in ox:
            row("cross-reference added", f"question {a}", None, f"question {b}", None, line, "no counterpart", a)
    for (a, b), line in ox.items():
        if (a, b) not in nx:
            row("cross-reference removed", f"question {a}", f"question {b}", None, line, None, "no counterpart", a)
    return rows


def _by_number(questions) -> dict:
    """Each question number's first row (by line)."""
    out: dict = {}
    for _, r in questions.sort_values("line").iterrows():
        if not _isna(r["question_no"]):
            out.setdefault(int(r["question_no"]), r)
    return out


def _xrefs(df) -> dict[tuple[int, int], int]:
    out: dict[tuple[int, int], int] = {}
    for _, r in df.sort_values("line").iterrows():
        if _isna(r["from_question_no"]) or _isna(r["to_question_no"]):
            continue
        out.setdefault((int(r["from_question_no"]), int(r["to_question_no"])), int(r["line"]))
    return out


def _frame(rows: list[dict], o: Edition, n: Edition, numbers: list[int]):
    """The rows as the declared `changes` table, in a stable order, validated; what was compared in .attrs."""
    import pandas as pd

    from policyqa.schema import DERIVED_TABLES, frame_dtypes, pandera_schema

    kind_rank = {k: i for i, k in enumerate(CHANGE_KINDS)}
    rows = sorted(rows, key=lambda r: (kind_rank[r["kind"]], r["question_no"] or 0,
                                       r["new_line"] or r["old_line"] or 0, r["subject"], r["audience"] or ""))
    for r in rows:
        r.update(jurisdiction=n.jurisdiction, old_edition=o.edition, new_edition=n.edition, old_file=o.file,
                 new_file=n.file)
    dtypes = frame_dtypes("changes")
    cols = DERIVED_TABLES["changes"].names
    df = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=dtypes[c]) for c in cols}, columns=cols)
    df = pandera_schema("changes").validate(df)
    df.attrs.update(jurisdiction=n.jurisdiction, old_file=o.file, new_file=n.file, old_edition=o.edition,
                    new_edition=n.edition, questions=list(numbers),
                    not_exhaustive=bool(o.guidelines.get("not_exhaustive", pd.Series(dtype=bool)).fillna(False).any()
                                        or n.guidelines.get("not_exhaustive", pd.Series(dtype=bool)).fillna(False).any()))
    return df


# ----------------------------------------------------------------------------- editions in a corpus

def _edition_year(edition) -> int:
    text = "" if edition is None or _isna(edition) else str(edition)
    return int(text) if text.isdigit() else 0


def editions(tables, jurisdiction: str) -> list[Edition]:
    """The chapters of one jurisdiction (by name or by a chapter's file name) in `tables`, oldest edition first;
    chapters with no dated edition count as older than any dated one."""
    wanted = str(jurisdiction).strip().casefold()
    found = [edition_of(tables, f) for f in _files(tables)]
    named = next((e.jurisdiction for e in found if e.file.casefold() == wanted
                  or Path(e.file).stem.casefold() == wanted), None)
    name = (named or jurisdiction).casefold()
    mine = [e for e in found if e.jurisdiction.casefold() == name]
    if not mine:
        names = sorted({e.jurisdiction for e in found})
        raise PolicyqaError("jurisdiction", 1, f"no chapter for jurisdiction {jurisdiction!r}; the chapters here "
                                               f"are for {', '.join(names) or 'nothing'}")
    return sorted(mine, key=lambda e: (_edition_year(e.edition), e.file))


def latest_pair(tables, jurisdiction: str) -> tuple[Edition, Edition] | None:
    """The jurisdiction's newest edition and the one before it (the newest chapter of an older edition), or
    None when it has only one dated edition."""
    found = editions(tables, jurisdiction)
    if len(found) < 2:
        return None
    newest = found[-1]
    older = [e for e in found if _edition_year(e.edition) < _edition_year(newest.edition)]
    return (older[-1], newest) if older else None


# ----------------------------------------------------------------------------- findings, chart, briefing section

def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _since(changes) -> str:
    a = changes.attrs
    return a.get("old_edition") or a.get("old_file") or "the older edition"


def _questions_span(numbers) -> str:
    nums = sorted(int(x) for x in numbers or [])
    if not nums:
        return "no question"
    if nums == list(range(nums[0], nums[-1] + 1)) and len(nums) > 2:
        return f"questions {nums[0]}\u2013{nums[-1]}"
    return ("question " if len(nums) == 1 else "questions ") + ", ".join(map(str, nums))


def findings(changes) -> list[str]:
    """The changes in plain sentences, most telling first: what a briefing says above the table."""
    a = changes.attrs
    old_label = f"the {a['old_edition']} edition" if a.get("old_edition") else a.get("old_file", "the older edition")
    new_label = f"the {a['new_edition']} edition" if a.get("new_edition") else a.get("new_file", "the newer edition")
    by = changes.groupby("kind", observed=True).size()
    n = {k: int(by.get(k, 0)) for k in CHANGE_KINDS}
    span = _questions_span(a.get("questions"))
    if changes.empty:
        return [f"No change between {old_label} and {new_label} in {span}."]
    out = []
    counts = [(verb, n[kind]) for verb, kind in (("adds", "guideline added"), ("drops", "guideline removed"),
                                                  ("renames", "guideline renamed")) if n[kind]]
    parts = [f"{verb} {_count(c, 'guideline')}" if k == 0 else f"{verb} {c}" for k, (verb, c) in enumerate(counts)]
    if parts:
        listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        out.append(f"Compared with {old_label}, {new_label} {listed} ({span}).")
    else:
        out.append(f"Compared with {old_label}, {new_label} adds, drops and renames no guideline ({span}).")
    for _, r in changes[changes["kind"] == "authority renamed"].iterrows():
        out.append(f"{r['old_value']} is now named {r['new_value']}; its guidelines are not counted as changed "
                   "for that.")
    for _, r in changes[changes["kind"] == "guideline renamed"].iterrows():
        out.append(f"\u2018{r['old_value']}\u2019 is now \u2018{r['new_value']}\u2019.")
    for _, r in changes[changes["kind"] == "status changed"].iterrows():
        who = "an audience the chapter does not name" if r["audience"] == NOT_STATED else r["audience"]
        out.append(f"\u2018{r['subject']}\u2019 is now {r['new_value']} for {who} (was {r['old_value']}).")
    for _, r in changes[changes["kind"] == "stance changed"].iterrows():
        out.append(f"The answer to {r['subject']} changed from {r['old_value']} to {r['new_value']}.")
    xa, xr = n["cross-reference added"], n["cross-reference removed"]
    if xa or xr:
        out.append(f"Cross-references between answers: {xa} added, {xr} removed.")
    return out


def summary_line(changes) -> str:
    """One line for a terminal: what was compared and how many changes of each kind (chapter text escaped)."""
    a = changes.attrs
    old = a.get("old_file", "?") + (f" ({a['old_edition']})" if a.get("old_edition") else "")
    new = a.get("new_file", "?") + (f" ({a['new_edition']})" if a.get("new_edition") else "")
    by = changes.groupby("kind", observed=True).size()
    kinds = ", ".join(f"{k} {int(by[k])}" for k in CHANGE_KINDS if int(by.get(k, 0)))
    what = f"{_count(len(changes), 'change')}: {kinds}" if len(changes) else "no change"
    text = f"{old} -> {new}, {_questions_span(a.get('questions'))}: {what}"
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _authority_label(authority, renames: dict[str, str]) -> str:
    from policyqa.charts import NO_AUTHORITY

    if authority is None or _isna(authority):
        return NO_AUTHORITY
    return f"{authority} (formerly {renames[authority]})" if authority in renames else str(authority)


def changes_chart_data(changes):
    """Per issuing authority (renamed ones under their new name), how many guidelines were added, removed or
    renamed and how many statuses changed: the numbers `changes_chart` draws, largest total first."""
    import pandas as pd

    renames = {r["new_value"]: r["old_value"] for _, r in changes[changes["kind"] == "authority renamed"].iterrows()}
    rows = changes[changes["kind"].isin(CHART_KINDS)]
    labels = [_authority_label(v, renames) for v in rows["authority"]]
    table = pd.crosstab(pd.Series(labels, name="authority", dtype="object"),
                        pd.Series(rows["kind"].astype(str).tolist(), name="kind", dtype="object"))
    table = table.reindex(columns=list(CHART_KINDS), fill_value=0)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    table = table.reset_index()
    return table.sort_values(["total", "authority"], ascending=[False, True]).reset_index(drop=True)


def chart_finding(changes) -> str:
    """The chart's title: the finding in words, computed from the table."""
    data = changes_chart_data(changes)
    since = _since(changes)
    totals = {k: int(data[k].sum()) if len(data) else 0 for k in CHART_KINDS}
    if not sum(totals.values()):
        return f"No guideline added, removed or renamed and no status changed since {since}"
    words = [f"{_count(totals['guideline added'], 'guideline')} added" if totals["guideline added"] else "",
             f"{totals['guideline removed']} removed" if totals["guideline removed"] else "",
             f"{totals['guideline renamed']} renamed" if totals["guideline renamed"] else "",
             _count(totals["status changed"], "status change") if totals["status changed"] else ""]
    words = [w for w in words if w]
    text = f"Since {since}: " + (", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0])
    top = data[data["total"] == data["total"].max()]
    if len(data) > 1 and len(top) == 1:
        text += f"; most at {top['authority'].iloc[0]}"
    return text


def chart_source(changes) -> str:
    """'Sources: OLD (2019) and NEW (2024), questions 13-19 (the sections both editions cover).'"""
    a = changes.attrs
    old = f"{a.get('old_file', '?')}" + (f" ({a['old_edition']})" if a.get("old_edition") else "")
    new = f"{a.get('new_file', '?')}" + (f" ({a['new_edition']})" if a.get("new_edition") else "")
    text = f"Sources: {old} and {new}, {_questions_span(a.get('questions'))} (the sections both editions cover)"
    if a.get("not_exhaustive"):
        from policyqa.charts import NOT_EXHAUSTIVE_NOTE

        text += f"; lists are {NOT_EXHAUSTIVE_NOTE}, so a guideline no longer listed may still exist"
    return text + "."


#: one Okabe-Ito colour per kind of change (none of the mandatoriness colours, which mean binding status)
KIND_COLORS = {"guideline added": "bluish green", "guideline removed": "reddish purple",
               "guideline renamed": "sky blue", "status changed": "yellow"}


def changes_chart(changes):
    """Guidelines added, removed and renamed and statuses changed, by issuing authority: one stacked bar each,
    in the house style (title stating the finding, axis labels in words, source line, Okabe-Ito colours)."""
    import matplotlib
    from matplotlib.patches import Patch

    from policyqa import charts

    data = changes_chart_data(changes)
    fig = charts._figure(1.9 + 0.42 * max(1, len(data)))
    with matplotlib.rc_context(charts.STYLE):
        ax = charts._axes(fig)
        if data.empty:
            charts._empty(ax, "no guideline added, removed or renamed, no status changed")
        else:
            labels = [charts._wrap(a, 42) for a in data["authority"]]
            y = list(range(len(data)))
            left = [0] * len(data)
            span = max(1, int(data["total"].max()))
            present = []
            for kind in CHART_KINDS:
                values = data[kind].astype(int).tolist()
                if not any(values):
                    continue
                color = charts.OKABE_ITO[KIND_COLORS[kind]]
                present.append(kind)
                ax.barh(y, values, left=left, color=color, edgecolor="white", linewidth=0.8, height=0.68)
                for i, v in enumerate(values):
                    if v:
                        ax.text(left[i] + v / 2, y[i], str(v), ha="center", va="center", fontsize=8,
                                color=charts._text_color(color))
                left = [a + b for a, b in zip(left, values)]
            for i, total in enumerate(data["total"].astype(int)):
                ax.text(total + span * 0.01, y[i], str(total), ha="left", va="center", fontsize=9,
                        fontweight="bold", color=charts.INK)
            ax.set_yticks(y, labels)
            ax.invert_yaxis()
            ax.set_xlim(0, span * 1.1)
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.set_xlabel("Changes between the two editions")
            ax.set_ylabel("Issuing authority")
            handles = [Patch(facecolor=charts.OKABE_ITO[KIND_COLORS[k]], edgecolor="none",
                             label=k.replace("guideline ", "")) for k in present]
            ax.legend(handles=handles, ncols=len(handles), loc="lower left", bbox_to_anchor=(0, 1.0),
                      borderaxespad=0.2, handlelength=1.2, columnspacing=1.2, frameon=False)
        subtitle = ("Guidelines added, removed and renamed, and changes of binding status for an audience, per "
                    "issuing authority (a renamed authority under its new name)")
    return charts._furnish(fig, ax, chart_finding(changes), subtitle, chart_source(changes))


def write_chart(changes, path: str | Path, dpi: int | None = None) -> Path:
    """`changes_chart` to one file, PNG (300 dpi unless `dpi` says) or SVG by its suffix, written atomically
    (an SVG is byte-for-byte reproducible, as `charts.save` makes them)."""
    import matplotlib

    from policyqa import charts
    from policyqa.export import atomic_path

    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise PolicyqaError(str(target), 1, "the chart is written as .png or .svg")
    fig = changes_chart(changes)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp, matplotlib.rc_context({"svg.hashsalt": charts.SVG_HASH_SALT,
                                                                 "svg.fonttype": "path"}):
            meta = {"Software": "policyqa", "Title": charts.finding(fig)} if fmt == "png" else \
                {"Date": None, "Creator": "policyqa", "Title": charts.finding(fig)}
            fig.savefig(tmp, format=fmt, dpi=dpi or charts.PNG_DPI, metadata=meta)
    except OSError as exc:
        raise PolicyqaError(str(target), 1, f"cannot write the chart there: {exc.strerror or exc}") from None
    return target


#: styles for the section's table, for the briefing page's stylesheet
SECTION_CSS = """
table.changes { border-collapse: collapse; font-size: .8rem; margin: 1rem 0; width: 100%; }
table.changes th, table.changes td { border-bottom: 1px solid #ddd; padding: .25rem .4rem; text-align: left;
                                     vertical-align: top; }
table.changes th { color: #555; font-weight: normal; }
"""


@dataclass
class WhatChanged:
    """The briefing's "What changed since <edition>" section: findings, the changes table and the chart."""

    changes: object
    findings: list[str]
    figure: dict | None = None  # {"png": Path, "svg": Path} once saved

    @property
    def title(self) -> str:
        return f"What changed since {_since(self.changes)}"

    def table_html(self) -> str:
        """The changes as an HTML table; every value escaped (chapter text is untrusted)."""
        cols = ["kind", "subject", "audience", "old_value", "new_value", "old_line", "new_line", "match"]
        heads = ["change", "subject", "audience", "before", "after", "old line", "new line", "how matched"]
        esc = html.escape
        out = ['<table class="changes">', "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in heads)
               + "</tr></thead>", "<tbody>"]
        for _, r in self.changes.iterrows():
            cells = ["" if _isna(r[c]) else str(r[c]) for c in cols]
            out.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        out += ["</tbody>", "</table>"]
        return "\n".join(out)

    def html(self, figures_url: str = "figures", wrap: bool = True) -> str:
        """The whole section as HTML: heading, findings, chart (when saved) and table (`wrap=False`: the body only,
        for a page that writes its own section heading)."""
        esc = html.escape
        a = self.changes.attrs
        lead = f"{a.get('old_file')} compared with {a.get('new_file')}, {_questions_span(a.get('questions'))}."
        parts = (['<section id="what-changed">', f"<h2>{esc(self.title)}</h2>"] if wrap else []) + [
            f'<p class="lead">{esc(lead)}</p>', '<ul class="findings">', *[f"<li>{esc(s)}</li>" for s in self.findings],
            "</ul>"]
        if self.figure:
            svg, png = f"{figures_url}/{self.figure['svg'].name}", f"{figures_url}/{self.figure['png'].name}"
            parts += ['<figure id="what-changed-chart">', f'<img src="{esc(svg)}" alt="{esc(self.chart_finding)}">',
                      f"<figcaption>{esc(chart_source(self.changes))} "
                      f'<a href="{esc(png)}">PNG</a> \u00b7 <a href="{esc(svg)}">SVG</a></figcaption>', "</figure>"]
        parts += [self.table_html()] + (["</section>"] if wrap else [])
        return "\n".join(parts)

    @property
    def chart_finding(self) -> str:
        return chart_finding(self.changes)


def what_changed(tables, jurisdiction: str) -> WhatChanged | None:
    """The changes from the jurisdiction's previous edition to its newest, with findings; None when `tables`
    hold only one edition of it."""
    pair = latest_pair(tables, jurisdiction)
    if pair is None:
        return None
    changes = compare_editions(*pair)
    return WhatChanged(changes, findings(changes))


def briefing_section(tables, jurisdiction: str, figures_dir: str | Path, name: str = "what-changed"
                     ) -> WhatChanged | None:
    """`what_changed` with its chart saved (PNG and SVG, `charts.save`) in `figures_dir`: what the briefing page
    shows as "What changed since <edition>" (`.html()`), or None when there is one edition only."""
    from policyqa import charts

    section = what_changed(tables, jurisdiction)
    if section is None:
        return None
    section.figure = charts.save(changes_chart(section.changes), figures_dir, name)
    return section


__all__ = ["compare_editions", "Edition", "edition_of", "editions", "latest_pair", "what_changed",
           "briefing_section", "findings", "changes_chart", "changes_chart_data", "load_settings", "Settings"]
