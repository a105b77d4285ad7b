"""The reference vocabularies in ``data/reference/``, loaded once.

Everything the extractor knows about the world (question wording, authority
names, phrasings of "voluntary" or "compulsory", audience phrases) is data in
CSV files, so that a chapter from a new jurisdiction is handled by adding rows,
not by editing code. ``POLICYQA_REFERENCE`` points at another folder.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from policyqa.errors import PolicyqaError
from policyqa.schema import OTHER_GROUP

_FILES = (
    "questionnaire.csv",
    "instruments.csv",
    "authorities.csv",
    "organisation_words.csv",
    "audiences.csv",
    "audience_groups.csv",
    "words.csv",
    "laws.csv",
    "not_guidance.csv",
    "mandatoriness.csv",
    "stance.csv",
    "jurisdictions.csv",
    "phrases.csv",
)


def reference_dir() -> Path:
    env = os.environ.get("POLICYQA_REFERENCE")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data" / "reference"


@dataclass(frozen=True)
class QuestionSpec:
    number: int
    section: str
    subsection: str
    text: str


@dataclass(frozen=True)
class Authority:
    name: str
    abbreviation: str
    jurisdiction: str
    standard_prefixes: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Reference:
    folder: Path
    digest: str
    questions: tuple[QuestionSpec, ...]
    instruments: tuple[tuple[re.Pattern, str, str], ...]
    authorities: tuple[Authority, ...]
    organisation_words: frozenset[str]
    audiences: tuple[tuple[re.Pattern, str], ...]
    mandatoriness: tuple[tuple[re.Pattern, str], ...]
    stance: dict[str, re.Pattern]
    jurisdictions: tuple[tuple[str, re.Pattern], ...]
    phrases: dict[str, re.Pattern]
    jurisdiction_any: re.Pattern  # every alias of every jurisdiction in one pattern: one pass counts all
    jurisdiction_alias: dict[str, str]
    audience_groups: tuple[tuple[re.Pattern, str], ...] = ()
    words: dict[str, frozenset[str]] = field(default_factory=dict)  # closed word classes (words.csv)
    laws: tuple[tuple[re.Pattern, str], ...] = ()  # law nouns and their kind (laws.csv)
    not_guidance: tuple[tuple[re.Pattern, str], ...] = ()  # things named that are no guidance (not_guidance.csv)
    phrase_rows: dict[str, tuple[re.Pattern, ...]] = field(default_factory=dict)  # phrases.csv, a pattern a row
    mandatoriness_any: re.Pattern | None = None  # every status pattern in one: one pass rules out most sentences

    def audience_group(self, audience: str) -> str:
        """The comparable group of an audience as written: the first row of audience_groups.csv that matches."""
        for pattern, group in self.audience_groups:
            if pattern.search(audience or ""):
                return group
        return OTHER_GROUP

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.section for q in self.questions if q.section))

    @property
    def subsections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.subsection for q in self.questions if q.subsection))


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    """The rows of one vocabulary; a line starting with '#' is a comment (precedence notes live there)."""
    path = folder / name
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            numbered = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
            reader = csv.DictReader(line for _, line in numbered)
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    lineno = numbered[reader.line_num - 1][0] if reader.line_num - 1 < len(numbered) else 1
                    raise PolicyqaError(str(path), lineno, f"expected {len(reader.fieldnames or [])} fields "
                                        f"({', '.join(reader.fieldnames or [])}); quote a pattern holding a comma")
                rows.append({k: (v or "").strip() for k, v in row.items()})
            return rows
    except OSError as exc:
        raise PolicyqaError(str(path), 1, f"cannot read reference vocabulary: {exc.strerror or exc}") from None


def _compile(path: str, pattern: str, flags: int = re.IGNORECASE) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise PolicyqaError(path, 1, f"bad pattern {pattern!r}: {exc}") from None


@lru_cache(maxsize=4)
def _load(folder: Path) -> Reference:
    digest = hashlib.sha256()
    for name in _FILES:
        try:
            digest.update((folder / name).read_bytes())
        except OSError:
            raise PolicyqaError(str(folder / name), 1, "reference vocabulary is missing") from None
    questions = tuple(
        QuestionSpec(int(r["question_no"]), r["section"], r["subsection"], r["question"])
        for r in _rows(folder, "questionnaire.csv")
    )
    instruments = tuple(
        (_compile("instruments.csv", rf"\b(?:{r['pattern']})\b"), r["instrument_type"], r["strength"])
        for r in _rows(folder, "instruments.csv")
    )
    authorities = tuple(
        Authority(
            r["name"],
            r["abbreviation"],
            r["jurisdiction"] or "*",
            tuple(p for p in r["standard_prefix"].split("|") if p),
        )
        for r in _rows(folder, "authorities.csv")
    )
    words = frozenset(r["word"] for r in _rows(folder, "organisation_words.csv"))
    audiences = tuple(
        (_compile("audiences.csv", rf"\b(?:{r['pattern']})\b"), r["audience"]) for r in _rows(folder, "audiences.csv")
    )
    mandatoriness = tuple(
        (_compile("mandatoriness.csv", rf"\b(?:{r['pattern']})"), r["mandatoriness"])
        for r in _rows(folder, "mandatoriness.csv")
    )
    stance = {r["kind"]: _compile("stance.csv", r["pattern"]) for r in _rows(folder, "stance.csv")}
    jurisdictions = tuple(
        (r["jurisdiction"], _compile("jurisdictions.csv",
                                     rf"(?<![\w-])(?:{'|'.join(map(re.escape, r['aliases'].split('|')))})(?![\w-])", 0))
        for r in _rows(folder, "jurisdictions.csv")
    )
    phrases: dict[str, list[str]] = {}
    for r in _rows(folder, "phrases.csv"):
        phrases.setdefault(r["kind"], []).append(r["pattern"])
    compiled = {
        kind: _compile("phrases.csv", "|".join(f"(?:{p})" for p in pats) if len(pats) > 1 else pats[0])
        for kind, pats in phrases.items() if not (len(pats) > 1 and any("(?P<" in p for p in pats))
    }
    phrase_rows = {kind: tuple(_compile("phrases.csv", p) for p in pats) for kind, pats in phrases.items()}
    alias = {a: r["jurisdiction"] for r in _rows(folder, "jurisdictions.csv") for a in r["aliases"].split("|") if a}
    names = sorted(alias, key=len, reverse=True)
    firsts = "".join(sorted({re.escape(a[0]) for a in names}))
    jurisdiction_any = re.compile(rf"\b(?=[{firsts}])(?:{'|'.join(re.escape(a) for a in names)})(?![\w-])")
    groups = tuple((_compile("audience_groups.csv", r["pattern"]), r["audience_group"])
                   for r in _rows(folder, "audience_groups.csv"))
    classes: dict[str, set[str]] = {}
    for r in _rows(folder, "words.csv"):
        classes.setdefault(r["kind"], set()).add(r["word"])
    word_classes = {k: frozenset(v) for k, v in classes.items()}
    laws = tuple((_compile("laws.csv", rf"\b(?:{r['pattern']})\b", 0), r["kind"]) for r in _rows(folder, "laws.csv"))
    not_guidance = tuple((_compile("not_guidance.csv", rf"\b(?:{r['pattern']})\b"), r["what"])
                         for r in _rows(folder, "not_guidance.csv"))
    return Reference(
        folder, digest.hexdigest()[:16], questions, instruments, authorities, words, audiences,
        mandatoriness, stance, jurisdictions, compiled, jurisdiction_any, alias, groups, word_classes, laws,
        not_guidance, phrase_rows,
        re.compile("|".join(f"(?:{p.pattern})" for p, _ in mandatoriness), re.IGNORECASE) if mandatoriness else None,
    )


def load_reference(folder: str | Path | None = None) -> Reference:
    """The vocabularies, parsed and compiled; cached per folder."""
    return _load(Path(folder) if folder else reference_dir())
