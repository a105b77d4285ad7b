"""The one state every extraction rule shares: what is known about one chapter so far.

A `Context` is made per chapter and thrown away with it, so memos (tokens,
organisation look-ups) live exactly as long as the chapter they describe and
nothing is kept process-wide. Rules read and add to it in registry order:
answers and sentences, organisations, lists, candidate titles, laws,
statements of binding status; `extract()` turns the survivors into records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policyqa.parse import Block, Chapter, Question
from policyqa.reference import Reference
from policyqa.schema import Diagnostic


@dataclass(slots=True)
class Sentence:
    answer: int  # index of the answer in ctx.answers
    block: int  # index of the block in the answer
    index: int  # index of the sentence in the block
    offset: int  # where it starts in the block's text
    text: str
    line: int


@dataclass(slots=True)
class Answer:
    """One answer (shared by the questions that share it), its blocks and their sentences."""

    index: int
    question: Question  # the question that owns the blocks
    questions: list[Question]  # every question answered by these blocks
    blocks: list[Block]
    sentences: list[list[Sentence]] = field(default_factory=list)  # per block
    lists: list[ListBlock] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return self.question.number

    def first_paragraph(self) -> int | None:
        return next((k for k, b in enumerate(self.blocks) if b.kind == "paragraph"), None)


@dataclass(frozen=True, slots=True)
class Org:
    """An organisation as the chapter names it: its full name and abbreviation, where either is known."""

    name: str
    abbreviation: str = ""
    how: str = "pattern"  # defined | vocabulary | pattern | abbreviation


@dataclass(frozen=True, slots=True)
class OrgMention:
    start: int
    end: int
    org: Org


@dataclass(slots=True)
class Label:
    """A list label ("Guidance issued by the X (XA) for Y:", "Guides from the X;", "X (XA):"): it names the
    issuer (and sometimes the audience) of the items under it and is no guideline itself."""

    block: int
    level: int
    org: Org | None
    audience: str = ""
    text: str = ""
    nested: bool = False  # its items are indented under it (else they follow it at its level, up to the next label)


@dataclass(slots=True)
class ListBlock:
    """A run of list items in one answer with the paragraphs around it."""

    answer: int
    items: list[int]  # block indices, in order
    lead: int | None = None  # the paragraph that introduces the list
    trailer: list[int] = field(default_factory=list)  # paragraphs after it, up to the next list
    kind: str = "other"  # guidance | laws | other
    labels: dict[int, Label] = field(default_factory=dict)  # block index -> label
    not_exhaustive: bool = False

    def places(self) -> dict[int, int]:
        """Each item's place as written (block index -> 1-based), laws and all: what "the first and the fourth"
        or "the last item" count."""
        return {k: n for n, k in enumerate((k for k in self.items if k not in self.labels), 1)}


@dataclass(slots=True)
class Candidate:
    """A named instrument found by a title rule: a guideline unless a veto rule says otherwise."""

    id: int
    title: str
    instrument: str  # guide, framework, standard ...
    answer: int
    block: int
    sentence: int | None  # index of the sentence in the block (None for a list item's title)
    start: int  # offsets in the sentence (or the item's text)
    end: int
    line: int
    where: str  # list | prose
    rule: str
    strength: str = "strong"
    owner: str = ""  # "NCA" in "NCA's Guide", "its" in "its Framework"
    prefix_body: str = ""  # issuer implied by a standard's prefix (ISO, RFC ...)
    description: str = ""  # a list item's words after its title
    label: Label | None = None
    lst: ListBlock | None = None
    position: int = 0  # 1-based among the list's guideline items
    aliases: set[str] = field(default_factory=set)  # abbreviations and short forms that name it
    prefixes: set[str] = field(default_factory=set)  # its first words, which name it only as "the X" alone
    audience_hint: list[str] = field(default_factory=list)  # "for X" in its title, item or label
    hint_source: str = ""  # title | label | description | sentence | statement
    org: Org | None = None
    authority_source: str = ""
    authority_rule: str = ""
    vetoed: str = ""  # the veto rule that removed it
    merged_into: int | None = None
    not_exhaustive: bool = False
    mentions: list[tuple[int, int, int]] = field(default_factory=list)  # (answer, block, sentence) naming it
    confidence: str = "medium"

    @property
    def alive(self) -> bool:
        return not self.vetoed and self.merged_into is None


@dataclass(slots=True)
class LawMention:
    title: str
    kind: str
    number: str | None
    year: int | None
    answer: int
    line: int
    rule: str
    confidence: str = "high"


@dataclass(slots=True)
class Clause:
    text: str  # titles and bodies masked
    levels: list[str]
    audiences: list[str]  # as written
    pairs: list[tuple[str, str]]  # (audience, level) stated together
    start: int = 0  # where it is in its sentence (masking keeps lengths, so the unmasked words are there too)
    end: int = 0


@dataclass(slots=True)
class Statement:
    """A sentence (or an item's description) that says how binding something is, and for whom."""

    answer: int
    block: int
    sentence: int | None
    line: int
    text: str
    clauses: list[Clause]
    targets: list[int] = field(default_factory=list)  # candidate ids it speaks of
    scope: str = ""  # own | list | paragraph | answer
    rule: str = ""
    per_target: dict[int, list[Clause]] = field(default_factory=dict)  # clauses that name one target
    audience_only: bool = False  # says whom something is for ("applies to X"), not how binding it is

    @property
    def levels(self) -> list[str]:
        return [x for c in self.clauses for x in c.levels]


@dataclass
class Context:
    chapter: Chapter
    ref: Reference
    answers: list[Answer] = field(default_factory=list)
    text: object = None  # text.TextTools, set by text.sentences
    orgs: object = None  # organisations.Lexicon, set by organisations.definitions
    candidates: list[Candidate] = field(default_factory=list)
    laws: list[LawMention] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    memo: dict = field(default_factory=dict)  # rule families' memos, keyed by (family, ...)
    stances: dict[int, str] = field(default_factory=dict)
    cross_references: list[tuple[int | None, int, int, str]] = field(default_factory=list)
    superseded: set[str] = field(default_factory=set)  # normalised titles a chapter says were replaced

    def alive(self) -> list[Candidate]:
        return [c for c in self.candidates if c.alive]

    def add(self, **kw) -> Candidate:
        c = Candidate(id=len(self.candidates), **kw)
        self.candidates.append(c)
        return c

    def diagnose(self, line: int, level: str, message: str, text: str = "") -> None:
        self.diagnostics.append(Diagnostic(self.chapter.source_file, line, level, message, text))

    def sentence_of(self, c: Candidate) -> Sentence | None:
        if c.sentence is None:
            return None
        return self.answers[c.answer].sentences[c.block][c.sentence]

    def block_of(self, c: Candidate) -> Block:
        return self.answers[c.answer].blocks[c.block]


def answers_of(chapter: Chapter) -> list[Answer]:
    """Each distinct answer once, with every question that shares it."""
    out: list[Answer] = []
    seen: dict[int, Answer] = {}
    for q in chapter.questions:
        blocks = chapter.answer_blocks(q)
        if not blocks:
            continue
        if id(blocks) in seen:
            seen[id(blocks)].questions.append(q)
            continue
        owner = next((x for x in chapter.questions if x.blocks is blocks), q)
        a = Answer(len(out), owner, [q], blocks)
        seen[id(blocks)] = a
        out.append(a)
    return out
