"""Briefing charts: tidy tables in, a matplotlib Figure out, one look everywhere.

Every chart function takes the DataFrames that `read_chapter` / `read_corpus`
return and gives back a `matplotlib.figure.Figure` (not a pyplot figure, so
nothing piles up in pyplot's registry) with the same furniture:

* a title that states the finding, computed from the data it plots
  (`finding(fig)` reads it back);
* a subtitle saying what is counted, and axis labels in words;
* a source line naming the chapter file(s) and question number(s), with
  "examples, not a full list" when any plotted guideline comes from a list the
  chapter calls non-exhaustive (`source_note(fig)` reads it back);
* the Okabe-Ito colour-blind-safe palette, with one fixed colour and one fixed
  order per mandatoriness level (strongest first) in every chart. Colour always
  means mandatoriness (or, in the stance matrix, the answer's stance, which is
  also written in each cell); audiences are never coloured but always sit on an
  axis in one fixed order (A to Z, "not stated" last), so an audience is found
  in the same place in every chart;
* direct labels (counts and shares written on the bars and cells) wherever they
  beat a legend.

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
    "descriptive": OKABE_ITO["sky blue"],
    "unanswered": "#FFFFFF",
}
BINDING = ("mandatory", "mandatory in some cases")
NOT_EXHAUSTIVE_NOTE = "examples, not a full list"
NO_AUTHORITY = "authority not named"

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
}


def _text_color(background: str) -> str:
    """Black or white, whichever reads better on the background colour."""
    r, g, b = matplotlib.colors.to_rgb(background)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else "black"


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


# ----------------------------------------------------------------------------- fixed orders

def audience_order(audiences: Iterable[str]) -> list[str]:
    """The audiences given, in the project's one order: A to Z, "not stated" last.

    Alphabetical rather than the order of data/reference/audiences.csv, which is the order patterns are
    tried in and changes whenever the vocabulary is tuned; an audience should not move between charts
    or between runs because a pattern moved.
    """
    present = {str(a) for a in audiences if not pd.isna(a)}
    return sorted(present, key=lambda a: (a == NOT_STATED, a.casefold(), a))


def _levels_present(levels: Iterable[str]) -> list[str]:
    present = set(levels)
    return [lv for lv in MANDATORINESS_ORDER if lv in present]


# ----------------------------------------------------------------------------- sources

def _questions_text(numbers: Iterable) -> str:
    nums = sorted({int(n) for n in numbers if not pd.isna(n)})
    if not nums:
        return ""
    return ("question " if len(nums) == 1 else "questions ") + ", ".join(str(n) for n in nums)


def source_line(frame: pd.DataFrame, question_col: str = "question_no", files: Iterable[str] | None = None) -> str:
    """'Source: chapter.txt, question 13; examples, not a full list' for the rows a chart plots.

    `frame` needs source_file and a question-number column; "examples, not a full list" is added
    (naming the chapters when there are several) where a plotted row has not_exhaustive=True.
    `files` adds chapter files that were read but contributed no row (a chapter naming no guideline).
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
    if "not_exhaustive" in rows.columns and len(rows) and bool(rows["not_exhaustive"].fillna(False).any()):
        examples = sorted(set(rows.loc[rows["not_exhaustive"].fillna(False).astype(bool), "source_file"].astype(str)))
        if len(per_file) == 1:
            text += f"; {NOT_EXHAUSTIVE_NOTE}"
        else:
            text += f". Lists are {NOT_EXHAUSTIVE_NOTE} in {', '.join(examples)}"
    return text + "."


# ----------------------------------------------------------------------------- figure furniture

class Chart(Figure):
    """A Figure that shows itself in a notebook as a PNG without pyplot (so no global figure registry)."""

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
    """The finding a chart's title states, as one line."""
    return " ".join((fig.get_suptitle() or "").split())


def subtitle(fig: Figure) -> str:
    """What the chart counts, as one line."""
    return " ".join((fig.subfigs[0].get_suptitle() if fig.subfigs else "").split())


def source_note(fig: Figure) -> str:
    """The chart's source line, as one line."""
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

def guideline_levels(guidelines: pd.DataFrame, obligations: pd.DataFrame) -> pd.DataFrame:
    """The guideline-level table: one row per guideline and audience, with what the chapter says binds.

    A guideline the chapter names without any audience or binding status gets one row with
    audience and mandatoriness "not stated", so no guideline drops out of a chart.
    """
    cols = ["guideline_id", "jurisdiction", "question_no", "title", "issuing_authority", "instrument_type",
            "not_exhaustive", "source_file", "line"]
    g = guidelines[cols].rename(columns={"line": "guideline_line"})
    o = obligations[["guideline_id", "audience", "mandatoriness", "status_line"]].rename(
        columns={"status_line": "evidence_line"})
    out = g.merge(o, on="guideline_id", how="left")
    out["audience"] = out["audience"].astype("string").fillna(NOT_STATED)
    out["mandatoriness"] = pd.Categorical(out["mandatoriness"].astype("string").fillna(NOT_STATED),
                                          categories=list(reversed(MANDATORINESS_ORDER)), ordered=True)
    return out.reset_index(drop=True)


def strongest_levels(guidelines: pd.DataFrame, obligations: pd.DataFrame) -> pd.DataFrame:
    """One row per guideline with the strongest mandatoriness the chapter states for any audience."""
    gl = guideline_levels(guidelines, obligations)
    strongest = gl.groupby("guideline_id", observed=True, sort=False)["mandatoriness"].max()
    out = guidelines.merge(strongest.rename("strongest").reset_index(), on="guideline_id", how="left")
    out["strongest"] = pd.Categorical(out["strongest"].astype("string").fillna(NOT_STATED),
                                      categories=list(reversed(MANDATORINESS_ORDER)), ordered=True)
    out["issuing_authority"] = out["issuing_authority"].astype("string").fillna(NO_AUTHORITY)
    return out


def authority_data(guidelines: pd.DataFrame, obligations: pd.DataFrame) -> pd.DataFrame:
    """Guidelines per issuing authority (and jurisdiction), split by the strongest level stated for them.

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
    """Guidelines per instrument type (guide, standard, ...), split by the strongest level stated."""
    s = strongest_levels(guidelines, obligations)
    if s.empty:
        return pd.DataFrame(columns=["instrument_type", *MANDATORINESS_ORDER, "total"])
    t = pd.crosstab(s["instrument_type"], s["strongest"].astype(str))
    t = t.reindex(columns=list(MANDATORINESS_ORDER), fill_value=0)
    t["total"] = t.sum(axis=1)
    t = t.reset_index().sort_values(["total", "instrument_type"], ascending=[False, True])
    return t.reset_index(drop=True)


def audience_matrix_data(guidelines: pd.DataFrame, obligations: pd.DataFrame) -> pd.DataFrame:
    """Number of guidelines by audience (rows, fixed order) and mandatoriness (columns, strongest first)."""
    gl = guideline_levels(guidelines, obligations)
    levels = list(MANDATORINESS_ORDER)
    if gl.empty:
        return pd.DataFrame(columns=levels, index=pd.Index([], name="audience"), dtype="int64")
    pairs = gl.drop_duplicates(["guideline_id", "audience", "mandatoriness"])
    t = pd.crosstab(pairs["audience"].astype(str), pairs["mandatoriness"].astype(str))
    t = t.reindex(index=audience_order(t.index), columns=levels, fill_value=0)
    t.index.name, t.columns.name = "audience", "mandatoriness"
    return t.astype("int64")


def share_data(guidelines: pd.DataFrame, obligations: pd.DataFrame, jurisdictions: Iterable[str] = ()) -> pd.DataFrame:
    """Guideline-audience pairs per jurisdiction by mandatoriness: counts and shares.

    Columns: jurisdiction, mandatoriness, pairs, share (0-1 within the jurisdiction). Jurisdictions
    given in `jurisdictions` that name no guideline appear with pairs 0 and share 0.
    """
    gl = guideline_levels(guidelines, obligations)
    names = sorted(set(gl["jurisdiction"].astype(str)) | {str(j) for j in jurisdictions})
    idx = pd.MultiIndex.from_product([names, list(MANDATORINESS_ORDER)], names=["jurisdiction", "mandatoriness"])
    counts = gl.groupby([gl["jurisdiction"].astype(str), gl["mandatoriness"].astype(str)]).size()
    counts = counts.reindex(idx, fill_value=0).rename("pairs").reset_index()
    totals = counts.groupby("jurisdiction")["pairs"].transform("sum")
    counts["share"] = (counts["pairs"] / totals.where(totals > 0)).fillna(0.0)
    return counts


def jurisdiction_data(guidelines: pd.DataFrame, obligations: pd.DataFrame, jurisdictions: Iterable[str] = ()
                      ) -> pd.DataFrame:
    """Guidelines per jurisdiction, split by the strongest level stated; chapters naming none get 0."""
    s = strongest_levels(guidelines, obligations)
    names = sorted(set(s["jurisdiction"].astype(str)) | {str(j) for j in jurisdictions})
    t = pd.crosstab(s["jurisdiction"].astype(str), s["strongest"].astype(str)) if len(s) else pd.DataFrame()
    t = t.reindex(index=names, columns=list(MANDATORINESS_ORDER), fill_value=0)
    t["total"] = t.sum(axis=1)
    t.index.name = "jurisdiction"
    t = t.reset_index().sort_values(["total", "jurisdiction"], ascending=[False, True])
    return t.reset_index(drop=True)


def stance_data(questions: pd.DataFrame) -> pd.DataFrame:
    """Stance per question (rows, by number) and jurisdiction (columns, A-Z); empty where the chapter lacks it."""
    q = questions.dropna(subset=["question_no"])
    if q.empty:
        return pd.DataFrame()
    t = q.pivot_table(index="question_no", columns="jurisdiction", values="stance", aggfunc="first", observed=True)
    t = t.astype(object).where(t.notna(), None)
    t = t.reindex(columns=sorted(t.columns, key=str)).sort_index()
    t.index = t.index.astype(int)
    return t


# ----------------------------------------------------------------------------- findings (titles)

def _top(data: pd.DataFrame, label: str) -> tuple[list[str], int]:
    best = int(data["total"].max())
    return [str(x) for x in data.loc[data["total"] == best, label]], best


def authority_finding(data: pd.DataFrame) -> str:
    n = int(data["total"].sum()) if len(data) else 0
    if n == 0:
        return "The chapter names no guidelines"
    named = data[data["issuing_authority"] != NO_AUTHORITY]
    if named.empty:
        return f"No issuing authority is named for any of the {_plural(n, 'guideline')}"
    several = named["jurisdiction"].nunique() > 1
    labels = [f"{a} ({j})" if several else str(a) for j, a in zip(named["jurisdiction"], named["issuing_authority"])]
    named = named.assign(label=labels)
    tops, best = _top(named, "label")
    if len(named) == 1:
        return f"{tops[0]} issues {'the only guideline' if n == 1 else 'both guidelines' if n == 2 else f'all {n} guidelines'} named"
    if len(tops) == 1:
        return f"{tops[0]} issues the most guidelines: {best} of the {n} named"
    return f"{_join(tops)} issue the most guidelines: {best} each of the {n} named"


def instrument_finding(data: pd.DataFrame) -> str:
    n = int(data["total"].sum()) if len(data) else 0
    if n == 0:
        return "The chapter names no guidelines"
    tops, best = _top(data, "instrument_type")
    if best == n:
        return f"Every guideline named is a {tops[0]}" if n > 1 else f"The only guideline named is a {tops[0]}"
    kinds = _join([_plural_noun(t) for t in tops])
    return f"Most guidelines named are {kinds}: {best}{' each' if len(tops) > 1 else ''} of {n}"


def matrix_finding(data: pd.DataFrame) -> str:
    """Per audience, the level most guidelines have (ties go to the stronger level)."""
    if data.empty or int(data.to_numpy().sum()) == 0:
        return "The chapter names no guidelines, so nothing is said to bind anyone"
    named = [a for a in data.index if a != NOT_STATED and int(data.loc[a].sum())]
    if len(named) > 3:
        pairs = int(data.to_numpy().sum())
        by_level = data.sum(axis=0)
        level = str(by_level.idxmax())
        words = "of unstated binding status" if level == NOT_STATED else level
        return f"{int(by_level[level])} of {pairs} guideline-audience pairs are {words}, across {len(named)} audiences"

    def modal(audience: str) -> tuple[str, str]:
        row = data.loc[audience]
        level = str(row.idxmax())  # columns are strongest first, so a tie goes to the stronger level
        total = int(row.sum())
        return level, ("" if int(row[level]) == total else f" ({int(row[level])} of {total})")

    stated, unstated = [], []
    for audience in named:
        level, part = modal(audience)
        (unstated.append(f"{audience}{part}") if level == NOT_STATED else stated.append(f"{level} for {audience}{part}"))
    no_audience = int(data.loc[NOT_STATED].sum()) if NOT_STATED in data.index else 0
    if no_audience:
        level, part = modal(NOT_STATED)
        if level != NOT_STATED:
            stated.append(f"{level} where no audience is named{part}")
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
    totals = data.groupby("jurisdiction")["pairs"].sum()
    if totals.sum() == 0:
        return "No chapter names a guideline, so none is said to bind"
    binding = data[data["mandatoriness"].isin(BINDING)].groupby("jurisdiction")["pairs"].sum()
    binding = binding.reindex(totals.index, fill_value=0)
    share = (binding / totals.where(totals > 0)).fillna(0)
    if len(totals) == 1:
        j = totals.index[0]
        return (f"{j}: {round(100 * share[j])}% of guideline-audience pairs are mandatory, at least in some cases "
                f"({int(binding[j])} of {int(totals[j])})")
    k = int((binding > 0).sum())
    if k == 0:
        return f"None of the {len(totals)} chapters says any guideline is mandatory, even in some cases"
    best = share.idxmax()
    lead = f"Only {k} of {len(totals)} chapters" if k < len(totals) else f"All {len(totals)} chapters"
    return (f"{lead} say some guideline is mandatory, at least in some cases; "
            f"{best} most often ({round(100 * share[best])}% of its pairs)")


def jurisdiction_finding(data: pd.DataFrame, highlight: str | None = None) -> str:
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
        rank = "the most" if more == 0 else f"fewer than {_plural(more, 'other chapter')}"
        return f"{highlight} names {_plural(int(row['total']), 'guideline')}, {rank} among {_plural(k, 'chapter')}"
    tops, best = _top(data, "jurisdiction")
    none = int((data["total"] == 0).sum())
    tail = f"; {none} name{'s' if none == 1 else ''} none" if none else ""
    verb = "names" if len(tops) == 1 else "name"
    return f"{_join(tops)} {verb} the most guidelines: {best} of {n} across {_plural(k, 'chapter')}{tail}"


def stance_finding(data: pd.DataFrame) -> str:
    if data.empty:
        return "No numbered question was found"
    answered = data.notna().sum(axis=1)
    if data.shape[1] == 1:
        j = data.columns[0]
        counts = data[j].dropna().value_counts()
        parts = [f"{_plural(int(counts[s]), 'question')} {s}" for s in STANCE_ORDER if s in counts and s != "descriptive"]
        desc = int(counts.get("descriptive", 0))
        extra = f"; {desc} described without a yes or no" if desc else ""
        return f"{j} answers {_join(parts) or 'no question with yes or no'}{extra}"
    q = int(answered.idxmax())
    row = data.loc[q].dropna()
    counts = row.value_counts()
    top = str(counts.idxmax())
    return (f"Question {q}, answered in {len(row)} of {data.shape[1]} chapters: "
            f"{int(counts[top])} say {top!s}" + ("" if top in ("yes", "no", "partly") else " only"))


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


def authority_bars(guidelines: pd.DataFrame, obligations: pd.DataFrame, *, top: int = 15,
                   files: Iterable[str] = ()) -> Figure:
    """How many guidelines each authority issues, coloured by the strongest binding status stated for them."""
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
    return _furnish(fig, ax, authority_finding(data), subtitle, source_line(guidelines, files=files))


def instrument_bars(guidelines: pd.DataFrame, obligations: pd.DataFrame, *, files: Iterable[str] = ()) -> Figure:
    """What kind of instruments the guidelines are (guide, standard, ...), coloured by strongest binding status."""
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
    return _furnish(fig, ax, instrument_finding(data), subtitle, source_line(guidelines, files=files))


def audience_matrix(guidelines: pd.DataFrame, obligations: pd.DataFrame, *, files: Iterable[str] = ()) -> Figure:
    """Audience by mandatoriness: how many guidelines the chapter says bind each audience, and how strongly."""
    data = audience_matrix_data(guidelines, obligations)
    fig = _figure(2.2 + 0.5 * max(1, len(data)))
    with matplotlib.rc_context(STYLE):
        ax = _axes(fig)
        if data.empty:
            _empty(ax, "no guideline named")
        else:
            peak = max(1, int(data.to_numpy().max()))
            for i, audience in enumerate(data.index):
                for j, level in enumerate(data.columns):
                    v = int(data.loc[audience, level])
                    color = MANDATORINESS_COLORS[level]
                    if v:
                        alpha = 0.35 + 0.65 * v / peak
                        ax.add_patch(matplotlib.patches.Rectangle((j - 0.46, i - 0.42), 0.92, 0.84, facecolor=color,
                                                                  alpha=alpha, edgecolor="none"))
                        blended = matplotlib.colors.to_hex(
                            [alpha * c + (1 - alpha) for c in matplotlib.colors.to_rgb(color)])
                        ax.text(j, i, str(v), ha="center", va="center", fontsize=11, fontweight="bold",
                                color=_text_color(blended))
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
            ax.set_ylabel("Audience the chapter names")
            ax.set_xlabel("What the chapter says binds that audience")
        subtitle = "Number of guidelines, by audience and by what the chapter says binds"
    return _furnish(fig, ax, matrix_finding(data), subtitle, source_line(guidelines, files=files))


def mandatoriness_share(guidelines: pd.DataFrame, obligations: pd.DataFrame, jurisdictions: Iterable[str] = (),
                        *, files: Iterable[str] = ()) -> Figure:
    """Share of guideline-audience pairs by mandatoriness, one 100% bar per jurisdiction."""
    data = share_data(guidelines, obligations, jurisdictions)
    wide = data.pivot(index="jurisdiction", columns="mandatoriness", values="share").reindex(
        columns=list(MANDATORINESS_ORDER), fill_value=0.0)
    pairs = data.groupby("jurisdiction")["pairs"].sum()
    # most binding first (mandatory at least in some cases, then mandatory, then voluntary); no guideline last
    order = sorted(wide.index, key=lambda j: (pairs[j] == 0, -(wide.loc[j, BINDING[0]] + wide.loc[j, BINDING[1]]),
                                              -wide.loc[j, "mandatory"], -wide.loc[j, "voluntary"], j))
    wide = wide.loc[order]
    fig = _figure(1.9 + 0.42 * max(1, len(wide)))
    with matplotlib.rc_context(STYLE):
        ax = _axes(fig)
        if wide.empty:
            _empty(ax, "no chapter")
        else:
            y = list(range(len(wide)))
            left = [0.0] * len(wide)
            for level in MANDATORINESS_ORDER:
                vals = [100 * float(v) for v in wide[level]]
                if not any(vals):
                    continue
                color = MANDATORINESS_COLORS[level]
                ax.barh(y, vals, left=left, color=color, edgecolor="white", linewidth=0.8, height=0.68, label=level)
                for i, v in enumerate(vals):
                    if v >= 9:
                        ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=8,
                                color=_text_color(color))
                left = [a + b for a, b in zip(left, vals)]
            for i, j in enumerate(wide.index):
                n = int(pairs[j])
                ax.text(101, i, f"n={n}" if n else "no guideline named", ha="left", va="center", fontsize=8,
                        color=MUTED)
            ax.set_yticks(y, list(wide.index))
            ax.invert_yaxis()
            ax.set_xlim(0, 118)
            ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
            ax.set_xlabel("Share of guideline-audience pairs (n = number of pairs)")
            ax.set_ylabel("Jurisdiction")
            _level_legend(ax, _levels_present(data.loc[data["pairs"] > 0, "mandatoriness"]))
        subtitle = ("For every guideline and every audience the chapter names for it: what the chapter says "
                    "binds, as a share of that chapter's pairs")
    return _furnish(fig, ax, share_finding(data), subtitle, source_line(guidelines, files=files))


def guidelines_per_jurisdiction(guidelines: pd.DataFrame, obligations: pd.DataFrame,
                                jurisdictions: Iterable[str] = (), *, highlight: str | None = None,
                                files: Iterable[str] = ()) -> Figure:
    """Guidelines named per jurisdiction, coloured by strongest binding status; `highlight` in bold."""
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
    return _furnish(fig, ax, jurisdiction_finding(data, highlight), subtitle, source_line(guidelines, files=files))


def stance_matrix(questions: pd.DataFrame, *, highlight: str | None = None, label_width: int = 46) -> Figure:
    """Stance of each chapter's answer, question by jurisdiction; the stance is written in every cell."""
    data = stance_data(questions)
    texts = (questions.dropna(subset=["question_no"]).drop_duplicates("question_no")
             .set_index("question_no")["question"].astype(str))
    ncols = max(1, data.shape[1])
    fig = _figure(2.3 + 0.36 * max(1, len(data)), width=max(WIDTH, 3.6 + 0.78 * ncols))
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
                    ax.text(j, i, str(s) if s != "descriptive" else "describes", ha="center", va="center",
                            fontsize=7.5, color=_text_color(color))
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
            ylabels = [f"Q{q}  " + textwrap.shorten(texts.get(q, ""), width=label_width, placeholder="…")
                       for q in data.index]
            ax.set_yticks(range(len(data)), ylabels)
            for side in ("left", "bottom"):
                ax.spines[side].set_visible(False)
            ax.set_ylabel("Question")
            ax.set_xlabel("Jurisdiction (– : the chapter does not have this question)")
        subtitle = ("How each chapter answers each question: yes, no, partly, describes (an answer without a yes "
                    "or no) or unanswered")
    return _furnish(fig, ax, stance_finding(data), subtitle, source_line(questions))


# ----------------------------------------------------------------------------- saving

def save(fig: Figure, folder: str | Path, name: str) -> dict[str, Path]:
    """Write `name`.png (300 dpi) and `name`.svg into `folder`; same input, same bytes.

    The SVG carries no date and uses a fixed hash salt for its element ids, and the finding
    as its title, so `git diff` of a figure shows a changed finding in words.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"png": out / f"{name}.png", "svg": out / f"{name}.svg"}
    title = finding(fig)
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
        fig.savefig(paths["svg"], format="svg", metadata={"Date": None, "Creator": "policyqa", "Title": title})
        fig.savefig(paths["png"], format="png", dpi=PNG_DPI,
                    metadata={"Software": "policyqa", "Title": title})
    return paths
