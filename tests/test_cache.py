"""The content-hash cache: an unchanged file is not parsed again, a changed one is.

Parsing is counted by wrapping `policyqa.parse.parse`, and cache entries by the files in the
cache folder; nothing here is timed. Every test points POLICYQA_CACHE at its own tmp_path, so the
project's `.cache/policyqa` is never touched.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pandas.testing as pdt
import policyqa
import pytest
from policyqa.errors import PolicyqaWarning

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


def test_a_damaged_cache_entry_is_parsed_again_with_a_warning(corpus, cache_dir, parsed):
    first = policyqa.read_corpus(corpus)
    for entry in entries(cache_dir):
        entry.write_bytes(b"not a cache entry")
    parsed.clear()
    with pytest.warns(PolicyqaWarning, match="cache entry has no valid header; the chapter is parsed again"):
        second = policyqa.read_corpus(corpus)
    assert sorted(parsed) == sorted(NAMES)
    assert_same_tables(first, second)
    parsed.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rewritten entries are good again: no warning
        policyqa.read_corpus(corpus)
    assert parsed == []


def test_an_entry_is_json_data_behind_a_checksum_never_a_pickle(corpus, cache_dir):
    policyqa.read_corpus(corpus)
    for entry in entries(cache_dir):
        assert entry.suffix == ".json"
        head, _, payload = entry.read_bytes().partition(b"\n")
        fmt, version, key, digest = head.decode("ascii").split(" ")
        assert entry.stem == key and hashlib.sha256(payload).hexdigest() == digest
        assert isinstance(json.loads(payload), list)


def test_60_single_byte_flips_anywhere_in_an_entry_are_all_detected(tmp_path, cache_dir, parsed):
    path = tmp_path / "denmark.txt"
    path.write_bytes((RAW / "denmark.txt").read_bytes())
    fresh = policyqa.read_chapter(path, jurisdiction="Denmark", cache=False)
    policyqa.read_chapter(path, jurisdiction="Denmark")
    (entry,) = entries(cache_dir)
    good = entry.read_bytes()
    header = good.index(b"\n") + 1
    # a third of the flips in the header (format, key, checksum), the rest spread over the payload
    spots = [round(i * (header - 1) / 19) for i in range(20)]
    spots += [header + round(i * (len(good) - header - 1) / 39) for i in range(40)]
    assert len(set(spots)) == 60
    detected = 0
    for n, spot in enumerate(spots):
        bad = bytearray(good)
        bad[spot] ^= 1 << (n % 8)
        entry.write_bytes(bytes(bad))
        parsed.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            again = policyqa.read_chapter(path, jurisdiction="Denmark")
        told = [w for w in caught if issubclass(w.category, PolicyqaWarning) and "cache entry" in str(w.message)]
        detected += bool(told) and parsed == ["denmark.txt"]
        assert_same_tables(fresh, again)
        assert entry.read_bytes() == good  # rewritten whole
    assert detected == 60


def test_an_entry_of_the_wrong_shape_with_a_valid_checksum_is_parsed_again(tmp_path, cache_dir, parsed):
    path = tmp_path / "eu.txt"
    path.write_bytes((RAW / "eu.txt").read_bytes())
    fresh = policyqa.read_chapter(path, jurisdiction="EU")
    (entry,) = entries(cache_dir)
    head, _, payload = entry.read_bytes().partition(b"\n")
    data = json.loads(payload)
    data[0]["guidelines"][0]["line"] = "nine"  # well-formed JSON, right checksum, wrong type
    for shape in (data, {"records": 1}, [data[0]], [[], []]):
        body = json.dumps(shape).encode()
        fmt, version, key, _ = head.decode().split(" ")
        entry.write_bytes(f"{fmt} {version} {key} {hashlib.sha256(body).hexdigest()}\n".encode() + body)
        parsed.clear()
        with pytest.warns(PolicyqaWarning, match="wrong shape"):
            again = policyqa.read_chapter(path, jurisdiction="EU")
        assert parsed == ["eu.txt"]
        assert_same_tables(fresh, again)


EVIL = textwrap.dedent("""
    import os, pickle, sys
    class Evil:
        def __reduce__(self):
            return (os.system, ("touch " + sys.argv[1],))
    data = pickle.dumps(Evil())
    for target in sys.argv[2:]:
        open(target, "wb").write(data)
""")


def test_a_planted_pickle_is_never_run_through_the_real_command(tmp_path, corpus):
    cache = tmp_path / "cache"
    env = {**os.environ, "POLICYQA_CACHE": str(cache)}
    cmd = [str(ROOT / ".venv" / "bin" / "policyqa"), "tables", str(corpus), "--out", str(tmp_path / "out")]
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
    pwned = tmp_path / "PWNED"
    targets = entries(cache)
    # the entries themselves, and pickles beside them under the names the old cache used
    planted = targets + [t.with_suffix(".pkl") for t in targets]
    subprocess.run([sys.executable, "-c", EVIL, str(pwned), *map(str, planted)], check=True)
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert not pwned.exists(), "the cache ran code"
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.count("policyqa: warning: ") == len(NAMES), run.stderr
    assert "cache entry has no valid header; the chapter is parsed again" in run.stderr


def _key_of(path: Path) -> str:
    code = ("import sys, policyqa.cache as c, policyqa.reference as r; ref = r.load_reference(); "
            "print(c.key(b'x', 'x.txt', c.reference_digest(str(ref.folder), ref.digest), None, None, 'text'))")
    env = {**os.environ, "PYTHONPATH": str(path)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_editing_any_module_or_vocabulary_changes_the_key(tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(ROOT / "lib", lib, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data" / "reference", tmp_path / "data" / "reference")
    base = _key_of(lib)
    assert base == _key_of(lib)  # the key is stable
    modules = sorted((lib / "policyqa").rglob("*.py"))
    assert len(modules) > 10
    keys = {base}
    for module in modules:
        before = module.read_bytes()
        module.write_bytes(before + b"\n# an edit\n")
        keys.add(_key_of(lib))
        module.write_bytes(before)
    vocab = sorted((tmp_path / "data" / "reference").iterdir())
    for path in vocab:
        before = path.read_bytes()
        path.write_bytes(before + b"\n")
        keys.add(_key_of(lib))
        path.write_bytes(before)
    (tmp_path / "data" / "reference" / "a_new_vocabulary.csv").write_text("word\nx\n")
    keys.add(_key_of(lib))
    assert len(keys) == 1 + len(modules) + len(vocab) + 1


def test_the_default_cache_folder_is_ignored_by_git(monkeypatch):
    from policyqa.cache import cache_dir

    monkeypatch.delenv("POLICYQA_CACHE", raising=False)
    folder = cache_dir()
    assert folder is not None
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    if not folder.resolve().is_relative_to(ROOT.resolve()):
        pytest.skip("policyqa is imported from outside this checkout")
    probe = folder / "ab" / "0123.json"  # need not exist: check-ignore matches paths
    result = subprocess.run(["git", "check-ignore", "-q", "--no-index", str(probe)], cwd=ROOT)
    assert result.returncode == 0, f"{folder} is not ignored by git"
