"""Analysis helpers: the tables an analyst reaches for after `read_chapter` / `read_corpus`.

    >>> from policyqa import analysis
    >>> analysis.authority_table(t.guidelines, t.obligations)   # t = policyqa.read_corpus("data/raw")

Choosing chapters
    `jurisdictions`, `select` (a jurisdiction's newest edition, or a file), `newest_editions` (one chapter
    per jurisdiction: what comparisons use), `select_files`, `chapter_path`, `edition_rank`.
Reading a chapter
    `outline` (what the parser understood, line by line), `answers_side_by_side` (one question across
    chapters), `question_labels` (labels that tell questions apart).
Guidelines and what binds
    `guideline_levels` (one row per guideline and audience), `strongest_levels` (one row per guideline),
    `binds` (what binds whom, in words), `authority_table` (per authority), `guidelines_by_authority`
    (per guideline, grouped by authority: the table of the briefing page).
How sure the tables are
    `certainty` (per chapter: guidelines corrected by hand, low and medium confidence), `row_certainty` (per
    guideline), `certainty_note` (the sentence of a chart's source line).
Showing a table as HTML
    `styled` (a pandas Styler that escapes chapter text; `DataFrame.style` does not).

Every function takes the tidy tables (or the `Tables` object) and returns a DataFrame, a Series or a
`Tables`; none draws, so this module loads pandas when a function runs and never matplotlib. Nothing
here names a chapter, jurisdiction or guideline. A frame without the columns a function needs gets an
error naming the columns it needs and the ones the frame has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from policyqa.api import NotFound
from policyqa.errors import PolicyqaError
from policyqa.schema import NOT_STATED

__all__ = [
    "NO_AUTHORITY", "answers_side_by_side", "audience_order", "authority_table", "binds", "certainty",
    "certainty_note", "chapter_path", "row_certainty",
    "edition_rank", "guideline_levels", "guidelines_by_authority", "jurisdictions", "match_jurisdiction",
    "newest_editions", "newest_files", "outline", "question_labels", "select", "select_files",
    "strongest_levels", "styled",
]

#: What a guideline's authority reads as when the chapter names none.
NO_AUTHORITY = "authority not named"
CHAPTER_SUFFIXES = (".txt", ".text", ".md")


def require(frame, columns: Iterable[str], what: str) -> None:
    """Stop with the columns a function needs and the ones the frame has (not a bare KeyError later on)."""
    have = list(getattr(frame, "columns", []))
    missing = [c for c in columns if c not in have]
    if missing:
        raise NotFound(f"{what} needs column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                       f"this frame has {', '.join(map(str, have)) or 'no columns'}")


# ----------------------------------------------------------------------------- choosing chapters

def jurisdictions(tables) -> list[str]:
    """Every jurisdiction with a chapter in the tables, A-Z.

        >>> corpus = policyqa.read_corpus("data/raw")
        >>> analysis.jurisdictions(corpus)          # ['Aland', 'Borduria', ...]
    """
    names = {s.jurisdiction for s in tables.summaries}
    return sorted(names | set(tables.questions["jurisdiction"].dropna().astype(str)))


def match_jurisdiction(tables, jurisdiction: str, where: str = "jurisdiction") -> tuple[str, set[str] | None]:
    """(jurisdiction, the files asked for by name, or None when a jurisdiction was named).

    A chapter's file name (`aland-2024.txt`, or its stem) means that file; a jurisdiction, matched
    without regard to case, means its chapters. Anything else is a PolicyqaError naming the chapters there.

        >>> analysis.match_jurisdiction(corpus, corpus.summaries[0].jurisdiction.upper())   # (name, None)
        >>> analysis.match_jurisdiction(corpus, corpus.summaries[0].source_file)          # (name, {file})
    """
    wanted = jurisdiction.strip().casefold()
    names = jurisdictions(tables)
    for s in tables.summaries:  # a chapter's file name
        if wanted == s.source_file.casefold():
            return s.jurisdiction, {s.source_file}
    for name in names:
        if name.casefold() == wanted:
            return name, None
    for s in tables.summaries:  # its file name without the suffix
        if wanted == Path(s.source_file).stem.casefold():
            return s.jurisdiction, {s.source_file}
    raise PolicyqaError(where, 1, f"no chapter for jurisdiction {jurisdiction!r}; "
                                  f"the chapters here are for {', '.join(names) or 'nothing'}")


def edition_rank(edition) -> int:
    """Editions order by year; a chapter with no dated edition counts as older than any dated one.

        >>> analysis.edition_rank("2024"), analysis.edition_rank(None)
        (2024, 0)
    """
    text = "" if edition is None else str(edition)
    return int(text) if text.isdigit() else 0


def newest_files(tables, jurisdiction: str) -> set[str]:
    """The chapter files of a jurisdiction's newest edition (all of them when no edition is dated).

        >>> corpus = policyqa.read_corpus("data/raw")
        >>> analysis.newest_files(corpus, corpus.summaries[0].jurisdiction)     # {'<file>.txt'}
    """
    chapters = [c for c in tables.chapters if c.jurisdiction == jurisdiction]
    if not chapters:
        return {s.source_file for s in tables.summaries if s.jurisdiction == jurisdiction}
    top = max(edition_rank(c.edition) for c in chapters)
    return {c.source_file for c in chapters if edition_rank(c.edition) == top}


def select(tables, jurisdiction: str | None, edition: str | None = None):
    """The tables of one chapter: by file name, or by jurisdiction (any case), its newest edition unless
    `edition` says which; all of them for None or "".

        >>> one = analysis.select(corpus, corpus.summaries[0].jurisdiction)   # its newest edition
        >>> that = analysis.select(corpus, corpus.summaries[0].source_file)   # that file
    """
    if not jurisdiction:
        return tables
    name, files = match_jurisdiction(tables, jurisdiction)
    if files is None:
        if edition:
            files = {c.source_file for c in tables.chapters
                     if c.jurisdiction == name and str(c.edition) == str(edition)}
            if not files:
                have = sorted({str(c.edition) for c in tables.chapters if c.jurisdiction == name and c.edition})
                raise PolicyqaError("edition", 1, f"no {edition} edition for {name}; "
                                                  f"editions here: {', '.join(have) or 'none dated'}")
        else:
            files = newest_files(tables, name)
    return select_files(tables, files)


def newest_editions(tables):
    """The tables with one chapter per jurisdiction, its newest edition: what comparisons across chapters use.

        >>> a = analysis.newest_editions(policyqa.read_corpus("data/raw"))
        >>> a.guidelines.groupby("jurisdiction").size()
    """
    files: set[str] = set()
    for j in jurisdictions(tables):
        files |= newest_files(tables, j)
    return select_files(tables, files)


def select_files(tables, files: Iterable[str]):
    """The tables of the given chapter files (their source_file names); obligations follow their guideline.

        >>> two = analysis.select_files(corpus, [s.source_file for s in corpus.summaries[:2]])
        >>> two.summaries
    """
    import pandas as pd

    from policyqa.api import Tables

    files = set(files)
    unknown = files - {s.source_file for s in tables.summaries}
    if unknown:
        raise NotFound(f"no chapter file {', '.join(sorted(unknown))}; the files here are "
                       f"{', '.join(s.source_file for s in tables.summaries) or 'none'}")
    frames = {}
    ids = set(tables.guidelines.loc[tables.guidelines["source_file"].isin(files), "guideline_id"])
    wanted = {(c.jurisdiction, c.edition or "") for c in tables.chapters if c.source_file in files}
    for table, df in tables.as_dict().items():
        if "source_file" in df.columns:
            keep = df["source_file"].isin(files)
        elif "guideline_id" in df.columns:  # obligations: through their guideline
            keep = df["guideline_id"].isin(ids)
        else:  # authorities: by jurisdiction and edition
            keep = pd.Series([(j, e if isinstance(e, str) else "") in wanted
                              for j, e in zip(df["jurisdiction"], df["edition"])], index=df.index, dtype=bool)
        frames[table] = df[keep.fillna(False).astype(bool)].reset_index(drop=True)
    log = tables.corrections
    return Tables(**frames, summaries=[s for s in tables.summaries if s.source_file in files],
                  chapters=[c for c in tables.chapters if c.source_file in files],
                  corrections=None if log is None else log[log["source_file"].isin(files)].reset_index(drop=True))


def chapter_path(data: str | Path, jurisdiction: str) -> Path:
    """The chapter file for a jurisdiction in a folder: its newest edition by manifest.csv, else the file
    whose name is the jurisdiction, else the chapter whose text names it.

        >>> corpus = policyqa.read_corpus("data/raw")
        >>> analysis.chapter_path("data/raw", corpus.summaries[0].jurisdiction)   # PosixPath('data/raw/...')
    """
    from policyqa.api import read_manifest

    folder = Path(data)
    wanted = jurisdiction.strip().casefold()
    direct = folder / jurisdiction.strip()
    if direct.is_file():  # a file name
        return direct
    rows = [(edition_rank(row.get("edition")), name) for name, row in sorted(read_manifest(folder).items())
            if (row.get("jurisdiction") or "").strip().casefold() == wanted and (folder / name).is_file()]
    if rows:  # the newest edition
        return folder / max(rows, key=lambda r: r[0])[1]
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        if child.is_file() and child.stem.casefold() == wanted and child.suffix.lower() in CHAPTER_SUFFIXES:
            return child
    from policyqa.api import read_corpus

    tables = read_corpus(folder)
    name, files = match_jurisdiction(tables, jurisdiction, str(folder))
    files = files or newest_files(tables, name)
    return Path(next(s.path for s in tables.summaries if s.source_file in files))


# ----------------------------------------------------------------------------- reading a chapter

def outline(tables):
    """What the parser understood, one row per line that matters, in line order.

    Columns: source_file, line, kind (section, subsection, question, guideline, diagnostic,
    furniture), question_no, text, detail (stance of a question, authority of a guideline,
    level of a diagnostic). The same facts as `policyqa outline FILE`, as a DataFrame.

        >>> t = policyqa.read_chapter(analysis.chapter_path("data/raw", JURISDICTION))
        >>> analysis.outline(t).head()
    """
    import pandas as pd

    rows = []
    for ch in tables.chapters:
        for line, text in ch.furniture:
            rows.append((ch.source_file, line, 0, "furniture", None, text, ""))
        for h in ch.headings:
            rows.append((ch.source_file, h.line, 1, h.level, None, h.text, ""))
    for r in tables.questions.itertuples(index=False):
        rows.append((r.source_file, int(r.line), 2, "question", r.question_no, r.question, str(r.stance)))
    for r in tables.guidelines.itertuples(index=False):
        rows.append((r.source_file, int(r.line), 3, "guideline", r.question_no, r.title,
                     "" if pd.isna(r.issuing_authority) else str(r.issuing_authority)))
    for r in tables.diagnostics.itertuples(index=False):
        rows.append((r.source_file, int(r.line), 4, "diagnostic", None, r.message, str(r.level)))
    out = pd.DataFrame(rows, columns=["source_file", "line", "order", "kind", "question_no", "text", "detail"])
    out = out.sort_values(["source_file", "line", "order"]).drop(columns="order").reset_index(drop=True)
    out["question_no"] = out["question_no"].astype("Int64")
    return out


def answers_side_by_side(questions, question_no: int, width: int = 400):
    """One question's answers, one row per chapter: jurisdiction, edition, stance, the answer (shortened to
    `width` characters) and its source line.

        >>> side = analysis.answers_side_by_side(corpus.questions, 13)
        >>> analysis.styled(side)          # as HTML, chapter text escaped
    """
    import textwrap

    require(questions, ["jurisdiction", "edition", "question_no", "stance", "answer", "source_file", "line",
                        "answer_line"], "answers_side_by_side (the questions table)")
    q = questions[questions["question_no"] == question_no]
    out = q[["jurisdiction", "edition", "stance", "answer", "source_file", "answer_line", "line"]].copy()
    out["answer"] = out["answer"].astype(str).map(
        lambda a: textwrap.shorten(" ".join(a.split()), width=width, placeholder=" […]"))
    out["source"] = [f"{f}:{a if a == a and a is not None else ln}" for f, a, ln in
                     zip(out["source_file"], out["answer_line"].astype(object), out["line"])]
    out = out.drop(columns=["source_file", "answer_line", "line"])
    return out.sort_values(["jurisdiction", "edition"], ignore_index=True)


_WORD = re.compile(r"[\w'’-]+")


def _key(word: str) -> str:
    return "".join(_WORD.findall(word.casefold()))


def question_labels(questions, width: int = 52) -> dict[int, str]:
    """Short labels that tell questions apart: the number, the opening words, and the words that differ.

    Questions of one questionnaire often share their opening ("Describe any rules requiring organisations
    to ..."); cutting each to its first words gives labels that read alike. Where a question shares three or
    more opening words with another one shown, its label keeps two of them and then the words after the
    shared part: 'Q27 Describe any … keep records of cyberthreats or attacks'.

    `questions` is the questions table (the first text per number is used) or a mapping number -> text.

        >>> analysis.question_labels({27: "Describe any rules requiring organisations to keep records.",
        ...                           28: "Describe any rules requiring organisations to report breaches."})
        {27: 'Q27 Describe any … keep records.', 28: 'Q28 Describe any … report breaches.'}
    """
    import textwrap

    if isinstance(questions, Mapping):
        texts = {int(k): " ".join(str(v).split()) for k, v in questions.items()}
    else:
        q = questions.dropna(subset=["question_no"]).drop_duplicates("question_no")
        texts = {int(n): " ".join(str(t).split()) for n, t in zip(q["question_no"], q["question"])}
    words = {n: t.split() for n, t in texts.items()}
    keys = {n: [_key(w) for w in ws] for n, ws in words.items()}

    def shared(a: list[str], b: list[str]) -> int:
        k = 0
        while k < min(len(a), len(b)) and a[k] == b[k]:
            k += 1
        return k

    out = {}
    for n, ws in words.items():
        common = max((shared(keys[n], keys[m]) for m in words if m != n), default=0)
        if common >= 3 and len(ws) > common:
            text = " ".join(ws[:2]) + " … " + " ".join(ws[common:])
        else:
            text = texts[n]
        out[n] = textwrap.shorten(f"Q{n} {text}", width=max(width, 12), placeholder=" …")
    return dict(sorted(out.items()))


# ----------------------------------------------------------------------------- guidelines and what binds

def audience_order(audiences: Iterable[str]) -> list[str]:
    """The audiences given, in the project's one order: A to Z, "not stated" last.

    Alphabetical rather than the order of data/reference/audiences.csv, which is the order patterns are
    tried in and changes whenever the vocabulary is tuned; an audience should not move between charts
    or between runs because a pattern moved.

        >>> analysis.audience_order(["public authorities", "not stated", "banks"])
        ['banks', 'public authorities', 'not stated']
    """
    import pandas as pd

    present = {str(a) for a in audiences if not pd.isna(a)}
    return sorted(present, key=lambda a: (a == NOT_STATED, a.casefold(), a))


_GUIDELINE_COLS = ["guideline_id", "jurisdiction", "edition", "question_no", "title", "issuing_authority",
                   "instrument_type", "not_exhaustive", "source_file", "line"]


def guideline_levels(guidelines, obligations, by: str = "audience"):
    """The guideline-level table: one row per guideline and audience, with what the chapter says binds.

    `by="audience"` uses the audience as the chapter writes it; `by="audience_group"` the vocabulary that
    compares across chapters (one row per guideline, group and level). A guideline the chapter names without
    any audience or binding status gets one row with audience and mandatoriness "not stated", so no
    guideline drops out of a count. Columns: the guideline's, `audience` (or `audience_group`),
    `mandatoriness` (ordered: strongest is largest) and `evidence_line` (the line stating the status).

        >>> levels = analysis.guideline_levels(t.guidelines, t.obligations)
        >>> levels[["title", "audience", "mandatoriness"]]
    """
    import pandas as pd

    from policyqa.schema import MANDATORINESS_LEVELS

    if by not in ("audience", "audience_group"):
        raise NotFound(f"by={by!r}: choose audience (as written) or audience_group (comparable across chapters)")
    require(guidelines, _GUIDELINE_COLS, "guideline_levels (the guidelines table)")
    require(obligations, ["guideline_id", by, "mandatoriness", "status_line"],
            "guideline_levels (the obligations table)")
    g = guidelines[_GUIDELINE_COLS].rename(columns={"line": "guideline_line"})
    o = obligations[["guideline_id", by, "mandatoriness", "status_line"]].rename(
        columns={"status_line": "evidence_line"})
    o = o.assign(**{by: o[by].astype("string"), "mandatoriness": o["mandatoriness"].astype("string")})
    if by == "audience_group":  # several audiences of one group at one level are one row
        o = o.sort_values("evidence_line", kind="stable").drop_duplicates(["guideline_id", by, "mandatoriness"])
    out = g.merge(o, on="guideline_id", how="left")
    out[by] = out[by].astype("string").fillna(NOT_STATED)
    out["mandatoriness"] = pd.Categorical(out["mandatoriness"].astype("string").fillna(NOT_STATED),
                                          categories=list(reversed(MANDATORINESS_LEVELS)), ordered=True)
    return out.reset_index(drop=True)


def strongest_levels(guidelines, obligations):
    """One row per guideline (the guidelines table) with `strongest`: the strongest mandatoriness the
    chapter states for any audience; `issuing_authority` reads "authority not named" where none is.

        >>> s = analysis.strongest_levels(t.guidelines, t.obligations)
        >>> s["strongest"].value_counts()
    """
    import pandas as pd

    from policyqa.schema import MANDATORINESS_LEVELS

    gl = guideline_levels(guidelines, obligations)
    strongest = gl.groupby("guideline_id", observed=True, sort=False)["mandatoriness"].max()
    out = guidelines.merge(strongest.rename("strongest").reset_index(), on="guideline_id", how="left")
    out["strongest"] = pd.Categorical(out["strongest"].astype("string").fillna(NOT_STATED),
                                      categories=list(reversed(MANDATORINESS_LEVELS)), ordered=True)
    out["issuing_authority"] = out["issuing_authority"].astype("string").fillna(NO_AUTHORITY)
    return out


def _says(level: str, audience: str) -> str:
    """'voluntary for private companies'; 'mandatory, no audience named'; 'nothing stated'."""
    if audience == NOT_STATED:
        return "nothing stated" if level == NOT_STATED else f"{level}, no audience named"
    return f"{level} for {audience}" if level != NOT_STATED else f"not stated for {audience}"


def binds(guidelines, obligations):
    """Per guideline (indexed by guideline_id): what the chapter says binds whom, in words.

        >>> said = analysis.binds(t.guidelines, t.obligations)
        >>> said.iloc[0]                     # 'voluntary for private companies; mandatory in some cases for ...'
    """
    import pandas as pd

    gl = guideline_levels(guidelines, obligations)
    order = {a: i for i, a in enumerate(audience_order(gl["audience"]))}
    gl = gl.assign(_o=gl["audience"].astype(str).map(order)).sort_values(["guideline_id", "_o"], kind="stable")
    parts = pd.Series([_says(str(lv), str(a)) for lv, a in zip(gl["mandatoriness"], gl["audience"])], index=gl.index)
    return parts.groupby(gl["guideline_id"].astype(str), sort=False).agg("; ".join).astype("string")


def authority_table(guidelines, obligations):
    """One row per issuing authority: how many guidelines, of which kinds, their titles and what binds whom.

        >>> t = policyqa.read_corpus("data/raw")
        >>> analysis.authority_table(t.guidelines, t.obligations)
    """
    import pandas as pd

    if guidelines.empty:
        return pd.DataFrame(columns=["jurisdiction", "issuing_authority", "guidelines", "kinds", "titles", "binds"])
    s = strongest_levels(guidelines, obligations)
    s = s.assign(binds=s["guideline_id"].map(binds(guidelines, obligations)))
    out = s.groupby(["jurisdiction", "issuing_authority"], sort=False).agg(
        guidelines=("guideline_id", "size"),
        kinds=("instrument_type", lambda v: ", ".join(sorted(set(map(str, v))))),
        titles=("title", lambda v: "; ".join(map(str, v))),
        binds=("binds", lambda v: " | ".join(dict.fromkeys(map(str, v)))),
    ).reset_index()
    return out.sort_values(["guidelines", "jurisdiction", "issuing_authority"], ascending=[False, True, True],
                           ignore_index=True)


def guidelines_by_authority(guidelines, obligations):
    """One row per guideline, grouped by issuing authority (the one issuing most first, then A-Z): authority,
    title, kind, strongest status, what binds whom, and its source line. The table of the briefing page.

        >>> t = policyqa.read_corpus("data/raw")
        >>> analysis.guidelines_by_authority(t.guidelines, t.obligations)
    """
    import pandas as pd

    cols = ["jurisdiction", "issuing_authority", "title", "instrument_type", "strongest", "binds", "certainty",
            "source"]
    if guidelines.empty:
        return pd.DataFrame(columns=cols)
    s = strongest_levels(guidelines, obligations)
    s["binds"] = s["guideline_id"].map(binds(guidelines, obligations))
    s["certainty"] = s["guideline_id"].map(row_certainty(guidelines, obligations))
    s["source"] = s["source_file"].astype(str) + ":" + s["line"].astype(str)
    size = s.groupby(["jurisdiction", "issuing_authority"])["guideline_id"].transform("size")
    s = s.assign(_n=-size, _none=s["issuing_authority"] == NO_AUTHORITY)
    s = s.sort_values(["jurisdiction", "_none", "_n", "issuing_authority", "source_file", "line"], kind="stable")
    return s[cols].reset_index(drop=True)


# ----------------------------------------------------------------------------- how sure the tables are

#: The `rule` and `status_rule` of a row from the analyst's corrections file (policyqa.corrections).
CORRECTION_RULE = "correction"


def certainty(guidelines, obligations, by: str = "source_file"):
    """Per chapter (or `by` another guideline column): how many guidelines, how many of them were corrected by
    hand (the row, or its binding status, comes from data/corrections.csv) and how many are low or medium
    confidence (the row's own or its status's, whichever is lower). A `checked` correction raises a row to
    high, so `low` counts rows nobody has checked.

        >>> analysis.certainty(t.guidelines, t.obligations)
    """
    import pandas as pd

    require(guidelines, ["guideline_id", "rule", "confidence", by], "certainty (the guidelines table)")
    require(obligations, ["guideline_id", "status_rule", "status_confidence"], "certainty (the obligations table)")
    cols = [by, "guidelines", "corrected", "low", "medium"]
    if guidelines.empty:
        return pd.DataFrame(columns=cols)
    rank = {"high": 0, "medium": 1, "low": 2}
    o = obligations.assign(_c=obligations["status_rule"].astype(str).eq(CORRECTION_RULE),
                           _r=obligations["status_confidence"].astype(str).map(rank).fillna(0))
    per = o.groupby("guideline_id").agg(_sc=("_c", "any"), _sr=("_r", "max"))
    g = guidelines.merge(per, left_on="guideline_id", right_index=True, how="left")
    worst = pd.concat([g["confidence"].astype(str).map(rank).fillna(0), g["_sr"].fillna(0)], axis=1).max(axis=1)
    g = g.assign(corrected=g["rule"].astype(str).eq(CORRECTION_RULE) | g["_sc"].fillna(False).astype(bool),
                 low=worst.eq(2), medium=worst.eq(1))
    out = g.groupby(g[by].astype(str), sort=False).agg(
        guidelines=("guideline_id", "size"), corrected=("corrected", "sum"), low=("low", "sum"),
        medium=("medium", "sum")).reset_index()
    return out[cols].astype({c: int for c in cols[1:]})


def row_certainty(guidelines, obligations):
    """Per guideline (indexed by guideline_id): its lowest confidence, the row's own or its status's ('high',
    'medium', 'low'), or 'corrected by hand' (a low part left: 'low (partly corrected by hand)').

        >>> analysis.row_certainty(t.guidelines, t.obligations).value_counts()
    """
    import pandas as pd

    c = certainty(guidelines, obligations, by="guideline_id").set_index("guideline_id")
    out = pd.Series("high", index=c.index, dtype="string")
    out[c["medium"] > 0] = "medium"
    out[c["corrected"] > 0] = "corrected by hand"
    out[c["low"] > 0] = "low"
    out[(c["low"] > 0) & (c["corrected"] > 0)] = "low (partly corrected by hand)"
    return out


def certainty_note(guidelines, obligations) -> str:
    """One sentence for a chart's source line: how many guidelines were corrected by hand and how many are
    low confidence and unchecked.

        >>> analysis.certainty_note(t.guidelines, t.obligations)
        '2 of 14 guidelines corrected by hand; 3 unchecked at low confidence.'
    """
    from policyqa.charts import _plural

    if guidelines is None or not len(guidelines) or "confidence" not in guidelines.columns:
        return ""
    c = certainty(guidelines, obligations).sum(numeric_only=True)
    n = int(c["guidelines"])
    low = int(c["low"])
    return (f"{int(c['corrected'])} of {_plural(n, 'guideline')} corrected by hand; "
            f"{low or 'none'} unchecked at low confidence.")


# ----------------------------------------------------------------------------- HTML

def styled(frame, *, left: bool = True):
    """`frame.style` with every cell, index label and column name escaped as HTML, text left-aligned.

    pandas' Styler renders cell text as HTML as it is (a jurisdiction or answer holding `<script>` would
    run in JupyterLab and in HTML exported from the notebook); chapter text is untrusted, so notebooks show
    styled tables through this.

        >>> side = analysis.answers_side_by_side(corpus.questions, 13)
        >>> analysis.styled(side)
    """
    sty = frame.style.format(escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if left:
        sty = sty.set_properties(**{"text-align": "left", "vertical-align": "top"})
    return sty
