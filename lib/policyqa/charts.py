"""Briefing charts: tidy tables in, a matplotlib Figure out, one look everywhere.

    >>> from policyqa import charts
    >>> charts.audience_matrix(t.guidelines, t.obligations)    # t = policyqa.read_chapter(...)

Every chart function takes the DataFrames that `read_chapter` / `read_corpus`
return and gives back a `matplotlib.figure.Figure` (not a pyplot figure, so
nothing piles up in pyplot's registry) with the same furniture:

* a title that states the finding, computed from the data it plots
  (`finding(fig)` reads it back). Where several share the top, every one is
  named; no title ranks a share computed from fewer than `MIN_PAIRS` pairs;
* a subtitle saying what is counted, and axis labels in words;
* a source line naming the chapter file(s) and question number(s), with
  "examples, not a full list" when any plotted guideline comes from a list the
  chapter calls non-exhaustive (`source_note(fig)` reads it back);
* one palette per family of categories, fixed in every chart and never shared
  between families (`PALETTES`): mandatoriness levels in vermillion, orange and
  blue; stances in bluish green, reddish purple and yellow (Okabe-Ito, safe for
  every common colour-vision deficiency). Grey, which has no hue, always means
  that nothing is stated: "not stated" (mid grey) and "descriptive", an answer
  that takes no side (pale grey). Audiences are never coloured but sit on an
  axis in one fixed order (A to Z, "not stated" last);
* small numbers look small: a share from fewer than `MIN_PAIRS` pairs is drawn
  pale and hatched and labelled as too few to compare;
* direct labels (counts and shares written on the bars and cells) wherever they
  beat a legend.

A chart with too little to show (no guideline; one authority; one chapter to
compare) still draws, for a notebook, but says so: `skip_reason(fig)` is then
one sentence the briefing prints instead of the chart.

Charts that compare jurisdictions compare one chapter per jurisdiction (pass
`analysis.newest_editions(tables)`; two editions of one jurisdiction are an
error) and its audiences as `audience_group`, the vocabulary that compares across
chapters; `note=` adds what was chosen ("the newest edition of each
jurisdiction") to the source line.

`save(fig, folder, name)` writes PNG (300 dpi) and SVG; the SVG is byte-for-byte
reproducible (fixed hash salt, no date), so a changed figure shows up as a diff.

Each chart has a companion `*_data` function returning the tidy table it draws,
so a notebook can show (and assert on) the numbers behind every picture.

This module imports matplotlib; `import policyqa` does not import it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

import matplotlib
import matplotlib.colors
import matplotlib.patches
import pandas as pd
from matplotlib.figure import Figure

from policyqa.analysis import (  # noqa: F401  (audience_order and the levels tables are used from here too)
    NO_AUTHORITY,
    audience_order,
    guideline_levels,
    question_labels,
    strongest_levels,
)
from policyqa.schema import MANDATORINESS_LEVELS, NOT_STATED, STANCES

# ----------------------------------------------------------------------------- the look

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
NEUTRAL = "#BBBBBB"  # grey for "not stated": no hue, so it never reads as a level
PALE = "#E4E4E4"  # pale grey for "descriptive": an answer that takes no side
INK = "#222222"
MUTED = "#555555"

#: Strongest first: the order of every legend, every stack and every matrix column.
MANDATORINESS_ORDER: tuple[str, ...] = tuple(MANDATORINESS_LEVELS)
MANDATORINESS_COLORS = {
    "mandatory": OKABE_ITO["vermillion"],
    "mandatory in some cases": OKABE_ITO["orange"],
    "voluntary": OKABE_ITO["blue"],
    NOT_STATED: NEUTRAL,
}
STANCE_ORDER: tuple[str, ...] = tuple(STANCES)
STANCE_COLORS = {
    "yes": OKABE_ITO["bluish green"],
    "no": OKABE_ITO["reddish purple"],
    "partly": OKABE_ITO["yellow"],
    "descriptive": PALE,
    "unanswered": "#FFFFFF",
}
#: One palette per family of categories; no hue appears in two families, so a colour means one thing.
PALETTES = {"mandatoriness": MANDATORINESS_COLORS, "stance": STANCE_COLORS}
BINDING = ("mandatory", "mandatory in some cases")
NOT_EXHAUSTIVE_NOTE = "examples, not a full list"
#: The newest-edition note of the comparison charts' source lines.
NEWEST_NOTE = "the newest edition of each jurisdiction"

#: Fewest guideline-audience pairs a share is computed from before it is ranked in a title; below it the
#: bar is drawn pale and hatched. With 4 pairs one pair moves the share by 25 points.
MIN_PAIRS = 5

SVG_HASH_SALT = "policyqa"
PNG_DPI = 300
WIDTH = 8.0  # inches

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.titlelocation": "left",
    "axes.titlecolor": MUTED,
    "axes.labelsize": 9,
    "axes.labelcolor": INK,
    "axes.edgecolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.hashsalt": SVG_HASH_SALT,
    "svg.fonttype": "path",
    "path.simplify": True,
    "hatch.linewidth": 0.8,
}


def _text_color(background: str) -> str:
    """Black or white, whichever reads better on the background colour."""
    r, g, b = matplotlib.colors.to_rgb(background)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else "black"


def _pale(colour: str, strength: float = 0.3) -> str:
    """The colour mixed with white, opaque (so hatching drawn over it in the full colour shows in SVG too)."""
    return matplotlib.colors.to_hex([strength * c + (1 - strength) for c in matplotlib.colors.to_rgb(colour)])


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(str(text), width=width, break_long_words=False, break_on_hyphens=False)


def _join(items: list[str], conj: str = "and") -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def _plural_noun(noun: str) -> str:
    """guide -> guides, strategy -> strategies, code of practice -> codes of practice."""
    head, sep, tail = str(noun).partition(" of ")
    if head.endswith("y") and head[-2:-1] not in tuple("aeiou"):
        head = head[:-1] + "ies"
    elif head.endswith(("s", "x", "ch", "sh")):
        head += "es"
    else:
        head += "s"
    return head + sep + tail


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _levels_present(levels: Iterable[str]) -> list[str]:
    present = set(levels)
    return [lv for lv in MANDATORINESS_ORDER if lv in present]


def one_chapter_per_jurisdiction(frame: pd.DataFrame, what: str) -> None:
    """Comparisons across jurisdictions need one chapter each; two editions in one bar would add up."""
    if not len(frame) or "source_file" not in frame.columns:
        return
    files = frame.groupby(frame["jurisdiction"].astype(str))["source_file"].agg(lambda v: sorted(set(map(str, v))))
    several = {j: f for j, f in files.items() if len(f) > 1}
    if several:
        listed = "; ".join(f"{j}: {', '.join(f)}" for j, f in several.items())
        raise ValueError(f"{what} compares one chapter per jurisdiction, and these have several ({listed}); "
                         "pass analysis.newest_editions(tables), or analysis.select_files(...) for other editions")


# ----------------------------------------------------------------------------- sources

def _questions_text(numbers: Iterable) -> str:
    nums = sorted({int(n) for n in numbers if not pd.isna(n)})
    if not nums:
        return ""
    return ("question " if len(nums) == 1 else "questions ") + ", ".join(str(n) for n in nums)


def source_line(frame: pd.DataFrame, question_col: str = "question_no", files: Iterable[str] | None = None,
                note: str | None = None, obligations: pd.DataFrame | None = None) -> str:
    """'Source: chapter.txt, question 13; examples, not a full list' for the rows a chart plots.

        >>> charts.source_line(t.guidelines, files=[s.source_file for s in t.summaries])
        'Source: chapter.txt, question 13; examples, not a full list.'

    `frame` needs source_file and a question-number column; "examples, not a full list" is added
    (naming the chapters when there are several) where a plotted row has not_exhaustive=True.
    `files` adds chapter files that were read but contributed no row (a chapter naming no guideline);
    `note` says how the chapters or rows were chosen ("the newest edition of each jurisdiction").
    With the guidelines' `obligations`, a second sentence says how sure the rows are: how many guidelines
    were corrected by hand (data/corrections.csv) and how many are low confidence and unchecked.
    """
    per_file: dict[str, str] = {}
    rows = frame if len(frame) else pd.DataFrame(columns=["source_file", question_col])
    for f in sorted(set(rows["source_file"].dropna().astype(str)) | set(files or ())):
        sub = rows[rows["source_file"] == f]
        per_file[f] = _questions_text(sub[question_col]) if len(sub) else "no rows"
    if not per_file:
        return "Source: no chapter"
    if len(per_file) == 1:
        (f, q), = per_file.items()
        text = f"Source: {f}" + (" (no row to plot)" if q == "no rows" else f", {q}" if q else "")
    else:
        qs = _questions_text(rows[question_col]) if len(rows) else ""
        text = f"Sources: {_plural(len(per_file), 'chapter')} ({', '.join(per_file)})" + (f"; {qs}" if qs else "")
    if note:
        text += f"; {note}"
    if "not_exhaustive" in rows.columns and len(rows) and bool(rows["not_exhaustive"].fillna(False).any()):
        examples = sorted(set(rows.loc[rows["not_exhaustive"].fillna(False).astype(bool), "source_file"].astype(str)))
        if len(per_file) == 1:
            text += f"; {NOT_EXHAUSTIVE_NOTE}"
        else:
            text += f". Lists are {NOT_EXHAUSTIVE_NOTE} in {', '.join(examples)}"
    sure = ""
    if obligations is not None and len(rows) and "confidence" in rows.columns:
        from policyqa.analysis import certainty_note

        sure = " " + certainty_note(rows, obligations)
    return text + "." + sure.rstrip()


# ----------------------------------------------------------------------------- figure furniture

class Chart(Figure):
    """A Figure that shows itself in a notebook as a PNG without pyplot (so no global figure registry).

    `skip` is None, or one sentence saying why the chart has too little to show (the briefing prints the
    sentence instead of the chart).
    """

    skip: str | None = None

    def _repr_png_(self) -> bytes:
        import io

        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=110)
        return buf.getvalue()


def _figure(height: float, width: float = WIDTH) -> Figure:
    with matplotlib.rc_context(STYLE):
        fig = Chart(figsize=(width, max(2.6, height)), layout="constrained", dpi=100)
    return fig


def _axes(fig: Figure):
    """The chart's one axes, inside a subfigure whose own title carries the subtitle (so the layout engine
    keeps title, subtitle, legend and source line from overlapping whatever the tick labels' width)."""
    with matplotlib.rc_context(STYLE):
        return fig.subfigures(1, 1).add_subplot()


def _chars(fig: Figure, fontsize: float, em: float = 0.58) -> int:
    """How many characters of this size fit on one line across the figure."""
    return max(30, int(fig.get_figwidth() * 72 / (fontsize * em)) - 4)


def _furnish(fig: Figure, ax, finding_text: str, subtitle: str, source: str) -> Figure:
    with matplotlib.rc_context(STYLE):
        fig.suptitle(_wrap(finding_text, _chars(fig, 12.5, 0.66)), x=0.01, ha="left", fontsize=12.5,
                     fontweight="bold", color=INK)
        ax.figure.suptitle(_wrap(subtitle, _chars(fig, 9)), x=0.01, ha="left", fontsize=9, color=MUTED)
        fig.supxlabel(_wrap(source, _chars(fig, 7.5)), x=0.01, ha="left", fontsize=7.5, color=MUTED)
        fig.get_layout_engine().set(h_pad=0.06, w_pad=0.08)
    return fig


def finding(fig: Figure) -> str:
    """The finding a chart's title states, as one line.

        >>> charts.finding(charts.audience_matrix(t.guidelines, t.obligations))
        'Guidelines are voluntary for private companies and ...'
    """
    return " ".join((fig.get_suptitle() or "").split())


def skip_reason(fig: Figure) -> str | None:
    """None when the chart is worth showing; else one sentence saying what there is instead.

        >>> fig = charts.authority_bars(t.guidelines, t.obligations)
        >>> charts.skip_reason(fig)      # e.g. 'All 3 guidelines the chapter names come from X, ...'
    """
    return getattr(fig, "skip", None)


def subtitle(fig: Figure) -> str:
    """What the chart counts, as one line.

        >>> charts.subtitle(charts.audience_matrix(t.guidelines, t.obligations))
        'Number of guidelines, by audience and by what the chapter says binds'
    """
    return " ".join((fig.subfigs[0].get_suptitle() if fig.subfigs else "").split())


def source_note(fig: Figure) -> str:
    """The chart's source line, as one line.

        >>> charts.source_note(charts.audience_matrix(t.guidelines, t.obligations))
        'Source: chapter.txt, question 13; examples, not a full list.'
    """
    return " ".join((fig.get_supxlabel() or "").split())


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color=MUTED, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)


def _level_legend(ax, levels: list[str]) -> None:
    from matplotlib.patches import Patch

    if not levels:
        return
    handles = [Patch(facecolor=MANDATORINESS_COLORS[lv], edgecolor="none", label=lv) for lv in levels]
    ax.legend(handles=handles, ncols=len(handles), loc="lower left", bbox_to_anchor=(0, 1.0), borderaxespad=0.2,
              handlelength=1.2, columnspacing=1.2, frameon=False)


# ----------------------------------------------------------------------------- tidy data behind the charts

def authority_data(guidelines: pd.DataFrame, obligations: pd.DataFrame) -> pd.DataFrame:
    """Guidelines per issuing authority (and jurisdiction), split by the strongest level stated for them.

        >>> charts.authority_data(t.guidelines, t.obligations)
        # jurisdiction, issuing_authority, mandatory, ..., not stated, total

    Columns: jurisdiction, issuing_authority, one count column per mandatoriness level (strongest
    first), total; sorted by total, largest first.
    """
    s = strongest_levels(guidelines, obligations)
    if s.empty:
        return pd.DataFrame(columns=["jurisdiction", "issuing_authority", *MANDATORINESS_ORDER, "total"])
    t = pd.crosstab([s["jurisdiction"], s["issuing_authority"]], s["strongest"].astype(str))
    t = t.reindex(columns=list(MANDATORINESS_ORDER), fill_value=0)
    t["total"] = t.sum(axis=1)
    t = t.reset_index().sort_values(["total", "jurisdiction", "issuing_authority"], ascending=[False, True, True])
    return t.reset_index(drop=True)


def instrument_data(guidelines: pd.DataFrame, obligations: pd.DataFrame) -> pd.DataFrame:
    """Guidelines per instrument type (guide, standard, ...), split by the strongest level stated.

        >>> charts.instrument_data(t.guidelines, t.obligations)
        # instrument_type, mandatory, ..., not stated, total
    """
    s = strongest_levels(guidelines, obligations)
    if s.empty:
        return pd.DataFrame(columns=["instrument_type", *MANDATORINESS_ORDER, "total"])
    t = pd.crosstab(s["instrument_type"], s["strongest"].astype(str))
    t = t.reindex(columns=list(MANDATORINESS_ORDER), fill_value=0)
    t["total"] = t.sum(axis=1)
    t = t.reset_index().sort_values(["total", "instrument_type"], ascending=[False, True])
    return t.reset_index(drop=True)


def audience_matrix_data(guidelines: pd.DataFrame, obligations: pd.DataFrame, by: str = "audience") -> pd.DataFrame:
    """Number of guidelines by audience (rows, fixed order) and mandatoriness (columns, strongest first).

        >>> charts.audience_matrix_data(t.guidelines, t.obligations)                      # as the chapter writes
        >>> charts.audience_matrix_data(t.guidelines, t.obligations, by="audience_group")  # across chapters
    """
    gl = guideline_levels(guidelines, obligations, by=by)
    levels = list(MANDATORINESS_ORDER)
    if gl.empty:
        return pd.DataFrame(columns=levels, index=pd.Index([], name=by), dtype="int64")
    pairs = gl.drop_duplicates(["guideline_id", by, "mandatoriness"])
    t = pd.crosstab(pairs[by].astype(str), pairs["mandatoriness"].astype(str))
    t = t.reindex(index=audience_order(t.index), columns=levels, fill_value=0)
    t.index.name, t.columns.name = by, "mandatoriness"
    return t.astype("int64")


def share_data(guidelines: pd.DataFrame, obligations: pd.DataFrame, jurisdictions: Iterable[str] = (),
               by: str = "audience_group") -> pd.DataFrame:
    """Guideline-audience pairs per jurisdiction by mandatoriness: counts and shares.

        >>> a = analysis.newest_editions(policyqa.read_corpus("data/raw"))
        >>> charts.share_data(a.guidelines, a.obligations, analysis.jurisdictions(a))

    Columns: jurisdiction, mandatoriness, pairs, share (0-1 within the jurisdiction), n (the
    jurisdiction's pairs) and small (n below MIN_PAIRS: too few for a share to be compared).
    Audiences are `audience_group`s by default, so chapters that word one audience differently count it
    alike; a guideline with two audiences of one group at one level is one pair. Jurisdictions given in
    `jurisdictions` that name no guideline appear with pairs 0 and share 0.
    """
    one_chapter_per_jurisdiction(guidelines, "share_data")
    gl = guideline_levels(guidelines, obligations, by=by)
    gl = gl.drop_duplicates(["guideline_id", by, "mandatoriness"])
    names = sorted(set(gl["jurisdiction"].astype(str)) | {str(j) for j in jurisdictions})
    idx = pd.MultiIndex.from_product([names, list(MANDATORINESS_ORDER)], names=["jurisdiction", "mandatoriness"])
    counts = gl.groupby([gl["jurisdiction"].astype(str), gl["mandatoriness"].astype(str)]).size()
    counts = counts.reindex(idx, fill_value=0).rename("pairs").reset_index()
    totals = counts.groupby("jurisdiction")["pairs"].transform("sum")
    counts["share"] = (counts["pairs"] / totals.where(totals > 0)).fillna(0.0)
    counts["n"] = totals.astype(int)
    counts["small"] = counts["n"] < MIN_PAIRS
    return counts


def jurisdiction_data(guidelines: pd.DataFrame, obligations: pd.DataFrame, jurisdictions: Iterable[str] = ()
                      ) -> pd.DataFrame:
    """Guidelines per jurisdiction, split by the strongest level stated; chapters naming none get 0.

        >>> charts.jurisdiction_data(a.guidelines, a.obligations, analysis.jurisdictions(a))
    """
    one_chapter_per_jurisdiction(guidelines, "jurisdiction_data")
    s = strongest_levels(guidelines, obligations)
    names = sorted(set(s["jurisdiction"].astype(str)) | {str(j) for j in jurisdictions})
    t = pd.crosstab(s["jurisdiction"].astype(str), s["strongest"].astype(str)) if len(s) else pd.DataFrame()
    t = t.reindex(index=names, columns=list(MANDATORINESS_ORDER), fill_value=0)
    t["total"] = t.sum(axis=1)
    t.index.name = "jurisdiction"
    t = t.reset_index().sort_values(["total", "jurisdiction"], ascending=[False, True])
    return t.reset_index(drop=True)


def stance_data(questions: pd.DataFrame) -> pd.DataFrame:
    """Stance per question (rows, by number) and jurisdiction (columns, A-Z); None where the chapter lacks it.

        >>> charts.stance_data(a.questions)
    """
    one_chapter_per_jurisdiction(questions, "stance_data")
    q = questions.dropna(subset=["question_no"])
    if q.empty:
        return pd.DataFrame()
    t = q.pivot_table(index="question_no", columns="jurisdiction", values="stance", aggfunc="first", observed=True)
    t = t.astype(object).where(t.notna(), None)
    t = t.reindex(columns=sorted(t.columns, key=str)).sort_index()
    t.index = t.index.astype(int)
    return t


# ----------------------------------------------------------------------------- findings (titles)

def _tops(values: pd.Series) -> tuple[list[str], int]:
    """Every label sharing the largest value (ties are all named, never broken), and that value."""
    if values.empty:
        return [], 0
    best = values.max()
    return [str(k) for k, v in values.items() if v == best], int(best)


def _top(data: pd.DataFrame, label: str) -> tuple[list[str], int]:
    return _tops(pd.Series(data["total"].to_numpy(), index=data[label].astype(str)))


def authority_finding(data: pd.DataFrame) -> str:
    """The authority chart's title: who issues the most (every tied one named)."""
    n = int(data["total"].sum()) if len(data) else 0
    if n == 0:
        return "The chapter names no guidelines"
    named = data[data["issuing_authority"] != NO_AUTHORITY]
    if named.empty:
        return f"No issuing authority is named for any of the {_plural(n, 'guideline')}"
    several = named["jurisdiction"].nunique() > 1
    labels = [f"{a} ({j})" if several else str(a) for j, a in zip(named["jurisdiction"], named["issuing_authority"])]
    named = named.assign(label=labels)
    k = int(named["total"].sum())
    unnamed = n - k
    rest = f"; no authority is named for {_plural(unnamed, 'other')}" if unnamed else ""
    tops, best = _top(named, "label")
    if len(named) == 1:
        what = "the only guideline" if k == 1 else "both guidelines" if k == 2 else f"all {k} guidelines"
        return f"{tops[0]} issues {what} named with an authority{rest}" if unnamed else f"{tops[0]} issues {what} named"
    if best == 1:
        return f"Each of the {len(named)} authorities named issues one guideline{rest}"
    if len(tops) == 1:
        return f"{tops[0]} issues the most guidelines: {best} of the {n} named"
    return f"{_join(tops)} issue the most guidelines: {best} each of the {n} named"


def instrument_finding(data: pd.DataFrame) -> str:
    """The instrument chart's title: the commonest kind(s), and which kinds are ever binding."""
    n = int(data["total"].sum()) if len(data) else 0
    if n == 0:
        return "The chapter names no guidelines"
    tops, best = _top(data, "instrument_type")
    if best == n:
        lead = f"Every guideline named is a {tops[0]}" if n > 1 else f"The only guideline named is a {tops[0]}"
    else:
        kinds = _join([_plural_noun(t) for t in tops])
        lead = f"{kinds[:1].upper()}{kinds[1:]} make up {best}{' each' if len(tops) > 1 else ''} of the {n} guidelines"
    binding = data.assign(b=data[BINDING[0]] + data[BINDING[1]])
    binding = binding[binding["b"] > 0]
    if binding.empty:
        return f"{lead}; none is said to be mandatory"
    if len(data) == 1:
        return f"{lead}; {int(binding['b'].iloc[0])} of {n} are mandatory, at least in some cases"
    parts = [f"{int(b)} {_plural_noun(t) if b > 1 else t}" for t, b in zip(binding["instrument_type"], binding["b"])]
    verb = "is" if len(parts) == 1 and int(binding["b"].iloc[0]) == 1 else "are"
    return f"{lead}; {_join(parts)} {verb} mandatory, at least in some cases"


def matrix_finding(data: pd.DataFrame) -> str:
    """Per audience, the level most guidelines have; a tie between levels names both."""
    if data.empty or int(data.to_numpy().sum()) == 0:
        return "The chapter names no guidelines, so nothing is said to bind anyone"
    named = [a for a in data.index if a != NOT_STATED and int(data.loc[a].sum())]
    if len(named) > 3:
        pairs = int(data.to_numpy().sum())
        levels, best = _tops(data.sum(axis=0))
        words = _join(["of binding status not stated" if lv == NOT_STATED else lv for lv in levels])
        each = " each" if len(levels) > 1 else ""
        return f"{best}{each} of {pairs} guideline-audience pairs are {words}, across {len(named)} audiences"

    def modal(audience: str) -> tuple[list[str], str]:
        row = data.loc[audience]
        levels, best = _tops(row)
        total = int(row.sum())
        if best == total:
            return levels, ""
        return levels, f" ({best}{' each' if len(levels) > 1 else ''} of {total})"

    stated, unstated = [], []
    for audience in named:
        levels, part = modal(audience)
        said = [lv for lv in levels if lv != NOT_STATED]
        if not said:
            unstated.append(f"{audience}{part}")
        else:
            stated.append(f"{_join(levels, 'or')} for {audience}{part}")
    no_audience = int(data.loc[NOT_STATED].sum()) if NOT_STATED in data.index else 0
    if no_audience:
        levels, part = modal(NOT_STATED)
        if NOT_STATED not in levels:
            stated.append(f"{_join(levels, 'or')} where no audience is named{part}")
            no_audience = 0
    if stated:
        text = "Guidelines are " + _join(stated)
        if unstated:
            text += f"; binding status not stated for {_join(unstated)}"
    elif unstated:
        text = f"Binding status is not stated for {_join(unstated)}"
    else:
        return f"Neither audience nor binding status is stated for the {_plural(no_audience, 'guideline')}"
    if no_audience:
        text += f"; {_plural(no_audience, 'guideline')} name{'s' if no_audience == 1 else ''} no audience"
    return text


def share_finding(data: pd.DataFrame) -> str:
    """The share chart's title: how many chapters say something binds, and who most often, among chapters
    with at least MIN_PAIRS pairs (every tied one named)."""
    totals = data.groupby("jurisdiction")["pairs"].sum()
    if totals.sum() == 0:
        return "No chapter names a guideline, so none is said to bind"
    binding = data[data["mandatoriness"].isin(BINDING)].groupby("jurisdiction")["pairs"].sum()
    binding = binding.reindex(totals.index, fill_value=0)
    share = (binding / totals.where(totals > 0)).fillna(0)
    if len(totals) == 1:
        j = totals.index[0]
        few = f"; too few pairs to compare (under {MIN_PAIRS})" if totals[j] < MIN_PAIRS else ""
        return (f"{j}: {round(100 * share[j])}% of guideline-audience pairs are mandatory, at least in some cases "
                f"({int(binding[j])} of {int(totals[j])}){few}")
    k = int((binding > 0).sum())
    if k == 0:
        return f"None of the {len(totals)} chapters says any guideline is mandatory, even in some cases"
    lead = f"Only {k} of {len(totals)} chapters" if k < len(totals) else f"All {len(totals)} chapters"
    lead += f" say{'s' if k == 1 else ''} some guideline is mandatory, at least in some cases"
    ranked = share[totals >= MIN_PAIRS]  # small n is never ranked
    if len(ranked) < 2:
        return lead
    if ranked.max() == 0:
        return f"{lead}; none with {MIN_PAIRS} or more pairs does"
    tops, _ = _tops(ranked.round(6))
    pct = round(100 * float(ranked[tops[0]]))
    whose = "its" if len(tops) == 1 else "their"
    return f"{lead}; {_join(tops)} most often ({pct}% of {whose} pairs)"


def jurisdiction_finding(data: pd.DataFrame, highlight: str | None = None) -> str:
    """The per-jurisdiction chart's title: the highlighted chapter's rank, or who names the most (ties named)."""
    n = int(data["total"].sum()) if len(data) else 0
    k = len(data)
    if k == 1:
        j = data["jurisdiction"].iloc[0]
        return f"{j} names {_plural(n, 'guideline') if n else 'no guideline'}"
    if n == 0:
        return f"None of the {k} chapters names a guideline"
    if highlight and highlight in set(data["jurisdiction"]):
        row = data[data["jurisdiction"] == highlight].iloc[0]
        more = int((data["total"] > row["total"]).sum())
        tied = [str(j) for j, t in zip(data["jurisdiction"], data["total"]) if t == row["total"] and j != highlight]
        count = int(row["total"])
        if count == 0:
            return f"{highlight} names no guideline; {k - 1 - len(tied)} of the other {k - 1} chapters name some"
        if more == 0:
            return (f"{highlight} names {_plural(count, 'guideline')}, the most among {_plural(k, 'chapter')}"
                    + (f", as many as {_join(tied)}" if tied else ""))
        return (f"{highlight} names {_plural(count, 'guideline')}, fewer than {_plural(more, 'other chapter')} "
                f"among {k}")
    tops, best = _top(data, "jurisdiction")
    none = int((data["total"] == 0).sum())
    tail = f"; {none} name{'s' if none == 1 else ''} none" if none else ""
    verb = "names" if len(tops) == 1 else "name"
    each = " each" if len(tops) > 1 else ""
    return f"{_join(tops)} {verb} the most guidelines: {best}{each} of {n} across {_plural(k, 'chapter')}{tail}"


_SAYS = {"yes": "say yes", "no": "say no", "partly": "say partly", "descriptive": "take no side (descriptive)"}


def stance_finding(data: pd.DataFrame) -> str:
    """The stance matrix's title: for one chapter, its stances; for several, the questions most chapters
    answer and how most of those answers open (ties named)."""
    if data.empty:
        return "No numbered question was found"
    answered = data.apply(lambda col: col.map(lambda s: s is not None and s != "unanswered"))
    if data.shape[1] == 1:
        j = data.columns[0]
        counts = data[j].dropna().value_counts()
        parts = [f"{_plural(int(counts[s]), 'question')} {s}" for s in STANCE_ORDER
                 if s in counts and s not in ("descriptive", "unanswered")]
        desc = int(counts.get("descriptive", 0))
        extra = f"; {desc} descriptive, without a yes or no" if desc else ""
        return f"{j} answers {_join(parts) or 'no question with yes or no'}{extra}"
    per_question = answered.sum(axis=1)
    qs, best = _tops(per_question)
    if best == 0:
        return f"None of the {data.shape[1]} chapters answers a numbered question"
    where = f"all {data.shape[1]}" if best == data.shape[1] else f"{best} of {data.shape[1]}"
    nums = [int(q) for q in qs]
    head = (f"Question {nums[0]} is" if len(nums) == 1 else
            f"Questions {_join([str(q) for q in nums])} are") + f" answered in {where} chapters"
    cells = pd.Series([s for q in nums for s in data.loc[q] if s is not None and s != "unanswered"])
    stances, top = _tops(cells.value_counts())
    m = len(cells)
    if len(stances) == 1:
        return f"{head}; {top} of the {m} answers {_SAYS[stances[0]]}"
    return f"{head}; as many answers {_join([_SAYS[s] for s in stances], 'as')} ({top} each of {m})"


# ----------------------------------------------------------------------------- charts

def _stacked_hbars(ax, labels: list[str], data: pd.DataFrame, highlight: Iterable[str] = ()) -> None:
    """Horizontal bars stacked by level in the fixed order, a count inside wide segments, the total at the end."""
    y = list(range(len(labels)))
    left = [0.0] * len(labels)
    total = data["total"].astype(int).tolist()
    span = max(total) if total and max(total) > 0 else 1
    for level in MANDATORINESS_ORDER:
        vals = data[level].astype(int).tolist()
        if not any(vals):
            continue
        color = MANDATORINESS_COLORS[level]
        ax.barh(y, vals, left=left, color=color, edgecolor="white", linewidth=0.8, height=0.68, label=level)
        for i, v in enumerate(vals):
            if v and v / span >= 0.06:
                ax.text(left[i] + v / 2, y[i], str(v), ha="center", va="center", fontsize=8, color=_text_color(color))
        left = [a + b for a, b in zip(left, vals)]
    for i, t in enumerate(total):
        ax.text(t + span * 0.01, y[i], str(t), ha="left", va="center", fontsize=9, fontweight="bold", color=INK)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, span * 1.08)
    ax.xaxis.get_major_locator().set_params(integer=True)
    hl = set(highlight)
    for tick in ax.get_yticklabels():
        if tick.get_text().split("\n")[0] in hl or tick.get_text() in hl:
            tick.set_fontweight("bold")


def _skip(fig: Figure, sentence: str | None) -> Figure:
    fig.skip = sentence
    return fig


def authority_bars(guidelines: pd.DataFrame, obligations: pd.DataFrame, *, top: int = 15,
                   files: Iterable[str] = (), note: str | None = None) -> Figure:
    """How many guidelines each authority issues, coloured by the strongest binding status stated for them.

        >>> charts.authority_bars(t.guidelines, t.obligations, files=[s.source_file for s in t.summaries])
    """
    data = authority_data(guidelines, obligations)
    several = data["jurisdiction"].nunique() > 1 if len(data) else False
    shown = data.head(top)
    fig = _figure(1.9 + 0.42 * max(1, len(shown)))
    with matplotlib.rc_context(STYLE):
        ax = _axes(fig)
        if shown.empty:
            _empty(ax, "no guideline named")
        else:
            labels = [_wrap(f"{a} ({j})" if several else a, 42)
                      for j, a in zip(shown["jurisdiction"], shown["issuing_authority"])]
            _stacked_hbars(ax, labels, shown)
            ax.set_xlabel("Guidelines named in the chapter")
            ax.set_ylabel("Issuing authority")
            _level_legend(ax, _levels_present(lv for lv in MANDATORINESS_ORDER if shown[lv].sum()))
        more = f"; the {top} largest of {len(data)} shown" if len(data) > top else ""
        subtitle = ("Number of guidelines per issuing authority, coloured by the strongest binding status "
                    f"the chapter states for any audience{more}")
    title = authority_finding(data)
    _furnish(fig, ax, title, subtitle, source_line(guidelines, files=files, note=note, obligations=obligations))
    if len(data) == 0:
        return _skip(fig, "The chapter names no guideline, so there is no chart of issuing authorities.")
    if len(data) == 1:
        return _skip(fig, f"{title}, so there is no chart of issuing authorities.")
    return _skip(fig, None)


def instrument_bars(guidelines: pd.DataFrame, obligations: pd.DataFrame, *, files: Iterable[str] = (),
                    note: str | None = None) -> Figure:
    """What kind of instruments the guidelines are (guide, standard, ...), coloured by strongest binding status;
    the title says which kind is commonest and which kinds are ever binding.

        >>> charts.instrument_bars(t.guidelines, t.obligations)
    """
    data = instrument_data(guidelines, obligations)
    fig = _figure(1.9 + 0.42 * max(1, len(data)))
    with matplotlib.rc_context(STYLE):
        ax = _axes(fig)
        if data.empty:
            _empty(ax, "no guideline named")
        else:
            _stacked_hbars(ax, [str(t) for t in data["instrument_type"]], data)
            ax.set_xlabel("Guidelines named in the chapter")
            ax.set_ylabel("Kind of instrument")
            _level_legend(ax, _levels_present(lv for lv in MANDATORINESS_ORDER if data[lv].sum()))
        subtitle = ("Number of guidelines by kind of instrument, coloured by the strongest binding status "
                    "the chapter states for any audience")
    title = instrument_finding(data)
    _furnish(fig, ax, title, subtitle, source_line(guidelines, files=files, note=note, obligations=obligations))
    if len(data) < 2:
        return _skip(fig, f"{title}, so there is no chart of kinds of instrument." if len(data) else
                     "The chapter names no guideline, so there is no chart of kinds of instrument.")
    return _skip(fig, None)


def audience_matrix(guidelines: pd.DataFrame, obligations: pd.DataFrame, *, files: Iterable[str] = (),
                    by: str = "audience", note: str | None = None) -> Figure:
    """Audience by mandatoriness: how many guidelines the chapter says bind each audience, and how strongly.

        >>> charts.audience_matrix(t.guidelines, t.obligations)                      # one chapter's own words
        >>> charts.audience_matrix(a.guidelines, a.obligations, by="audience_group")  # several chapters
    """
    data = audience_matrix_data(guidelines, obligations, by=by)
    fig = _figure(2.2 + 0.5 * max(1, len(data)))
    with matplotlib.rc_context(STYLE):
        ax = _axes(fig)
        if data.empty:
            _empty(ax, "no guideline named")
        else:
            for i, audience in enumerate(data.index):
                for j, level in enumerate(data.columns):
                    v = int(data.loc[audience, level])
                    color = MANDATORINESS_COLORS[level]
                    if v:  # the level's own colour whatever the count (a paler vermillion would read as orange)
                        ax.add_patch(matplotlib.patches.Rectangle((j - 0.46, i - 0.42), 0.92, 0.84, facecolor=color,
                                                                  edgecolor="none"))
                        ax.text(j, i, str(v), ha="center", va="center", fontsize=11, fontweight="bold",
                                color=_text_color(color))
                    else:
                        ax.add_patch(matplotlib.patches.Rectangle((j - 0.46, i - 0.42), 0.92, 0.84, facecolor="none",
                                                                  edgecolor="#DDDDDD", linewidth=0.8))
                        ax.text(j, i, "0", ha="center", va="center", fontsize=9, color="#999999")
            ax.set_xlim(-0.5, len(data.columns) - 0.5)
            ax.set_ylim(len(data) - 0.5, -0.5)
            ax.set_xticks(range(len(data.columns)), [_wrap(c, 14) for c in data.columns])
            ax.xaxis.tick_top()
            ax.tick_params(length=0)
            for tick, level in zip(ax.get_xticklabels(), data.columns):
                tick.set_color(MANDATORINESS_COLORS[level] if level != NOT_STATED else MUTED)
                tick.set_fontweight("bold")
            ax.set_yticks(range(len(data)), [_wrap(a, 32) for a in data.index])
            for side in ("left", "bottom"):
                ax.spines[side].set_visible(False)
            ax.set_ylabel("Audience the chapter names" if by == "audience" else "Audience group")
            ax.set_xlabel("What the chapter says binds that audience")
        what = "audience" if by == "audience" else "audience group (the chapters' audiences in one vocabulary)"
        subtitle = f"Number of guidelines, by {what} and by what the chapter says binds"
    title = matrix_finding(data)
    _furnish(fig, ax, title, subtitle, source_line(guidelines, files=files, note=note, obligations=obligations))
    if data.empty or int(data.to_numpy().sum()) == 0:
        return _skip(fig, "The chapter names no guideline, so there is no chart of audiences and binding status.")
    if set(data.index) <= {NOT_STATED} and int(data.drop(columns=NOT_STATED).to_numpy().sum()) == 0:
        n = int(data.to_numpy().sum())
        return _skip(fig, f"The chapter names {_plural(n, 'guideline')} but states neither an audience nor a binding "
                          "status for any, so there is no chart of audiences and binding status.")
    return _skip(fig, None)


def mandatoriness_share(guidelines: pd.DataFrame, obligations: pd.DataFrame, jurisdictions: Iterable[str] = (),
                        *, files: Iterable[str] = (), note: str | None = None, by: str = "audience_group") -> Figure:
    """Share of guideline-audience pairs by mandatoriness, one 100% bar per jurisdiction (one chapter each).

        >>> a = analysis.newest_editions(policyqa.read_corpus("data/raw"))
        >>> charts.mandatoriness_share(a.guidelines, a.obligations, analysis.jurisdictions(a), note=charts.NEWEST_NOTE)

    A bar from fewer than MIN_PAIRS pairs is pale and hatched and says so; titles never rank it.
    """
    data = share_data(guidelines, obligations, jurisdictions, by=by)
    wide = data.pivot(index="jurisdiction", columns="mandatoriness", values="share").reindex(
        columns=list(MANDATORINESS_ORDER), fill_value=0.0)
    pairs = data.groupby("jurisdiction")["pairs"].sum()
    # enough pairs first; then most binding first (mandatory at least in some cases, then mandatory, then
    # voluntary); no guideline last
    order = sorted(wide.index, key=lambda j: (pairs[j] == 0, pairs[j] < MIN_PAIRS,
                                              -(wide.loc[j, BINDING[0]] + wide.loc[j, BINDING[1]]),
                                              -wide.loc[j, "mandatory"], -wide.loc[j, "voluntary"], j))
    wide = wide.loc[order]
    fig = _figure(1.9 + 0.42 * max(1, len(wide)))
    with matplotlib.rc_context(STYLE):
        ax = _axes(fig)
        if wide.empty:
            _empty(ax, "no chapter")
        else:
            y = list(range(len(wide)))
            small = [0 < int(pairs[j]) < MIN_PAIRS for j in wide.index]
            left = [0.0] * len(wide)
            for level in MANDATORINESS_ORDER:
                vals = [100 * float(v) for v in wide[level]]
                if not any(vals):
                    continue
                color = MANDATORINESS_COLORS[level]
                full = [v if not s else 0.0 for v, s in zip(vals, small)]
                few = [v if s else 0.0 for v, s in zip(vals, small)]
                ax.barh(y, full, left=left, color=color, edgecolor="white", linewidth=0.8, height=0.68, label=level)
                if any(few):  # small n looks small: pale, hatched, in the level's own colour
                    ax.barh(y, few, left=left, color=_pale(color), edgecolor=color, hatch="////", linewidth=0,
                            height=0.68, label=f"_{level}, fewer than {MIN_PAIRS} pairs")
                for i, v in enumerate(vals):
                    if v >= 9 and not small[i]:
                        ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=8,
                                color=_text_color(color))
                left = [a + b for a, b in zip(left, vals)]
            for i, j in enumerate(wide.index):
                n = int(pairs[j])
                label = (f"n={n}" if n >= MIN_PAIRS else f"n={n}: too few\nto compare" if n else "no guideline named")
                ax.text(101, i, label, ha="left", va="center", fontsize=7.5 if 0 < n < MIN_PAIRS else 8,
                        color=MUTED, linespacing=0.95)
            ax.set_yticks(y, list(wide.index))
            for tick, j in zip(ax.get_yticklabels(), wide.index):
                if int(pairs[j]) < MIN_PAIRS:
                    tick.set_color(MUTED)
            ax.invert_yaxis()
            ax.set_xlim(0, 122)
            ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
            ax.set_xlabel(f"Share of guideline-{'audience-group' if by == 'audience_group' else 'audience'} pairs "
                          "(n = number of pairs)")
            ax.set_ylabel("Jurisdiction")
            _level_legend(ax, _levels_present(data.loc[data["pairs"] > 0, "mandatoriness"]))
        what = "audience group" if by == "audience_group" else "audience"
        subtitle = (f"For every guideline and every {what} the chapter names for it: what the chapter says binds, "
                    f"as a share of that chapter's pairs; hatched where fewer than {MIN_PAIRS} pairs")
    grouped = "audiences as audience groups" if by == "audience_group" else None
    title = share_finding(data)
    _furnish(fig, ax, title, subtitle,
             source_line(guidelines, files=files, note="; ".join(x for x in (note, grouped) if x) or None,
                         obligations=obligations))
    enough = [j for j in pairs.index if pairs[j] >= MIN_PAIRS]
    if len(enough) < 2:
        who = "No chapter states" if not enough else f"Only {enough[0]} states"
        return _skip(fig, f"{who} enough binding statuses to compare (at least {MIN_PAIRS} guideline-audience "
                          "pairs), so there is no chart of shares across jurisdictions.")
    return _skip(fig, None)


def guidelines_per_jurisdiction(guidelines: pd.DataFrame, obligations: pd.DataFrame,
                                jurisdictions: Iterable[str] = (), *, highlight: str | None = None,
                                files: Iterable[str] = (), note: str | None = None) -> Figure:
    """Guidelines named per jurisdiction (one chapter each), coloured by strongest binding status; `highlight`
    in bold.

        >>> charts.guidelines_per_jurisdiction(a.guidelines, a.obligations, analysis.jurisdictions(a))
    """
    data = jurisdiction_data(guidelines, obligations, jurisdictions)
    fig = _figure(1.9 + 0.42 * max(1, len(data)))
    with matplotlib.rc_context(STYLE):
        ax = _axes(fig)
        if data.empty:
            _empty(ax, "no chapter")
        else:
            _stacked_hbars(ax, [str(j) for j in data["jurisdiction"]], data, highlight=[highlight] if highlight else ())
            ax.set_xlabel("Guidelines named in the chapter")
            ax.set_ylabel("Jurisdiction")
            _level_legend(ax, _levels_present(lv for lv in MANDATORINESS_ORDER if data[lv].sum()))
        subtitle = ("Number of guidelines each chapter names, coloured by the strongest binding status it states "
                    "for any audience" + (f"; {highlight} in bold" if highlight else ""))
    title = jurisdiction_finding(data, highlight)
    _furnish(fig, ax, title, subtitle, source_line(guidelines, files=files, note=note, obligations=obligations))
    if len(data) < 2:
        return _skip(fig, "There is only one chapter, so there is no chart comparing jurisdictions.")
    if int(data["total"].sum()) == 0:
        return _skip(fig, f"None of the {len(data)} chapters names a guideline, so there is no chart of guidelines "
                          "per jurisdiction.")
    return _skip(fig, None)


def stance_matrix(questions: pd.DataFrame, *, highlight: str | None = None, label_width: int = 64,
                  files: Iterable[str] = (), note: str | None = None) -> Figure:
    """Stance of each chapter's answer, question by jurisdiction; the stance is written in every cell.

        >>> charts.stance_matrix(a.questions, highlight=analysis.jurisdictions(a)[0])
    """
    data = stance_data(questions)
    labels = question_labels(questions, width=label_width)
    ncols = max(1, data.shape[1])
    fig = _figure(2.3 + 0.36 * max(1, len(data)), width=max(WIDTH, 3.9 + 0.8 * ncols))
    with matplotlib.rc_context(STYLE):
        ax = _axes(fig)
        if data.empty:
            _empty(ax, "no numbered question")
        else:
            for i, q in enumerate(data.index):
                for j, jur in enumerate(data.columns):
                    s = data.loc[q, jur]
                    if s is None:
                        ax.text(j, i, "–", ha="center", va="center", fontsize=8, color="#AAAAAA")
                        continue
                    color = STANCE_COLORS[str(s)]
                    ax.add_patch(matplotlib.patches.Rectangle((j - 0.47, i - 0.42), 0.94, 0.84, facecolor=color,
                                                              edgecolor="#999999" if s == "unanswered" else "none",
                                                              linewidth=0.6))
                    ax.text(j, i, str(s), ha="center", va="center", fontsize=6.8 if len(str(s)) > 8 else 7.5,
                            color=_text_color(color))
            ax.set_xlim(-0.5, data.shape[1] - 0.5)
            ax.set_ylim(len(data) - 0.5, -0.5)
            ax.set_xticks(range(data.shape[1]), [str(c) for c in data.columns])
            ax.xaxis.tick_top()
            ax.tick_params(length=0)
            if data.shape[1] > 4:
                for tick in ax.get_xticklabels():
                    tick.set_rotation(30)
                    tick.set_ha("left")
            for tick in ax.get_xticklabels():
                if highlight and tick.get_text() == highlight:
                    tick.set_fontweight("bold")
            ax.set_yticks(range(len(data)), [labels.get(int(q), f"Q{q}") for q in data.index])
            for side in ("left", "bottom"):
                ax.spines[side].set_visible(False)
            ax.set_ylabel("Question")
            ax.set_xlabel("Jurisdiction (– : the chapter does not have this question)")
        subtitle = ("How each chapter answers each question: yes, no, partly, descriptive (an answer that takes no "
                    "side) or unanswered")
    _furnish(fig, ax, stance_finding(data), subtitle, source_line(questions, files=files, note=note))
    if data.empty:
        return _skip(fig, "No numbered question was found, so there is no chart of answers.")
    return _skip(fig, None)


# ----------------------------------------------------------------------------- saving

def save(fig: Figure, folder: str | Path, name: str) -> dict[str, Path]:
    """Write `name`.png (300 dpi) and `name`.svg into `folder`; same input, same bytes.

    The SVG carries no date and uses a fixed hash salt for its element ids, the finding as its title and the
    source line as its description, so `git diff` of a figure shows a changed finding, or a changed count of
    rows corrected by hand, in words.
    """
    from policyqa.export import atomic_path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"png": out / f"{name}.png", "svg": out / f"{name}.svg"}
    title, source = finding(fig), source_note(fig)
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
        with atomic_path(paths["svg"]) as tmp:
            fig.savefig(tmp, format="svg", metadata={"Date": None, "Creator": "policyqa", "Title": title,
                                                     "Description": source})
        with atomic_path(paths["png"]) as tmp:
            fig.savefig(tmp, format="png", dpi=PNG_DPI, metadata={"Software": "policyqa", "Title": title,
                                                                  "Description": source})
    return paths
