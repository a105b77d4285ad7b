"""Step 6: tables to files that are safe to open.

Atomic: every file is written in a hidden staging folder beside its target and
renamed into place only when it is complete. `write_tables` writes all the
tables first and renames them together at the end, so a run that fails or is
killed while writing leaves the previous outputs whole and readable.

Spreadsheet-safe (OWASP, "CSV Injection"): in CSV and XLSX output a text cell
that begins with =, +, -, @, tab or carriage return gets a leading apostrophe,
so a spreadsheet shows it as text instead of running it as a formula. CSV
files also quote every field, so a separator inside a value (a comma, or the
semicolon that Excel uses in many locales) can never start a new cell. XLSX
stores text as text (never a formula or an error value); characters that XML
cannot hold are shown as U+FFFD and a cell over Excel's 32,767-character limit
is cut with a visible note; line ends inside a cell are LF. Parquet and JSON keep
every value exactly.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import os
import re
import secrets
import shutil
from pathlib import Path

from policyqa.errors import PolicyqaError

FORMATS = ("csv", "parquet", "xlsx", "json")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CHARS = 32767  # Excel's limit for one cell
# What XML 1.0 (so an .xlsx file) cannot hold: C0 controls but tab, LF and CR; surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def neutralise(value):
    """A text cell that would start a formula gets a leading apostrophe; everything else is untouched."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _is_text(dtype) -> bool:
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        return False  # categories are our own fixed vocabularies (stance, level ...)
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


def spreadsheet_safe(df):
    """A copy of `df` whose text cells cannot start a spreadsheet formula (see `neutralise`)."""
    out = df.copy()
    for col in out.columns:
        if _is_text(out[col].dtype):
            out[col] = out[col].map(neutralise, na_action="ignore")
    return out


def write_csv(df, target) -> None:
    """Spreadsheet-safe CSV to a path or an open text stream: neutralised cells, every field quoted."""
    spreadsheet_safe(df).to_csv(target, index=False, encoding="utf-8", quoting=csv.QUOTE_ALL)


# --------------------------------------------------------------------------- atomic files

STAGING_PREFIX = ".policyqa-tmp-"
STALE_AFTER_S = 3600  # a staging folder this old, of a process that is gone, is a leftover of a killed run


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_stale(folder: Path) -> None:
    """Staging folders left by killed runs: only those of dead processes and over an hour old."""
    import shutil
    import time

    for d in folder.glob(STAGING_PREFIX + "*"):
        try:
            pid = int(d.name[len(STAGING_PREFIX):].split("-", 1)[0])
            old = time.time() - d.stat().st_mtime > STALE_AFTER_S
        except (ValueError, OSError):
            continue
        if d.is_dir() and old and pid != os.getpid() and not _alive(pid):
            shutil.rmtree(d, ignore_errors=True)


@contextlib.contextmanager
def _staging(folder: Path):
    """A new hidden folder inside `folder` (so on the same file system: a rename from it is atomic),
    removed with whatever is left in it on the way out."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale(folder)
    for _ in range(100):
        d = folder / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            d.mkdir()
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no free staging folder name in {folder}")
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _flush_to_disk(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform or file system can sync a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(target: Path):
    """A temporary path for `target`, renamed over it only if the block finishes.

        with atomic_path(Path("reports/figures/a.png")) as tmp:
            fig.savefig(tmp)        # tmp has the same file name, so the same format is inferred

    The temporary file sits in a hidden ``.policyqa-tmp-<pid>-<random>`` folder beside the
    target, so a `glob("*.png")` never sees it. If the block raises, or writes nothing, or the
    process dies, `target` is untouched: the previous version stays whole.
    """
    target = Path(target)
    with _staging(target.parent) as folder:
        tmp = folder / target.name
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written for {target}")
        _flush_to_disk(tmp)
        os.replace(tmp, target)
        _sync_folder(target.parent)


# --------------------------------------------------------------------------- formats


def _write(df, path: Path, fmt: str, name: str = "table") -> None:
    if fmt == "csv":
        write_csv(df, path)
    elif fmt == "parquet":
        df.to_parquet(path, index=False)
    elif fmt == "json":
        df.to_json(path, orient="records", force_ascii=False, indent=1, double_precision=15)
    elif fmt == "xlsx":
        _write_xlsx(spreadsheet_safe(df), path, sheet=name)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def xlsx_text(value: str) -> str:
    """Text an .xlsx cell can hold: line ends as LF (XML reads a bare CR back as LF anyway),
    XML-illegal characters shown as U+FFFD, and over-long text cut at Excel's 32,767-character
    limit with a note saying so (CSV, Parquet and JSON keep it all)."""
    value = _NOT_XML.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(value) > XLSX_MAX_CHARS:
        note = f" […cut: {len(value):,} characters in all; the CSV, Parquet and JSON files have the full text]"
        value = value[: XLSX_MAX_CHARS - len(note)] + note
    return value


def _cell_value(v):
    """A pandas value as openpyxl should store it: None for missing, Python numbers, text for the rest."""
    import numbers

    import pandas as pd

    if isinstance(v, str):
        return xlsx_text(v) if v else None  # "" is an empty cell, as in CSV (an empty text cell reads back odd)
    if v is None or (not isinstance(v, (list, tuple)) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return None
    if isinstance(v, numbers.Number) or type(v).__name__ == "bool_":
        return v.item() if hasattr(v, "item") else v  # numpy scalars to Python bool, int, float
    return xlsx_text(str(v))


def _sheet_name(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in its workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "table"
    sheet, n = base, 1
    while sheet.lower() in taken:
        n += 1
        sheet = f"{base[:31 - len(str(n)) - 1]}_{n}"
    taken.add(sheet.lower())
    return sheet


def _column_width(header: str, values) -> float:
    """Wide enough for the header and most values (the 90th percentile of the first 500), at most 60
    characters: a long answer wraps in its cell rather than pushing every other column off screen."""
    lengths = sorted(len(str(v)) for v in values[:500] if v is not None)
    typical = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    return float(min(max(len(header), typical, 4) + 2, 60))


def _fill_sheet(ws, df) -> None:
    """One table on one sheet: text stays text, the header row is frozen and has filters, columns sized."""
    from openpyxl.utils import get_column_letter

    ws.append([xlsx_text(str(c)) for c in df.columns])
    columns: list[list] = [[] for _ in df.columns]
    for r, row in enumerate(df.itertuples(index=False, name=None), start=2):
        for c, v in enumerate(row, start=1):
            value = _cell_value(v)
            if r <= 501:
                columns[c - 1].append(value)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: never a formula ("=...") or an error value ("#N/A")
    for cell in ws[1]:
        cell.data_type = "s"
    if len(df.columns):
        last = get_column_letter(len(df.columns))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{last}{max(1, len(df) + 1)}"
        for c, (name, values) in enumerate(zip(df.columns, columns), start=1):
            ws.column_dimensions[get_column_letter(c)].width = _column_width(str(name), values)


def _write_xlsx(df, path: Path, sheet: str = "table") -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(sheet, set())
    _fill_sheet(ws, df)
    wb.save(path)


def write_workbook(frames: dict, path: Path) -> None:
    """Every table in one .xlsx workbook, a sheet per table in the order given (spreadsheet-safe)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, df in frames.items():
        _fill_sheet(wb.create_sheet(_sheet_name(name, taken)), spreadsheet_safe(df))
    wb.save(path)


WORKBOOK = "tables.xlsx"  # the one file `write_tables` writes for --format xlsx (several tables)


def write_table(df, target: Path, fmt: str) -> Path:
    """One table to `target`, replaced atomically."""
    target = Path(target)
    with atomic_path(target) as tmp:
        _write(df, tmp, fmt, target.stem)
    return target


def table_files(frames: dict, fmt: str) -> list[str]:
    """The file names `write_tables` writes: one per table, or the one workbook for xlsx."""
    if fmt == "xlsx":  # one table alone (policyqa diff's changes) names its workbook
        return [WORKBOOK if len(frames) != 1 else f"{next(iter(frames))}.xlsx"]
    return [f"{name}.{fmt}" for name in frames]


class _Failed(Exception):
    """An OSError at a given target (so the message can name the file that could not be written)."""

    def __init__(self, where: Path, exc: OSError) -> None:
        super().__init__(str(exc))
        self.where, self.exc = where, exc


@contextlib.contextmanager
def _locked(folder: Path):
    """An exclusive lock on the output folder itself (flock on its descriptor), so two runs never swap
    their files in at the same time: whatever order they finish in, the folder holds one run's set. The
    lock leaves no file behind and is released if the process dies."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock, the swap is still all or nothing per run
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _keep_previous(target: Path, backup: Path) -> None:
    """A copy of the previous file to restore if the swap fails: a hard link (the file stays where it is,
    readers never see it missing), else a real copy."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, backup, follow_symlinks=False)


def _swap(staged: list[tuple[Path, Path]], folder: Path) -> None:
    """Rename every staged file over its target, all or nothing: every target is checked and its previous
    version kept first; if any rename fails, the ones already done are put back."""
    old = folder / ".previous"
    old.mkdir()
    kept: list[tuple[Path, Path | None]] = []
    for _, target in staged:
        try:
            if target.is_dir() and not target.is_symlink():
                raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
            backup = old / target.name
            if os.path.lexists(target):
                _keep_previous(target, backup)
                kept.append((target, backup))
            else:
                kept.append((target, None))
        except OSError as exc:
            raise _Failed(target, exc) from None
    done = 0
    try:
        for tmp, target in staged:
            os.replace(tmp, target)
            done += 1
    except OSError as exc:
        failed = staged[done][1]
        for target, backup in reversed(kept[:done]):
            with contextlib.suppress(OSError):
                if backup is None:
                    target.unlink()
                else:
                    os.replace(backup, target)
        raise _Failed(failed, exc) from None


def write_tables(frames: dict, out_dir: str | Path, fmt: str = "csv") -> list[Path]:
    """The tables in `out_dir`, all or nothing: one file per table (one workbook with a sheet per table for
    xlsx), written into a hidden staging folder first and renamed into place together, under a lock on the
    folder, only when all of them are complete. If any of them cannot be put in place, none of the previous
    files is replaced; concurrent runs into one folder leave one run's complete set.

    A folder or file that cannot be created or written raises PolicyqaError naming it."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    names = table_files(frames, fmt)
    targets = [out / name for name in names]
    where = out
    try:
        with _staging(out) as folder:
            staged = []
            if fmt == "xlsx":
                where = targets[0]
                write_workbook(frames, folder / names[0])
                staged.append((folder / names[0], targets[0]))
            else:
                for (name, df), target in zip(frames.items(), targets):
                    where = target
                    _write(df, folder / target.name, fmt, name)
                    staged.append((folder / target.name, target))
            for tmp, target in staged:
                where = target
                _flush_to_disk(tmp)
            where = out
            with _locked(out):
                _swap(staged, folder)
            _sync_folder(out)
    except _Failed as failed:
        raise PolicyqaError(str(failed.where), 1, f"cannot write the tables there: {_why(failed.exc, out)}") from None
    except OSError as exc:
        raise PolicyqaError(str(where), 1, f"cannot write the tables there: {_why(exc, out)}") from None
    return targets


def _why(exc: OSError, out: Path) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)) and not out.is_dir():
        return "is not a folder"
    return exc.strerror or str(exc)
