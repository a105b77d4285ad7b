"""Step 6: tables to files that are safe to open.

Every file is written to a temporary name in the target folder and renamed
into place, so a run that fails or is killed leaves the previous outputs whole.
CSV and XLSX text that a spreadsheet would run as a formula (a cell starting
with =, +, -, @, tab or carriage return) is neutralised with a leading
apostrophe, as OWASP recommends; Parquet and JSON keep values exact.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

FORMATS = ("csv", "parquet", "xlsx", "json")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that would start a formula gets a leading apostrophe; everything else is untouched."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def spreadsheet_safe(df):
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str") or \
                str(out[col].dtype) == "category":
            if str(out[col].dtype) == "category":
                continue  # categories are our own fixed vocabularies
            out[col] = out[col].map(neutralise, na_action="ignore")
    return out


@contextlib.contextmanager
def atomic_path(target: Path):
    """A temporary path beside `target`, renamed over it only if the block finishes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_table(df, target: Path, fmt: str) -> Path:
    with atomic_path(target) as tmp:
        if fmt == "csv":
            spreadsheet_safe(df).to_csv(tmp, index=False, encoding="utf-8")
        elif fmt == "parquet":
            df.to_parquet(tmp, index=False)
        elif fmt == "json":
            df.to_json(tmp, orient="records", force_ascii=False, indent=1)
        elif fmt == "xlsx":
            _write_xlsx(spreadsheet_safe(df), tmp)
        else:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return target


def _write_xlsx(df, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "table"
    ws.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        values = []
        for v in row:
            if v is None or (not isinstance(v, str) and _isna(v)):
                values.append(None)
            elif isinstance(v, (bool, int, float)):
                values.append(v)
            else:
                values.append(str(v))
        ws.append(values)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, never a formula
    wb.save(path)


def _isna(v) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def write_tables(frames: dict, out_dir: str | Path, fmt: str = "csv") -> list[Path]:
    """One file per table in `out_dir`; each one replaced atomically."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    return [write_table(df, out / f"{name}.{fmt}", fmt) for name, df in frames.items()]
