"""The briefing: the notebooks run headless, the chart pack, reports/briefing.html and reports/briefing.pdf.

    python -m policyqa.briefing --jurisdiction NAME --data data/raw

runs every notebook in notebooks/ (01-..., 02-..., in order) with papermill on
the `policyqa` kernel, passing each the parameters its `parameters` cell
declares (JURISDICTION, DATA, REPORTS), prints one progress line per notebook,
prints the PDF of the page (headless Chromium) and ends by saying where the
figures, the page and the PDF are. The last notebook (05-briefing) calls
`build_pack`, which writes the charts to reports/figures/ (PNG at 300 dpi and
byte-reproducible SVG) and reports/briefing.html. `--pack-only` skips the
notebooks and calls `build_pack` directly.

The page is a list of `Section`s (findings in sentences, the guidelines by
authority and status, the charts); `build_pack(..., sections=...)` appends more,
so a new part of the briefing is one function returning a Section.

The analysis helpers the notebooks use live in `policyqa.analysis`; the names
below that come from there are kept for notebooks written before the move.
Nothing here names a chapter, jurisdiction or guideline; matplotlib is imported
only when charts are drawn.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.analysis import (  # noqa: F401  (kept importable from here: see the module's docstring)
    answers_side_by_side,
    authority_table,
    binds,
    chapter_path,
    edition_rank,
    jurisdictions,
    match_jurisdiction,
    newest_editions,
    newest_files,
    outline,
    select,
    select_files,
)
from policyqa.compare import SECTION_CSS
from policyqa.errors import PolicyqaError

_match = match_jurisdiction

#: The figures of the pack, in the order of the briefing. The first is the headline.
PACK = (
    "audience-mandatoriness",
    "guidelines-by-authority",
    "mandatoriness-by-jurisdiction",
    "guidelines-per-jurisdiction",
    "stance-by-question",
)
#: Figures earlier versions of the pack wrote; a rerun removes them so that reports/figures/ is this run's.
RETIRED = ("instrument-types",)
KERNEL = "policyqa"


# ----------------------------------------------------------------------------- what is compared with what

@dataclass
class Scope:
    """The chapters of a briefing: the briefed one(s) and the comparison set (one chapter per jurisdiction)."""

    jurisdiction: str | None
    own: object  # Tables of the briefed chapter(s)
    compared: object  # Tables, one chapter per jurisdiction
    note: str  # how the comparison set was chosen, for source lines


def scope(tables, jurisdiction: str | None) -> Scope:
    """The briefed chapter (a jurisdiction's newest edition, or the file named) and, to compare it with, the
    newest edition of every other jurisdiction. With no jurisdiction: the newest edition of each, briefed
    together."""
    from policyqa.charts import NEWEST_NOTE

    name = match_jurisdiction(tables, jurisdiction)[0] if jurisdiction else None
    own = select(tables, jurisdiction) if jurisdiction else newest_editions(tables)
    own_files = {s.source_file for s in own.summaries}
    files = set(own_files)
    for j in jurisdictions(tables):
        if j != name:
            files |= newest_files(tables, j)
    note = NEWEST_NOTE
    if name and own_files != newest_files(tables, name):
        note = f"{', '.join(sorted(own_files))} for {name} and the newest edition of every other jurisdiction"
    return Scope(name, own, select_files(tables, files), note)


# ----------------------------------------------------------------------------- the chart pack

@dataclass
class FigureFile:
    name: str
    finding: str
    subtitle: str
    source: str
    png: Path
    svg: Path


@dataclass
class Section:
    """One part of the page: an id (the anchor), a heading and its body as HTML, already escaped."""

    id: str
    title: str
    body: str


@dataclass
class Pack:
    """What `build_pack` wrote: the figures (headline first), the charts skipped with the sentence that
    stands in for each, the findings in sentences, and the HTML page."""

    jurisdiction: str | None
    figures: list[FigureFile] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    html: Path | None = None

    @property
    def findings(self):
        """The findings as a table: every sentence of the page, and each chart's title and source."""
        import pandas as pd

        rows = [("finding", s, "") for s in self.sentences]
        rows += [(f.name, f.finding, f.source) for f in self.figures]
        rows += [(name, sentence, "not drawn") for name, sentence in self.skipped.items()]
        return pd.DataFrame(rows, columns=["figure", "finding", "source"])


def pack_figures(tables, jurisdiction: str | None = None) -> dict:
    """The pack's charts (name -> Figure): the briefed chapter's own, then it among the newest editions of
    every jurisdiction (audiences as audience groups where chapters are compared)."""
    from policyqa import charts

    sc = jurisdiction if isinstance(jurisdiction, Scope) else scope(tables, jurisdiction)
    own, cmp = sc.own, sc.compared
    files = [s.source_file for s in own.summaries]
    cmp_files = [s.source_file for s in cmp.summaries]
    names = jurisdictions(cmp)
    g, o = own.guidelines, own.obligations
    several = len({s.jurisdiction for s in own.summaries}) > 1
    return {
        "audience-mandatoriness": charts.audience_matrix(g, o, files=files, by="audience_group" if several
                                                         else "audience", note=sc.note if several else None),
        "guidelines-by-authority": charts.authority_bars(g, o, files=files, note=sc.note if several else None),
        "mandatoriness-by-jurisdiction": charts.mandatoriness_share(cmp.guidelines, cmp.obligations, names,
                                                                    files=cmp_files, note=sc.note),
        "guidelines-per-jurisdiction": charts.guidelines_per_jurisdiction(
            cmp.guidelines, cmp.obligations, names, highlight=sc.jurisdiction, files=cmp_files, note=sc.note),
        "stance-by-question": charts.stance_matrix(cmp.questions, highlight=sc.jurisdiction, files=cmp_files,
                                                   note=sc.note),
    }


def build_pack(data: str | Path, jurisdiction: str | None = None, reports: str | Path = "reports",
               sections=None) -> Pack:
    """Read every chapter in `data`, draw the pack for `jurisdiction` (every jurisdiction's newest edition when
    None or ""), write reports/figures/*.png and *.svg and reports/briefing.html, and say what was written.

        >>> pack = briefing.build_pack("data/raw", JURISDICTION, "reports")
        >>> pack.findings

    A chart with too little to show is not written; its sentence stands in the page. `sections` is a list of
    functions `(Scope, Pack) -> Section | None` whose sections follow the standard ones.
    """
    from policyqa import charts
    from policyqa.api import read_corpus

    tables = read_corpus(Path(data))
    sc = scope(tables, jurisdiction)
    out = Path(reports)
    figures_dir = out / "figures"
    pack = Pack(sc.jurisdiction)
    for fig_name, fig in pack_figures(tables, sc).items():
        reason = charts.skip_reason(fig)
        if reason:
            pack.skipped[fig_name] = reason
            continue
        paths = charts.save(fig, figures_dir, fig_name)
        pack.figures.append(FigureFile(fig_name, charts.finding(fig), charts.subtitle(fig), charts.source_note(fig),
                                       paths["png"], paths["svg"]))
    _remove_stale(figures_dir, {f.name for f in pack.figures})
    pack.sentences = finding_sentences(sc)
    parts = [findings_section(sc, pack), guidelines_section(sc), charts_section(pack), certainty_section(sc)]
    changed = changes_section(tables, sc, figures_dir)
    if changed is not None:
        parts.append(changed)
    else:
        for suffix in (".png", ".svg"):
            (figures_dir / f"what-changed{suffix}").unlink(missing_ok=True)
    parts += [s for s in (make(sc, pack) for make in sections or ()) if s is not None]
    pack.html = write_html(pack, out / "briefing.html", parts,
                           chapters=[s.source_file for s in sc.own.summaries],
                           others=[s.source_file for s in sc.compared.summaries
                                   if s.source_file not in {x.source_file for x in sc.own.summaries}],
                           notice=certainty_notice(sc))
    return pack


def changes_section(tables, sc: Scope, figures_dir: Path) -> Section | None:
    """"What changed since <edition>": when the briefed jurisdiction has an earlier edition in the data, the
    changes from it to the edition briefed (policyqa.compare), with its chart."""
    if not sc.jurisdiction:
        return None
    from policyqa import compare

    own = {s.source_file for s in sc.own.summaries}
    wc = compare.briefing_section(tables, sc.jurisdiction, figures_dir)
    if wc is None or wc.changes.attrs.get("new_file") not in own:
        return None  # one edition only, or the briefed chapter is the older one
    return Section("what-changed", wc.title, wc.html(wrap=False))


def _remove_stale(folder: Path, written: set[str]) -> None:
    """Figures of the pack that this run did not draw (skipped, or retired) leave reports/figures/."""
    for name in (*PACK, *RETIRED):
        if name not in written:
            for suffix in (".png", ".svg"):
                (folder / f"{name}{suffix}").unlink(missing_ok=True)


def write_headline(data: str | Path, jurisdiction: str | None, path: str | Path, dpi: int = 100) -> Path:
    """The pack's first chart worth showing as one small PNG (for a README, which cannot show reports/)."""
    from policyqa import charts
    from policyqa.api import read_corpus

    figs = pack_figures(read_corpus(Path(data)), jurisdiction or None)
    fig = next((f for f in figs.values() if not charts.skip_reason(f)), next(iter(figs.values())))
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, format="png", dpi=dpi, metadata={"Software": "policyqa", "Title": charts.finding(fig)})
    return target


# ----------------------------------------------------------------------------- findings in sentences

def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _chapters_phrase(own) -> str:
    parts = []
    for s in own.summaries:
        edition = next((c.edition for c in own.chapters if c.source_file == s.source_file and c.edition), None)
        parts.append(f"{s.source_file}{f', {edition} edition' if edition else ''}")
    return "; ".join(parts)


def finding_sentences(sc: Scope) -> list[str]:
    """The briefing's findings as plain sentences with their numbers (not the charts' titles again)."""
    from policyqa import charts
    from policyqa.charts import _join, _plural

    own, cmp = sc.own, sc.compared
    g, o = own.guidelines, own.obligations
    who = f"The {sc.jurisdiction} chapter ({_chapters_phrase(own)})" if sc.jurisdiction else \
        f"The {_plural(len(own.summaries), 'chapter')} (the newest edition of each jurisdiction)"
    verb = "names" if sc.jurisdiction or len(own.summaries) == 1 else "name"
    out = []
    by_authority = charts.authority_data(g, o)
    named = by_authority[by_authority["issuing_authority"] != charts.NO_AUTHORITY]
    n = len(g)
    if n == 0:
        out.append(f"{who} {verb} no guideline.")
    else:
        text = (f"{who} {verb} {_plural(n, 'guideline')}"
                f" from {_plural(len(named), 'issuing authority', 'issuing authorities')}")
        if len(named) > 1:
            tops, best = charts._top(named.assign(label=named["issuing_authority"]), "label")
            if best > 1:
                text += f"; {_join(tops)} issue{'s' if len(tops) == 1 else ''} the most ({best}{' each' if len(tops) > 1 else ''})"
        unnamed = n - int(named["total"].sum())
        if unnamed:
            text += f"; {_plural(unnamed, 'guideline')} name{'s' if unnamed == 1 else ''} no authority"
        out.append(text + ".")
        out.append(_binds_sentence(charts.audience_matrix_data(g, o, by="audience" if sc.jurisdiction
                                                               else "audience_group"), plural=not sc.jurisdiction))
    if sc.jurisdiction and len(cmp.summaries) > 1:
        out += _comparison_sentences(sc)
    elif not sc.jurisdiction and len(cmp.summaries) > 1:
        data = charts.jurisdiction_data(cmp.guidelines, cmp.obligations, jurisdictions(cmp))
        tops, best = charts._top(data, "jurisdiction")
        none = data.loc[data["total"] == 0, "jurisdiction"].astype(str).tolist()
        if best:
            text = f"{_join(tops)} name{'s' if len(tops) == 1 else ''} the most guidelines ({best}{' each' if len(tops) > 1 else ''})"
            text += f"; {_join(none)} name{'s' if len(none) == 1 else ''} none." if none else "."
            out.append(text)
    out.append(_stance_sentence(sc))
    return [s for s in out if s]


def _binds_sentence(matrix, plural: bool = False) -> str:
    from policyqa.charts import NOT_STATED, _join, _plural

    if matrix.empty or int(matrix.to_numpy().sum()) == 0:
        return ""
    clauses = []
    for audience, row in matrix.iterrows():
        levels = [(lv, int(v)) for lv, v in row.items() if int(v)]
        if not levels:
            continue
        where = "where no audience is named" if audience == NOT_STATED else f"for {audience}"
        if len(levels) == 1:
            lv, v = levels[0]
            clauses.append(f"{'binding status not stated' if lv == NOT_STATED else lv} {where} "
                           f"({_plural(v, 'guideline')})")
        else:
            parts = _join([f"{v} {'not stated' if lv == NOT_STATED else lv}" for lv, v in levels])
            clauses.append(f"{where}, {parts}")
    return f"What the chapter{'s say' if plural else ' says'} binds: " + "; ".join(clauses) + "."


def _comparison_sentences(sc: Scope) -> list[str]:
    from policyqa import charts
    from policyqa.charts import MIN_PAIRS, _join, _plural

    cmp, name = sc.compared, sc.jurisdiction
    names = jurisdictions(cmp)
    out = []
    data = charts.jurisdiction_data(cmp.guidelines, cmp.obligations, names).set_index("jurisdiction")["total"]
    mine = int(data.get(name, 0))
    more = data[data > mine]
    tied = [j for j, v in data.items() if v == mine and j != name]
    k = len(data)
    if mine == 0:
        text = (f"Of the {k} jurisdictions compared ({sc.note}), {name} is "
                + (f"one of {len(tied) + 1} naming no guideline" if tied else "the only one naming no guideline"))
    elif more.empty:
        text = f"Of the {k} jurisdictions compared ({sc.note}), {name} names the most guidelines ({mine})"
        if tied:
            text += f", as many as {_join(tied)}"
    else:
        top = more[more == more.max()]
        text = (f"Of the {k} jurisdictions compared ({sc.note}), {name} ranks {_ordinal(len(more) + 1)} by "
                f"guidelines named ({mine}"
                + (f", as many as {_join(tied)}" if tied else "")
                + f"); {_join(list(top.index))} name{'s' if len(top) == 1 else ''} the most ({int(more.max())})")
    out.append(text + ".")
    share = charts.share_data(cmp.guidelines, cmp.obligations, names)
    n_own = int(share.loc[share["jurisdiction"] == name, "pairs"].sum())
    if n_own:
        binding = int(share.loc[(share["jurisdiction"] == name) & share["mandatoriness"].isin(charts.BINDING),
                                "pairs"].sum())
        saying = share[share["mandatoriness"].isin(charts.BINDING) & (share["pairs"] > 0)]["jurisdiction"].nunique()
        pairs = _plural(n_own, "guideline-audience pair")
        text = (f"{binding or 'None'} of its {pairs} (audiences as audience groups) "
                f"{'is' if (binding or n_own) == 1 else 'are'} mandatory, at least in some cases")
        text += (f", too few pairs to compare its share with others (under {MIN_PAIRS})" if n_own < MIN_PAIRS
                 else f" ({round(100 * binding / n_own)}%)")
        text += f"; {saying} of the {k} chapters say some guideline is."
        out.append(text)
    return out


def _stance_sentence(sc: Scope) -> str:
    from policyqa.charts import _join, _plural

    q = sc.own.questions.dropna(subset=["question_no"])
    if q.empty:
        return ""
    if not sc.jurisdiction:
        counts = q["stance"].astype(str).value_counts()
        parts = [f"{int(counts[s])} {s}" for s in ("yes", "no", "partly", "descriptive", "unanswered") if s in counts]
        return f"Of the {_plural(len(q), 'answer')} in these chapters: {_join(parts)}."
    by = {}
    for no, stance in zip(q["question_no"], q["stance"].astype(str)):
        by.setdefault(stance, []).append(int(no))
    parts = []
    for stance in ("yes", "no", "partly"):
        if stance in by:
            nums = sorted(by[stance])
            parts.append(f"question{'s' if len(nums) > 1 else ''} {_join([str(x) for x in nums])} {stance}")
    text = f"The chapter answers {_plural(len(q), 'numbered question')}"
    text += f": {_join(parts)}" if parts else ", none of them with a yes or a no"
    if "descriptive" in by:
        text += f"; {len(by['descriptive'])} descriptively, without a yes or a no"
    if "unanswered" in by:
        nums = sorted(by["unanswered"])
        text += f"; question{'s' if len(nums) > 1 else ''} {_join([str(x) for x in nums])} unanswered"
    return text + "."


# ----------------------------------------------------------------------------- the page

def findings_section(sc: Scope, pack: Pack) -> Section:
    items = "".join(f"<li>{html.escape(s)}</li>" for s in pack.sentences)
    return Section("findings", "Findings", f'<ul class="findings">{items}</ul>')


def guidelines_section(sc: Scope) -> Section:
    """The guidelines by issuing authority, with what binds whom and the source line of each."""
    from policyqa.analysis import guidelines_by_authority

    esc = html.escape
    table = guidelines_by_authority(sc.own.guidelines, sc.own.obligations)
    if table.empty:
        return Section("guidelines", "Guidelines by authority and status",
                       "<p>The chapter names no guideline.</p>")
    several = table["jurisdiction"].nunique() > 1
    rows = []
    for (jur, authority), group in table.groupby(["jurisdiction", "issuing_authority"], sort=False):
        label = f"{authority} ({jur})" if several else str(authority)
        rows.append(f'<tr class="authority"><th colspan="4" scope="colgroup">{esc(label)} · '
                    f"{len(group)} guideline{'s' if len(group) != 1 else ''}</th></tr>")
        for r in group.itertuples(index=False):
            sure = str(r.certainty)
            mark = "" if sure in ("high", "medium") else f'<br><span class="sure">{esc(sure)}</span>'
            css = ' class="low"' if sure.startswith("low") else ' class="corrected"' if mark else ""
            rows.append(f"<tr{css}><td>{esc(str(r.title))}</td><td>{esc(str(r.instrument_type))}</td>"
                        f"<td>{esc(str(r.binds))}</td><td class=\"src\">{esc(str(r.source))}{mark}</td></tr>")
    body = ('<table class="guidelines"><colgroup><col class="title"><col class="kind"><col class="binds">'
            '<col class="src"></colgroup><thead><tr><th scope="col">Guideline</th><th scope="col">Kind</th>'
            '<th scope="col">What the chapter says binds, and whom</th><th scope="col">Source line</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")
    return Section("guidelines", "Guidelines by authority and status", body)


def _checked_by_hand(tables) -> dict[str, int]:
    """Per chapter file: guidelines a `checked` correction confirmed (their rule is kept, so only the corrections
    log knows)."""
    log = getattr(tables, "corrections", None)
    if log is None or log.empty:
        return {}
    done = log[(log["action"] == "checked") & (log["status"] == "applied")]
    return {f: len({i for ids in rows for i in str(ids).split()}) for f, rows in
            done.groupby("source_file")["guideline_ids"]}


def certainty_rows(sc: Scope):
    """One row per chapter of the briefing (the briefed ones first): guidelines, corrected by hand, checked by
    hand, low and medium confidence left unchecked."""
    import pandas as pd

    from policyqa.analysis import certainty

    tables = sc.compared
    own = [s.source_file for s in sc.own.summaries]
    files = own + [s.source_file for s in tables.summaries if s.source_file not in own]
    both = {s.source_file: s for s in [*sc.own.summaries, *tables.summaries]}
    g = pd.concat([sc.own.guidelines, tables.guidelines]).drop_duplicates("guideline_id")
    o = pd.concat([sc.own.obligations, tables.obligations]).drop_duplicates()
    c = certainty(g, o).set_index("source_file") if len(g) else pd.DataFrame()
    checked = {**_checked_by_hand(tables), **_checked_by_hand(sc.own)}
    rows = []
    for f in files:
        get = (lambda k, f=f: int(c.loc[f, k]) if f in c.index else 0)  # noqa: E731
        rows.append((f, both[f].jurisdiction, f in own, get("guidelines"), get("corrected"), checked.get(f, 0),
                     get("low"), get("medium")))
    return pd.DataFrame(rows, columns=["source_file", "jurisdiction", "briefed", "guidelines", "corrected",
                                       "checked", "low", "medium"])


def certainty_notice(sc: Scope) -> str:
    """The sentence under the page's heading: how many of the briefed chapter's rows were corrected by hand and
    how many are low confidence, marked when some are unchecked (HTML, escaped)."""
    from policyqa.charts import _plural

    rows = certainty_rows(sc)
    mine = rows[rows["briefed"]]
    n, fixed, low = int(mine["guidelines"].sum()), int(mine["corrected"].sum()), int(mine["low"].sum())
    text = (f"How sure: of the {_plural(n, 'guideline')} briefed, {fixed} {'was' if fixed == 1 else 'were'} "
            f"corrected by hand and {low or 'none'} {'is' if low == 1 else 'are'} low confidence and unchecked")
    others = rows[~rows["briefed"] & (rows["low"] > 0)]
    if len(others):
        text += f"; {_plural(len(others), 'chapter')} compared {'has' if len(others) == 1 else 'have'} some too"
    css = "notice unchecked" if low or len(others) else "notice"
    flagged = mine.loc[mine["low"] > 0, "source_file"].tolist()
    hint = (f" Review them with <code>policyqa review {' '.join(html.escape(f) for f in flagged)}</code>."
            if flagged else "")
    return f'<p class="{css}">{html.escape(text)} (see <a href="#certainty">How sure these tables are</a>).{hint}</p>'


def certainty_section(sc: Scope) -> Section:
    """How sure these tables are: per chapter, guidelines corrected or checked by hand (data/corrections.csv)
    and those the extractor was unsure of; a chapter with unchecked low-confidence rows is marked."""
    esc = html.escape
    rows = certainty_rows(sc)
    body = ["<p>Every guideline row carries the extraction rule that made it and how sure that rule is "
            "(<code>confidence</code>); rows an analyst corrected or confirmed in <code>data/corrections.csv</code> "
            "are high. Low-confidence rows nobody has checked are the ones to read before relying on a finding "
            "(<code>policyqa review FILE</code> lists them with their source lines).</p>",
            '<table class="certainty"><thead><tr><th scope="col">Chapter</th><th scope="col">Guidelines</th>'
            '<th scope="col">Corrected by hand</th><th scope="col">Checked by hand</th>'
            '<th scope="col">Low confidence, unchecked</th><th scope="col">Medium</th></tr></thead><tbody>']
    for r in rows.itertuples(index=False):
        name = f"{r.source_file} ({r.jurisdiction})" + (" · briefed" if r.briefed else "")
        flag = ' <span class="flag">unchecked low-confidence rows</span>' if r.low else ""
        css = ' class="unchecked"' if r.low else ""
        body.append(f"<tr{css}><td>{esc(name)}{flag}</td><td>{r.guidelines}</td><td>{r.corrected}</td>"
                    f"<td>{r.checked}</td><td>{r.low}</td><td>{r.medium}</td></tr>")
    body.append("</tbody></table>")
    return Section("certainty", "How sure these tables are", "".join(body))


def charts_section(pack: Pack) -> Section:
    esc = html.escape
    parts = []
    n = 0
    for name in PACK:
        f = next((x for x in pack.figures if x.name == name), None)
        if f is None:
            if name in pack.skipped:
                parts.append(f'<p class="skipped" id="{esc(name)}">{esc(pack.skipped[name])}</p>')
            continue
        n += 1
        rel_svg, rel_png = f"figures/{f.svg.name}", f"figures/{f.png.name}"
        parts += [
            f'<figure id="{esc(f.name)}">',
            f'<img src="{esc(rel_svg)}" alt="{esc(f.finding)}">',
            f'<figcaption>Figure {n} · <a href="{esc(rel_png)}">PNG</a> · <a href="{esc(rel_svg)}">SVG</a>'
            "</figcaption>",
            "</figure>",
        ]
    return Section("charts", "Charts", "\n".join(parts))


_CSS = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #222; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; }
p.lead { color: #555; margin-top: 0; }
ul.findings li { margin: .35rem 0; }
table.guidelines { border-collapse: collapse; width: 100%; font-size: .85rem; }
table.guidelines th, table.guidelines td { text-align: left; vertical-align: top; padding: .25rem .4rem;
       border-bottom: 1px solid #e4e4e4; }
table.guidelines tr.authority th { background: #f4f4f4; padding-top: .45rem; }
table.guidelines td.src { white-space: nowrap; color: #555; }
table.guidelines col.title { width: 36%; } table.guidelines col.kind { width: 10%; }
table.guidelines col.binds { width: 38%; } table.guidelines col.src { width: 16%; }
table.guidelines tr.low td { background: #fff4e5; } table.guidelines span.sure { font-size: .75rem; color: #8a4b00; }
table.guidelines tr.corrected span.sure { color: #2f5d8a; }
p.notice { font-size: .9rem; color: #444; } p.notice.unchecked { border-left: 4px solid #d55e00; padding-left: .6rem; }
table.certainty { border-collapse: collapse; font-size: .85rem; } table.certainty th, table.certainty td {
       text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #e4e4e4; }
table.certainty tr.unchecked td { background: #fff4e5; } span.flag { color: #8a4b00; font-size: .75rem; }
figure { margin: 2.5rem 0; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .8rem; color: #555; }
p.skipped { color: #555; font-style: italic; }
footer { font-size: .8rem; color: #777; border-top: 1px solid #ddd; margin-top: 3rem; padding-top: .5rem; }
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  figure { break-inside: avoid; margin: 1.2rem 0; }
  figure img { max-height: 235mm; width: auto; max-width: 100%; border: none; }
  tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
""" + SECTION_CSS


def write_html(pack: Pack, path: Path, sections: list[Section], chapters: list[str], others: list[str],
               notice: str = "") -> Path:
    """A self-contained page: a heading, then each section in order. No code, no date, no script; every
    text from a chapter is escaped (`notice`, HTML under the lead, is escaped by its maker)."""
    from policyqa import __version__
    from policyqa.export import atomic_path

    esc = html.escape
    who = pack.jurisdiction or "every jurisdiction"
    lead = f"From {', '.join(chapters) or 'no chapter'}"
    if pack.jurisdiction and others:
        lead += f", compared with {len(others)} other chapter{'s' if len(others) != 1 else ''}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Cybersecurity guidance briefing: {esc(who)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>Cybersecurity guidance briefing: {esc(who)}</h1>", f'<p class="lead">{esc(lead)}.</p>', notice,
    ]
    for s in sections:
        parts += [f'<section id="{esc(s.id)}">', f"<h2>{esc(s.title)}</h2>", s.body, "</section>"]
    parts += [
        f"<footer>Made by policyqa {esc(__version__)} from the chapter files named above. Every count traces back "
        "to a line of a chapter: the notebooks show the rows behind each chart and the source line of each row."
        "</footer>",
        "</body>", "</html>", "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(parts), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the PDF

#: Chromium's flags for a headless run as root in a container (what the browser tests use too).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """Debian's `chromium`, if installed."""
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def ensure_chromium(say=None) -> str | None:
    """Debian's chromium, installed with apt-get when missing and this is root on a machine that has apt-get
    (saying so first: it takes a few minutes). None when it cannot be had."""
    path = chromium_path()
    if path is None and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        (say or (lambda m: print(m, file=sys.stderr, flush=True)))(
            "policyqa: installing Debian's chromium (apt-get install chromium), needed for the PDF and the "
            "browser tests; this takes a few minutes, once")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update"], env=env, timeout=1200, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "chromium"], env=env, timeout=1200, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        path = chromium_path()
    return path


def write_pdf(page: Path, pdf: Path, chromium: str | None = None) -> Path:
    """Print the HTML briefing to PDF (A4, page numbers) with headless Chromium, written all or nothing.

        >>> pack = briefing.build_pack("data/raw", None, "reports")
        >>> briefing.write_pdf(pack.html, Path("reports/briefing.pdf"))
    """
    from playwright.sync_api import Error, sync_playwright

    from policyqa.export import atomic_path

    chromium = chromium or chromium_path()
    if chromium is None:
        raise PolicyqaError(str(pdf), 1, "cannot print the PDF: Debian's chromium is not installed "
                                         "(apt-get install chromium)")
    footer = ('<div style="font-size:7pt;color:#777;width:100%;text-align:center">'
              '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
    pdf = Path(pdf)

    def _print() -> None:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page()
                tab.goto(Path(page).resolve().as_uri(), wait_until="load", timeout=120_000)
                tab.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=120_000)
                tab.emulate_media(media="print")
                pdf.parent.mkdir(parents=True, exist_ok=True)
                with atomic_path(pdf) as tmp:
                    tab.pdf(path=str(tmp), prefer_css_page_size=True, print_background=True,
                            display_header_footer=True, header_template="<span></span>", footer_template=footer)
            finally:
                browser.close()

    # in a thread of its own: Playwright's sync API refuses to run where an asyncio loop runs (a Jupyter kernel,
    # or another Playwright session of the caller's)
    from concurrent.futures import ThreadPoolExecutor

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(_print).result()
    except Error as exc:
        raise PolicyqaError(str(pdf), 1, f"Chromium could not print the page: {str(exc).splitlines()[0]}") from None
    return pdf


# ----------------------------------------------------------------------------- running the notebooks

def notebooks_in(folder: Path) -> list[Path]:
    """The numbered notebooks (01-*.ipynb, 02-*.ipynb, ...) in reading order."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if p.is_file())


def _kernel_python(kernel: str) -> str | None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel)
    except NoSuchKernel:
        return None
    return spec.argv[0] if spec.argv else ""


def _quiet_kernel_manager(log):
    """A kernel manager whose kernels write their own log lines (start-up notices, shutdown noise) to `log`
    instead of the terminal, so `make briefing` prints one line per notebook. Cell errors still reach us:
    they travel as messages, not on the kernel's stderr."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = log
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def _failing_line(traceback: list[str]) -> str:
    """The source line IPython marks with an arrow in a cell's traceback, without colour codes."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(traceback or []))
    marked = [ln for ln in text.splitlines() if re.match(r"^-*>\s*\d+", ln.strip())]
    return re.sub(r"^-*>\s*\d+\s*", "", marked[0].strip()) if marked else ""  # the first is the cell's own


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run_notebooks(notebooks: Path, data: Path, reports: Path, executed: Path, jurisdiction: str | None = None,
                  kernel: str = KERNEL, only: list[str] | None = None, out=sys.stdout,
                  failed: list[str] | None = None) -> int:
    """Run each notebook with papermill; one progress line each; 0 if all ran, 1 at the first that failed (whose
    reason, in a sentence, is appended to `failed`)."""
    failed = [] if failed is None else failed
    import papermill as pm

    paths = notebooks_in(notebooks)
    if only:
        paths = [p for p in paths if any(p.name.startswith(o) or p.stem == o for o in only)]
    if not paths:
        print(f"policyqa briefing: no notebooks to run in {_show(notebooks)}", file=sys.stderr)
        failed.append(f"no notebooks to run in {_show(notebooks)}")
        return 1
    python = _kernel_python(kernel)
    if python is None:
        print(f"policyqa briefing: no Jupyter kernel named {kernel!r}; run `make setup` (it registers it with "
              f"`python -m ipykernel install --sys-prefix --name {kernel}`)", file=sys.stderr)
        failed.append(f"no Jupyter kernel named {kernel!r}")
        return 1
    if python and Path(python).resolve() != Path(sys.executable).resolve():
        print(f"policyqa briefing: note: kernel {kernel!r} runs {python}, not this Python ({sys.executable})",
              file=sys.stderr)
    executed.mkdir(parents=True, exist_ok=True)
    for nb in paths:  # no executed notebook of an earlier run beside this run's
        (executed / nb.name).unlink(missing_ok=True)
    log_path = executed / "kernels.log"
    with log_path.open("w", encoding="utf-8") as log:
        return _run_each(pm, paths, data, reports, executed, jurisdiction, kernel, _quiet_kernel_manager(log), out,
                         failed)


def _run_each(pm, paths, data, reports, executed, jurisdiction, kernel, manager, out, failed) -> int:
    shown = jurisdiction or "the notebooks' default"
    print(f"running {len(paths)} notebooks on kernel {kernel!r} (data: {_show(data)}, jurisdiction: {shown})",
          file=out, flush=True)
    for i, nb in enumerate(paths, start=1):
        declared = pm.inspect_notebook(str(nb))
        offered = {"DATA": str(data.resolve()), "REPORTS": str(reports.resolve())}
        if jurisdiction:
            offered["JURISDICTION"] = jurisdiction
        params = {k: v for k, v in offered.items() if k in declared}
        target = executed / nb.name
        start = time.monotonic()
        try:
            pm.execute_notebook(str(nb), str(target), parameters=params, kernel_name=kernel, cwd=str(nb.parent),
                                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                kernel_manager_class=manager)
        except pm.PapermillExecutionError as exc:
            print(f"[{i}/{len(paths)}] {nb.stem}: FAILED in cell {exc.exec_count}: {exc.ename}: "
                  f"{str(exc.evalue).strip()[:300]}", file=out, flush=True)
            where = _failing_line(exc.traceback)
            if where:
                print(f"    at: {where}", file=out, flush=True)
            print(f"    the executed notebook, with the traceback, is {_show(target)}", file=out, flush=True)
            failed.append(f"{nb.stem} failed in cell {exc.exec_count}: {exc.ename}: {str(exc.evalue).strip()[:300]}")
            return 1
        except Exception as exc:  # a kernel that died or would not start
            print(f"[{i}/{len(paths)}] {nb.stem}: FAILED: {type(exc).__name__}: {exc}", file=out, flush=True)
            failed.append(f"{nb.stem} failed: {type(exc).__name__}: {exc}")
            return 1
        print(f"[{i}/{len(paths)}] {nb.stem}: ok in {time.monotonic() - start:.1f} s -> {_show(target)}",
              file=out, flush=True)
    return 0


def _report(reports: Path, pdf: Path | None, out=sys.stdout, notes: list[str] = ()) -> int:
    figures = reports / "figures"
    html_path = reports / "briefing.html"
    pngs = sorted(figures.glob("*.png")) if figures.is_dir() else []
    svgs = sorted(figures.glob("*.svg")) if figures.is_dir() else []
    if not html_path.is_file():
        print(f"policyqa briefing: the notebooks ran but {_show(html_path)} is missing", file=sys.stderr)
        return 1
    for note in notes:
        print(note, file=out)
    print(f"figures:  {_show(figures)}/ ({len(pngs)} PNG, {len(svgs)} SVG)", file=out)
    if pdf is not None:
        print(f"pdf:      {_show(pdf)}", file=out)
    print(f"briefing: {_show(html_path)}", file=out, flush=True)
    return 0


def _print_pdf(reports: Path) -> Path:
    """reports/briefing.pdf from reports/briefing.html (Chromium installed first when it is missing and can be)."""
    (reports / "briefing.pdf").unlink(missing_ok=True)  # never an older run's PDF beside this run's page
    chromium = ensure_chromium()
    if chromium is None:
        raise PolicyqaError(str(reports / "briefing.pdf"), 1, "not written: Debian's chromium is not installed "
                            "and cannot be installed here (apt-get install chromium as root); or pass --no-pdf")
    return write_pdf(reports / "briefing.html", reports / "briefing.pdf", chromium)


# ----------------------------------------------------------------------------- one run's outputs, together

#: What a run writes into reports/: its page, its PDF and these figures (others in reports/figures/ are kept).
RUN_FIGURES = (*PACK, *RETIRED, "what-changed")
EARLIER_PDF = "briefing.earlier-run.pdf"
_BANNER = re.compile(r"<!-- policyqa:earlier-run -->.*?<!-- /policyqa:earlier-run -->\n?", re.S)


def publish(stage: Path, reports: Path) -> bool:
    """Move one run's outputs from its staging folder into reports/, all of them, once the run has succeeded:
    the figures first, then the PDF, the page last; figures and a PDF this run did not write leave. A run that
    wrote no page (`--only` without 05-briefing) publishes nothing and leaves reports/ as it was: False."""
    if not (stage / "briefing.html").is_file():
        return False
    figures, staged = reports / "figures", stage / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    written = {p.name for p in staged.iterdir() if p.is_file()} if staged.is_dir() else set()
    for name in RUN_FIGURES:
        for suffix in (".png", ".svg"):
            if f"{name}{suffix}" not in written:
                (figures / f"{name}{suffix}").unlink(missing_ok=True)
    for name in sorted(written):
        os.replace(staged / name, figures / name)
    for name in ("briefing.pdf", "briefing.html"):
        if (stage / name).is_file():
            os.replace(stage / name, reports / name)
        else:
            (reports / name).unlink(missing_ok=True)
    (reports / EARLIER_PDF).unlink(missing_ok=True)
    return True


def mark_earlier_run(reports: Path, why: str) -> list[Path]:
    """After a run that failed: the page left from an earlier run says so at its top (with why this run
    failed), and the earlier PDF is renamed briefing.earlier-run.pdf, so nothing stale looks current. Returns
    the files marked."""
    from policyqa.export import atomic_path

    marked = []
    page = reports / "briefing.html"
    if page.is_file():
        text = _BANNER.sub("", page.read_text(encoding="utf-8"))
        banner = ('<!-- policyqa:earlier-run --><div class="earlier-run" role="alert" style="border:2px solid '
                  '#d55e00;background:#fff4e5;padding:.6rem .9rem;margin:1rem 0"><strong>From an earlier run.'
                  "</strong> The latest briefing run failed, so this page, its figures and its PDF are not that "
                  f"run's: {html.escape(why)}. The tables in data/processed/ may be newer than this page. Fix the "
                  "failure and run <code>make briefing</code> again.</div><!-- /policyqa:earlier-run -->\n")
        with atomic_path(page) as tmp:
            tmp.write_text(text.replace("<body>\n", "<body>\n" + banner, 1), encoding="utf-8")
        marked.append(page)
    pdf = reports / "briefing.pdf"
    if pdf.is_file():
        os.replace(pdf, reports / EARLIER_PDF)
        marked.append(reports / EARLIER_PDF)
    return marked


def _failed(reports: Path, why: str) -> None:
    marked = mark_earlier_run(reports, why)
    if marked:
        print(f"policyqa briefing: the earlier run's outputs are kept and marked as such: "
              f"{', '.join(_show(p) for p in marked)}", file=sys.stderr)


def run_notes(tables, jurisdiction: str | None, data: Path) -> list[str]:
    """The summary's lines on how sure the briefing is: the corrections applied, stale or for chapters not
    in the data (with the row of each stale one), and the briefed chapters with unchecked low-confidence rows."""
    out = []
    log = getattr(tables, "corrections", None)
    if log is not None and len(log):
        for file, rows in log.groupby("file", sort=False):
            n = rows["status"].value_counts()
            parts = [f"{int(n.get('applied', 0))} applied"]
            if n.get("stale", 0):
                parts.append(f"{int(n['stale'])} stale")
            if n.get("not read", 0):
                parts.append(f"{int(n['not read'])} for chapters not in {_show(data)}")
            out.append(f"corrections: {file}: {', '.join(parts)}")
            for r in rows[rows["status"] == "stale"].itertuples(index=False):
                what = f'"{r.title}"' if isinstance(r.title, str) and r.title else f"line {r.line}"
                out.append(_safe(f"  warning: {file}:{r.row}: stale correction ({r.action} {what}): {r.message}; "
                                 "update or remove the row"))
    try:
        sc = scope(tables, jurisdiction)
    except PolicyqaError:  # a default no chapter here has: the notebooks will say so
        return out
    rows = certainty_rows(sc)
    briefed = rows[rows["briefed"]]
    if len(briefed) > 3:  # every jurisdiction briefed together: one line
        low = briefed[briefed["low"] > 0]
        out.append(f"how sure: {len(briefed)} chapters briefed, {int(briefed['corrected'].sum())} guidelines "
                   f"corrected by hand; {len(low)} chapters with unchecked low-confidence rows (see the page's "
                   "'How sure these tables are')")
        return out
    for r in briefed.itertuples(index=False):
        path = next((s.path for s in tables.summaries if s.source_file == r.source_file), r.source_file)
        text = f"how sure: {r.source_file}: {r.guidelines} guidelines, {r.corrected} corrected by hand, {r.low} " \
               "low confidence and unchecked"
        out.append(_safe(text + (f" (policyqa review {_show(Path(path))})" if r.low else "")))
    others = rows[~rows["briefed"] & (rows["low"] > 0)]
    if len(others):
        out.append(f"how sure: {len(others)} compared chapter{'s' if len(others) != 1 else ''} with unchecked "
                   "low-confidence rows (see the page's 'How sure these tables are')")
    return out


def _default_jurisdiction(notebooks: Path) -> str | None:
    """The JURISDICTION the briefing notebook briefs when none is given: its parameters cell's default."""
    import ast

    import papermill as pm

    found = [p for p in notebooks_in(notebooks) if "briefing" in p.stem]
    if not found:
        return None
    try:
        value = pm.inspect_notebook(str(found[-1])).get("JURISDICTION", {}).get("default")
        return ast.literal_eval(value) or None if value else None
    except (ValueError, SyntaxError, OSError, KeyError):
        return None


def _safe(text: str) -> str:
    """Chapter text for a terminal: control characters shown as '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m policyqa.briefing",
        description="Run the notebooks headless and write reports/figures/, reports/briefing.html and "
                    "reports/briefing.pdf.")
    p.add_argument("--jurisdiction", default="", help="whose briefing (default: the notebooks' own default); "
                                                      "a jurisdiction name or a chapter file name")
    p.add_argument("--data", default="data/raw", help="folder of chapters (default: data/raw)")
    p.add_argument("--reports", default="reports", help="where figures/ and briefing.html go (default: reports)")
    p.add_argument("--notebooks", default="notebooks", help="folder of numbered notebooks (default: notebooks)")
    p.add_argument("--executed", default="build/notebooks", help="where executed notebooks are kept "
                                                                 "(default: build/notebooks)")
    p.add_argument("--kernel", default=KERNEL, help=f"Jupyter kernel (default: {KERNEL})")
    p.add_argument("--only", nargs="*", help="run only these notebooks (number or name prefix, e.g. 05)")
    p.add_argument("--pack-only", action="store_true", help="skip the notebooks: draw the pack and the HTML directly")
    p.add_argument("--no-pdf", action="store_true", help="do not print reports/briefing.pdf (needs Chromium)")
    p.add_argument("--headline", metavar="PNG", help="only write the headline chart, small, to this file "
                                                     "(the README's image) and stop")
    p.add_argument("--corrections", metavar="FILE", help="corrections file to apply, or 'none' (default: "
                                                         "corrections.csv in the folder above DATA)")
    args = p.parse_args(argv)
    data, reports = Path(args.data), Path(args.reports)
    if not data.is_dir():
        print(f"policyqa briefing: error: {args.data}: no such folder", file=sys.stderr)
        return 2
    if args.corrections:  # the notebooks' kernels inherit it (policyqa.corrections.ENV)
        from policyqa.corrections import ENV

        os.environ[ENV] = str(Path(args.corrections).resolve()) if args.corrections.casefold() != "none" else "none"
    try:
        if args.headline:
            print(f"headline: {_show(write_headline(data, args.jurisdiction or None, Path(args.headline)))}")
            return 0
        from policyqa.api import read_corpus
        from policyqa.export import _staging

        # fail fast, before any kernel starts: a malformed corrections file, a jurisdiction with no chapter
        tables = read_corpus(data, validate=False)
        if args.jurisdiction:
            _match(tables, args.jurisdiction, str(data))
        notes = run_notes(tables, args.jurisdiction or (None if args.pack_only else
                                                        _default_jurisdiction(Path(args.notebooks))), data)
        reports.mkdir(parents=True, exist_ok=True)
        with _staging(reports) as stage:  # this run's outputs, moved into reports/ together when all are written
            if args.pack_only:
                build_pack(data, args.jurisdiction or None, stage)
            else:
                failed: list[str] = []
                code = run_notebooks(Path(args.notebooks), data, stage, Path(args.executed),
                                     args.jurisdiction or None, args.kernel, args.only, failed=failed)
                if code:
                    _failed(reports, failed[0] if failed else "a notebook failed")
                    return code
            wrote = (stage / "briefing.html").is_file()
            pdf = None if args.no_pdf or not wrote else _print_pdf(stage)
            if not publish(stage, reports):
                notes.append("note: no notebook wrote the page (05-briefing did not run): reports/ is as it was")
            pdf = None if pdf is None else reports / pdf.name
    except PolicyqaError as exc:
        print(f"policyqa briefing: error: {exc.path}:{exc.line}: {exc.message}", file=sys.stderr)
        _failed(reports, f"{exc.path}:{exc.line}: {exc.message}")
        return 2
    return _report(reports, pdf, notes=notes)


if __name__ == "__main__":
    sys.exit(main())
