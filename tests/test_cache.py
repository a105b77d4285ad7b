"""The content-hash cache: an unchanged file is not parsed again, a changed one is.

Parsing is counted by wrapping `policyqa.parse.parse`, and cache entries by the files in the
cache folder; nothing here is timed. Every test points POLICYQA_CACHE at its own tmp_path, so the
project's `.cache/policyqa` is never touched.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pandas.testing as pdt
import policyqa
import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
NAMES = ("denmark.txt", "eu.txt")
TABLES = ("questions", "guidelines", "obligations", "cross_references", "authorities", "diagnostics")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("POLICYQA_CACHE", str(folder))
    return folder


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The names of the files `parse` ran on, in order."""
    import policyqa.api
    import policyqa.parse

    real = policyqa.parse.parse
    calls: list[str] = []

    def counting(src, *args, **kwargs):
        calls.append(Path(src.path).name)
        return real(src, *args, **kwargs)

    monkeypatch.setattr(policyqa.parse, "parse", counting)
    if hasattr(policyqa.api, "parse"):  # in case api.py ever imports it at module level
        monkeypatch.setattr(policyqa.api, "parse", counting)
    return calls


def _copy_corpus(folder: Path) -> Path:
    """Writable copies of two chapters (data/raw is read-only) with their manifest rows."""
    folder.mkdir(parents=True)
    for name in NAMES:
        (folder / name).write_bytes((RAW / name).read_bytes())
    with (RAW / "manifest.csv").open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = [r for r in reader if r["file"] in NAMES]
        fields = reader.fieldnames
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.fixture
def corpus(tmp_path) -> Path:
    return _copy_corpus(tmp_path / "chapters")


def entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file()) if cache.exists() else []


def assert_same_tables(a, b) -> None:
    for name in TABLES:
        pdt.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)


def test_unchanged_files_are_not_parsed_again(corpus, cache_dir, parsed):
    first = policyqa.read_corpus(corpus)
    assert sorted(parsed) == sorted(NAMES)
    assert len(entries(cache_dir)) == len(NAMES)

    second = policyqa.read_corpus(corpus)
    assert sorted(parsed) == sorted(NAMES), "an unchanged file was parsed again"
    assert len(entries(cache_dir)) == len(NAMES)
    assert_same_tables(first, second)


def test_a_changed_file_is_parsed_again_and_only_it(corpus, cache_dir, parsed):
    first = policyqa.read_corpus(corpus)
    parsed.clear()
    eu = corpus / "eu.txt"
    eu.write_bytes(eu.read_bytes().rstrip() + b"\n\nA paragraph added to test the cache.\n")

    second = policyqa.read_corpus(corpus)
    assert parsed == ["eu.txt"]
    assert len(entries(cache_dir)) == len(NAMES) + 1  # the old entry stays; the new content has its own
    answers = second.questions.loc[second.questions["source_file"] == "eu.txt", "answer"]
    assert answers.str.contains("A paragraph added to test the cache.", regex=False).any()
    before = first.questions.loc[first.questions["source_file"] == "eu.txt", "answer"]
    assert not before.str.contains("A paragraph added", regex=False).any()
    lines = {s.source_file: s.lines_read for s in second.summaries}
    assert lines["eu.txt"] > {s.source_file: s.lines_read for s in first.summaries}["eu.txt"]
    pdt.assert_frame_equal(  # the unchanged chapter's rows come back as they were
        first.guidelines[first.guidelines["source_file"] == "denmark.txt"].reset_index(drop=True),
        second.guidelines[second.guidelines["source_file"] == "denmark.txt"].reset_index(drop=True),
    )

    parsed.clear()
    policyqa.read_corpus(corpus)
    assert parsed == [], "the changed file, once cached, was parsed again"


def test_a_single_byte_change_is_noticed(corpus, cache_dir, parsed):
    policyqa.read_corpus(corpus)
    parsed.clear()
    denmark = corpus / "denmark.txt"
    data = denmark.read_bytes()
    denmark.write_bytes(data.replace(b"Guide on securing mobile devices", b"Guide on securing mobile phones", 1))
    assert denmark.read_bytes() != data

    tables = policyqa.read_corpus(corpus)
    assert parsed == ["denmark.txt"]
    titles = set(tables.guidelines["title"])
    assert "Guide on securing mobile phones" in titles
    assert "Guide on securing mobile devices" not in titles


def test_same_bytes_in_another_folder_reuse_the_cache_and_point_at_the_new_path(corpus, cache_dir, parsed,
                                                                                 tmp_path):
    policyqa.read_corpus(corpus)
    parsed.clear()
    moved = _copy_corpus(tmp_path / "elsewhere")
    tables = policyqa.read_corpus(moved)
    assert parsed == []
    assert {Path(s.path).parent for s in tables.summaries} == {moved}
    row = tables.guidelines.index[0]
    assert tables.provenance("guidelines", row)  # provenance reads the file where it is now


def test_cache_false_parses_every_time_and_writes_nothing(corpus, cache_dir, parsed):
    policyqa.read_corpus(corpus, cache=False)
    policyqa.read_corpus(corpus, cache=False)
    assert sorted(parsed) == sorted(NAMES * 2)
    assert entries(cache_dir) == []


@pytest.mark.parametrize("value", ["off", "OFF", "0"])
def test_policyqa_cache_off_disables_the_cache(corpus, monkeypatch, parsed, tmp_path, value):
    monkeypatch.setenv("POLICYQA_CACHE", value)
    monkeypatch.chdir(tmp_path)  # a relative cache folder named like the value would appear here
    policyqa.read_corpus(corpus)
    policyqa.read_corpus(corpus)
    assert sorted(parsed) == sorted(NAMES * 2)
    assert not (tmp_path / value).exists()


def test_a_damaged_cache_entry_is_parsed_again_not_an_error(corpus, cache_dir, parsed):
    first = policyqa.read_corpus(corpus)
    for entry in entries(cache_dir):
        entry.write_bytes(b"not a pickle")
    parsed.clear()
    second = policyqa.read_corpus(corpus)
    assert sorted(parsed) == sorted(NAMES)
    assert_same_tables(first, second)


def test_the_default_cache_folder_is_ignored_by_git(monkeypatch):
    from policyqa.cache import cache_dir

    monkeypatch.delenv("POLICYQA_CACHE", raising=False)
    folder = cache_dir()
    assert folder is not None
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    if not folder.resolve().is_relative_to(ROOT.resolve()):
        pytest.skip("policyqa is imported from outside this checkout")
    probe = folder / "ab" / "0123.pkl"  # need not exist: check-ignore matches paths
    result = subprocess.run(["git", "check-ignore", "-q", "--no-index", str(probe)], cwd=ROOT)
    assert result.returncode == 0, f"{folder} is not ignored by git"
