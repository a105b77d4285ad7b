"""Parsed chapters cached by content, so rerunning a notebook does not parse again.

The key is the file's bytes, its name (rows carry it), the caller's overrides,
the reference vocabularies and the library's own code: change any of them and
the chapter is parsed afresh; change nothing and the stored result is reused.
The cache lives in ``.cache/policyqa`` at the project root (ignored by git), or
wherever ``POLICYQA_CACHE`` points; ``POLICYQA_CACHE=off`` disables it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

from policyqa import __version__


def cache_dir() -> Path | None:
    env = os.environ.get("POLICYQA_CACHE")
    if env and env.lower() in ("off", "0", "no", "false"):
        return None
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".cache" / "policyqa"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Every module of the package, so that no edit anywhere can leave a stale result in use."""
    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for path in sorted(here.rglob("*.py")):
        h.update(str(path.relative_to(here)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def key(data: bytes, name: str, ref_digest: str, jurisdiction: str | None, edition: str | None,
        jurisdiction_source: str) -> str:
    h = hashlib.sha256(data)
    h.update("\0".join([name, ref_digest, code_digest(), jurisdiction or "", edition or "",
                        jurisdiction_source]).encode())
    return h.hexdigest()


def load(folder: Path, k: str):
    path = folder / k[:2] / f"{k}.pkl"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None


def store(folder: Path, k: str, value) -> None:
    """Write atomically; a cache that cannot be written is skipped, never an error."""
    path = folder / k[:2] / f"{k}.pkl"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
