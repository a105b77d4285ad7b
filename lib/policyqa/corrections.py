"""Corrections as data: `data/corrections.csv`, an analyst's fixes to the extracted tables, applied on every run.

No extractor is right on every chapter an analyst brings. Rather than editing the tables by hand (lost at the
next run) or the vocabularies (which change every chapter), an analyst writes one row per fix in a
spreadsheet, and every path that reads chapters (`policyqa tables`, `review`, `outline`, `diff`,
`read_chapter`, `read_corpus`, the notebooks, the briefing) applies it after extraction, so a rerun or CI
gives the corrected tables.

A row is keyed on what survives re-extraction: the chapter's jurisdiction, its source file, and the
guideline's title as extracted (and/or its line), never a `guideline_id` (ids are positions and move when
the extractor finds one more guideline). A corrected row says so: `rule` or `status_rule` is `correction`
and its confidence `high`. A row that no longer matches anything (the extractor now gets it right, or the
chapter changed) is a `warning` in `diagnostics`; a malformed row is a `PolicyqaError` naming the file and
line, so nothing is written.

Where the file is: `corrections.csv` in the folder above the chapters' folder (`data/raw/x.txt` ->
`data/corrections.csv`), whatever the working directory (the notebooks run in `notebooks/`). The
`corrections=` argument (`--corrections FILE` on the command line, or the `POLICYQA_CORRECTIONS`
environment variable the briefing passes to its notebooks) names another file, or `none` to apply none.

The columns and actions are declared once, below; `columns_markdown()` writes the README's table of them.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from policyqa.errors import PolicyqaError
from policyqa.schema import AUDIENCE_GROUPS, MANDATORINESS_LEVELS, NOT_STATED, Column, Diagnostic

FILE_NAME = "corrections.csv"
ENV = "POLICYQA_CORRECTIONS"
RULE = "correction"  # the `rule` / `status_rule` of a corrected row
OFF = ("none", "off", "")


@dataclass(frozen=True)
class Action:
    """What a row does: the columns it needs filled and the others it may fill (beyond the key)."""

    name: str
    meaning: str
    needs: tuple[str, ...] = ()
    may: tuple[str, ...] = ()
    targets: bool = True  # finds an extracted guideline by title and/or line (all but `add`)


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("drop", "remove the guideline (and its obligation rows): not a guideline, or a duplicate"),
    Action("title", "change the guideline's title to `new_title` (and its `instrument_type`, if given)",
           needs=("new_title",), may=("instrument_type",)),
    Action("authority", "set the issuing authority (and its abbreviation, if given)",
           needs=("issuing_authority",), may=("authority_abbreviation",)),
    Action("status", "set for whom the guideline binds and how: the guideline's `status` rows together replace "
           "all of its obligation rows (one row per audience)",
           needs=("audience", "mandatoriness"), may=("audience_group",)),
    Action("add", "add a guideline the extractor missed, named at `line` of `source_file` (its question is the "
           "one whose answer holds the line); `audience` and `mandatoriness` give it an obligation row",
           needs=("title", "line"),
           may=("issuing_authority", "authority_abbreviation", "instrument_type", "audience", "mandatoriness",
                "audience_group"), targets=False),
    Action("checked", "the row is right as extracted: its confidence (and its obligations') becomes high, so "
           "review lists it no more; its rule is kept"),
)}

_T = "text"
#: The columns of corrections.csv, in order. The first three are needed on every row.
COLUMNS: tuple[Column, ...] = (
    Column("jurisdiction", _T, "the chapter's jurisdiction, as in the tables (any case)"),
    Column("source_file", _T, "the chapter file, as in the tables' `source_file` (`denmark.txt`)"),
    Column("action", "category", "what to do (the actions below)", values=tuple(ACTIONS)),
    Column("title", _T, "the guideline's title as extracted, which the row targets (any case and spacing); for "
           "`add`, the title of the guideline to add", nullable=True),
    Column("line", "count", "the chapter's line: where the targeted guideline is (tells apart two of one title); "
           "alone, without a title, every guideline named on that line, or if none is, every guideline whose "
           "binding status was read from it (a statement about a whole list); for `add`, the line that names "
           "the guideline", nullable=True, minimum=1),
    Column("new_title", _T, "the right title", nullable=True),
    Column("issuing_authority", _T, "the body that issues the guideline, in full", nullable=True),
    Column("authority_abbreviation", _T, "its abbreviation", nullable=True),
    Column("instrument_type", _T, "the instrument noun (guide, framework, standard ...); for `add`, read from the "
           "title when empty", nullable=True),
    Column("audience", _T, "the audience as the chapter words it, or `not stated`", nullable=True),
    Column("mandatoriness", "category", "how binding the guideline is for that audience",
           nullable=True, values=MANDATORINESS_LEVELS),
    Column("audience_group", "category", "the audience group, when the vocabulary's "
           "(data/reference/audience_groups.csv) is wrong for this audience", nullable=True, values=AUDIENCE_GROUPS),
    Column("note", _T, "free text for the analyst (why); never read", nullable=True),
)
NAMES = tuple(c.name for c in COLUMNS)
KEY = ("jurisdiction", "source_file", "action")
_VALUES = ("new_title", "issuing_authority", "authority_abbreviation", "instrument_type", "audience",
           "mandatoriness", "audience_group")


@dataclass(frozen=True)
class Correction:
    """One row of a corrections file, checked; `file` and `row` say where it is (for messages)."""

    file: str
    row: int
    jurisdiction: str
    source_file: str
    action: str
    title: str | None = None
    line: int | None = None
    new_title: str | None = None
    issuing_authority: str | None = None
    authority_abbreviation: str | None = None
    instrument_type: str | None = None
    audience: str | None = None
    mandatoriness: str | None = None
    audience_group: str | None = None
    note: str | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.row}"

    def describe(self) -> str:
        """'title "Guide to X" (line 12)': what the row targets, for messages."""
        parts = [f'"{self.title}"'] if self.title else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        return f"{self.action} " + (" at ".join(parts) if parts else "(no target)")


@dataclass
class Outcome:
    """What became of one correction when chapters were read: applied, stale (matched nothing), or not read
    (its chapter was not among those read)."""

    correction: Correction
    status: str  # applied | stale | not read
    guideline_ids: list[str] = field(default_factory=list)
    message: str = ""


# ----------------------------------------------------------------------------- the README's table

def columns_markdown() -> str:
    """The README's tables of corrections.csv: its columns, then its actions (a test keeps the README in step)."""
    out = ["| column | used by | meaning |", "|---|---|---|"]
    for c in COLUMNS:
        if c.name in KEY:
            users = "every row"
        elif c.name == "note":
            users = "any row"
        elif c.name in ("title", "line"):
            users = "every action (a title, a line or both); `add` needs both"
        else:
            users = ", ".join(f"`{a.name}`" for a in ACTIONS.values() if c.name in (*a.needs, *a.may))
        allowed = f" One of: {', '.join(f'`{v}`' for v in c.values)}." if c.values and c.name != "action" else ""
        out.append(f"| `{c.name}` | {users} | {c.meaning}.{allowed} |")
    out += ["", "| action | what it does | needs | may also fill |", "|---|---|---|---|"]
    for a in ACTIONS.values():
        needs = ", ".join(f"`{n}`" for n in a.needs) or ("a title or a line" if a.targets else "")
        if a.targets and a.needs:
            needs = "a title or a line; " + needs
        out.append(f"| `{a.name}` | {a.meaning} | {needs} | {', '.join(f'`{m}`' for m in a.may)} |")
    return "\n".join(out)


def header_line() -> str:
    return ",".join(NAMES)


# ----------------------------------------------------------------------------- where the file is

def locate(inputs) -> list[Path]:
    """The corrections files of some chapter files or folders: `corrections.csv` in the folder above each
    chapter's folder, those that exist, each once. `data/raw` and `data/raw/x.txt` both give
    `data/corrections.csv`; the path keeps the form it was given in (relative stays relative)."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    found: dict[Path, Path] = {}
    for item in inputs:
        p = Path(item)
        folder = p if p.is_dir() else p.parent
        if folder.name in ("", ".", ".."):
            folder = folder.resolve()
        candidate = folder.parent / FILE_NAME
        if candidate.is_file():
            found.setdefault(candidate.resolve(), candidate)
    return list(found.values())


def resolve(corrections, inputs) -> list[Path]:
    """The corrections files to apply: the argument (a path, or `none`), else $POLICYQA_CORRECTIONS, else the
    ones beside the inputs (`locate`). A file named explicitly must exist."""
    if corrections is None:
        corrections = os.environ.get(ENV) or None
    if corrections is None:
        return locate(inputs)
    if corrections is False or str(corrections).strip().casefold() in OFF:
        return []
    path = Path(corrections)
    if not path.is_file():
        raise PolicyqaError(str(path), 1, "no such corrections file (give a CSV file, or 'none' to apply none)")
    return [path]


# ----------------------------------------------------------------------------- reading the file

def _cell(value: str | None) -> str | None:
    """A cell as the analyst meant it: trimmed, None when empty, without the apostrophe a spreadsheet-safe
    copy puts before '=', '+', '-', '@' (see export.neutralise)."""
    if value is None:
        return None
    value = " ".join(value.split()) if "\n" not in value else value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        value = value[1:]
    return value or None


def _lines(text: str) -> list[str]:
    """The file's lines, a comment line (# ...) blanked so that csv keeps counting lines as an editor does."""
    return ["\n" if ln.lstrip().startswith("#") else ln for ln in text.splitlines(keepends=True)]


def parse(text: str, name: str) -> list[Correction]:
    """The rows of a corrections file (its text; `name` for messages), checked. A malformed row is a
    PolicyqaError at its line: an unknown column or action, a missing value the action needs, a value the
    action does not take, a line that is no number, a level or group that does not exist, a repeated row.
    Cells are separated by commas, or by semicolons when the header has more of them (as a spreadsheet in a
    European locale saves CSV)."""
    lines = _lines(text)
    first = next((ln for ln in lines if ln.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","  # a spreadsheet saving CSV in a European locale
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)
    header: list[str] | None = None
    out: list[Correction] = []
    seen: dict[tuple, int] = {}
    last = 0
    for cells in reader:
        start, last = last + 1, reader.line_num
        if not any(c.strip() for c in cells) or cells[0].strip().startswith("#"):
            continue  # blank, or a comment a spreadsheet saved in quotes
        start = _first_nonblank(text, start, last)
        if header is None:
            header = [c.strip().lstrip("\ufeff").casefold() for c in cells]
            unknown = [h for h in header if h and h not in NAMES]
            if unknown:
                raise PolicyqaError(name, start, f"unknown column {unknown[0]!r}; the columns are "
                                                 f"{', '.join(NAMES)} (the first line that is no comment is "
                                                 "the header)")
            missing = [k for k in KEY if k not in header]
            if missing:
                raise PolicyqaError(name, start, f"the header has no {', '.join(missing)} column; the columns "
                                                 f"are {', '.join(NAMES)}")
            continue
        stray = [c for h, c in zip(header, cells) if not h] + cells[len(header):]
        if any(c.strip() for c in stray):
            value = next(c for c in stray if c.strip()).strip()
            raise PolicyqaError(name, start, f"a value under no column ({value!r}); a comma inside a value needs "
                                             "the value in double quotes")
        row = {h: _cell(c) for h, c in zip(header, cells) if h}
        c = _check(row, name, start)
        key = (c.jurisdiction.casefold(), c.source_file, c.action, (c.title or "").casefold(), c.line,
               (c.audience or "").casefold() if c.action == "status" else None)
        if key in seen:
            raise PolicyqaError(name, start, f"repeats the correction of line {seen[key]} "
                                             f"({c.describe()} in {c.source_file})")
        seen[key] = start
        out.append(c)
    return out


def _first_nonblank(text: str, start: int, end: int) -> int:
    """The first line from `start` to `end` holding something (a row's own line, past blank and comment
    lines that csv read through)."""
    lines = text.splitlines()
    for n in range(start, end + 1):
        if 0 < n <= len(lines) and lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#"):
            return n
    return end


def _check(row: dict[str, str | None], name: str, line: int) -> Correction:
    for k in KEY:
        if not row.get(k):
            raise PolicyqaError(name, line, f"{k} is empty; every row needs {', '.join(KEY)}")
    action = row["action"].casefold()
    if action not in ACTIONS:
        raise PolicyqaError(name, line, f"unknown action {row['action']!r}; the actions are "
                                        f"{', '.join(ACTIONS)}")
    spec = ACTIONS[action]
    number = row.get("line")
    if number is not None:
        if not re.fullmatch(r"\d+", number) or int(number) < 1:
            raise PolicyqaError(name, line, f"line {number!r} is not a line number (a whole number from 1)")
        number = int(number)
    for what in spec.needs:
        if what == "line" and number is None or what != "line" and not row.get(what):
            raise PolicyqaError(name, line, f"action {action!r} needs {what} ({_meaning(what)})")
    if spec.targets and not row.get("title") and number is None:
        raise PolicyqaError(name, line, f"action {action!r} needs the title or the line of the guideline it "
                                        "corrects")
    extra = [v for v in _VALUES if row.get(v) and v not in spec.needs and v not in spec.may]
    if extra:
        takes = ", ".join((*spec.needs, *spec.may)) or "no value column"
        raise PolicyqaError(name, line, f"action {action!r} does not take {', '.join(extra)} (it takes {takes}); "
                                        "clear the cell or change the action")
    if action == "add" and bool(row.get("audience")) != bool(row.get("mandatoriness")):
        raise PolicyqaError(name, line, "action 'add' takes audience and mandatoriness together, or neither")
    for col in ("mandatoriness", "audience_group"):
        value = row.get(col)
        allowed = next(c.values for c in COLUMNS if c.name == col)
        if value is not None:
            match = next((v for v in allowed if v.casefold() == value.casefold()), None)
            if match is None:
                raise PolicyqaError(name, line, f"{col} {value!r} is not one of {', '.join(allowed)}")
            row[col] = match
    if row.get("audience") and row["audience"].casefold() == NOT_STATED:
        row["audience"] = NOT_STATED
    for col in ("new_title", "title"):
        if row.get(col) and len(row[col]) < 2:
            raise PolicyqaError(name, line, f"{col} {row[col]!r} is too short for a title (two characters at least)")
    values = {k: row.get(k) for k in NAMES if k not in ("action", "line")}
    return Correction(file=name, row=line, action=action, line=number, **values)


_NEEDED = {"title": "the guideline's title", "line": "the chapter's line that names it", "new_title": "the right title",
           "issuing_authority": "the body that issues it, in full",
           "audience": "whom it binds, as the chapter words it, or 'not stated'",
           "mandatoriness": "how binding: " + ", ".join(MANDATORINESS_LEVELS)}


def _meaning(column: str) -> str:
    return _NEEDED.get(column) or next(c.meaning for c in COLUMNS if c.name == column)


def load(paths: list[Path]) -> list[Correction]:
    """Every correction in these files, checked (a PolicyqaError at the first malformed row)."""
    out: list[Correction] = []
    for path in paths:
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = Path(path).read_bytes()[: exc.start].count(b"\n") + 1
            raise PolicyqaError(str(path), line, "not UTF-8 text (save the spreadsheet as CSV UTF-8)") from None
        except OSError as exc:
            raise PolicyqaError(str(path), 1, f"cannot read the corrections file: {exc.strerror or exc}") from None
        try:
            out += parse(text, str(path))
        except csv.Error as exc:
            raise PolicyqaError(str(path), 1, f"not a readable CSV file: {exc}") from None
    return out


# ----------------------------------------------------------------------------- applying them

def _norm(title: str | None) -> str:
    """A title as compared: any case, any spacing, without quotes, brackets' spacing or list punctuation."""
    text = (title or "").casefold().replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"\s+", " ", text).strip(" \t;,.:'\"•-–")
    return text


def for_chapter(corrections: list[Correction], source_file: str) -> list[Correction]:
    return [c for c in corrections if c.source_file == source_file]


def question_of_line(chapter, line: int):
    """(question number, block kind) for a line of the chapter: the question whose answer holds it (a shared
    answer's owner), else the last question above it; (None, None) before the first question."""
    owner = None
    for q in chapter.questions:
        for b in q.blocks:
            if b.line == line or line in b.more_lines:
                return q.number, b.kind
        if q.line <= line:
            owner = q
    return (owner.number if owner else None), None


def instrument_type(ref, title: str) -> str:
    """The instrument noun of a title from the vocabulary (data/reference/instruments.csv), 'guide' if none."""
    from policyqa.extract.titles import instrument_of

    found = instrument_of(ref, title)
    return found[0] if found else "guide"


def apply(records, chapter, corrections: list[Correction], ref) -> tuple[object, list[Outcome]]:
    """One chapter's records with its corrections applied, and what became of each correction.

    Every row targets the guidelines as extracted (or added by an `add` row, or renamed by a `title` row), so
    rows do not depend on their order: a `status` row may name a guideline by its extracted title or by the
    title a `title` row gives it. A guideline a `drop` row removes takes its obligations with it; other rows
    for it are reported as stale.
    """
    from policyqa.schema import GuidelineRow, ObligationRow
    from policyqa.tables import slug

    mine = for_chapter(corrections, chapter.source_file)
    if not mine:
        return records, []
    outcomes: list[Outcome] = []
    guidelines = list(records.guidelines)
    obligations = list(records.obligations)
    diagnostics = list(records.diagnostics)
    n_lines = chapter.n_lines

    def stale(c: Correction, why: str, line: int | None = None) -> None:
        outcomes.append(Outcome(c, "stale", message=why))
        diagnostics.append(Diagnostic(chapter.source_file, max(1, min(line or c.line or 1, max(n_lines, 1))),
                                      "warning", f"{c.where}: stale correction ({c.describe()}): {why}; update "
                                      "or remove the row", c.title or ""))

    wrong_jurisdiction = [c for c in mine if c.jurisdiction.casefold() != str(chapter.jurisdiction).casefold()]
    for c in wrong_jurisdiction:
        stale(c, f"{chapter.source_file} is read as {chapter.jurisdiction}'s chapter, not {c.jurisdiction}'s")
    mine = [c for c in mine if c not in wrong_jurisdiction]

    # adds first, so that other rows can target an added guideline by its title
    prefix = guidelines[0].guideline_id.rsplit("-", 1)[0] if guidelines else slug(chapter.source_file.rsplit(".", 1)[0])
    used = {g.guideline_id for g in guidelines}
    for c in (c for c in mine if c.action == "add"):
        if c.line > n_lines:
            stale(c, f"line {c.line} is past the end of {chapter.source_file} ({n_lines} lines)", n_lines)
            continue
        twin = next((g for g in guidelines if _norm(g.title) == _norm(c.title)), None)
        if twin is not None:
            stale(c, f"the extractor now finds this guideline (line {twin.line}, {twin.guideline_id})", twin.line)
            continue
        number, kind = question_of_line(chapter, c.line)
        n = len(guidelines) + 1
        while f"{prefix}-{n:03d}" in used:
            n += 1
        gid = f"{prefix}-{n:03d}"
        used.add(gid)
        siblings = [g for g in guidelines if g.question_no == number and number is not None]
        guidelines.append(GuidelineRow(
            gid, chapter.jurisdiction, chapter.edition, number, c.title, c.issuing_authority,
            c.authority_abbreviation, c.instrument_type or instrument_type(ref, c.title), chapter.source_file, c.line,
            "list" if kind == "item" else "prose", any(g.not_exhaustive for g in siblings),
            RULE if c.issuing_authority else "none", RULE, "high"))
        if c.audience:
            obligations.append(ObligationRow(gid, c.audience, c.audience_group or ref.audience_group(c.audience),
                                             c.mandatoriness, c.line, "own", RULE, "high"))
        outcomes.append(Outcome(c, "applied", [gid]))

    # then every row that targets guidelines, each resolved against the same tables
    targets: dict[int, list[str]] = {}
    renamed: list = []  # (new title, line) of guidelines a `title` row renames: later rows may name them so
    order = sorted(range(len(mine)), key=lambda i: mine[i].action != "title")
    for i in order:
        c = mine[i]
        if c.action == "add":
            continue
        found = _targets(guidelines, c, obligations) or _targets(renamed, c)
        if c.action == "title":
            renamed += [replace(g, title=c.new_title) for g in guidelines if g.guideline_id in found]
        if not found:
            what = f'no guideline titled "{c.title}"' if c.title else "no guideline"
            at = f" on line {c.line}, nor any whose status was read there" if not c.title else ""
            stale(c, f"{what}{at} in {chapter.source_file} as extracted now")
            continue
        targets[i] = found
    targets = dict(sorted(targets.items()))
    dropped = {gid: mine[i] for i, ids in targets.items() if mine[i].action == "drop" for gid in ids}
    by_id = {g.guideline_id: g for g in guidelines}
    new_status: dict[str, list] = {}
    for i, ids in targets.items():
        c = mine[i]
        if c.action != "drop" and all(gid in dropped for gid in ids):
            stale(c, f"the guideline is dropped by {dropped[ids[0]].where}", by_id[ids[0]].line)
            continue
        for gid in ids:
            g = by_id[gid]
            if c.action == "title":
                by_id[gid] = replace(g, title=c.new_title, instrument_type=c.instrument_type or g.instrument_type,
                                     rule=RULE, confidence="high")
            elif c.action == "authority":
                by_id[gid] = replace(g, issuing_authority=c.issuing_authority,
                                     authority_abbreviation=c.authority_abbreviation, authority_source=RULE,
                                     rule=RULE, confidence="high")
            elif c.action == "status":
                new_status.setdefault(gid, []).append(ObligationRow(
                    gid, c.audience, c.audience_group or ref.audience_group(c.audience), c.mandatoriness,
                    c.line or g.line, "own", RULE, "high"))
            elif c.action == "checked":
                by_id[gid] = replace(g, confidence="high")
        outcomes.append(Outcome(c, "applied", list(ids)))
    checked = {gid for i, ids in targets.items() if mine[i].action == "checked" for gid in ids}
    guidelines = [by_id[g.guideline_id] for g in guidelines if g.guideline_id not in dropped]
    old_rows: dict[str, list] = {}
    for o in obligations:
        old_rows.setdefault(o.guideline_id, []).append(
            replace(o, status_confidence="high") if o.guideline_id in checked else o)
    kept = [o for g in guidelines for o in new_status.get(g.guideline_id) or old_rows.get(g.guideline_id, [])]
    outcomes.sort(key=lambda o: o.correction.row)
    from policyqa.tables import Records

    out = Records(records.questions, guidelines, kept, records.laws, records.cross_references, diagnostics)
    return out, outcomes


def _targets(guidelines, c: Correction, obligations=()) -> list[str]:
    """The ids of the guidelines a row targets: by title (the one on `line` when several share it, if
    `line` says which); else every guideline on `line`, or, when none is named there, every guideline whose
    binding status was read from `line` (a statement about a whole list: one pair of rows fixes them all)."""
    if c.title:
        found = [g for g in guidelines if _norm(g.title) == _norm(c.title)]
        if c.line is not None and len(found) > 1:
            on_line = [g for g in found if g.line == c.line]
            found = on_line or found
        return [g.guideline_id for g in found]
    found = [g.guideline_id for g in guidelines if g.line == c.line]
    if not found:
        stated = {o.guideline_id for o in obligations if o.status_line == c.line}
        found = [g.guideline_id for g in guidelines if g.guideline_id in stated]
    return found


def not_read(corrections: list[Correction], read: set[str]) -> list[Outcome]:
    """Outcomes for corrections whose chapter was not among the files read (neither applied nor stale)."""
    return [Outcome(c, "not read", message=f"{c.source_file} was not read") for c in corrections
            if c.source_file not in read]


def outcomes_frame(outcomes: list[Outcome]):
    """The log of the corrections: one row per correction row of the file(s), with what became of it."""
    import pandas as pd

    cols = ["file", "row", "jurisdiction", "source_file", "action", "title", "line", "status", "guideline_ids",
            "message"]
    rows = [(o.correction.file, o.correction.row, o.correction.jurisdiction, o.correction.source_file,
             o.correction.action, o.correction.title, o.correction.line, o.status, " ".join(o.guideline_ids),
             o.message) for o in outcomes]
    df = pd.DataFrame(rows, columns=cols)
    df["line"] = df["line"].astype("Int64")
    df["row"] = df["row"].astype("Int64")
    return df.sort_values(["file", "row"], ignore_index=True)


# ----------------------------------------------------------------------------- writing a row to paste

def row_csv(**values) -> str:
    """One line of corrections.csv, the columns in their order, quoted where CSV needs it and spreadsheet-safe
    (a value that would start a formula gets the apostrophe `parse` strips again)."""
    from policyqa.export import neutralise

    unknown = set(values) - set(NAMES)
    if unknown:
        raise KeyError(f"corrections.csv has no column {', '.join(sorted(unknown))}")
    buf = io.StringIO()
    cells = ["" if values.get(n) is None else neutralise(str(values[n])) for n in NAMES]
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


assert [f.name for f in fields(Correction)][2:] == list(NAMES)
