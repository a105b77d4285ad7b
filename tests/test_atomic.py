"""Atomic outputs: tables (and figures, through `atomic_path`) are written in a hidden staging
folder and renamed into place, so a run that fails, is interrupted or is killed midway leaves the
previous outputs whole and readable. The kill is real (SIGKILL to a child process stopped in the
middle of writing a table); nothing here is timed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from policyqa import export
from policyqa.errors import PolicyqaError
from policyqa.export import STAGING_PREFIX, atomic_path, write_tables

TABLES = ("questions", "guidelines", "obligations", "cross_references", "authorities", "diagnostics")


def frames(tag: str) -> dict:
    return {name: pd.DataFrame({"table": [name], "run": [tag], "n": pd.array([1], dtype="Int64")}) for name in TABLES}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def previous(tmp_path) -> Path:
    out = tmp_path / "out"
    write_tables(frames("old"), out, "csv")
    return out


def test_a_write_replaces_every_table_and_leaves_nothing_else(previous):
    write_tables(frames("new"), previous, "csv")
    assert sorted(p.name for p in previous.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    for t in TABLES:
        assert list(pd.read_csv(previous / f"{t}.csv")["run"]) == ["new"]


def test_files_get_the_usual_permissions(previous):
    umask = os.umask(0)
    os.umask(umask)
    for p in previous.iterdir():
        assert p.stat().st_mode & 0o777 == 0o666 & ~umask, p  # not the 0o600 of a mkstemp file


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "json"])
def test_a_write_that_fails_midway_leaves_every_previous_table_whole(tmp_path, monkeypatch, fmt):
    out = tmp_path / "out"
    write_tables(frames("old"), out, fmt)
    before = snapshot(out)
    calls = []
    if fmt == "xlsx":  # one workbook: the fourth sheet fails
        real_sheet = export._fill_sheet

        def full_at_the_fourth_sheet(ws, df):
            calls.append(ws.title)
            if len(calls) == 4:
                raise OSError(28, "No space left on device")
            real_sheet(ws, df)

        monkeypatch.setattr(export, "_fill_sheet", full_at_the_fourth_sheet)
    else:
        real = export._write

        def disk_full_at_the_fourth(df, path, fmt, name="table"):
            calls.append(name)
            if len(calls) == 4:
                path.write_bytes(b"half a tab")
                raise OSError(28, "No space left on device")
            real(df, path, fmt, name)

        monkeypatch.setattr(export, "_write", disk_full_at_the_fourth)
    with pytest.raises(PolicyqaError) as exc:
        write_tables(frames("new"), out, fmt)
    assert exc.value.message == "cannot write the tables there: No space left on device"
    assert exc.value.path == str(out / ("tables.xlsx" if fmt == "xlsx" else f"{TABLES[3]}.{fmt}"))
    assert snapshot(out) == before  # the three tables already written were never renamed into place
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # and no staging folder is left


def test_ctrl_c_midway_leaves_the_previous_tables(previous, monkeypatch):
    before = snapshot(previous)
    real = export._write

    def interrupted(df, path, fmt, name="table"):
        if name == "authorities":
            raise KeyboardInterrupt
        real(df, path, fmt, name)

    monkeypatch.setattr(export, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_tables(frames("new"), previous, "csv")
    assert snapshot(previous) == before
    assert sorted(p.name for p in previous.iterdir()) == sorted(before)


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import pandas as pd
    from policyqa import export

    out, marker = Path(sys.argv[1]), Path(sys.argv[2])
    real = export._write

    def stall_in_the_third(df, path, fmt, name="table"):
        if name == "obligations":
            with open(path, "w", encoding="utf-8") as f:
                f.write('"table","run"\\n"obligations","half')
                f.flush()
            ready = marker.with_suffix(".tmp")  # tell the test we are mid-write (renamed, so it never
            ready.write_text(str(path), encoding="utf-8")  # sees the marker before its text)
            ready.rename(marker)
            time.sleep(600)
        real(df, path, fmt, name)

    export._write = stall_in_the_third
    names = ("questions", "guidelines", "obligations", "cross_references", "authorities", "diagnostics")
    export.write_tables({n: pd.DataFrame({"table": [n], "run": ["new"]}) for n in names}, out, "csv")
""")


def kill_midway(tmp_path: Path, out: Path) -> Path:
    """Run a writer that stops in the middle of a table, SIGKILL it there; return its half-written file."""
    marker = tmp_path / "midway"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(out), str(marker)])
    try:
        deadline = time.monotonic() + 120  # a guard against a hung child, not a measurement
        while not marker.exists():
            assert child.poll() is None, "the writer ended before it reached the third table"
            assert time.monotonic() < deadline, "the writer never reached the third table"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    return Path(marker.read_text(encoding="utf-8"))


def test_a_killed_write_leaves_the_previous_tables_readable(tmp_path, previous):
    before = snapshot(previous)
    half = kill_midway(tmp_path, previous)
    assert half.read_text(encoding="utf-8").endswith('"half')  # it really died mid-table
    assert snapshot(previous) == before
    for t in TABLES:
        assert list(pd.read_csv(previous / f"{t}.csv")["run"]) == ["old"]
    assert sorted(p.stem for p in previous.glob("*.csv")) == sorted(TABLES)  # the leftover is not a *.csv here
    leftover = half.parent
    assert leftover.parent == previous and leftover.name.startswith(STAGING_PREFIX)


def test_the_next_run_after_a_kill_writes_normally_and_clears_the_old_leftover(tmp_path, previous):
    leftover = kill_midway(tmp_path, previous).parent
    write_tables(frames("new"), previous, "csv")
    assert leftover.exists()  # fresh: it might belong to a run still going elsewhere
    an_hour_ago = time.time() - export.STALE_AFTER_S - 60
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    write_tables(frames("newer"), previous, "csv")
    assert not leftover.exists()
    assert list(pd.read_csv(previous / "guidelines.csv")["run"]) == ["newer"]


def test_a_staging_folder_of_a_live_process_is_never_removed(previous):
    mine = previous / f"{STAGING_PREFIX}{os.getppid()}-cafe"  # the parent of this test process is alive
    mine.mkdir()
    an_hour_ago = time.time() - export.STALE_AFTER_S - 60
    os.utime(mine, (an_hour_ago, an_hour_ago))
    write_tables(frames("new"), previous, "csv")
    assert mine.exists()


# --------------------------------------------------------------------------- atomic_path, for figures


def test_atomic_path_keeps_the_file_name_so_writers_pick_the_same_format(tmp_path):
    target = tmp_path / "figures" / "chart.png"
    with atomic_path(target) as tmp:
        assert tmp.name == "chart.png" and tmp != target and tmp.parent.parent == target.parent
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["chart.png"]


def test_atomic_path_leaves_the_previous_file_when_the_block_fails(tmp_path):
    target = tmp_path / "chart.svg"
    target.write_bytes(b"<svg>old</svg>")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"<svg>ha")
        raise RuntimeError("the chart failed")
    assert target.read_bytes() == b"<svg>old</svg>"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]


def test_atomic_path_that_writes_nothing_does_not_empty_the_target(tmp_path):
    target = tmp_path / "chart.svg"
    target.write_bytes(b"<svg>old</svg>")
    with pytest.raises(FileNotFoundError), atomic_path(target):
        pass
    assert target.read_bytes() == b"<svg>old</svg>"


def test_atomic_path_with_matplotlib(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    target = tmp_path / "chart.svg"
    with atomic_path(target) as tmp:
        fig.savefig(tmp)  # the format comes from the name
    plt.close(fig)
    assert target.read_bytes().startswith(b"<?xml")


# --------------------------------------------------------------------------- all or nothing over the whole set

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "tests" / "data" / "bad"


def policyqa_tables(*args, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYQA_CACHE": "off", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "policyqa", "tables", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.fixture
def good_out(tmp_path) -> Path:
    """An --out folder holding a real run's tables (of chapter.txt)."""
    out = tmp_path / "out"
    done = policyqa_tables(CHAPTERS / "chapter.txt", "--out", out, "--jurisdiction", "Oldland")
    assert done.returncode == 0, done.stderr
    return out


def test_a_table_that_cannot_be_written_replaces_none_through_the_real_command(tmp_path, good_out):
    (good_out / "diagnostics.csv").unlink()
    (good_out / "diagnostics.csv").mkdir()  # the last table cannot be put in place
    before = snapshot(good_out)
    done = policyqa_tables(CHAPTERS / "chapter.txt", "--out", good_out, "--jurisdiction", "Newland")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"policyqa: error: {good_out / 'diagnostics.csv'}:1: cannot write the tables "
                                   "there: is a folder")
    assert snapshot(good_out) == before  # not one of the other tables was replaced
    assert sorted(p.name for p in good_out.iterdir()) == sorted([*before, "diagnostics.csv"])


def _chattr(flag: str, path: Path) -> bool:
    import shutil

    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("which", ["questions.csv", "diagnostics.csv"])
def test_an_immutable_table_replaces_none_through_the_real_command(tmp_path, good_out, which):
    target = good_out / which
    if not _chattr("+i", target):
        pytest.skip("chattr +i is not available here (needs root and a file system that supports it)")
    try:
        before = snapshot(good_out)
        done = policyqa_tables(CHAPTERS / "chapter.txt", "--out", good_out, "--jurisdiction", "Newland")
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.startswith(f"policyqa: error: {target}:1: cannot write the tables there: ")
        assert snapshot(good_out) == before
        assert not list(good_out.glob(STAGING_PREFIX + "*"))
    finally:
        _chattr("-i", target)


def test_a_rename_that_fails_midway_puts_the_earlier_ones_back(previous, monkeypatch):
    before = snapshot(previous)
    real = os.replace
    renamed = []

    def fail_at_the_fifth(src, dst):
        if Path(dst).parent == previous:
            renamed.append(Path(dst).name)
            if len(renamed) == 5:
                raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(export.os, "replace", fail_at_the_fifth)
    with pytest.raises(PolicyqaError, match="Input/output error"):
        write_tables(frames("new"), previous, "csv")
    monkeypatch.undo()
    assert snapshot(previous) == before
    assert sorted(p.name for p in previous.iterdir()) == sorted(before)


# --------------------------------------------------------------------------- concurrent runs into one folder

def _writer(tag: str, out: str, barrier, rounds: int, errors) -> None:
    from policyqa.export import write_tables as write

    for _ in range(rounds):
        barrier.wait()  # all four start writing together
        try:
            write(frames(tag), out, "csv")
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.put(f"{tag}: {exc!r}")
        barrier.wait()  # the test looks at the folder now


def test_four_concurrent_writers_always_leave_one_complete_set(tmp_path):
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    out = tmp_path / "out"
    rounds, writers = 150, 4
    barrier = ctx.Barrier(writers + 1)
    errors = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(f"run{n}", str(out), barrier, rounds, errors))
             for n in range(writers)]
    for p in procs:
        p.start()
    mixed = []
    try:
        for r in range(rounds):
            barrier.wait(timeout=120)
            barrier.wait(timeout=120)
            runs = {pd.read_csv(out / f"{t}.csv")["run"][0] for t in TABLES}
            if len(runs) != 1:
                mixed.append((r, sorted(runs)))
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    assert errors.empty(), errors.get()
    assert not mixed, f"{len(mixed)} of {rounds} rounds left a mixed set, e.g. {mixed[:3]}"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)


def test_concurrent_runs_of_the_real_command_leave_one_runs_tables(tmp_path):
    """Four `policyqa tables` runs on four different chapters into one --out, again and again."""
    names = ["denmark.txt", "eu.txt", "japan.txt", "switzerland.txt"]
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    env = {**os.environ, "POLICYQA_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "policyqa", "tables", "--out", str(out), "--quiet"]
    for name in names:  # fill the cache, so each run is mostly writing
        subprocess.run([*cmd, str(ROOT / "data" / "raw" / name)], env=env, check=True, capture_output=True)
    mixed = 0
    rounds = 3  # the many-round test above is the one that catches a race; this one is end to end
    for _ in range(rounds):
        procs = [subprocess.Popen([*cmd, str(ROOT / "data" / "raw" / name)], env=env, stderr=subprocess.PIPE)
                 for name in names]
        for p in procs:
            assert p.wait(timeout=300) == 0, p.stderr.read()
            p.stderr.close()
        sources = set()
        for table in ("questions", "guidelines", "obligations", "diagnostics", "cross_references", "laws"):
            df = pd.read_csv(out / f"{table}.csv")
            if "source_file" in df:
                sources |= set(df["source_file"])
        jurisdictions = set(pd.read_csv(out / "questions.csv")["jurisdiction"]) | set(
            pd.read_csv(out / "authorities.csv")["jurisdiction"])
        mixed += len(sources) != 1 or len(jurisdictions) != 1
    assert mixed == 0, f"{mixed} of {rounds} rounds left a mixed set"
