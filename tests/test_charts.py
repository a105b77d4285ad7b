"""The chart functions: one look everywhere, findings computed from data, reproducible files."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import policyqa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policyqa import briefing, charts
from policyqa.errors import PolicyqaError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def corpus():
    return policyqa.read_corpus(RAW)


@pytest.fixture(scope="module")
def one(corpus):
    """The chapter with the most guidelines, whichever it is (no test here names a chapter)."""
    counts = corpus.guidelines.groupby("jurisdiction").size()
    return briefing.select(corpus, str(counts.idxmax()))


def all_charts(t, names):
    g, o = t.guidelines, t.obligations
    return {
        "authority": charts.authority_bars(g, o),
        "instrument": charts.instrument_bars(g, o),
        "matrix": charts.audience_matrix(g, o),
        "share": charts.mandatoriness_share(g, o, names),
        "per_jurisdiction": charts.guidelines_per_jurisdiction(g, o, names, highlight=names[0]),
        "stance": charts.stance_matrix(t.questions),
    }


# ----------------------------------------------------------------------------- imports

def test_importing_policyqa_or_briefing_does_not_import_matplotlib():
    code = "import sys, policyqa, policyqa.briefing; policyqa.read_chapter; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_library_names_no_jurisdiction_chapter_or_guideline(corpus):
    """Charts and briefing stay generic: no jurisdiction, chapter file or guideline title in their source."""
    with (ROOT / "data" / "reference" / "jurisdictions.csv").open(encoding="utf-8") as fh:
        names = {r["jurisdiction"] for r in csv.DictReader(fh)}
    names |= {p.stem for p in RAW.glob("*.txt")} | set(corpus.guidelines["title"]) | set(
        corpus.authorities["issuing_authority"])
    for module in ("charts.py", "briefing.py"):
        text = (ROOT / "lib" / "policyqa" / module).read_text(encoding="utf-8")
        found = [n for n in names if len(n) > 2 and re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
        assert not found, f"{module} names {found}"


# ----------------------------------------------------------------------------- furniture of every chart

def test_every_chart_has_a_finding_subtitle_axis_words_and_source(one, corpus):
    names = briefing.jurisdictions(one)
    files = {s.source_file for s in one.summaries}
    for name, fig in all_charts(one, names).items():
        assert charts.finding(fig) and charts.subtitle(fig), name
        source = charts.source_note(fig)
        assert source.startswith("Source") and any(f in source for f in files), (name, source)
        assert re.search(r"questions? \d+", source), (name, source)
        ax = fig.subfigs[0].axes[0]
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            assert re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}|^[A-Z][a-z]+$", label), (name, label)


def test_examples_note_follows_not_exhaustive(one):
    g, o = one.guidelines, one.obligations
    assert g["not_exhaustive"].any(), "the test chapter should have a list of examples"
    assert charts.NOT_EXHAUSTIVE_NOTE in charts.source_note(charts.audience_matrix(g, o))
    full = g.assign(not_exhaustive=False)
    assert charts.NOT_EXHAUSTIVE_NOTE not in charts.source_note(charts.audience_matrix(full, o))


def test_titles_are_computed_from_the_data(one):
    g, o = one.guidelines, one.obligations
    before = charts.finding(charts.audience_matrix(g, o))
    flat = o.assign(mandatoriness=pd.Categorical(["not stated"] * len(o), categories=o["mandatoriness"].cat.categories,
                                                 ordered=True))
    after = charts.finding(charts.audience_matrix(g, flat))
    assert before != after
    assert "not stated" in after and not any(lv in after for lv in ("voluntary", "mandatory"))
    # fewer guidelines, another count in the title
    top = charts.authority_data(g, o).iloc[0]
    fewer = g[g["issuing_authority"] != top["issuing_authority"]]
    assert charts.finding(charts.authority_bars(g, o)) != charts.finding(charts.authority_bars(fewer, o))


def test_one_colour_and_one_order_per_level_in_every_chart(corpus):
    names = briefing.jurisdictions(corpus)
    figs = all_charts(corpus, names)
    seen: dict[str, set[str]] = {}
    for name in ("authority", "instrument", "share", "per_jurisdiction"):
        ax = figs[name].subfigs[0].axes[0]
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels == [lv for lv in charts.MANDATORINESS_ORDER if lv in labels], (name, labels)
        for container in ax.containers:
            colour = {pd.Series(p.get_facecolor()).round(4).to_list().__repr__() for p in container.patches}
            seen.setdefault(container.get_label(), set()).update(colour)
    import matplotlib.colors as mc

    for level, colours in seen.items():
        expected = repr(pd.Series(mc.to_rgba(charts.MANDATORINESS_COLORS[level])).round(4).to_list())
        assert colours == {expected}, level
    palette = set(charts.OKABE_ITO.values()) | {charts.NEUTRAL}
    assert set(charts.MANDATORINESS_COLORS.values()) <= palette
    assert len(set(charts.MANDATORINESS_COLORS.values())) == len(charts.MANDATORINESS_ORDER)
    assert set(charts.MANDATORINESS_ORDER) == set(corpus.obligations["mandatoriness"].cat.categories)


def test_matrix_columns_and_audiences_keep_their_order(corpus):
    m = charts.audience_matrix_data(corpus.guidelines, corpus.obligations)
    assert list(m.columns) == list(charts.MANDATORINESS_ORDER)
    assert list(m.index) == charts.audience_order(reversed(list(m.index)))
    if "not stated" in m.index:
        assert m.index[-1] == "not stated"
    ax = charts.audience_matrix(corpus.guidelines, corpus.obligations).subfigs[0].axes[0]
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == list(charts.MANDATORINESS_ORDER)


def test_charts_of_a_chapter_without_guidelines(corpus):
    none = corpus.guidelines.iloc[0:0]
    figs = {
        "a": charts.authority_bars(none, corpus.obligations.iloc[0:0], files=["x.txt"]),
        "m": charts.audience_matrix(none, corpus.obligations.iloc[0:0], files=["x.txt"]),
        "i": charts.instrument_bars(none, corpus.obligations.iloc[0:0]),
        "j": charts.guidelines_per_jurisdiction(none, corpus.obligations.iloc[0:0], ["X"]),
        "s": charts.mandatoriness_share(none, corpus.obligations.iloc[0:0], ["X"]),
    }
    for name, fig in figs.items():
        assert re.search(r"no guideline|names no|no chapter names", charts.finding(fig), re.I), name
    assert "x.txt" in charts.source_note(figs["a"])


# ----------------------------------------------------------------------------- files

def test_svg_is_byte_identical_across_processes_and_png_is_300_dpi(tmp_path):
    script = textwrap.dedent(f"""
        import sys, policyqa
        from policyqa import charts
        t = policyqa.read_corpus({str(RAW)!r})
        charts.save(charts.mandatoriness_share(t.guidelines, t.obligations), sys.argv[1], "share")
        charts.save(charts.stance_matrix(t.questions), sys.argv[1], "stance")
    """)
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], check=True)
    for name in ("share", "stance"):
        a, b = (tmp_path / "a" / f"{name}.svg").read_bytes(), (tmp_path / "b" / f"{name}.svg").read_bytes()
        assert a == b, name
        assert b"<dc:date>" not in a
        from PIL import Image

        with Image.open(tmp_path / "a" / f"{name}.png") as im:
            assert round(im.info["dpi"][0]) == charts.PNG_DPI


def test_saved_svg_changes_when_the_finding_changes(tmp_path, one):
    g, o = one.guidelines, one.obligations
    charts.save(charts.audience_matrix(g, o), tmp_path, "a")
    flat = o.assign(mandatoriness=pd.Categorical(["not stated"] * len(o), categories=o["mandatoriness"].cat.categories,
                                                 ordered=True))
    charts.save(charts.audience_matrix(g, flat), tmp_path, "b")
    assert (tmp_path / "a.svg").read_bytes() != (tmp_path / "b.svg").read_bytes()


# ----------------------------------------------------------------------------- tidy data and briefing helpers

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_matrix_counts_every_guideline_audience_pair(corpus, data):
    ids = sorted(corpus.guidelines["guideline_id"])
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    g = corpus.guidelines[corpus.guidelines["guideline_id"].isin(chosen)]
    o = corpus.obligations[corpus.obligations["guideline_id"].isin(chosen)]
    m = charts.audience_matrix_data(g, o)
    levels = charts.guideline_levels(g, o)
    assert int(m.to_numpy().sum()) == len(levels.drop_duplicates(["guideline_id", "audience", "mandatoriness"]))
    assert set(levels["guideline_id"]) == set(chosen)
    assert charts.matrix_finding(m)
    s = charts.strongest_levels(g, o)
    assert len(s) == len(g)
    assert int(charts.authority_data(g, o)["total"].sum()) == len(g)


def test_select_and_chapter_path(corpus):
    for s in corpus.summaries:
        newest = briefing.newest_files(corpus, s.jurisdiction)  # a jurisdiction means its newest edition
        assert briefing.chapter_path(RAW, s.jurisdiction).name in newest
        assert briefing.chapter_path(RAW, s.jurisdiction.upper()).name in newest
        assert {x.source_file for x in briefing.select(corpus, s.jurisdiction).summaries} == newest
        one = briefing.select(corpus, s.source_file)  # a file name means that file
        assert set(one.questions["jurisdiction"]) <= {s.jurisdiction}
        assert [x.source_file for x in one.summaries] == [s.source_file]
    editions = {c.jurisdiction: [] for c in corpus.chapters}
    for c in corpus.chapters:
        editions[c.jurisdiction].append(c)
    for jur, chapters in editions.items():
        if len(chapters) > 1:  # an older edition is there when asked for
            old = min(chapters, key=lambda c: briefing.edition_rank(c.edition))
            assert [x.source_file for x in briefing.select(corpus, jur, edition=old.edition).summaries] == [
                old.source_file]
    with pytest.raises(PolicyqaError):
        briefing.select(corpus, "no such place")


def test_outline_and_side_by_side(corpus, one):
    out = briefing.outline(one)
    assert out["line"].is_monotonic_increasing
    assert {"question", "guideline"} <= set(out["kind"])
    q = int(corpus.questions["question_no"].mode()[0])
    side = briefing.answers_side_by_side(corpus.questions, q, width=80)
    assert len(side) == (corpus.questions["question_no"] == q).sum()
    assert (side["answer"].str.len() <= 80).all()
    assert side["source"].str.match(r"^\S+:\d+$").all()


def test_helpers_for_a_chapter_without_guidelines(corpus):
    empty = corpus.guidelines.iloc[0:0]
    none = corpus.obligations.iloc[0:0]
    assert briefing.binds(empty, none).empty
    assert briefing.authority_table(empty, none).empty
    assert charts.guideline_levels(empty, none).empty
    assert charts.audience_matrix_data(empty, none).empty


def test_binds_lists_every_audience_of_a_guideline(corpus):
    said = briefing.binds(corpus.guidelines, corpus.obligations)
    assert set(said.index) == set(corpus.guidelines["guideline_id"])
    for gid, text in said.items():
        rows = corpus.obligations[corpus.obligations["guideline_id"] == gid]
        for r in rows.itertuples():
            assert f"{r.mandatoriness} for {r.audience}" in text


def test_build_pack_writes_figures_and_html(tmp_path, corpus):
    pack = briefing.build_pack(RAW, corpus.summaries[0].jurisdiction, tmp_path)
    assert [f.name for f in pack.figures] == list(briefing.PACK)
    for f in pack.figures:
        assert f.png.stat().st_size > 10_000 and f.svg.stat().st_size > 10_000
    page = pack.html.read_text(encoding="utf-8")
    assert page.count("<img ") == len(briefing.PACK) and "<script" not in page
    assert str(tmp_path) not in page  # no absolute paths: the page moves with its folder
