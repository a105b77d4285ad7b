"""The Python API notebooks use: `read_chapter`, `read_corpus` and the `Tables` they return.

Both run the whole pipeline (read, parse, extract, build tables, validate) and
return a `Tables` object with one DataFrame attribute per table, so a notebook
cell is one line and every number in it traces back to a file and line.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.errors import PolicyqaError
from policyqa.reference import Reference, load_reference
from policyqa.schema import Diagnostic

CHAPTER_SUFFIXES = (".txt", ".text", ".md")


@dataclass
class FileSummary:
    source_file: str
    path: str
    jurisdiction: str
    lines_read: int
    nonblank: int
    placed: int
    in_diagnostics: int


class NotFound(KeyError):
    """A table, column, row or chapter that is not there; the message names the ones that are.

    A KeyError, so `except KeyError` still catches it, but printed as a sentence rather than a quoted key.

        >>> t.provenance("authorities", 0)
        NotFound: authorities has no source line ...; provenance works for questions, guidelines, ...
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


#: How two tables join: the key columns they share (the relation is looked up in either order).
JOINS: dict[tuple[str, str], tuple[str, ...]] = {
    ("obligations", "guidelines"): ("guideline_id",),
    ("guidelines", "questions"): ("source_file", "question_no"),
    ("laws", "questions"): ("source_file", "question_no"),
    ("guidelines", "authorities"): ("jurisdiction", "edition", "issuing_authority"),
}


@dataclass(repr=False)
class Tables:
    """The tables of one chapter or a corpus: one DataFrame attribute per table, each row traceable to its line.

        >>> t = policyqa.read_corpus("data/raw")
        >>> t.guidelines.merge(t.obligations, on="guideline_id")    # tidy: no column but the key is shared

    Attributes: questions, guidelines, obligations, laws, cross_references, authorities, diagnostics
    (docs/codebook.md describes every column), `summaries` (one per file read: lines read, placed, in
    diagnostics) and `chapters` (the parsed structure). `t["guidelines"]` works too. Typing `t` in a
    notebook shows the row count of every table, the chapters and the diagnostics by level.
    """

    questions: object
    guidelines: object
    obligations: object
    laws: object
    cross_references: object
    authorities: object
    diagnostics: object
    summaries: list[FileSummary] = field(default_factory=list)
    chapters: list = field(default_factory=list)
    corrections: object = None  # what became of each row of data/corrections.csv (policyqa.corrections)

    # ------------------------------------------------------------------------- tables by name

    @staticmethod
    def names() -> list[str]:
        """The table names, in the codebook's order.

            >>> policyqa.Tables.names()
            ['questions', 'guidelines', 'obligations', 'laws', 'cross_references', 'authorities', 'diagnostics']
        """
        from policyqa.schema import TABLES

        return list(TABLES)

    def as_dict(self) -> dict:
        """{table name: DataFrame}, in the codebook's order.

            >>> frames = t.as_dict()
            >>> {name: len(df) for name, df in frames.items()}
        """
        return {name: getattr(self, name) for name in self.names()}

    def __getitem__(self, table: str):
        if table not in self.names():
            raise NotFound(f"no table {table!r}; the tables are {', '.join(self.names())}")
        return getattr(self, table)

    def __getattr__(self, name: str):  # only called for what is not there: a mistyped table name
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"Tables has no {name!r}; its tables are {', '.join(self.names())} "
                             "(and summaries, chapters)")

    # ------------------------------------------------------------------------- display

    def _counts(self) -> dict[str, int]:
        return {name: len(df) for name, df in self.as_dict().items()}

    def _chapter_names(self) -> list[str]:
        return [f"{s.source_file} ({s.jurisdiction}{', ' + str(c.edition) if c is not None and c.edition else ''})"
                for s, c in zip(self.summaries, self._chapters_by_summary())]

    def _chapters_by_summary(self) -> list:
        by_file = {c.source_file: c for c in self.chapters}
        return [by_file.get(s.source_file) for s in self.summaries]

    def _diagnostic_levels(self) -> dict[str, int]:
        d = self.diagnostics
        if not len(d):
            return {}
        counts = d["level"].astype(str).value_counts()
        return {str(k): int(v) for k, v in counts.items() if v}

    def __repr__(self) -> str:
        n = len(self.summaries)
        names = self._chapter_names()
        shown = ", ".join(names[:3]) + (f", … {n - 3} more" if n > 3 else "")
        counts = " · ".join(f"{k} {v}" for k, v in self._counts().items() if k != "diagnostics")
        levels = self._diagnostic_levels()
        diag = f"{len(self.diagnostics)} diagnostics" + (
            f" ({', '.join(f'{v} {k}' for k, v in levels.items())})" if levels else "")
        return f"<Tables: {n} chapter{'s' if n != 1 else ''} ({shown})\n  {counts}\n  {diag}{self._fixes()}>"

    def _fixes(self) -> str:
        """'; corrections: 7 applied, 1 stale' when data/corrections.csv had rows for these chapters."""
        log = self.corrections
        if log is None or not len(log):
            return ""
        n = log["status"].value_counts()
        return "; corrections: " + ", ".join(f"{int(n[k])} {k}" for k in ("applied", "stale", "not read") if k in n)

    def _repr_html_(self) -> str:
        """A small summary for notebooks; every name from a chapter is escaped."""
        from html import escape

        counts = self._counts()
        levels = self._diagnostic_levels()
        rows = "".join(f"<tr><td style='text-align:left'>{escape(k)}</td><td>{v}</td></tr>"
                       for k, v in counts.items())
        names = self._chapter_names()
        chapters = ", ".join(escape(x) for x in names[:12]) + (f", … {len(names) - 12} more" if len(names) > 12 else "")
        diag = ", ".join(f"{v} {escape(k)}" for k, v in levels.items()) or "none"
        return ("<div class='policyqa-tables'>"
                f"<p><b>Tables</b> of {len(self.summaries)} chapter{'s' if len(self.summaries) != 1 else ''}: "
                f"{chapters or 'none'}</p>"
                "<table><thead><tr><th style='text-align:left'>table</th><th>rows</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>"
                f"<p>Diagnostics: {diag}{escape(self._fixes())}. Each table is an attribute (<code>t.guidelines</code>); "
                "<code>t.provenance(table, row)</code> gives a row's source line.</p></div>")

    # ------------------------------------------------------------------------- joins

    def join(self, left: str, right: str, columns: list[str] | None = None):
        """`left` with the matching rows of `right` (a left join on the key the two share).

        Brings `right`'s columns that `left` does not have (or only `columns`); a requested column
        that `left` has too comes as `<column>_<right>`, so nothing is suffixed behind your back.
        Joinable pairs (either order): obligations-guidelines, guidelines-questions, laws-questions,
        guidelines-authorities.

            >>> t.join("obligations", "guidelines", columns=["title", "issuing_authority"])
            >>> t.join("guidelines", "questions", columns=["question", "stance"])
        """
        for name in (left, right):
            self[name]  # an unknown table: NotFound naming the tables
        key = JOINS.get((left, right)) or JOINS.get((right, left))
        if key is None:
            pairs = ", ".join(f"{a}-{b}" for a, b in JOINS)
            raise NotFound(f"{left} and {right} share no key; tables that join: {pairs}")
        a, b = self[left], self[right]
        available = [c for c in b.columns if c not in key]
        if columns is None:
            wanted = [c for c in available if c not in a.columns]
        else:
            unknown = [c for c in columns if c not in b.columns]
            if unknown:
                raise NotFound(f"{right} has no column {', '.join(map(repr, unknown))}; its columns are "
                               f"{', '.join(b.columns)}")
            wanted = [c for c in columns if c not in key]
        renamed = {c: f"{c}_{right}" for c in wanted if c in a.columns}
        brought = b[[*key, *wanted]].drop_duplicates(list(key)).rename(columns=renamed)
        return a.merge(brought, on=list(key), how="left", validate="many_to_one")

    # ------------------------------------------------------------------------- provenance

    def source_line(self, source_file: str, line: int) -> str:
        """The text of a source line: any row's (source_file, line) leads here.

            >>> row = t.guidelines.iloc[0]
            >>> t.source_line(row["source_file"], row["line"])
        """
        path = next((s.path for s in self.summaries if s.source_file == source_file), None)
        if path is None:
            raise NotFound(f"no chapter file {source_file!r} in these tables; they were read from "
                           f"{', '.join(s.source_file for s in self.summaries) or 'no file'}")
        from policyqa.read import read_text

        lines = read_text(path).lines
        return lines[int(line) - 1] if 0 < int(line) <= len(lines) else ""

    #: Tables whose rows point at a source line (obligations through their guideline's file).
    TRACEABLE = ("questions", "guidelines", "obligations", "laws", "cross_references", "diagnostics")

    def provenance(self, table: str, index) -> str:
        """"file:line: text" for one row: the line of the chapter that supports it.

            >>> t.provenance("guidelines", 0)
            'chapter.txt:9: • Guide to ...'
        """
        frame = self[table]
        if table not in self.TRACEABLE:
            raise NotFound(f"{table} has no source line (its rows count other tables' rows); provenance works "
                           f"for {', '.join(self.TRACEABLE)}")
        if index not in frame.index:
            span = f"{frame.index.min()} to {frame.index.max()}" if len(frame) else "none: the table is empty"
            raise NotFound(f"{table} has no row {index!r}; its rows are {span}")
        row = frame.loc[index]
        if "source_file" in row:
            source, line = row["source_file"], row["line"]
        else:  # an obligation: its guideline's file, the line that states the status
            guideline = self.guidelines.set_index("guideline_id").loc[row["guideline_id"]]
            source, line = guideline["source_file"], row["status_line"]
        return f"{source}:{line}: {self.source_line(source, line)}"


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """The rows of `folder/manifest.csv` by file name. A manifest describes the files of its own folder
    only: a row naming anything else (an absolute path, '..', a link that leads out) is an error at its line,
    so a manifest can never make policyqa read, or a notebook show, a file outside the folder."""
    path = folder / "manifest.csv"
    if not path.is_file():
        return {}
    rows: dict[str, dict[str, str]] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                name = row.get("file")
                if name:  # the row's first line: where the reader is, less the line ends inside its fields
                    inside = sum(v.count("\n") for v in row.values() if isinstance(v, str))
                    rows[_manifest_name(folder, path, reader.line_num - inside, name)] = row
    except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
        raise PolicyqaError(str(path), 1, f"cannot read the manifest: {exc}") from None
    return rows


def _manifest_name(folder: Path, manifest: Path, line: int, name: str) -> str:
    """The name of a file inside `folder` that a manifest row names; PolicyqaError for anything outside."""
    where = name.strip()
    outside = f"names {where!r}, which is not a file of this folder (a manifest lists the files beside it)"
    if not where or "\0" in where or Path(where).is_absolute() or where.startswith(("/", "\\", "~")) \
            or re.match(r"^[A-Za-z]:", where):
        raise PolicyqaError(str(manifest), line, outside)
    parts = Path(where.replace("\\", "/")).parts
    if ".." in parts or len([p for p in parts if p != "."]) != 1:
        raise PolicyqaError(str(manifest), line, outside)
    own = [p for p in parts if p != "."][0]
    target = folder / own
    try:
        home = folder.resolve()
        real = target.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise PolicyqaError(str(manifest), line, outside) from None
    if not real.is_relative_to(home):
        raise PolicyqaError(str(manifest), line, f"names {where!r}, a link that leads outside this folder "
                            f"(to {real})")
    return own


def chapter_records(path: Path, ref: Reference, jurisdiction: str | None = None, edition: str | None = None,
                    jurisdiction_source: str = "caller", cache: bool = True, name: str | None = None):
    """(Records, Chapter, FileSummary) for one file: read, parse, extract, build rows (or reuse the cache)."""
    from policyqa import cache as store
    from policyqa.read import read_bytes, text_from_bytes

    data = read_bytes(path)
    folder = store.cache_dir() if cache else None
    name = name or path.name
    from policyqa.parse import Chapter
    from policyqa.tables import Records

    entry = tuple[Records, Chapter]
    k = store.key(data, name, store.reference_digest(str(ref.folder), ref.digest), jurisdiction, edition,
                  jurisdiction_source) if folder else ""
    hit = store.load(folder, k, entry) if folder else None
    if hit is not None:
        records, chapter = hit
    else:
        from policyqa.extract import extract
        from policyqa.parse import parse
        from policyqa.tables import build_records

        src = text_from_bytes(data, str(path))
        chapter = parse(src, ref, jurisdiction, edition, jurisdiction_source, name=name)
        records = build_records(chapter, extract(chapter, ref))
        if folder:
            store.store(folder, k, (records, chapter))
    chapter.path = str(path)
    placed = chapter.placement()
    unplaced = sum(1 for v in placed.values() if v == "unplaced")
    summary = FileSummary(chapter.source_file, str(path), chapter.jurisdiction, chapter.n_lines,
                          chapter.n_nonblank, len(placed) - unplaced, unplaced)
    return records, chapter, summary


def _shown(path: Path | str) -> str:
    """A path as text that can be printed and stored: bytes of a name that are not UTF-8 as \\xNN."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def _bad_name(path: Path) -> bool:
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _leads_outside(child: Path, folder: Path) -> bool:
    """A link in a folder that leads out of it: a folder's chapters are its own files, so a folder someone
    hands over cannot make policyqa read (and write into diagnostics) a file elsewhere on the machine."""
    if not child.is_symlink():
        return False
    try:
        return not child.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return True


NOT_UTF8_NAME = "the file name is not valid UTF-8 (rename the file to read it)"


def _expand(inputs) -> tuple[list[tuple[Path, dict[str, str], bool]], list[Diagnostic]]:
    """(chapter file, its manifest row, named on its own?) for every file of the inputs; unrelated files in
    folders are skipped with a warning. A file reached twice (named twice, by two paths or links, or named
    and inside a named folder) is read once, with a PolicyqaWarning; named on its own either way, it keeps
    the rule for named files (bad input is an error, not a skip)."""
    import warnings

    from policyqa.errors import PolicyqaWarning

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    files: list[list] = []
    skipped: list[Diagnostic] = []
    seen: dict[tuple[int, int], int] = {}  # (device, inode) -> index in files

    def add(path: Path, row: dict[str, str], named: bool) -> None:
        try:
            st = path.stat()
            ident = (st.st_dev, st.st_ino)
        except OSError:  # the reader reports it
            files.append([path, row, named])
            return
        if ident in seen:
            first = files[seen[ident]]
            first[2] = first[2] or named
            if first[0].is_symlink() and not path.is_symlink():  # keep the file's own name, not a link's
                first[0], first[1], path = path, row, first[0]
            again = "given twice" if _shown(path) == _shown(first[0]) else f"the same file as {_shown(first[0])}"
            warnings.warn(f"{_shown(path)}: {again}; read once", PolicyqaWarning, stacklevel=4)
            return
        seen[ident] = len(files)
        files.append([path, row, named])

    for item in inputs:
        p = Path(item)
        if p.is_dir():
            manifest = read_manifest(p)
            found = 0
            for child in sorted(p.iterdir()):
                if child.name == "manifest.csv":
                    continue
                if _bad_name(child):
                    skipped.append(Diagnostic(_shown(child.name), 1, "warning",
                                              f"skipped {_shown(child.name)}: {NOT_UTF8_NAME}"))
                elif _leads_outside(child, p):
                    skipped.append(Diagnostic(child.name, 1, "warning", f"skipped {child.name}: a link to a file "
                                              "outside this folder (name the file itself to read it)"))
                elif child.is_file() and child.suffix.lower() in CHAPTER_SUFFIXES and not child.name.startswith("."):
                    found += 1
                    add(child, manifest.get(child.name, {}), False)
                else:
                    what = "a folder" if child.is_dir() else f"not a chapter file ({child.suffix or 'no suffix'})"
                    skipped.append(Diagnostic(str(child.name), 1, "warning", f"skipped {child.name}: {what}"))
            if not found:  # so that six empty tables never replace good ones
                raise PolicyqaError(_shown(p), 1, f"no chapter in this folder (no {'/'.join(CHAPTER_SUFFIXES)} "
                                    "file)")
        elif _bad_name(p) and p.exists():
            raise PolicyqaError(_shown(p), 1, NOT_UTF8_NAME)
        elif p.exists():
            add(p, read_manifest(p.parent).get(p.name, {}), True)
        else:
            raise PolicyqaError(_shown(p), 1, "no such file or folder")
    return [(path, row, named) for path, row, named in files], skipped


def read_corpus(inputs, jurisdiction: str | None = None, reference: str | Path | None = None,
                validate: bool = True, cache: bool = True, corrections: str | Path | None = None) -> Tables:
    """Stack every chapter in the given files and folders into one set of tables.

        >>> corpus = policyqa.read_corpus("data/raw")          # a folder (its manifest.csv), files, or both
        >>> corpus.guidelines.groupby("jurisdiction").size()

    A file named on its own must be a chapter (else PolicyqaError); a folder may
    hold other things too (a .DS_Store, images, an empty draft), which are skipped
    and listed in `diagnostics` rather than stopping the run.

    `corrections` is a corrections file, or "none"; by default `corrections.csv` in the folder above the
    chapters' (data/raw -> data/corrections.csv; policyqa.corrections), applied to each chapter after extraction.
    `t.corrections` says what became of each of its rows.
    """
    from policyqa import corrections as fixes
    from policyqa import tables
    from policyqa.tables import Records, concat_frames, to_frames

    ref = load_reference(reference)
    files, diags = _expand(inputs)
    wanted = fixes.load(fixes.resolve(corrections, inputs))  # a malformed row stops the run before any parsing
    outcomes: list = []
    total = Records(diagnostics=list(diags))
    parts: list[dict] = []  # frames of each batch of chapters
    authority_keys: list[tuple] = []  # authorities are counted over the whole corpus (4 fields a row, not the rows)
    summaries: list[FileSummary] = []
    chapters = []
    seen: dict[tuple[str, str], str] = {}
    used_prefixes: dict[str, int] = {}
    seen_names: set[str] = set()
    for path, row, named in files:
        jur = jurisdiction or row.get("jurisdiction") or None
        edition = row.get("edition") or None
        edition = edition if edition and re.fullmatch(r"\d{4}", edition.strip()) else None  # "newest" is no edition
        source = "caller" if jurisdiction else "manifest"
        name = path.name if path.name not in seen_names else f"{_shown(path.parent.name)}/{path.name}"
        seen_names.add(name)
        try:
            records, chapter, summary = chapter_records(path, ref, jur, edition, source,
                                                        cache=cache, name=name)
        except PolicyqaError as exc:
            if named:
                raise
            total.diagnostics.append(Diagnostic(path.name, exc.line, "warning", f"skipped: {exc.message}"))
            continue
        _unique_ids(records, path, used_prefixes)
        records, applied = fixes.apply(records, chapter, wanted, ref)
        outcomes += applied
        key = (chapter.jurisdiction, chapter.edition or "")
        if key in seen:
            total.diagnostics.append(Diagnostic(chapter.source_file, 1, "warning",
                                                f"a second chapter for {chapter.jurisdiction}"
                                                f"{' (' + chapter.edition + ')' if chapter.edition else ''}: "
                                                f"{seen[key]} has the same jurisdiction and edition; both kept"))
        else:
            seen[key] = chapter.source_file
        total.extend(records)
        if len(summaries) % BATCH == BATCH - 1:  # rows become frames as they come: never all in memory
            authority_keys += tables.authority_keys(total.guidelines)
            parts.append(to_frames(total))
            total = Records()
        summaries.append(summary)
        chapters.append(chapter)
    authority_keys += tables.authority_keys(total.guidelines)
    parts.append(to_frames(total))
    frames = parts[0] if len(parts) == 1 else concat_frames(parts)
    if len(parts) > 1:
        frames["authorities"] = tables.frame("authorities", tables.authority_rows(authority_keys))
    if validate:
        from policyqa.validate import validate as check

        frames = check(frames)
    outcomes += fixes.not_read(wanted, {s.source_file for s in summaries})
    return Tables(**frames, summaries=summaries, chapters=chapters, corrections=fixes.outcomes_frame(outcomes))


BATCH = 256  # chapters whose rows are turned into frames together


def _unique_ids(records, path: Path, used: dict[str, int]) -> None:
    """Guideline ids stay unique when two folders hold files of the same name."""
    from dataclasses import replace

    from policyqa.tables import slug

    prefix = slug(path.stem)
    n = used.get(prefix, 0)
    used[prefix] = n + 1
    if n == 0:
        return
    new = f"{prefix}-{n + 1}"
    mapping = {g.guideline_id: g.guideline_id.replace(prefix, new, 1) for g in records.guidelines}
    records.guidelines[:] = [replace(g, guideline_id=mapping[g.guideline_id]) for g in records.guidelines]
    records.obligations[:] = [replace(o, guideline_id=mapping[o.guideline_id]) for o in records.obligations]
    records.laws[:] = [replace(x, law_id=x.law_id.replace(prefix, new, 1)) for x in records.laws]


def read_chapter(path: str | Path, jurisdiction: str | None = None, reference: str | Path | None = None,
                 cache: bool = True, corrections: str | Path | None = None) -> Tables:
    """One chapter's tables.

        >>> t = policyqa.read_chapter("data/raw/denmark.txt")
        >>> t.guidelines[["title", "issuing_authority"]]

    The jurisdiction comes from the argument, else the folder's manifest.csv, else the text itself
    (the chapter naming its country most), else the file name. Corrections as in `read_corpus`."""
    return read_corpus([Path(path)], jurisdiction=jurisdiction, reference=reference, cache=cache,
                       corrections=corrections)
