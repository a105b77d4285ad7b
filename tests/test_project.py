"""The project's own rules: environment.yml in step with pyproject.toml, nothing hard-coded in lib/,
nothing reading the shared corpus folder, and the command line's help and exit codes."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    env = (ROOT / "environment.yml").read_text()
    listed = {_name(m.group(1)) for m in re.finditer(r"^\s*-\s+([A-Za-z0-9_.\-]+[^\n]*)$", env, re.M)}
    listed -= {"python", "pip", "conda-forge"}
    assert listed == wanted


def test_every_dependency_is_pinned_in_constraints():
    pins = {_name(line) for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_name(r) for r in extra}
    assert names <= pins, names - pins


def test_lib_names_no_chapter_guideline_or_jurisdiction():
    """Vocabularies live in data/reference; the code must work for chapters nobody here has seen."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "lib" / "policyqa").glob("*.py"))
    with (ROOT / "data" / "reference" / "jurisdictions.csv").open(encoding="utf-8") as f:
        jurisdictions = [row["jurisdiction"] for row in csv.DictReader(f)]
    banned = [j for j in jurisdictions if len(j) > 3] + ["Danish", "Digitisation", "ENISA", "MELANI", "PDPC"]
    for gold in [*(ROOT / "tests" / "data" / "gold").glob("*.json"),
                 *(ROOT / "tests" / "data").glob("heldout*/gold/*.json")]:
        banned += [g["title"] for g in json.loads(gold.read_text(encoding="utf-8"))["guidelines"]
                   if len(g["title"]) > 6]
    found = [b for b in banned if re.search(rf"\b{re.escape(b)}\b", code)]
    assert not found, found


def test_nothing_reads_the_shared_folder():
    shared = "/".join(["..", "shared"])
    for folder in ("lib", "tests", "notebooks", ".ci"):
        for p in (ROOT / folder).rglob("*"):
            if p.is_file() and p.suffix in (".py", ".ipynb", ".md", "") and "data" not in p.parts[-2:-1]:
                assert shared not in p.read_text(encoding="utf-8", errors="replace"), p
    assert shared not in (ROOT / "Makefile").read_text()


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "policyqa", *args], capture_output=True, text=True, cwd=ROOT)


def test_help_teaches_and_no_command_exits_2():
    done = run_cli("tables", "--help")
    assert done.returncode == 0 and "examples:" in done.stdout and "--format" in done.stdout
    assert run_cli().returncode == 2


def test_outline_shows_structure_with_line_numbers():
    done = run_cli("outline", "data/raw/denmark.txt")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "section      Best practice" in out
    assert re.search(r"^\s+5\s+Q13\s", out, re.M)
    assert "guideline: Guide to IT preparedness planning | Danish Agency for Digitisation" in out


def test_missing_file_is_a_clean_error():
    done = run_cli("tables", "no/such/chapter.txt", "--out", "-")
    assert done.returncode == 2
    assert done.stderr.strip() == "policyqa: error: no/such/chapter.txt:1: no such file or folder"
    assert "Traceback" not in done.stderr


def test_tables_to_stdout(tmp_path):
    done = run_cli("tables", "data/raw/denmark.txt", "--out", "-", "--table", "authorities", "--quiet")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == '"jurisdiction","edition","issuing_authority","authority_abbreviation","n_guidelines"'
    assert len(lines) == 3


def test_codebook_is_generated_from_the_schema():
    """docs/codebook.md is what `python -m policyqa.schema` prints: every column of every table, documented."""
    from policyqa.schema import TABLES, codebook

    text = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert text == codebook(), "regenerate: python -m policyqa.schema > docs/codebook.md"
    for table in TABLES.values():
        for column in table.columns:
            assert f"| `{column.name}` |" in text


def test_tables_have_the_declared_columns_dtypes_and_records():
    import policyqa
    from policyqa.schema import RECORDS, TABLES, frame_dtypes

    t = policyqa.read_chapter(ROOT / "data" / "raw" / "denmark.txt")
    for name, spec in TABLES.items():
        df = getattr(t, name)
        assert list(df.columns) == spec.names == [f for f in RECORDS[name].__dataclass_fields__]
        for col, dtype in frame_dtypes(name).items():
            assert str(df[col].dtype) == str(dtype), (name, col)
    # a join on the key needs no suffixes: the tables share only the key
    joined = t.obligations.merge(t.guidelines, on="guideline_id")
    assert not [c for c in joined.columns if c.endswith(("_x", "_y"))]
