"""Parsed chapters cached by content, so rerunning a notebook does not parse again.

The key is the file's bytes, its name (rows carry it), the caller's overrides,
every file of the reference vocabularies, the table schema and every module of
the library: change any of them and the chapter is parsed afresh; change
nothing and the stored result is reused. The cache lives in ``.cache/policyqa``
at the project root (ignored by git), or wherever ``POLICYQA_CACHE`` points;
``POLICYQA_CACHE=off`` disables it.

An entry is data, never code: JSON built from the fields of the result's
dataclasses, behind a header line holding the format, the entry's key and the
SHA-256 of the payload. Reading it runs nothing (no pickle), and anything that
does not match (a flipped byte anywhere, a file planted under the entry's name,
an entry of another shape) is a miss with a `PolicyqaWarning`, after which the
chapter is parsed again and the entry rewritten. The codec is driven by the
dataclasses' type hints, so a field added to a record is cached with no change
here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import types
import typing
import warnings
from functools import lru_cache
from pathlib import Path

from policyqa import __version__
from policyqa.errors import PolicyqaWarning

FORMAT = "policyqa-cache 2"  # the first words of every entry's header; bump when the layout changes
SUFFIX = ".json"


def cache_dir() -> Path | None:
    env = os.environ.get("POLICYQA_CACHE")
    if env and env.lower() in ("off", "0", "no", "false"):
        return None
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".cache" / "policyqa"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Every module of the package, so that no edit anywhere can leave a stale result in use."""
    h = hashlib.sha256(__version__.encode() + b"\0" + FORMAT.encode())
    here = Path(__file__).parent
    for path in sorted(here.rglob("*.py")):
        h.update(str(path.relative_to(here)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def schema_digest() -> str:
    """The declared tables (names, columns, kinds, allowed values), as the records are built from them."""
    from policyqa.schema import TABLES

    return hashlib.sha256(repr(TABLES).encode()).hexdigest()


@lru_cache(maxsize=8)
def reference_digest(folder: str, declared: str) -> str:
    """Every file of the vocabulary folder, not only those the loader names today: a vocabulary added
    later changes the key too. `declared` is the loader's own digest (part of the lru key)."""
    h = hashlib.sha256(declared.encode())
    root = Path(folder)
    try:
        paths = sorted(p for p in root.rglob("*") if p.is_file())
    except OSError:
        paths = []
    for path in paths:
        try:
            h.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0" + path.read_bytes())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


def key(data: bytes, name: str, ref_digest: str, jurisdiction: str | None, edition: str | None,
        jurisdiction_source: str) -> str:
    h = hashlib.sha256(data)
    h.update("\0".join([name, ref_digest, code_digest(), schema_digest(), jurisdiction or "", edition or "",
                        jurisdiction_source]).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def entry_path(folder: Path, k: str) -> Path:
    return folder / k[:2] / f"{k}{SUFFIX}"


# --------------------------------------------------------------------------- the codec


class Shape(ValueError):
    """The stored data does not have the shape of the type asked for."""


def encode(value):
    """A JSON-able value for a dataclass tree: dataclasses as objects of their fields, tuples and lists
    as arrays, sets as sorted arrays, dicts as arrays of [key, value] pairs (keys need not be text)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((encode(v) for v in value), key=repr)
    if isinstance(value, dict):
        return [[encode(k), encode(v)] for k, v in value.items()]
    raise TypeError(f"cannot cache a {type(value).__name__}")


@lru_cache(maxsize=64)
def _hints(cls: type) -> dict[str, object]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints.get(f.name, typing.Any) for f in dataclasses.fields(cls) if f.init}


def decode(value, tp):
    """The value of type `tp` that `encode` made `value` from; Shape when it is anything else."""
    return _decoder(tp)(value)


def _fail(what: str):
    def check(value):
        raise Shape(f"{value!r:.40} is not {what}")

    return check


@lru_cache(maxsize=256)
def _decoder(tp):
    """A function that reads (and checks) a value of type `tp`, built once per type from its type hints: a
    cache hit decodes thousands of records, and walking the typing objects for each of them cost more than
    parsing the JSON."""
    if tp is typing.Any or tp is object:
        return lambda value: value
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        inner = [_decoder(a) for a in options]
        nullable = len(options) < len(args)

        def union(value):
            if value is None and nullable:
                return None
            for read in inner:
                try:
                    return read(value)
                except Shape:
                    continue
            raise Shape(f"{value!r:.40} is none of {tp}")

        return union
    if tp is type(None):
        def null(value):
            if value is None:
                return None
            raise Shape(f"{value!r:.40} is not null")

        return null
    if tp is bool:
        def boolean(value):
            if value is True or value is False:
                return value
            raise Shape(f"{value!r:.40} is not a boolean")

        return boolean
    if tp is int:
        def integer(value):
            if type(value) is int:
                return value
            raise Shape(f"{value!r:.40} is not an integer")

        return integer
    if tp is float:
        def number(value):
            if type(value) in (int, float):
                return float(value)
            if isinstance(value, dict) and set(value) == {"float"} and value["float"] in ("nan", "inf", "-inf"):
                return float(value["float"])
            raise Shape(f"{value!r:.40} is not a number")

        return number
    if tp is str:
        def text(value):
            if type(value) is str:
                return value
            raise Shape(f"{value!r:.40} is not text")

        return text
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = frozenset(hints)
        fields = [(name, _decoder(hint)) for name, hint in hints.items()]

        def record(value):
            if type(value) is not dict or value.keys() != names:
                raise Shape(f"not a {tp.__name__}")
            try:
                return tp(**{name: read(value[name]) for name, read in fields})
            except Shape:
                raise
            except (TypeError, ValueError) as exc:
                raise Shape(f"not a {tp.__name__}: {exc}") from None

        return record
    if origin in (list, set, frozenset) or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        item = _decoder(args[0]) if args else (lambda v: v)
        kind = origin

        def sequence(value):
            if type(value) is not list:
                raise Shape(f"{value!r:.40} is not an array")
            items = [item(v) for v in value]
            return items if kind is list else kind(items)

        return sequence
    if origin is tuple:
        parts = [_decoder(a) for a in args]

        def fixed(value):
            if type(value) is not list or len(value) != len(parts):
                raise Shape(f"{value!r:.40} is not an array of {len(parts)}")
            return tuple(read(v) for read, v in zip(parts, value))

        return fixed
    if origin is dict:
        read_key, read_value = _decoder(args[0]), _decoder(args[1])

        def mapping(value):
            if type(value) is not list or not all(type(p) is list and len(p) == 2 for p in value):
                raise Shape(f"{value!r:.40} is not an array of pairs")
            return {read_key(k): read_value(v) for k, v in value}

        return mapping
    return _fail(f"of a type the cache can read ({tp})")


# --------------------------------------------------------------------------- entries


def _warn(path: Path, what: str) -> None:
    warnings.warn(f"{path}: cache entry {what}; the chapter is parsed again", PolicyqaWarning, stacklevel=3)


def dumps(k: str, value) -> bytes:
    payload = json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8",
                                                                                          "surrogatepass")
    return f"{FORMAT} {k} {hashlib.sha256(payload).hexdigest()}\n".encode("ascii") + payload


def loads(k: str, blob: bytes, tp):
    """The value stored under key `k`; Shape when the header, the checksum or the shape is wrong."""
    head, sep, payload = blob.partition(b"\n")
    if not head.startswith(FORMAT.encode() + b" "):
        family = FORMAT.split(" ")[0].encode() + b" "
        raise Shape("is of another format" if head.startswith(family) else "has no valid header")
    try:
        stored_key, digest = head[len(FORMAT) + 1:].decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        raise Shape("has no valid header") from None
    if stored_key != k:
        raise Shape("belongs to another key")
    if not sep or hashlib.sha256(payload).hexdigest() != digest:
        raise Shape("is damaged (checksum mismatch)")
    try:
        data = json.loads(payload.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Shape("is not valid JSON") from None
    return decode(data, tp)


def load(folder: Path, k: str, tp):
    """The cached value of type `tp` for key `k`, or None (a miss). A missing entry is a silent miss; one
    that cannot be read or does not check out is a miss with a warning."""
    path = entry_path(folder, k)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        _warn(path, f"cannot be read ({exc.strerror or exc})")
        return None
    try:
        return loads(k, blob, tp)
    except Shape as exc:
        _warn(path, f"{exc}" if str(exc).startswith(("is ", "has ", "belongs ")) else f"has the wrong shape ({exc})")
        return None
    except RecursionError:
        _warn(path, "has the wrong shape (nested too deep)")
        return None
    except Exception as exc:  # noqa: BLE001 - a type the codec cannot resolve: a miss, never a traceback
        _warn(path, f"cannot be read back ({type(exc).__name__}: {exc})")
        return None


def store(folder: Path, k: str, value) -> None:
    """Write atomically; a cache that cannot be written is skipped, never an error."""
    path = entry_path(folder, k)
    try:
        blob = dumps(k, value)
    except (TypeError, ValueError, RecursionError) as exc:
        warnings.warn(f"{path}: not cached ({exc})", PolicyqaWarning, stacklevel=2)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            handle.write(blob)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
