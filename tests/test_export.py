"""Spreadsheet-safe exports (OWASP "CSV Injection"): in CSV and XLSX a text cell that begins with
=, +, -, @, tab or carriage return gets a leading apostrophe; CSV quotes every field so an embedded
separator cannot start a new cell; XLSX stores text as text, never as a formula. Parquet and JSON
keep every value exactly.

The proof is a chapter (tests/data/bad/hyperlink.txt) with a guideline titled
=HYPERLINK("http://example.invalid","x"), run through `policyqa tables` and opened back.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from policyqa import cli
from policyqa.export import XLSX_MAX_CHARS, neutralise, spreadsheet_safe, write_table, write_tables, xlsx_text

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
FORMULA = '=HYPERLINK("http://example.invalid","x")'
TITLES = [FORMULA, "+Formula Security Guide", "@Handle Security Guide", "-Dash Security Guide"]
TABLES = ("questions", "guidelines", "obligations", "cross_references", "authorities", "diagnostics")


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    monkeypatch.setenv("POLICYQA_CACHE", "off")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """hyperlink.txt through the command line, in all four formats."""
    out = tmp_path_factory.mktemp("out")
    for fmt in ("csv", "xlsx", "parquet", "json"):
        code = cli.main(["tables", str(BAD / "hyperlink.txt"), "--out", str(out), "--format", fmt,
                         "--jurisdiction", "Testland", "--quiet"])
        assert code == 0
    return out


# --------------------------------------------------------------------------- the chapter, end to end


def test_the_chapter_really_has_these_titles(outputs):
    """Parquet and JSON keep the exact titles, so the extraction is not what makes CSV and XLSX safe."""
    assert list(pd.read_parquet(outputs / "guidelines.parquet")["title"]) == TITLES
    assert [row["title"] for row in json.loads((outputs / "guidelines.json").read_text(encoding="utf-8"))] == TITLES


def test_csv_neutralises_the_formula(outputs):
    text = (outputs / "guidelines.csv").read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://example.invalid"",""x"")"' in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["title"] for r in rows] == ["'" + t for t in TITLES]


@pytest.mark.parametrize("table", TABLES)
def test_no_csv_cell_begins_a_formula_and_every_field_is_quoted(outputs, table):
    raw = (outputs / f"{table}.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(raw)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (table, cell)
    header = raw.split("\n", 1)[0]
    assert header == ",".join(f'"{c}"' for c in rows[0])  # quoted: a ; inside a value never splits it


def test_xlsx_stores_the_formula_as_text(outputs):
    ws = load_workbook(outputs / "tables.xlsx")["guidelines"]
    header = [c.value for c in ws[1]]
    col = header.index("title") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    assert [c.value for c in cells] == ["'" + t for t in TITLES]
    assert [c.data_type for c in cells] == ["s"] * len(TITLES)


def test_no_xlsx_cell_holds_a_formula(outputs):
    path = outputs / "tables.xlsx"
    wb = load_workbook(path)
    for ws in wb.worksheets:
        table = ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (table, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s" and not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    with zipfile.ZipFile(path) as z:  # and in the file itself: no <f> (formula) element anywhere
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_xlsx_keeps_numbers_as_numbers(outputs):
    ws = load_workbook(outputs / "tables.xlsx")["guidelines"]
    header = [c.value for c in ws[1]]
    line = ws.cell(row=2, column=header.index("line") + 1)
    flag = ws.cell(row=2, column=header.index("not_exhaustive") + 1)
    assert (line.value, line.data_type) == (10, "n")
    assert (flag.value, flag.data_type) == (False, "b")
    assert ws.title == "guidelines"


def test_xlsx_is_one_workbook_with_a_sheet_per_table_ready_to_filter(outputs):
    from policyqa.schema import TABLES as DECLARED

    assert not list(outputs.glob("*.xlsx"))[1:], "one workbook, not one file per table"
    wb = load_workbook(outputs / "tables.xlsx")
    assert wb.sheetnames == list(DECLARED)
    for ws in wb.worksheets:
        columns = list(DECLARED[ws.title].names)
        assert [c.value for c in ws[1]] == columns
        assert ws.freeze_panes == "A2"  # the header row stays on screen
        last = ws.cell(row=1, column=len(columns)).column_letter
        assert ws.auto_filter.ref == f"A1:{last}{max(ws.max_row, 1)}"
        widths = [ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width for c in range(1, len(columns) + 1)]
        assert all(len(name) + 2 <= w <= 60 for name, w in zip(columns, widths) if len(name) < 58), (ws.title, widths)
    titles = wb["guidelines"]
    col = [c.value for c in titles[1]].index("title") + 1
    width = titles.column_dimensions[titles.cell(row=1, column=col).column_letter].width
    assert width >= max(len(t) for t in TITLES[1:]) + 2  # sized for the values too, not only the header


def test_out_dash_prints_exactly_the_bytes_of_the_csv_file(outputs, tmp_path):
    """`--out -` goes through the same writer: a semicolon locale sees no cell starting with a formula."""
    import subprocess
    import sys

    chapter = tmp_path / "dk;=1+2;x.txt"  # the file name lands in source_file, a text cell of every row
    chapter.write_bytes((BAD / "hyperlink.txt").read_bytes())
    env = {**os.environ, "POLICYQA_CACHE": "off"}
    assert cli.main(["tables", str(chapter), "--out", str(tmp_path / "o"), "--jurisdiction", "Testland",
                     "--quiet"]) == 0
    for table in TABLES:
        run = subprocess.run([sys.executable, "-m", "policyqa", "tables", str(chapter), "--out", "-", "--table",
                              table, "--jurisdiction", "Testland"], capture_output=True, env=env)
        assert run.returncode == 0, run.stderr
        assert run.stdout == (tmp_path / "o" / f"{table}.csv").read_bytes(), table
    run = subprocess.run([sys.executable, "-m", "policyqa", "tables", str(chapter), "--out", "-"],
                         capture_output=True, env=env)
    assert b'"dk;=1+2;x.txt"' in run.stdout  # quoted: a semicolon locale keeps it in one cell
    assert b"'=HYPERLINK(" in run.stdout


def test_parquet_and_json_keep_every_table_exact(outputs):
    from policyqa.api import read_chapter

    t = read_chapter(BAD / "hyperlink.txt", jurisdiction="Testland")
    for table in TABLES:
        expected = getattr(t, table)
        back = pd.read_parquet(outputs / f"{table}.parquet")
        pd.testing.assert_frame_equal(back, expected, check_dtype=False, check_categorical=False)
        records = json.loads((outputs / f"{table}.json").read_text(encoding="utf-8"))
        assert len(records) == len(expected)
        for col in expected.columns:
            if pd.api.types.is_string_dtype(expected[col]) and not isinstance(expected[col].dtype,
                                                                               pd.CategoricalDtype):
                assert [r[col] for r in records] == [None if pd.isna(v) else v for v in expected[col]], (table, col)


# --------------------------------------------------------------------------- the rules, cell by cell


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", FORMULA, "-", "=", "@"])
def test_neutralise_prefixes_an_apostrophe_to_what_starts_a_formula(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["a=1", " =1", "'=1", "", "Guide", "1", "#N/A", "\n=1", None, 3, -1, 2.5, True])
def test_neutralise_leaves_everything_else_alone(value):
    assert neutralise(value) is value


def test_spreadsheet_safe_touches_only_text_and_not_the_original():
    df = pd.DataFrame({"text": pd.array(["=x", "ok", None], dtype="string"), "obj": ["-y", 1, None],
                       "n": pd.array([-1, 2, None], dtype="Int64"), "f": [-1.5, 0.0, float("nan")],
                       "cat": pd.Categorical(["-a", "b", "-a"])})
    safe = spreadsheet_safe(df)
    assert list(safe["text"].fillna("NA")) == ["'=x", "ok", "NA"]
    assert list(safe["obj"])[:2] == ["'-y", 1]
    assert safe["n"].equals(df["n"]) and safe["f"].equals(df["f"]) and safe["cat"].equals(df["cat"])
    assert safe["text"].dtype == df["text"].dtype
    assert list(df["text"].fillna("NA")) == ["=x", "ok", "NA"]  # the caller's frame is untouched


def frame(values: list) -> pd.DataFrame:
    return pd.DataFrame({"value": pd.array(values, dtype="string"), "n": pd.array(range(len(values)), dtype="Int64")})


def test_csv_quotes_a_semicolon_so_a_european_excel_cannot_split_the_cell(tmp_path):
    """Excel in many locales splits CSV on ';': an unquoted `a;=cmd` would start a new cell with =cmd."""
    write_table(frame(["a;=cmd()", "b\t@x", 'quote " inside']), tmp_path / "t.csv", "csv")
    raw = (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert '"a;=cmd()"' in raw and '"b\t@x"' in raw and '"quote "" inside"' in raw
    for row in csv.reader(io.StringIO(raw), delimiter=";"):  # read the way such an Excel would
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_xlsx_text_that_is_not_a_formula_but_looks_special_stays_text(tmp_path):
    write_table(frame(["#N/A", "#REF!", "TRUE", "1e5", "2024-01-01", "'quoted"]), tmp_path / "t.xlsx", "xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    cells = [ws.cell(row=r, column=1) for r in range(2, 8)]
    assert [(c.value, c.data_type) for c in cells] == [(v, "s") for v in
                                                        ["#N/A", "#REF!", "TRUE", "1e5", "2024-01-01", "'quoted"]]


def test_xlsx_replaces_characters_xml_cannot_hold(tmp_path):
    write_table(frame(["bell\x07here", "esc\x1b[0m", "nul\x00", "tab\tand\nnewline", "\ufffe", "cr\rcrlf\r\n"]),
                tmp_path / "t.xlsx", "xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert [ws.cell(row=r, column=1).value for r in range(2, 8)] == [
        "bell\ufffdhere", "esc\ufffd[0m", "nul\ufffd", "tab\tand\nnewline", "\ufffd", "cr\ncrlf\n"]


def test_xlsx_cuts_a_cell_over_excels_limit_and_says_so(tmp_path):
    long = "word " * 10_000  # 50,000 characters
    write_table(frame([long]), tmp_path / "t.xlsx", "xlsx")
    write_table(frame([long]), tmp_path / "t.csv", "csv")
    value = load_workbook(tmp_path / "t.xlsx").active.cell(row=2, column=1).value
    assert len(value) == XLSX_MAX_CHARS
    assert value.startswith("word word") and value.endswith("the CSV, Parquet and JSON files have the full text]")
    assert "50,000 characters" in value
    assert pd.read_csv(tmp_path / "t.csv")["value"][0] == long  # the CSV keeps it all


def test_missing_values_are_empty_cells(tmp_path):
    df = pd.DataFrame({"s": pd.array([None, "x"], dtype="string"), "i": pd.array([None, 1], dtype="Int64"),
                       "f": [float("nan"), 1.5]})
    write_table(df, tmp_path / "t.xlsx", "xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in ws[2]] == [None, None, None]
    assert [c.value for c in ws[3]] == ["x", 1, 1.5]


def test_an_output_folder_that_is_a_file_is_a_clean_error(capsys, tmp_path):
    not_a_folder = tmp_path / "out"
    not_a_folder.write_text("I am a file", encoding="utf-8")
    code = cli.main(["tables", str(BAD / "chapter.txt"), "--out", str(not_a_folder), "--jurisdiction", "Testland"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.strip() == f"policyqa: error: {not_a_folder}:1: cannot write the tables there: is not a folder"
    assert not_a_folder.read_text(encoding="utf-8") == "I am a file"


def test_write_tables_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        write_tables({"t": frame(["x"])}, tmp_path, "ods")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- any text at all

text_values = st.lists(st.one_of(st.none(), st.text(max_size=40),
                                 st.sampled_from(["=1+1", "+", "-", "@", "\t", "\r", "=", "#N/A", "'", ";=x", "\x00"])),
                       min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text_values)
def test_any_text_round_trips_as_each_format_promises(tmp_path, values):
    df = frame(values)
    for fmt in ("csv", "xlsx", "parquet", "json"):
        write_table(df, tmp_path / f"t.{fmt}", fmt)
    expected = [None if v is None else v for v in values]
    assert list(pd.read_parquet(tmp_path / "t.parquet")["value"].astype(object).where(lambda s: s.notna(), None)) \
        == expected
    assert [r["value"] for r in json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))] == expected
    with (tmp_path / "t.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["value"] for r in rows] == ["" if v is None else neutralise(v) for v in values]
    ws = load_workbook(tmp_path / "t.xlsx").active
    cells = [ws.cell(row=r, column=1) for r in range(2, len(values) + 2)]
    assert [c.value for c in cells] == [None if v in (None, "") else xlsx_text(neutralise(v)) for v in values]
    assert all(c.data_type == "s" for c in cells if c.value is not None)
