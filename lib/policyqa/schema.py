"""Every table declared once: its columns, their types, allowed values and meaning.

Analysts join, filter and chart these tables, and CI scores them against gold
readings, so their shape is a contract. It is written here and nowhere else
(in the manner of PUDL's field and resource metadata): the record type each
pipeline step fills, the pandas dtypes `tables` builds, the pandera checks
`validate` runs and the codebook (`docs/codebook.md`, `python -m
policyqa.schema`) all follow from these declarations, so they cannot drift.

Nothing here imports pandas or pandera; `frame_dtypes` and `pandera_schema` do,
when called.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass

MANDATORINESS_LEVELS = ("mandatory", "mandatory in some cases", "voluntary", "not stated")
STANCES = ("yes", "no", "partly", "descriptive", "unanswered")
CONFIDENCE = ("high", "medium", "low")
DIAGNOSTIC_LEVELS = ("unplaced", "furniture", "warning", "guess")
AUDIENCE_GROUPS = (
    "public sector", "private sector", "critical infrastructure and essential services", "financial sector",
    "digital and telecoms providers", "small and medium-sized enterprises", "personal data handlers",
    "individuals", "all organisations", "other", "not stated",
)
LAW_KINDS = ("act", "law", "code", "decree", "regulation", "directive", "ordinance", "rules", "directions",
             "resolution", "decision", "order", "constitution", "treaty", "bill", "other")
NOT_STATED = "not stated"
OTHER_GROUP = "other"  # an audience audience_groups.csv cannot place

_PY = {"text": "str", "count": "int", "real": "float", "flag": "bool", "category": "str"}
_DTYPE = {"text": "string", "count": "Int64", "real": "float64", "flag": "bool"}


@dataclass(frozen=True)
class Column:
    """One column: what it holds and what it may hold."""

    name: str
    kind: str  # text | count | real | flag | category
    meaning: str
    nullable: bool = False
    values: tuple[str, ...] = ()  # a category's allowed values, in their display order
    ordered: bool = False  # an ordered category (mandatoriness): values run from strongest to weakest
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    unique: bool = False
    default: object = None  # with has_default, what a record may leave out
    has_default: bool = False

    @property
    def annotation(self) -> str:
        return _PY[self.kind] + (" | None" if self.nullable else "")


@dataclass(frozen=True)
class Table:
    """One table: its columns (the first `contract` of them are the contract), keys and record type name."""

    name: str
    record: str
    meaning: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    contract: int = 0  # how many leading columns are the contract; the rest are extras

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}; it has {', '.join(self.names)}")


def _c(name, kind, meaning, **kw) -> Column:
    return Column(name, kind, meaning, **kw)


_LINE = _c("line", "count", "1-based line of the source file where the row's evidence starts", minimum=1)
_SOURCE = _c("source_file", "text", "the chapter file the row comes from (folder/name when two files share a name)")
_JUR = _c("jurisdiction", "text", "the jurisdiction the chapter answers for (argument > manifest > text > file name)")
_EDITION = _c("edition", "text", "the chapter's edition as a year ('2019'), or empty when the manifest gives none "
              "or says only 'newest'", nullable=True)
_QNO = _c("question_no", "count", "number of the question in the standard questionnaire (questionnaire.csv)",
          nullable=True, minimum=1)
_RULE = "the named extraction rule that made the row (`policyqa rules` lists them), or `correction`"
_CONF = ("how sure the rule is: high (trust it), medium, low (review it first); rows from data/corrections.csv "
         "are high")

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("questions", "QuestionRow", "One row per question the chapter asks, with its answer.", (
        _JUR, _EDITION, _QNO,
        _c("section", "text", "the section heading the question stands under", nullable=True),
        _c("subsection", "text", "the subsection heading the question stands under", nullable=True),
        _c("question", "text", "the question as written", min_length=1),
        _c("answer", "text", "the answer, list items kept as lines ('• item', nested ones indented)"),
        _c("stance", "category", "how the answer opens: yes, no, partly (a yes or no with a real exception), "
           "descriptive (no side taken), unanswered (no answer)", values=STANCES),
        _SOURCE, _LINE,
        _c("answer_line", "count", "line where the answer starts", nullable=True, minimum=1),
        _c("match", "category", "how the question was matched to the questionnaire: printed number, exact wording, "
           "fuzzy wording (a guess)", values=("printed", "exact", "fuzzy")),
        _c("match_score", "real", "similarity of the wording to the questionnaire's (1 = exact)", minimum=0,
           maximum=1),
        _c("shares_answer_with", "count", "number of the question whose answer this one shares", nullable=True),
    ), unique=("source_file", "line"), contract=10),
    Table("guidelines", "GuidelineRow", "One row per named guidance instrument (guide, framework, code of "
          "practice, standard, scheme ...) the chapter names as recommended or issued by an authority. Laws are "
          "in `laws`, never here.", (
              _c("guideline_id", "text", "key: <file stem>-<nnn>, unique over the corpus", unique=True),
              _JUR, _EDITION, _QNO,
              _c("title", "text", "the title as written, without list punctuation, first letter upper-case",
                 min_length=2),
              _c("issuing_authority", "text", "the body that issues or recommends it, as the chapter names it in "
                 "full, without a leading 'the'", nullable=True),
              _c("authority_abbreviation", "text", "the body's abbreviation, where the chapter or the vocabulary "
                 "gives one", nullable=True),
              _c("instrument_type", "text", "the instrument noun of the title (guide, framework, standard ...)"),
              _SOURCE, _LINE,
              _c("where", "category", "list: an item of a list; prose: named in running text",
                 values=("list", "prose")),
              _c("not_exhaustive", "flag", "the chapter says its list is only examples"),
              _c("authority_source", "text", "where the authority was read: list label, agent ('issued by'), "
                 "possessive, sentence, list lead-in, answer, standard prefix, none"),
              _c("rule", "text", _RULE),
              _c("confidence", "category", _CONF, values=CONFIDENCE),
          ), contract=10),
    Table("obligations", "ObligationRow", "One row per guideline and audience: how binding the guideline is, and "
          "for whom, as the chapter states it. Joins `guidelines` on guideline_id; no other column name is shared, "
          "so the join needs no suffixes.", (
              _c("guideline_id", "text", "the guideline (key of `guidelines`)"),
              _c("audience", "text", "the group as written ('private companies'), or 'not stated'", min_length=1),
              _c("audience_group", "category", "the audience in a vocabulary that compares across chapters "
                 "(data/reference/audience_groups.csv)", values=AUDIENCE_GROUPS),
              _c("mandatoriness", "category", "how binding: mandatory > mandatory in some cases > voluntary > "
                 "not stated (an ordered category)", values=MANDATORINESS_LEVELS, ordered=True),
              _c("status_line", "count", "line of the sentence that states the status (the guideline's own line "
                 "when none does)", minimum=1),
              _c("status_source", "category", "what that sentence is: the item or a sentence naming the guideline "
                 "(own), a statement about its group or list (list), its paragraph (paragraph), the answer's "
                 "opening (answer), nothing (none)", values=("own", "list", "paragraph", "answer", "none")),
              _c("status_rule", "text", "the named rule that read the status, or `correction`"),
              _c("status_confidence", "category", _CONF, values=CONFIDENCE),
          ), unique=("guideline_id", "audience", "mandatoriness"), contract=4),
    Table("laws", "LawRow", "One row per statute named in the chapter (act, law, code, decree, regulation, "
          "directive, ordinance, binding rules or directions): the legal framework, side by side across "
          "jurisdictions. A law is never a guideline.", (
              _c("law_id", "text", "key: <file stem>-law-<nnn>", unique=True),
              _JUR, _EDITION, _QNO,
              _c("title", "text", "the title as written", min_length=2),
              _c("kind", "category", "what sort of law (data/reference/laws.csv)", values=LAW_KINDS),
              _c("number", "text", "its number where written ('12/2018', 'No. 46/2018')", nullable=True),
              _c("year", "count", "its year where written", nullable=True, minimum=1000, maximum=2999),
              _SOURCE, _LINE,
              _c("rule", "text", _RULE),
              _c("confidence", "category", _CONF, values=CONFIDENCE),
          ), contract=10),
    Table("cross_references", "CrossReferenceRow", "One row per reference from an answer to another question.", (
        _JUR, _EDITION,
        _c("from_question_no", "count", "the question whose answer refers", nullable=True, minimum=1),
        _c("to_question_no", "count", "the question referred to", minimum=1),
        _SOURCE, _LINE,
        _c("reference", "text", "the words of the reference ('See question 13')"),
    ), contract=6),
    Table("authorities", "AuthorityRow", "One row per issuing authority and chapter, with its number of "
          "guidelines.", (
              _JUR, _EDITION,
              _c("issuing_authority", "text", "the body, as in `guidelines`"),
              _c("authority_abbreviation", "text", "its abbreviation, as in `guidelines`", nullable=True),
              _c("n_guidelines", "count", "how many guidelines of the chapter it issues", minimum=1),
          ), unique=("jurisdiction", "edition", "issuing_authority"), contract=5),
    Table("diagnostics", "Diagnostic", "What the parser could not place, what it guessed, and warnings about the "
          "input: read it before trusting a chapter's tables.", (
              _SOURCE,
              _c("line", "count", "the line concerned (1 for the whole file)", minimum=1),
              _c("level", "category", "unplaced (a line that landed in no table; its text is kept here), furniture "
                 "(page furniture set aside: a title line, 'Law stated ...', a running header), warning, guess",
                 values=DIAGNOSTIC_LEVELS),
              _c("message", "text", "what happened, in words"),
              _c("text", "text", "the line's text, or the words concerned", default="",
                 has_default=True),
          ), contract=5),
)}


def _record(table: Table) -> type:
    """The table's record type: a frozen, slotted dataclass whose fields are its columns, in order."""
    spec = [(c.name, c.annotation) if not c.has_default else (c.name, c.annotation, field(default=c.default))
            for c in table.columns]
    cls = make_dataclass(table.record, spec, frozen=True, slots=True)
    cls.__module__ = __name__  # records pickle and print as policyqa.schema.<Record>
    cls.__doc__ = table.meaning
    return cls


QuestionRow = _record(TABLES["questions"])
GuidelineRow = _record(TABLES["guidelines"])
ObligationRow = _record(TABLES["obligations"])
LawRow = _record(TABLES["laws"])
CrossReferenceRow = _record(TABLES["cross_references"])
AuthorityRow = _record(TABLES["authorities"])
Diagnostic = _record(TABLES["diagnostics"])
RECORDS: dict[str, type] = {"questions": QuestionRow, "guidelines": GuidelineRow, "obligations": ObligationRow,
                            "laws": LawRow, "cross_references": CrossReferenceRow, "authorities": AuthorityRow,
                            "diagnostics": Diagnostic}


def columns(table: str) -> list[str]:
    return TABLES[table].names


def frame_dtypes(table: str) -> dict:
    """pandas dtype of every column (categories with their declared values and order)."""
    import pandas as pd

    out = {}
    for c in _table(table).columns:
        if c.kind == "category":
            values = list(reversed(c.values)) if c.ordered else list(c.values)
            out[c.name] = pd.CategoricalDtype(values, ordered=c.ordered)
        else:
            out[c.name] = _DTYPE[c.kind]
    return out


def pandera_schema(table: str):
    """The pandera schema of one table, built from its declaration."""
    import pandera.pandas as pa

    spec = _table(table)
    dtypes = frame_dtypes(table)
    cols = {}
    for c in spec.columns:
        checks = []
        if c.minimum is not None:
            checks.append(pa.Check.ge(c.minimum))
        if c.maximum is not None:
            checks.append(pa.Check.le(c.maximum))
        if c.min_length is not None:
            checks.append(pa.Check.str_length(min_value=c.min_length))
        cols[c.name] = pa.Column(dtypes[c.name], nullable=c.nullable, unique=c.unique, checks=checks or None,
                                 description=c.meaning)
    return pa.DataFrameSchema(cols, strict=True, ordered=True, unique=list(spec.unique) or None, name=spec.name,
                              description=spec.meaning)


def codebook() -> str:
    """docs/codebook.md: every column of every table, its type, allowed values and meaning."""
    kinds = {"text": "text", "count": "integer (nullable Int64)", "real": "number", "flag": "true/false",
             "category": "category"}
    out = ["# Codebook", "",
           "Generated from `lib/policyqa/schema.py` by `python -m policyqa.schema > docs/codebook.md` "
           "(a test keeps it in step). Every table is validated against these declarations (pandera) before it "
           "is returned or written. The first columns of each table are its contract; the ones after the *extras* "
           "row are extras.", ""]
    for t in (*TABLES.values(), *DERIVED_TABLES.values()):
        out += [f"## `{t.name}`", "", t.meaning, ""]
        if t.unique:
            out += [f"Unique together: {', '.join(f'`{u}`' for u in t.unique)}.", ""]
        out += ["| column | type | allowed values | meaning |", "|---|---|---|---|"]
        for n, c in enumerate(t.columns):
            if n == t.contract and t.contract < len(t.columns):
                out.append("| *extras:* | | | |")
            kind = kinds[c.kind] + (", may be empty" if c.nullable else "") + (", unique" if c.unique else "")
            if c.values:
                allowed = (" > " if c.ordered else ", ").join(f"`{v}`" for v in c.values)
            elif c.minimum is not None or c.maximum is not None:
                allowed = " to ".join(str(int(x)) if x is not None and float(x).is_integer() else str(x)
                                      for x in (c.minimum, c.maximum) if x is not None)
                allowed = f"≥ {allowed}" if c.maximum is None else allowed
            else:
                allowed = ""
            out.append(f"| `{c.name}` | {kind} | {allowed} | {c.meaning} |")
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------- derived tables (issue 12)
# Tables computed from two chapters' tables rather than read from one chapter. They are kept out of TABLES,
# which every step of reading a chapter iterates (tables.to_frames, validate, Tables.as_dict), and share its
# dtypes, pandera checks and codebook through `_table`.

CHANGE_KINDS = ("authority renamed", "guideline added", "guideline removed", "guideline renamed", "status changed",
                "stance changed", "cross-reference added", "cross-reference removed")

DERIVED_TABLES: dict[str, Table] = {t.name: t for t in (
    Table("changes", "ChangeRow", "One row per change between two editions of one jurisdiction's chapter "
          "(`policyqa diff OLD NEW`, `policyqa.compare.compare_editions`), over the questionnaire sections both "
          "editions cover. A guideline whose authority was only renamed is not a change of the guideline.", (
              _JUR,
              _c("old_edition", "text", "the older chapter's edition ('2019'), or empty", nullable=True),
              _c("new_edition", "text", "the newer chapter's edition ('2024'), or empty", nullable=True),
              _c("kind", "category", "what changed", values=CHANGE_KINDS),
              _c("subject", "text", "what the change is about: the guideline's title (its new title when renamed), "
                 "the authority's new name, or 'question N'", min_length=1),
              _c("old_value", "text", "before: the old title or name, the mandatoriness or stance, the question "
                 "referred to; empty for something added", nullable=True),
              _c("new_value", "text", "after, the same way; empty for something removed", nullable=True),
              _c("old_line", "count", "line of the evidence in the older chapter", nullable=True, minimum=1),
              _c("new_line", "count", "line of the evidence in the newer chapter", nullable=True, minimum=1),
              _c("match", "text", "how the two editions were matched: same title, similar title (scores), the "
                 "text's words ('formerly' at FILE:LINE), same guidelines, or no counterpart", min_length=1),
              _QNO,
              _c("authority", "text", "the issuing authority concerned (as the newer chapter names it, the older "
                 "one for a removed guideline)", nullable=True),
              _c("audience", "text", "for a status change: the audience as written", nullable=True),
              _c("old_file", "text", "the older chapter file"),
              _c("new_file", "text", "the newer chapter file"),
          ), contract=10),
)}
ChangeRow = _record(DERIVED_TABLES["changes"])


def _table(name: str) -> Table:
    """A table's declaration, chapter table or derived."""
    return TABLES[name] if name in TABLES else DERIVED_TABLES[name]


if __name__ == "__main__":
    print(codebook(), end="")
