"""The Python API notebooks use: `read_chapter` and `read_corpus`.

Both run the whole pipeline (read, parse, extract, build tables, validate) and
return a `Tables` object with one DataFrame attribute per table, so a notebook
cell is one line and every number in it traces back to a file and line.
"""

from __future__ import annotations

import csv
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
    path = folder / "manifest.csv"
    if not path.is_file():
        return {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return {row["file"]: row for row in csv.DictReader(handle) if row.get("file")}
    except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
        raise PolicyqaError(str(path), 1, f"cannot read the manifest: {exc}") from None


def chapter_records(path: Path, ref: Reference, jurisdiction: str | None = None, edition: str | None = None,
                    jurisdiction_source: str = "caller", cache: bool = True, name: str | None = None):
    """(Records, Chapter, FileSummary) for one file: read, parse, extract, build rows (or reuse the cache)."""
    from policyqa import cache as store
    from policyqa.read import read_bytes, text_from_bytes

    data = read_bytes(path)
    folder = store.cache_dir() if cache else None
    name = name or path.name
    k = store.key(data, name, ref.digest, jurisdiction, edition, jurisdiction_source) if folder else ""
    hit = store.load(folder, k) if folder else None
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


def _expand(inputs) -> tuple[list[tuple[Path, dict[str, str]]], list[Diagnostic]]:
    """Chapter files from files and folders; unrelated files in folders are skipped with a warning."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    files: list[tuple[Path, dict[str, str]]] = []
    skipped: list[Diagnostic] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            manifest = read_manifest(p)
            before = len(files)
            for child in sorted(p.iterdir()):
                if child.name == "manifest.csv":
                    continue
                if child.is_file() and child.suffix.lower() in CHAPTER_SUFFIXES and not child.name.startswith("."):
                    files.append((child, manifest.get(child.name, {})))
                else:
                    what = "a folder" if child.is_dir() else f"not a chapter file ({child.suffix or 'no suffix'})"
                    skipped.append(Diagnostic(str(child.name), 1, "warning", f"skipped {child.name}: {what}"))
            if len(files) == before:  # so that six empty tables never replace good ones
                raise PolicyqaError(str(p), 1, f"no chapter in this folder (no {'/'.join(CHAPTER_SUFFIXES)} "
                                    "file)")
        elif p.exists():
            files.append((p, read_manifest(p.parent).get(p.name, {})))
        else:
            raise PolicyqaError(str(p), 1, "no such file or folder")
    return files, skipped


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
    explicit = {Path(i) for i in ([inputs] if isinstance(inputs, (str, Path)) else inputs)}
    total = Records(diagnostics=list(diags))
    parts: list[dict] = []  # frames of each batch of chapters
    guideline_rows: list = []  # authorities are counted over the whole corpus
    summaries: list[FileSummary] = []
    chapters = []
    seen: dict[tuple[str, str], str] = {}
    used_prefixes: dict[str, int] = {}
    seen_names: set[str] = set()
    for path, row in files:
        jur = jurisdiction or row.get("jurisdiction") or None
        edition = row.get("edition") or None
        edition = edition if edition and re.fullmatch(r"\d{4}", edition.strip()) else None  # "newest" is no edition
        source = "caller" if jurisdiction else "manifest"
        name = path.name if path.name not in seen_names else f"{path.parent.name}/{path.name}"
        seen_names.add(name)
        try:
            records, chapter, summary = chapter_records(path, ref, jur, edition, source,
                                                        cache=cache, name=name)
        except PolicyqaError as exc:
            if path in explicit:
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
