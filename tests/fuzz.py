"""`make fuzz`: a fixed-time hypothesis campaign over the reader, the parser and the exports.

    python tests/fuzz.py --minutes 10 [--seed N] [--keep DIR]

Inputs are real chapters (data/raw, tests/data/heldout, tests/data/bad) mutated at the byte and
line level (re-encoded, line ends changed, lines duplicated, spliced, cut, junk and formula-like
text inserted), plus bytes and texts generated from scratch. Each input goes through
read -> parse -> extract -> tables -> schema validation, and is checked for:

  * no exception but PolicyqaError (which must name a line >= 1);
  * every non-blank line lands in exactly one place, and the unplaced ones are in diagnostics;
  * every few inputs: a folder of mutated chapters and junk through `policyqa tables` (exit 0 or 2,
    never a traceback; nothing lost over the folder), and the tables exported to CSV, XLSX,
    Parquet and JSON (no cell a spreadsheet would run, Parquet/JSON exact, no staging folder left);
  * the cache: an entry damaged at random (bytes flipped, inserted, cut, emptied, swapped with another
    entry's, a pickle planted) is detected with a warning and gives the tables of a fresh parse; an entry
    forged with a right checksum runs nothing and raises nothing;
  * concurrent runs: 2 to 6 processes writing their tables into one folder at once, in any format, leave
    one run's complete set and no staging folder;
  * the manifest: rows naming paths outside the folder ('..', absolute, '~', backslashes, links out, NUL,
    quotes, newlines) are an error at their line; a secret file beside the folder never reaches a table.

An input still running after --slow seconds, or while the process holds more than --max-rss MB, is
stopped and reported (and kept), not failed: speed is for benchmarks, but a stopped input is almost
always a quadratic corner worth a look.
It stops by itself after --minutes and prints how many inputs it tried and what failed; failing and
slow inputs are saved (under a temporary folder unless --keep is given). Exit 1 if anything failed.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import hashlib
import io
import json
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
os.environ["POLICYQA_CACHE"] = "off"  # never write the project's .cache from here
csv.field_size_limit(sys.maxsize)  # a long answer is one big CSV field; the csv module refuses over 128 kB by default

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SEEDS = sorted(
    [p for p in (ROOT / "data" / "raw").glob("*.txt")]
    + [p for p in (ROOT / "tests" / "data" / "heldout").glob("*.txt")]
    + [p for p in (ROOT / "tests" / "data" / "bad").iterdir() if p.is_file() and p.suffix != ".py"]
)
SEED_BYTES = [p.read_bytes() for p in SEEDS]
PIECES = [
    "Best practice", "Increased protection", "Legislation", "Threat detection and reporting",
    "Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?",
    "13. How does the government incentivise organisations to improve their cybersecurity?",
    "Q14: Are there generally recommended best practices and procedures for responding to breaches?",
    "Increased protectionDo the authorities recommend additional cybersecurity protections?",
    "Yes.", "No.", "Partly.", "See question 13.", "See questions 16, 21 and 24.", "See ‘Legislation’.",
    "  • Guides from the Testland Cyber Agency:", "    • Baseline Security Guide;", "  •; and", "- dash item",
    "The Testland Cyber Agency (TCA) has published the Securing Data Guide, which is voluntary.",
    "ISO/IEC 27001:2013, ANSI/ISA-99.00 standard. 01-2007 Security for Control Systems: Concepts",
    '=HYPERLINK("http://example.invalid","x")', "+SUM(1)", "-1+2", "@cmd", "\t=1", "#N/A",
    "Read More…", "[7]", "‘quoted Guide’ (", "A. A. A. A. B.", "aBcDeF", "\u00a0", "\u200b", "\ufeff", "   ", "",
    "\x0b", "\x1b[31m", "\ufffe", "No. 5 of 2019.", "e.g. the Guide.",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


class TooSlow(BaseException):
    """Raised by a timer inside an input that runs past --slow seconds (BaseException: no `except
    Exception` in the library swallows it)."""


class TooBig(BaseException):
    """Raised in an input while the process holds more than --max-rss MB (a watchdog thread signals it)."""


def rss_mb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return int(f.read().split("VmRSS:")[1].split()[0]) // 1024
    except (OSError, IndexError, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class Stats:
    def __init__(self) -> None:
        self.deadline = float("inf")
        self.memo_limit = 2000  # MB: above this after an input, the library's memos are emptied
        self.started = self.last_report = time.monotonic()
        self.inputs = Counter()
        self.outcomes = Counter()
        self.failures: dict[str, dict] = {}
        self.slow: list[dict] = []
        self.memory: list[dict] = []
        self.running = False  # an input is being checked (the watchdog may stop only that)
        self.current: tuple[str, bytes] | None = None


STATS = Stats()


# --------------------------------------------------------------------------- mutations

def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def mutate(data: bytes, ops: list[tuple[str, float, float, int]], rnd_piece: str) -> bytes:
    for kind, a, b, n in ops:
        size = len(data)
        i = int(a * size)
        if kind == "insert_bytes":
            data = data[:i] + bytes([n % 256]) * (1 + n % 3) + data[i:]
        elif kind == "flip":
            if size:
                j = min(i, size - 1)
                data = data[:j] + bytes([data[j] ^ (1 << (n % 8))]) + data[j + 1:]
        elif kind == "delete":
            data = data[:i] + data[i + 1 + int(b * 200):]
        elif kind == "truncate":
            data = data[:i]
        elif kind in ("dup_line", "swap_lines", "drop_line", "splice", "piece", "long_line", "blank_lines"):
            lines = _lines(data)
            k, m = int(a * len(lines)) % len(lines), int(b * len(lines)) % len(lines)
            if kind == "dup_line":
                lines.insert(k, lines[k])
            elif kind == "swap_lines":
                lines[k], lines[m] = lines[m], lines[k]
            elif kind == "drop_line":
                del lines[k]
            elif kind == "splice":
                other = _lines(SEED_BYTES[n % len(SEED_BYTES)])
                lines.insert(k, other[int(b * len(other)) % len(other)])
            elif kind == "piece":
                lines.insert(k, (rnd_piece + "\n").encode("utf-8"))
            elif kind == "long_line":  # up to ~2 MB: long lines, not the memory of the machine
                line = lines[m].rstrip(b"\r\n")
                lines.insert(k, line * min(1 + n % 400, max(1, 2_000_000 // max(1, len(line)))) + b"\n")
            elif kind == "blank_lines":
                lines.insert(k, b"\n" * (1 + n % 5))
            data = b"".join(lines)
        elif kind == "line_ends":
            text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            data = text.replace(b"\n", (b"\r\n", b"\r", b"\n", b"\n\r")[n % 4])
        elif kind == "encode":
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            enc = ("utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1", "utf-16-le")[n % 7]
            if enc == "utf-16-be":
                data = codecs.BOM_UTF16_BE + text.encode("utf-16-be", errors="replace")
            else:
                data = text.encode(enc, errors="replace")
    return data


OPS = st.lists(st.tuples(
    st.sampled_from(["insert_bytes", "flip", "delete", "truncate", "dup_line", "swap_lines", "drop_line", "splice",
                     "piece", "piece", "long_line", "blank_lines", "line_ends", "encode"]),
    st.floats(0, 1), st.floats(0, 1), st.integers(0, 10_000)), max_size=8)

mutated_inputs = st.builds(lambda seed, ops, piece: mutate(SEED_BYTES[seed], ops, piece),
                           st.integers(0, len(SEED_BYTES) - 1), OPS, st.sampled_from(PIECES))
text_inputs = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=80)), max_size=60).map(
    lambda lines: "\n".join(lines).encode("utf-8", errors="surrogatepass"))
byte_inputs = st.one_of(st.binary(max_size=2000), st.builds(
    lambda bom, body: bom + body,
    st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                     b"\x89PNG\r\n\x1a\n", b"%PDF-", b"PK\x03\x04"]), st.binary(max_size=500)))
any_input = st.one_of(mutated_inputs, mutated_inputs, text_inputs, byte_inputs)


# --------------------------------------------------------------------------- checks

def check_chapter(data: bytes, name: str, jurisdiction: str | None):
    """read -> parse -> extract -> records; the line-placement property. Returns the records or None."""
    from policyqa.errors import PolicyqaError
    from policyqa.extract import extract
    from policyqa.parse import is_blank, parse
    from policyqa.read import MAX_BYTES, text_from_bytes
    from policyqa.reference import load_reference
    from policyqa.tables import build_records
    from util import places

    if len(data) > MAX_BYTES:  # the reader refuses these before reading them (tested in test_bad_input)
        STATS.outcomes["refused as too large"] += 1
        return None
    try:
        src = text_from_bytes(data, name)
    except PolicyqaError as exc:
        assert exc.line >= 1 and exc.path == name and exc.message, exc
        STATS.outcomes["refused by the reader"] += 1
        return None
    assert all("\n" not in line and "\r" not in line for line in src.lines)
    ref = load_reference()
    ch = parse(src, ref, jurisdiction=jurisdiction)
    records = build_records(ch, extract(ch, ref))
    nonblank = [i + 1 for i, raw in enumerate(src.lines) if not is_blank(raw)]
    assert sorted(places(ch)) == nonblank, "a non-blank line was lost or placed twice"
    unplaced = {d.line for d in records.diagnostics if d.level == "unplaced"}
    assert unplaced == {line for line, _ in ch.unplaced}, "unplaced lines and their diagnostics disagree"
    STATS.outcomes["parsed"] += 1
    return records


def check_tables(records, out: Path, xlsx: bool) -> None:
    import pandas as pd
    from policyqa.export import STAGING_PREFIX, write_tables
    from policyqa.tables import to_frames
    from policyqa.validate import validate

    frames = validate(to_frames(records))  # a SchemaError is a bug
    formats = ["csv", "parquet", "json"] + (["xlsx"] if xlsx else [])
    for fmt in formats:
        write_tables(frames, out, fmt)
    assert not list(out.glob(STAGING_PREFIX + "*")), "a staging folder was left behind"
    for name, df in frames.items():
        with (out / f"{name}.csv").open(newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not cell.startswith(DANGEROUS), f"{name}.csv cell {cell[:40]!r} starts a formula"
        back = pd.read_parquet(out / f"{name}.parquet")
        pd.testing.assert_frame_equal(back, df, check_dtype=False, check_categorical=False)
        records_json = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert len(records_json) == len(df)
        for col in df.columns:
            if pd.api.types.is_string_dtype(df[col]) and not isinstance(df[col].dtype, pd.CategoricalDtype):
                assert [r[col] for r in records_json] == [None if pd.isna(v) else v for v in df[col]], (name, col)
        if xlsx:
            from openpyxl import load_workbook
            from policyqa.export import WORKBOOK

            for row in load_workbook(out / WORKBOOK)[name].iter_rows():
                for cell in row:
                    assert cell.data_type in ("s", "n", "b"), (name, cell.coordinate, cell.data_type)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(DANGEROUS), (name, cell.value[:40])
    STATS.outcomes["exported"] += 1


def check_folder(files: list[bytes], names: list[str], work: Path) -> None:
    """A folder of chapters and junk through the command line, then the folder property."""
    from policyqa import cli
    from policyqa.api import read_corpus
    from policyqa.errors import PolicyqaError
    from policyqa.parse import is_blank
    from policyqa.read import read_text
    from util import places

    folder = work / "in"
    folder.mkdir()
    for data, name in zip(files, names):
        (folder / name).write_bytes(data)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["tables", str(folder), "--out", str(work / "out")])
    assert code in (0, 2), f"exit {code}: {err.getvalue()[-500:]}"
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().startswith("policyqa: error: "), err.getvalue()
        STATS.outcomes["folder refused"] += 1
        return
    try:
        t = read_corpus(folder)
    except PolicyqaError:
        raise AssertionError("the command line wrote tables the API refuses") from None
    d = t.diagnostics
    for ch, s in zip(t.chapters, t.summaries):
        lines = read_text(Path(s.path)).lines
        nonblank = [i + 1 for i, raw in enumerate(lines) if not is_blank(raw)]
        assert sorted(places(ch)) == nonblank, f"{s.source_file}: a line was lost or placed twice"
        assert s.placed + s.in_diagnostics == s.nonblank == len(nonblank)
        unplaced = d[(d["source_file"] == ch.source_file) & (d["level"] == "unplaced")]
        assert sorted(unplaced["line"]) == sorted(line for line, _ in ch.unplaced)
    read = {s.source_file for s in t.summaries}
    skipped = set(d[d["message"].str.startswith("skipped")]["source_file"])
    assert read | skipped == set(names) - {"manifest.csv"} and not read & skipped, (read, skipped, names)
    STATS.outcomes["folder read"] += 1


# --------------------------------------------------------------------------- the cache


def check_cache(data: bytes, ops: list[tuple[str, float, int]], work: Path) -> None:
    """Fill a cache entry for `data`, damage it, read again: a warning and the fresh tables, or (forged with
    a right checksum) no exception; never anything run."""
    import pickle
    import warnings

    import pandas as pd
    from policyqa import cache as store
    from policyqa.api import read_chapter
    from policyqa.errors import PolicyqaError, PolicyqaWarning
    from policyqa.read import MAX_BYTES

    if len(data) > MAX_BYTES // 8:  # cache mechanics, not big inputs
        return
    chapter = work / "chapter.txt"
    chapter.write_bytes(data)
    other = work / "other.txt"
    other.write_bytes(SEED_BYTES[0])
    folder = work / "cache"
    marker = work / "RAN"
    os.environ["POLICYQA_CACHE"] = str(folder)
    try:
        try:
            fresh = read_chapter(chapter, jurisdiction="Testland", cache=False)
        except PolicyqaError:
            STATS.outcomes["cache: input refused"] += 1
            return
        with warnings.catch_warnings():
            warnings.simplefilter("error", PolicyqaWarning)  # a good entry gives no warning
            read_chapter(chapter, jurisdiction="Testland")
            read_chapter(other, jurisdiction="Testland")
        entries = sorted(folder.rglob("*.json"))
        assert len(entries) == 2, entries
        mine = next(e for e in entries if _entry_of(e, chapter))
        theirs = next(e for e in entries if e != mine)
        good = mine.read_bytes()
        bad, forged = bytearray(good), False
        for kind, where, n in ops:
            i = int(where * max(1, len(bad) - 1))
            if kind == "flip" and bad:
                bad[i] ^= 1 << (n % 8)
            elif kind == "insert":
                bad[i:i] = bytes([n % 256]) * (1 + n % 4)
            elif kind == "delete" and bad:
                del bad[i: i + 1 + n % 50]
            elif kind == "truncate":
                del bad[i:]
            elif kind == "empty":
                bad = bytearray()
            elif kind == "swap":
                bad = bytearray(theirs.read_bytes())
            elif kind == "pickle":
                bad = bytearray(pickle.dumps(_Planted(str(marker))))
            elif kind == "forge":  # a right checksum over a payload of another shape or value
                head, _, payload = bytes(bad).partition(b"\n")
                payload = _reshape(payload, n)
                key = mine.stem
                bad = bytearray(f"{store.FORMAT} {key} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload)
                forged = True
        mine.write_bytes(bytes(bad))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                again = read_chapter(chapter, jurisdiction="Testland")
            except PolicyqaError as exc:
                raise AssertionError(f"a cache entry made the read fail: {exc}") from None
        assert not marker.exists(), "the cache ran code"
        told = [w for w in caught if issubclass(w.category, PolicyqaWarning) and "cache entry" in str(w.message)]
        if bytes(bad) == good:
            STATS.outcomes["cache: unchanged"] += 1
        elif forged and not told:
            STATS.outcomes["cache: forged entry read, nothing run"] += 1
        else:
            assert told or forged, "a damaged cache entry was used without a warning"
            for name in ("questions", "guidelines", "obligations", "laws", "cross_references", "authorities",
                         "diagnostics"):
                pd.testing.assert_frame_equal(getattr(fresh, name), getattr(again, name), obj=name)
            assert mine.read_bytes() == good, "the damaged entry was not rewritten"
            STATS.outcomes["cache: damage detected, parsed again"] += 1
    finally:
        os.environ["POLICYQA_CACHE"] = "off"


def _entry_of(entry: Path, chapter: Path) -> bool:
    payload = entry.read_bytes().partition(b"\n")[2]
    return json.loads(payload)[1]["source_file"] == chapter.name


class _Planted:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path(self.marker).touch, ())


def _reshape(payload: bytes, n: int) -> bytes:
    """A JSON payload changed in shape or value: a field dropped, renamed, retyped or added, a list emptied."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    rnd = random.Random(n)
    nodes = []

    def walk(x):
        if isinstance(x, dict):
            nodes.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x[:20]:
                walk(v)

    walk(data)
    if not nodes:
        return b"[]"
    node = rnd.choice(nodes)
    field = rnd.choice(sorted(node)) if node else None
    how = n % 5
    if field is None or how == 0:
        node["extra"] = 1
    elif how == 1:
        del node[field]
    elif how == 2:
        node[field] = [None, True, 1.5, "x", {}, []][rnd.randrange(6)]
    elif how == 3:
        node[field + "_"] = node.pop(field)
    else:
        node[field] = "\u202e" + json.dumps(node[field])[:50]
    return json.dumps(data).encode()


CACHE_OPS = st.lists(st.tuples(st.sampled_from(["flip", "flip", "flip", "insert", "delete", "truncate", "empty",
                                                 "swap", "pickle", "forge"]),
                               st.floats(0, 1), st.integers(0, 10_000)), min_size=1, max_size=4)


# --------------------------------------------------------------------------- concurrent runs


def _concurrent_writer(tag: str, out: str, rows: int, fmt: str, barrier) -> None:
    import pandas as pd
    from policyqa.export import write_tables

    frames = {name: pd.DataFrame({"run": [tag] * rows, "n": range(rows)}) for name in
              ("questions", "guidelines", "obligations", "laws", "cross_references", "authorities", "diagnostics")}
    barrier.wait(timeout=60)
    write_tables(frames, out, fmt)
    os._exit(0)


def check_concurrent(writers: int, rows: list[int], fmt: str, work: Path) -> None:
    import multiprocessing as mp

    import pandas as pd
    from policyqa.export import STAGING_PREFIX, WORKBOOK

    ctx = mp.get_context("fork")
    out = work / "out"
    barrier = ctx.Barrier(writers)
    procs = [ctx.Process(target=_concurrent_writer, args=(f"run{k}", str(out), rows[k % len(rows)], fmt, barrier))
             for k in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0, f"a writer ended with {p.exitcode}"
    names = ("questions", "guidelines", "obligations", "laws", "cross_references", "authorities", "diagnostics")
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(out / WORKBOOK, read_only=True)
        runs = {next(wb[n].iter_rows(min_row=2, max_row=2, values_only=True))[0] for n in names}
        wb.close()
    else:
        read = {"csv": pd.read_csv, "parquet": pd.read_parquet, "json": pd.read_json}[fmt]
        runs = {str(read(out / f"{n}.{fmt}")["run"].iloc[0]) for n in names}
    assert len(runs) == 1, f"concurrent runs left a mixed set: {sorted(runs)}"
    assert not list(out.glob(STAGING_PREFIX + "*")), "a staging folder was left behind"
    STATS.outcomes["concurrent: one complete set"] += 1


# --------------------------------------------------------------------------- the manifest

MANIFEST_NAMES = st.one_of(
    st.sampled_from(["a.txt", "./a.txt", "b.txt", "../a.txt", "../../../../etc/passwd", "/etc/passwd", "~/a.txt",
                     "..\\..\\secret.txt", "sub/../../secret.txt", "sub/a.txt", "leak.txt", "inside.txt", ".",
                     "..", "", " ", "a.txt/..", "C:\\secret.txt", "//server/share/a.txt", "a\x00.txt",
                     "a\n.txt", 'a".txt', "secret.txt", "../secret.txt", "a.txt ", "\u202e.txt", "…/a.txt"]),
    st.text(max_size=20))


def check_manifest(rows: list[tuple[str, str, str]], raw: bool, work: Path) -> None:
    """A folder with a manifest of tricky rows through `policyqa tables`: exit 0 or 2, an outside name is an
    error at its line, and the secret file beside the folder never reaches any output."""
    from policyqa import cli

    folder = work / "in"
    folder.mkdir()
    (work / "secret.txt").write_text("Best practice\n\nSECRET-MARKER-5e1f\n", encoding="utf-8")
    (folder / "a.txt").write_bytes(SEED_BYTES[0])
    (folder / "b.txt").write_bytes(SEED_BYTES[1])
    (folder / "leak.txt").symlink_to(work / "secret.txt")
    (folder / "inside.txt").symlink_to(folder / "a.txt")
    buffer = io.StringIO()
    if raw:
        buffer.write("file,jurisdiction,edition\n" + "\n".join(",".join(r) for r in rows) + "\n")
    else:
        writer = csv.writer(buffer)
        writer.writerow(["file", "jurisdiction", "edition"])
        writer.writerows(rows)
    (folder / "manifest.csv").write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))
    out = work / "out"
    err, std = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        code = cli.main(["tables", str(folder), "--out", str(out)])
    assert code in (0, 2), f"exit {code}: {err.getvalue()[-500:]}"
    assert "Traceback" not in err.getvalue()
    home = os.path.realpath(folder)
    outside = any("\x00" not in name and name.strip() and (os.path.isabs(name.strip()) or not os.path.realpath(
        os.path.join(folder, name.strip())).startswith(home + os.sep)) for name, _, _ in rows if not raw)
    if code == 2:
        message = err.getvalue()
        assert message.startswith("policyqa: error: "), message
        STATS.outcomes["manifest: refused"] += 1
    else:
        assert not outside, f"a manifest naming a file outside its folder was accepted: {rows}"
        STATS.outcomes["manifest: read"] += 1
    for path in out.glob("*") if out.exists() else []:
        assert "SECRET-MARKER-5e1f" not in path.read_text(encoding="utf-8", errors="replace"), path.name
    assert "SECRET-MARKER-5e1f" not in std.getvalue() + err.getvalue()


# --------------------------------------------------------------------------- the campaign

def record_failure(target: str, exc: BaseException) -> None:
    flaky = ""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:  # hypothesis' FlakyFailure wraps the error
        flaky = flaky or f" (flaky: {type(exc).__name__})"
        exc = exc.exceptions[0]
    tb = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in tb if "policyqa" in f.filename or f.filename.endswith("fuzz.py")]
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    key = f"{target}: {type(exc).__name__}{flaky} at {where}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
    if key not in STATS.failures:
        STATS.failures[key] = {"target": target, "input": STATS.current[1] if STATS.current else b"",
                               "traceback": "".join(traceback.format_exception(exc))}


def _too_slow(signum, frame):
    raise TooSlow


def _too_big(signum, frame):
    if STATS.running:
        raise TooBig


def start_memory_watch(limit_mb: int) -> None:
    """A thread that stops the running input (SIGUSR1 -> TooBig) while the process holds over `limit_mb`:
    a memory blow-up becomes a kept finding instead of the OOM killer ending the campaign."""
    import threading

    main = threading.main_thread().ident
    signal.signal(signal.SIGUSR1, _too_big)

    def watch() -> None:
        while True:
            if STATS.running and rss_mb() > limit_mb:
                signal.pthread_kill(main, signal.SIGUSR1)
            time.sleep(0.25)

    threading.Thread(target=watch, daemon=True).start()


def forget_memos() -> None:
    """Empty the library's memo caches, so one input's memory is not carried into the next."""
    import gc

    from policyqa import extract, parse

    for module in (parse, extract):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()
    gc.collect()


def timed(target: str, data: bytes, fn, slow_s: float) -> None:
    """Run one input; an input still running after `slow_s` seconds is stopped and kept as slow."""
    now = time.monotonic()
    if now > STATS.deadline:
        return  # time is up: let hypothesis finish its round at once
    if now - STATS.last_report > 60:
        STATS.last_report = now
        print(f"  {int(now - STATS.started)} s: {sum(STATS.inputs.values())} inputs, {len(STATS.failures)} failures, "
              f"{len(STATS.slow)} stopped as slow, {len(STATS.memory)} over memory, RSS {rss_mb()} MB", flush=True)
    STATS.current = (target, data)
    STATS.inputs[target] += 1
    t0 = time.perf_counter()
    before = rss_mb()
    signal.signal(signal.SIGALRM, _too_slow)
    # repeating: a stop raised while the garbage collector runs a callback is swallowed ("Exception
    # ignored"), so the timer fires again every second until the input is really stopped
    signal.setitimer(signal.ITIMER_REAL, slow_s, 1.0)
    STATS.running = True
    try:
        fn()
    except TooSlow:
        STATS.slow.append({"target": target, "seconds": round(time.perf_counter() - t0, 2), "bytes": len(data),
                           "input": data, "stopped": True})
        return
    except TooBig:
        STATS.memory.append({"target": target, "seconds": round(time.perf_counter() - t0, 2), "bytes": len(data),
                             "input": data, "mb": rss_mb() - before})
        return
    finally:
        STATS.running = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        if STATS.slow and STATS.slow[-1]["input"] is data or STATS.memory and STATS.memory[-1]["input"] is data \
                or rss_mb() > STATS.memo_limit:
            forget_memos()  # after a stopped input, or when the memos have grown, start clean


def make_targets(work: Path, slow_s: float, examples: int):
    common = settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                      phases=[Phase.generate, Phase.shrink], report_multiple_bugs=False,
                      suppress_health_check=list(HealthCheck))
    counter = Counter()

    @common
    @given(any_input, st.booleans())
    def chapter(data, infer):
        timed("chapter", data, lambda: check_chapter(data, "fuzz.txt", None if infer else "Testland"), slow_s)

    @common
    @given(mutated_inputs, st.integers(0, 9))
    def tables(data, n):
        def go():
            records = check_chapter(data, "fuzz.txt", "Testland")
            if records is not None:
                counter["tables"] += 1
                out = Path(tempfile.mkdtemp(dir=work))
                check_tables(records, out, xlsx=n == 0)

        timed("tables", data, go, slow_s)

    names = st.lists(st.sampled_from(["a.txt", "b.txt", "c.md", "d.TXT", ".hidden.txt", "e.png", "f.pdf", "g",
                                      "manifest.csv", "h.text"]), min_size=1, max_size=5, unique=True)

    @common
    @given(st.lists(st.one_of(mutated_inputs, byte_inputs), min_size=5, max_size=5), names)
    def folder(files, file_names):
        def go():
            sub = Path(tempfile.mkdtemp(dir=work))
            check_folder(files[: len(file_names)], file_names, sub)

        timed("folder", b"\n---\n".join(files[: len(file_names)]), go, slow_s)

    @common
    @given(st.one_of(mutated_inputs, st.sampled_from(SEED_BYTES)), CACHE_OPS)
    def cache(data, ops):
        def go():
            check_cache(data, ops, Path(tempfile.mkdtemp(dir=work)))

        timed("cache", data, go, slow_s)

    @common
    @given(st.integers(2, 6), st.lists(st.integers(1, 3000), min_size=1, max_size=6),
           st.sampled_from(["csv", "csv", "parquet", "json", "xlsx"]))
    def concurrent(writers, rows, fmt):
        def go():
            check_concurrent(writers, rows, fmt, Path(tempfile.mkdtemp(dir=work)))

        timed("concurrent", f"{writers} {rows} {fmt}".encode(), go, slow_s)

    @common
    @given(st.lists(st.tuples(MANIFEST_NAMES, st.sampled_from(["Testland", "", "=1+1", "\x1b[2J"]),
                              st.sampled_from(["2019", "", "newest", "x"])), min_size=1, max_size=5), st.booleans())
    def manifest(rows, raw):
        def go():
            check_manifest(rows, raw, Path(tempfile.mkdtemp(dir=work)))

        timed("manifest", json.dumps(rows).encode(), go, slow_s)

    return [("chapter", chapter, 6), ("tables", tables, 2), ("folder", folder, 1), ("cache", cache, 1),
            ("concurrent", concurrent, 1), ("manifest", manifest, 1)]


def save(findings: Path, kind: str, n: int, item: dict) -> Path:
    findings.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(item["input"]).hexdigest()[:12]
    path = findings / f"{kind}-{n:02d}-{item['target']}-{digest}.bin"
    path.write_bytes(item["input"])
    if "traceback" in item:
        path.with_suffix(".txt").write_text(item["traceback"], encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    p.add_argument("--seed", type=int, default=None, help="random seed, to repeat a campaign")
    p.add_argument("--examples", type=int, default=200, help="hypothesis examples per round (default 200)")
    p.add_argument("--slow", type=float, default=20.0,
                   help="stop an input after this many seconds and report it as slow (default 20)")
    p.add_argument("--max-rss", type=int, default=6000,
                   help="stop an input while the process holds more than this many MB (default 6000)")
    p.add_argument("--keep", type=Path, default=None, help="folder for failing, slow and memory-hungry inputs")
    args = p.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    random.seed(seed)
    deadline = time.monotonic() + args.minutes * 60
    STATS.deadline = deadline
    STATS.memo_limit = args.max_rss // 3
    start_memory_watch(args.max_rss)
    started = time.time()
    print(f"policyqa fuzz: {args.minutes:g} minutes, seed {seed}, {len(SEEDS)} seed files", flush=True)
    import warnings

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="policyqa-fuzz-") as tmp:
        work = Path(tmp)
        targets = make_targets(work, args.slow, args.examples)
        schedule = [t for t in targets for _ in range(t[2])]
        rounds = 0
        STATS.started = STATS.last_report = time.monotonic()
        while time.monotonic() < deadline:
            name, fn, _ = schedule[rounds % len(schedule)]
            rounds += 1
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - every failure is recorded and the campaign goes on
                record_failure(name, exc)
            for child in work.iterdir():  # keep the temporary folder small
                if child.is_dir():
                    import shutil

                    shutil.rmtree(child, ignore_errors=True)
    total = sum(STATS.inputs.values())
    print(f"\npolicyqa fuzz: {total} inputs in {time.time() - started:.0f} s (seed {seed}, {rounds} rounds)")
    for target, n in sorted(STATS.inputs.items()):
        print(f"  {target:8} {n:>8} inputs")
    for outcome, n in sorted(STATS.outcomes.items()):
        print(f"  {n:>8}  {outcome}")
    findings = args.keep or Path(tempfile.gettempdir()) / f"policyqa-fuzz-findings-{seed}"
    if STATS.slow:
        print(f"\n{len(STATS.slow)} inputs stopped after {args.slow:g} s (kept, not failed):")
        for n, item in enumerate(sorted(STATS.slow, key=lambda s: -s["seconds"])[:20]):
            kept = save(findings, "slow", n, item)
            print(f"  {item['seconds']:>7} s  {item['bytes']:>9} bytes  {item['target']}  {kept}")
    if STATS.memory:
        print(f"\n{len(STATS.memory)} inputs stopped over {args.max_rss} MB (kept, not failed):")
        for n, item in enumerate(STATS.memory[:20]):
            kept = save(findings, "memory", n, item)
            print(f"  +{item['mb']:>6} MB  {item['seconds']:>7} s  {item['bytes']:>9} bytes  {item['target']}  {kept}")
    if STATS.failures:
        print(f"\n{len(STATS.failures)} distinct failures:")
        for n, (key, item) in enumerate(STATS.failures.items()):
            print(f"  {key}\n    input: {save(findings, 'fail', n, item)}")
        return 1
    print("no failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
