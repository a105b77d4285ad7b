"""The Python API notebooks use: `read_chapter` and `read_corpus`.

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


@dataclass
class Tables:
    """One DataFrame per table, plus what is needed to trace a row to its source line."""

    questions: object
    guidelines: object
    obligations: object
    laws: object
    cross_references: object
    authorities: object
    diagnostics: object
    summaries: list[FileSummary] = field(default_factory=list)
    chapters: list = field(default_factory=list)

    def as_dict(self) -> dict:
        from policyqa.schema import TABLES

        return {name: getattr(self, name) for name in TABLES}

    def source_line(self, source_file: str, line: int) -> str:
        """The text of a source line, for provenance: any row's (source_file, line) leads here."""
        path = next((s.path for s in self.summaries if s.source_file == source_file), None)
        if path is None:
            raise KeyError(source_file)
        from policyqa.read import read_text

        lines = read_text(path).lines
        return lines[int(line) - 1] if 0 < int(line) <= len(lines) else ""

    def provenance(self, table: str, index) -> str:
        """"file:line: text" for one row of any table that has source_file and line."""
        row = getattr(self, table).loc[index]
        if "source_file" in row:
            source, line = row["source_file"], row["line"]
        elif "status_line" in row:  # an obligation: its guideline's file, the line that states the status
            guideline = self.guidelines.set_index("guideline_id").loc[row["guideline_id"]]
            source, line = guideline["source_file"], row["status_line"]
        else:
            raise KeyError(table)
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
                validate: bool = True, cache: bool = True) -> Tables:
    """Stack every chapter in the given files and folders into one set of tables.

    A file named on its own must be a chapter (else PolicyqaError); a folder may
    hold other things too (a .DS_Store, images, an empty draft), which are skipped
    and listed in `diagnostics` rather than stopping the run.
    """
    from policyqa.tables import Records, concat_frames, to_frames

    ref = load_reference(reference)
    files, diags = _expand(inputs)
    total = Records(diagnostics=list(diags))
    parts: list[dict] = []  # frames of each batch of chapters
    guideline_rows: list = []  # authorities are counted over the whole corpus
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
            guideline_rows += total.guidelines
            parts.append(to_frames(total))
            total = Records()
        summaries.append(summary)
        chapters.append(chapter)
    guideline_rows += total.guidelines
    parts.append(to_frames(total))
    frames = parts[0] if len(parts) == 1 else concat_frames(parts)
    if len(parts) > 1:
        frames["authorities"] = to_frames(Records(guidelines=guideline_rows))["authorities"]
    if validate:
        from policyqa.validate import validate as check

        frames = check(frames)
    return Tables(**frames, summaries=summaries, chapters=chapters)


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
                 cache: bool = True) -> Tables:
    """One chapter's tables. The jurisdiction comes from the argument, else the folder's
    manifest.csv, else the text itself (the chapter naming its country most), else the file name."""
    return read_corpus([Path(path)], jurisdiction=jurisdiction, reference=reference, cache=cache)
