"""`make` through the real make: variables reach commands as data, never as shell code.

A copy of the project's Makefile runs in a temporary folder whose `.venv` is a link to this
checkout's, with `-o .venv/.installed` so that nothing is installed; outputs land in the
temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "policyqa").exists(),
                                reason="needs make and the project's .venv")


@pytest.fixture
def project(tmp_path) -> Path:
    home = tmp_path / "project"
    home.mkdir()
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, home / name)
    (home / ".venv").symlink_to(ROOT / ".venv")
    (home / "notebooks").symlink_to(ROOT / "notebooks")
    (home / "data").mkdir()
    (home / "data" / "raw").symlink_to(ROOT / "data" / "raw")
    return home


def make(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYQA_CACHE": str(project / "cache")}
    env.pop("MAKEFLAGS", None)
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", *args], cwd=project,
                          capture_output=True, text=True, env=env, timeout=600)


def planted(project: Path) -> list[Path]:
    return [p for p in project.parent.rglob("PWNED*")]


def test_a_jurisdiction_holding_shell_code_runs_nothing(project):
    done = make(project, 'JURISDICTION=x"; touch PWNED; echo "', "briefing")
    assert not planted(project), "the shell ran what JURISDICTION held"
    assert done.returncode != 0  # no chapter for that jurisdiction: the briefing refuses it
    assert 'x"; touch PWNED; echo "' in done.stderr  # passed on as one argument, quotes and all
    assert list((project / "data" / "processed").glob("*.csv"))  # the tables step ran as usual


@pytest.mark.parametrize("value", ["$(shell touch PWNED2)", "`touch PWNED3`", "$$(touch PWNED4)", "a;touch PWNED5"])
def test_data_holding_shell_or_make_code_runs_nothing(project, value):
    done = make(project, f"DATA={value}", "tables")
    assert not planted(project), done.stderr
    assert done.returncode != 0
    assert "no such file or folder" in done.stderr


def test_a_data_folder_with_a_space_in_its_name(project):
    chapters = project / "my chapters"
    chapters.mkdir()
    for name in ("denmark.txt", "eu.txt"):
        shutil.copy(ROOT / "data" / "raw" / name, chapters / name)
    done = make(project, "DATA=my chapters", "tables")
    assert done.returncode == 0, done.stderr
    import pandas as pd

    q = pd.read_csv(project / "data" / "processed" / "questions.csv")
    assert set(q["source_file"]) == {"denmark.txt", "eu.txt"}


def test_setup_says_what_it_installs_before_the_long_wait():
    done = subprocess.run(["make", "-n", "-B", "setup"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    said = next(i for i, line in enumerate(lines) if "installing into" in line)
    install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert said < install
    told = " ".join(lines[said:install])
    for package in ("pandas", "jupyterlab", "pytest", "playwright", "constraints.txt"):
        assert package in told
