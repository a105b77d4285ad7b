"""The chart functions: one look everywhere, findings computed from data (ties named, small n never ranked),
one palette per family of categories, near-empty charts skipped with a sentence, reproducible files."""

from __future__ import annotations

import colorsys
import csv
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib.colors as mc
import pandas as pd
import policyqa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policyqa import analysis, briefing, charts
from policyqa.errors import PolicyqaError
from policyqa.schema import columns, frame_dtypes

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def corpus():
    return policyqa.read_corpus(RAW)


@pytest.fixture(scope="module")
def newest(corpus):
    return analysis.newest_editions(corpus)


@pytest.fixture(scope="module")
def one(newest):
    """The chapter with the most guidelines, whichever it is (no test here names a chapter)."""
    counts = newest.guidelines.groupby("jurisdiction").size()
    return analysis.select(newest, str(counts.idxmax()))


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


def frames(spec):
    """Tidy guidelines and obligations from [(jurisdiction, authority, kind, [(audience, group, level), ...])]."""
    g, o = [], []
    for i, (jur, authority, kind, pairs) in enumerate(spec):
        gid = f"{jur.lower()}-{i:03d}"
        g.append({"guideline_id": gid, "jurisdiction": jur, "edition": None, "question_no": 13,
                  "title": f"Guide number {i}", "issuing_authority": authority, "authority_abbreviation": None,
                  "instrument_type": kind, "source_file": f"{jur.lower()}.txt", "line": i + 1, "where": "list",
                  "not_exhaustive": False, "authority_source": "list label", "rule": "test", "confidence": "high"})
        for audience, group, level in pairs:
            o.append({"guideline_id": gid, "audience": audience, "audience_group": group, "mandatoriness": level,
                      "status_line": i + 1, "status_source": "own", "status_rule": "test",
                      "status_confidence": "high"})

    def typed(rows, table):
        df = pd.DataFrame(rows, columns=columns(table))
        return df.astype(frame_dtypes(table))

    return typed(g, "guidelines"), typed(o, "obligations")


PUB, PRIV = ("public authorities", "public sector"), ("private companies", "private sector")


# ----------------------------------------------------------------------------- imports and generic code

def test_importing_policyqa_analysis_or_briefing_does_not_import_matplotlib():
    code = ("import sys, policyqa, policyqa.briefing, policyqa.analysis; policyqa.read_chapter; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_library_names_no_jurisdiction_chapter_or_guideline(corpus):
    """Charts, briefing and analysis stay generic: no jurisdiction, chapter file or guideline title."""
    with (ROOT / "data" / "reference" / "jurisdictions.csv").open(encoding="utf-8") as fh:
        names = {r["jurisdiction"] for r in csv.DictReader(fh)}
    names |= {p.stem for p in RAW.glob("*.txt")} | set(corpus.guidelines["title"]) | set(
        corpus.authorities["issuing_authority"])
    for module in ("charts.py", "briefing.py", "analysis.py"):
        text = (ROOT / "lib" / "policyqa" / module).read_text(encoding="utf-8")
        found = [n for n in names if len(n) > 2 and re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
        assert not found, f"{module} names {found}"


# ----------------------------------------------------------------------------- furniture of every chart

def test_every_chart_has_a_finding_subtitle_axis_words_and_source(one):
    names = analysis.jurisdictions(one)
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
    top = charts.authority_data(g, o).iloc[0]
    fewer = g[g["issuing_authority"] != top["issuing_authority"]]
    assert charts.finding(charts.authority_bars(g, o)) != charts.finding(charts.authority_bars(fewer, o))


# ----------------------------------------------------------------------------- colour and vocabulary

def _hue(colour: str) -> tuple[float, float]:
    r, g, b = mc.to_rgb(colour)
    h, _, s = colorsys.rgb_to_hls(r, g, b)
    return h * 360, s


def test_one_palette_per_family_and_no_hue_in_two_families():
    """Blue never means a level in one chart and a stance in another; grey (no hue) means 'nothing stated'."""
    assert set(charts.PALETTES) == {"mandatoriness", "stance"}
    assert list(charts.MANDATORINESS_COLORS) == list(charts.MANDATORINESS_ORDER)
    assert list(charts.STANCE_COLORS) == list(charts.STANCE_ORDER)
    hues = {}
    for family, palette in charts.PALETTES.items():
        assert len(set(palette.values())) == len(palette), family  # one colour per category
        for category, colour in palette.items():
            h, s = _hue(colour)
            if s > 0.15:  # a hue, not a grey
                hues.setdefault(family, []).append((h, category))
    for h1, c1 in hues["mandatoriness"]:
        for h2, c2 in hues["stance"]:
            # blue and sky blue are 1 degree apart (the old clash); Okabe-Ito's orange and yellow are 14
            assert min(abs(h1 - h2), 360 - abs(h1 - h2)) > 10, (c1, c2)
    greys = {c: col for fam in charts.PALETTES.values() for c, col in fam.items() if _hue(col)[1] <= 0.15}
    assert set(greys) == {"not stated", "descriptive", "unanswered"}


def test_one_colour_and_one_order_per_level_in_every_chart(newest):
    names = analysis.jurisdictions(newest)
    figs = all_charts(newest, names)
    seen: dict[str, set] = {}
    for name in ("authority", "instrument", "share", "per_jurisdiction"):
        ax = figs[name].subfigs[0].axes[0]
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels == [lv for lv in charts.MANDATORINESS_ORDER if lv in labels], (name, labels)
        for container in ax.containers:
            level = container.get_label().lstrip("_").split(",")[0]
            # a hatched (small n) segment: pale fill, hatched in the level's own colour
            colours = {tuple(round(x, 4) for x in (p.get_edgecolor() if p.get_hatch() else p.get_facecolor())[:3])
                       for p in container.patches}
            seen.setdefault(level, set()).update(colours)
    # the matrix: every filled cell in its column's level colour, whatever the count
    ax = figs["matrix"].subfigs[0].axes[0]
    data = charts.audience_matrix_data(newest.guidelines, newest.obligations)
    filled = [p for p in ax.patches if p.get_facecolor()[3] > 0]
    assert len(filled) == int((data.to_numpy() > 0).sum())
    for p in filled:
        level = data.columns[round(p.get_x() + p.get_width() / 2)]
        assert p.get_facecolor()[3] == 1, "a paler level colour reads as another level"
        seen.setdefault(level, set()).add(tuple(round(x, 4) for x in p.get_facecolor()[:3]))
    for level, colours in seen.items():
        assert colours == {tuple(round(x, 4) for x in mc.to_rgb(charts.MANDATORINESS_COLORS[level]))}, level
    assert set(charts.MANDATORINESS_ORDER) == set(newest.obligations["mandatoriness"].cat.categories)


def test_stance_matrix_says_the_tables_words_and_tells_questions_apart(newest):
    fig = charts.stance_matrix(newest.questions)
    ax = fig.subfigs[0].axes[0]
    cells = {t.get_text() for t in ax.texts}
    assert "descriptive" in cells and "describes" not in cells
    assert cells - {"–"} <= set(newest.questions["stance"].cat.categories)
    assert "descriptive" in charts.subtitle(fig) and "describes" not in charts.subtitle(fig)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    bodies = [re.sub(r"^Q\d+ ", "", x) for x in labels]
    assert len(set(bodies)) == len(bodies), labels
    stances = [s for s in newest.questions["stance"].astype(str)]
    assert "describes" not in charts.finding(fig) and set(stances) >= {"descriptive"}


def test_matrix_columns_and_audiences_keep_their_order(corpus):
    m = charts.audience_matrix_data(corpus.guidelines, corpus.obligations)
    assert list(m.columns) == list(charts.MANDATORINESS_ORDER)
    assert list(m.index) == analysis.audience_order(reversed(list(m.index)))
    if "not stated" in m.index:
        assert m.index[-1] == "not stated"
    ax = charts.audience_matrix(corpus.guidelines, corpus.obligations).subfigs[0].axes[0]
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == list(charts.MANDATORINESS_ORDER)


# ----------------------------------------------------------------------------- ties and small numbers

def test_ties_are_named_never_broken():
    g, o = frames([
        ("Aland", "Office A", "guide", [(*PUB, "mandatory"), (*PRIV, "voluntary")]),
        ("Aland", "Office A", "guide", [(*PUB, "mandatory"), (*PRIV, "voluntary")]),
        ("Aland", "Office B", "standard", [(*PUB, "mandatory"), (*PRIV, "voluntary")]),
        ("Borduria", "Office C", "guide", [(*PUB, "mandatory"), (*PRIV, "voluntary")]),
        ("Borduria", "Office C", "guide", [(*PUB, "mandatory"), (*PRIV, "voluntary")]),
        ("Borduria", "Office D", "standard", [(*PUB, "mandatory"), (*PRIV, "voluntary")]),
        ("Carpania", "Office E", "guide", [(*PUB, "voluntary"), (*PRIV, "voluntary"), ("banks", "financial sector",
                                                                                        "voluntary")]),
        ("Carpania", "Office E", "guide", [(*PUB, "voluntary"), (*PRIV, "voluntary"), ("banks", "financial sector",
                                                                                        "voluntary")]),
    ])
    share = charts.share_finding(charts.share_data(g, o))
    assert "Aland and Borduria most often (50% of their pairs)" in share, share
    per = charts.jurisdiction_finding(charts.jurisdiction_data(g, o))
    assert per.startswith("Aland and Borduria name the most guidelines: 3 each"), per
    ranked = charts.jurisdiction_finding(charts.jurisdiction_data(g, o), highlight="Aland")
    assert "the most" in ranked and "as many as Borduria" in ranked, ranked
    auth = charts.authority_finding(charts.authority_data(g, o))
    assert auth.startswith("Office A (Aland), Office C (Borduria) and Office E (Carpania) issue the most"), auth
    one = g["jurisdiction"] == "Aland"
    matrix = charts.matrix_finding(charts.audience_matrix_data(g[one], o[o["guideline_id"].isin(g.loc[one,
                                                                                                  "guideline_id"])]))
    assert matrix == "Guidelines are voluntary for private companies and mandatory for public authorities", matrix
    tie = o[o["guideline_id"].isin(g.loc[one, "guideline_id"])].copy()
    tie.loc[tie.index[0], "mandatoriness"] = "voluntary"  # public authorities: 1 voluntary, 2 mandatory
    tie.loc[tie.index[2], "mandatoriness"] = "not stated"  # ... 1 voluntary, 1 mandatory, 1 not stated
    said = charts.matrix_finding(charts.audience_matrix_data(g[one], tie))
    assert "mandatory, voluntary or not stated for public authorities (1 each of 3)" in said, said


def test_stance_title_names_tied_questions_and_stances():
    q = pd.DataFrame({"jurisdiction": ["A", "A", "B", "B"], "question_no": [1, 2, 1, 2],
                      "stance": ["yes", "no", "yes", "no"], "source_file": ["a.txt", "a.txt", "b.txt", "b.txt"]})
    text = charts.stance_finding(charts.stance_data(q))
    assert text == "Questions 1 and 2 are answered in all 2 chapters; as many answers say yes as say no (2 each of 4)"


def test_small_n_looks_small_and_is_never_ranked(tmp_path):
    few = [(*PUB, "mandatory"), (*PRIV, "mandatory")]  # 100% binding, but from 2 pairs
    g, o = frames([("Aland", "Office A", "guide", few)]
                  + [("Borduria", "Office B", "guide", [(*PUB, "mandatory"), (*PRIV, "voluntary")])] * 3
                  + [("Carpania", "Office C", "guide", [(*PUB, "voluntary"), (*PRIV, "voluntary")])] * 3)
    data = charts.share_data(g, o)
    assert data.set_index("jurisdiction")["small"].groupby(level=0).first().to_dict() == {
        "Aland": True, "Borduria": False, "Carpania": False}
    fig = charts.mandatoriness_share(g, o)
    title = charts.finding(fig)
    assert "Borduria most often (50% of its pairs)" in title and "Aland most" not in title, title
    ax = fig.subfigs[0].axes[0]
    hatched = [p for p in ax.patches if p.get_hatch() and p.get_width()]
    assert hatched and all(sum(p.get_facecolor()[:3]) > sum(p.get_edgecolor()[:3]) for p in hatched)  # paler
    assert {p.get_y() for p in hatched} == {p.get_y() for p in ax.patches if p.get_width() and
                                            ax.get_yticklabels()[round(p.get_y() + p.get_height() / 2)]
                                            .get_text() == "Aland"}
    charts.save(fig, tmp_path, "share")  # the hatching shows in the SVG: its lines are not the fill's colour
    svg = (tmp_path / "share.svg").read_text(encoding="utf-8")
    pattern = re.search(r'<pattern id="[^"]+"[^>]*>\s*<rect[^>]*fill="(#[0-9a-f]{6})"/>\s*<path[^>]*?'
                        r'style="[^"]*stroke: (#[0-9a-f]{6})', svg)
    assert pattern and pattern.group(1) != pattern.group(2), pattern and pattern.groups()
    assert any(t.get_text().startswith("n=2: too few") for t in ax.texts)
    assert f"fewer than {charts.MIN_PAIRS} pairs" in charts.subtitle(fig)
    assert charts.skip_reason(fig) is None


def test_comparisons_use_audience_groups_and_one_chapter_per_jurisdiction(corpus, newest):
    g, o = frames([("Aland", "Office A", "guide", [("ministries", "public sector", "mandatory"),
                                                   ("agencies", "public sector", "mandatory"),
                                                   *[(f"firm type {i}", "private sector", "voluntary")
                                                     for i in range(4)]])])
    grouped = charts.share_data(g, o).set_index("mandatoriness")["pairs"]
    assert grouped["mandatory"] == 1 and grouped["voluntary"] == 1  # two groups, not six audiences
    assert charts.share_data(g, o, by="audience").set_index("mandatoriness")["pairs"]["voluntary"] == 4
    with pytest.raises(ValueError, match="newest_editions"):
        charts.mandatoriness_share(corpus.guidelines, corpus.obligations)
    with pytest.raises(ValueError, match="one chapter per jurisdiction"):
        charts.stance_data(corpus.questions)
    fig = charts.mandatoriness_share(newest.guidelines, newest.obligations, note=charts.NEWEST_NOTE)
    assert charts.NEWEST_NOTE in charts.source_note(fig) and "audience groups" in charts.source_note(fig)
    assert "audience group" in charts.subtitle(fig)


# ----------------------------------------------------------------------------- too little to show

def test_near_empty_charts_say_so_in_one_sentence(corpus):
    none_g, none_o = corpus.guidelines.iloc[0:0], corpus.obligations.iloc[0:0]
    for fig in (charts.authority_bars(none_g, none_o, files=["x.txt"]),
                charts.audience_matrix(none_g, none_o, files=["x.txt"]),
                charts.instrument_bars(none_g, none_o),
                charts.guidelines_per_jurisdiction(none_g, none_o, ["X", "Y"]),
                charts.mandatoriness_share(none_g, none_o, ["X", "Y"])):
        reason = charts.skip_reason(fig)
        assert reason and reason.endswith(".") and reason.count(". ") == 0, reason
        assert re.search(r"no guideline|names no|no chapter names|none of", charts.finding(fig), re.I)
    g, o = frames([("Aland", "Office A", "guide", [(*PUB, "voluntary")])])
    reason = charts.skip_reason(charts.authority_bars(g, o))
    assert reason == "Office A issues the only guideline named, so there is no chart of issuing authorities."
    assert "the most" not in charts.finding(charts.authority_bars(g, o))
    assert charts.skip_reason(charts.guidelines_per_jurisdiction(g, o, ["Aland"]))
    assert charts.skip_reason(charts.instrument_bars(g, o))
    assert charts.skip_reason(charts.mandatoriness_share(g, o, ["Aland", "Borduria"]))
    assert charts.skip_reason(charts.audience_matrix(g, o)) is None
    silent = o.assign(audience="not stated", audience_group="not stated",
                      mandatoriness=pd.Categorical(["not stated"], categories=o["mandatoriness"].cat.categories,
                                                   ordered=True))
    assert "states neither an audience nor a binding status" in charts.skip_reason(charts.audience_matrix(g, silent))


def test_instrument_title_says_more_than_its_bars():
    g, o = frames([("Aland", "Office A", "guide", [(*PUB, "voluntary")]),
                   ("Aland", "Office A", "guide", [(*PUB, "voluntary")]),
                   ("Aland", "Office B", "standard", [(*PUB, "mandatory")])])
    title = charts.finding(charts.instrument_bars(g, o))
    assert title == "Guides make up 2 of the 3 guidelines; 1 standard is mandatory, at least in some cases", title
    o2 = o.assign(mandatoriness=pd.Categorical(["voluntary"] * 3, categories=o["mandatoriness"].cat.categories,
                                               ordered=True))
    assert charts.finding(charts.instrument_bars(g, o2)).endswith("none is said to be mandatory")


# ----------------------------------------------------------------------------- files

def test_svg_is_byte_identical_across_processes_and_png_is_300_dpi(tmp_path):
    script = textwrap.dedent(f"""
        import sys, policyqa
        from policyqa import analysis, charts
        t = analysis.newest_editions(policyqa.read_corpus({str(RAW)!r}))
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


# ----------------------------------------------------------------------------- tidy data and analysis helpers

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_matrix_counts_every_guideline_audience_pair(corpus, data):
    ids = sorted(corpus.guidelines["guideline_id"])
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids)))
    g = corpus.guidelines[corpus.guidelines["guideline_id"].isin(chosen)]
    o = corpus.obligations[corpus.obligations["guideline_id"].isin(chosen)]
    m = charts.audience_matrix_data(g, o)
    levels = analysis.guideline_levels(g, o)
    assert int(m.to_numpy().sum()) == len(levels.drop_duplicates(["guideline_id", "audience", "mandatoriness"]))
    assert set(levels["guideline_id"]) == set(chosen)
    assert charts.matrix_finding(m)
    s = analysis.strongest_levels(g, o)
    assert len(s) == len(g)
    assert int(charts.authority_data(g, o)["total"].sum()) == len(g)
    grouped = charts.audience_matrix_data(g, o, by="audience_group")
    assert int(grouped.to_numpy().sum()) <= int(m.to_numpy().sum())


def test_select_newest_and_chapter_path(corpus):
    for s in corpus.summaries:
        newest = analysis.newest_files(corpus, s.jurisdiction)  # a jurisdiction means its newest edition
        assert analysis.chapter_path(RAW, s.jurisdiction).name in newest
        assert analysis.chapter_path(RAW, s.jurisdiction.upper()).name in newest
        assert analysis.chapter_path(RAW, s.source_file).name == s.source_file
        assert {x.source_file for x in analysis.select(corpus, s.jurisdiction).summaries} == newest
        one = analysis.select(corpus, s.source_file)  # a file name means that file
        assert set(one.questions["jurisdiction"]) <= {s.jurisdiction}
        assert [x.source_file for x in one.summaries] == [s.source_file]
    editions: dict[str, list] = {}
    for c in corpus.chapters:
        editions.setdefault(c.jurisdiction, []).append(c)
    for jur, chapters in editions.items():
        if len(chapters) > 1:  # an older edition is there when asked for
            old = min(chapters, key=lambda c: analysis.edition_rank(c.edition))
            assert [x.source_file for x in analysis.select(corpus, jur, edition=old.edition).summaries] == [
                old.source_file]
    newest_all = analysis.newest_editions(corpus)
    assert len(newest_all.summaries) == len(analysis.jurisdictions(corpus))
    assert set(newest_all.obligations["guideline_id"]) <= set(newest_all.guidelines["guideline_id"])
    with pytest.raises(PolicyqaError, match="the chapters here are for"):
        analysis.select(corpus, "no such place")
    assert briefing.select is analysis.select  # the old import path still works


def test_outline_and_side_by_side(corpus, one):
    out = analysis.outline(one)
    assert out["line"].is_monotonic_increasing
    assert {"question", "guideline"} <= set(out["kind"])
    q = int(corpus.questions["question_no"].mode()[0])
    side = analysis.answers_side_by_side(corpus.questions, q, width=80)
    assert len(side) == (corpus.questions["question_no"] == q).sum()
    assert (side["answer"].str.len() <= 80).all()
    assert side["source"].str.match(r"^\S+:\d+$").all()
    assert "edition" in side.columns


def test_helpers_for_a_chapter_without_guidelines(corpus):
    empty = corpus.guidelines.iloc[0:0]
    none = corpus.obligations.iloc[0:0]
    assert analysis.binds(empty, none).empty
    assert analysis.authority_table(empty, none).empty
    assert analysis.guidelines_by_authority(empty, none).empty
    assert analysis.guideline_levels(empty, none).empty
    assert charts.audience_matrix_data(empty, none).empty


def test_guidelines_by_authority_groups_every_guideline(newest):
    table = analysis.guidelines_by_authority(newest.guidelines, newest.obligations)
    assert len(table) == len(newest.guidelines)
    for jur, group in table.groupby("jurisdiction", sort=False):
        authorities = list(dict.fromkeys(group["issuing_authority"]))
        sizes = [int((group["issuing_authority"] == a).sum()) for a in authorities if a != analysis.NO_AUTHORITY]
        assert sizes == sorted(sizes, reverse=True), jur
        names = group["issuing_authority"].astype(object)
        blocks = int((names != names.shift()).sum())
        assert blocks == group["issuing_authority"].nunique(), jur  # each authority's rows together
    assert table["source"].str.match(r"^\S+:\d+$").all()
