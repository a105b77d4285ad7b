"""The public API as a newcomer meets it: dir(), help(), docstrings with examples, the tables' display,
joins without suffixes, errors that name what exists, and the README's own lines."""

from __future__ import annotations

import inspect
import pydoc
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import policyqa
import pytest
from policyqa import analysis

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PUBLIC = ["read_chapter", "read_corpus", "Tables", "analysis", "compare_editions", "PolicyqaError"]


@pytest.fixture(scope="module")
def corpus():
    return policyqa.read_corpus(RAW)


@pytest.fixture(scope="module")
def chapter(corpus):
    """The first chapter of the corpus that names a guideline (no test here names one)."""
    s = next(s for s in corpus.summaries if (corpus.guidelines["source_file"] == s.source_file).any())
    return policyqa.read_chapter(s.path)


# ----------------------------------------------------------------------------- what dir() and help() show

def test_dir_and_help_show_the_public_api_in_a_fresh_interpreter():
    code = ("import sys, io, contextlib, pydoc, policyqa\n"
            "print(sorted(dir(policyqa)))\n"
            "print(pydoc.render_doc(policyqa, renderer=pydoc.plaintext).count('\\n') > 20)\n"
            "text = pydoc.render_doc(policyqa, renderer=pydoc.plaintext)\n"
            "print([n for n in ('read_chapter', 'read_corpus', 'Tables', 'PolicyqaError') if n not in text])\n"
            "print('matplotlib' in sys.modules, 'pandas' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    names, long, missing, heavy = out.stdout.strip().splitlines()
    listed = eval(names)  # a printed list of str
    assert set(PUBLIC) <= set(listed)
    assert not [n for n in listed if not n.startswith("__") and n not in PUBLIC and n not in ("charts", "briefing")]
    assert long == "True" and missing == "[]"
    assert heavy == "False False", "help(policyqa) must not load pandas or matplotlib"


def test_public_names_and_analysis_functions_carry_an_example():
    """Every public name, Tables method and analysis helper has a docstring with a `>>>` example."""
    things = [getattr(policyqa, n) for n in PUBLIC]
    things += [getattr(policyqa.Tables, m) for m in ("join", "provenance", "source_line", "as_dict", "names")]
    things += [getattr(analysis, n) for n in analysis.__all__ if callable(getattr(analysis, n))]
    for thing in things:
        doc = inspect.getdoc(thing) or ""
        assert doc.count(">>>") >= 1 and len(doc.splitlines()) >= 2, getattr(thing, "__name__", thing)


def test_unknown_attribute_of_the_package_names_the_public_api():
    with pytest.raises(AttributeError, match="read_corpus"):
        policyqa.read_tables  # noqa: B018


# ----------------------------------------------------------------------------- the Tables object

def test_tables_repr_is_short_and_counts_what_is_there(corpus):
    text = repr(corpus)
    assert len(text) < 600 and text.count("\n") <= 3
    for name, df in corpus.as_dict().items():
        if name != "diagnostics":
            assert f"{name} {len(df)}" in text
    assert f"{len(corpus.summaries)} chapters" in text
    assert f"{len(corpus.diagnostics)} diagnostics" in text


def test_tables_html_display_counts_rows_and_escapes_chapter_text(corpus, tmp_path):
    page = corpus._repr_html_()
    for name, df in corpus.as_dict().items():
        assert re.search(rf"<td[^>]*>{name}</td><td>{len(df)}</td>", page), name
    # a chapter whose jurisdiction (from the manifest) is a script
    (tmp_path / "x.txt").write_bytes((RAW / "eu.txt").read_bytes())
    (tmp_path / "manifest.csv").write_text("file,jurisdiction,sections,edition\n"
                                           'x.txt,"Den<script>alert(1)</script>mark",,2020\n', encoding="utf-8")
    t = policyqa.read_corpus(tmp_path)
    page = t._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_tables_by_name_and_mistyped_names(corpus):
    assert corpus["guidelines"] is corpus.guidelines
    with pytest.raises(KeyError, match="the tables are questions, guidelines"):
        corpus["guideline"]
    with pytest.raises(AttributeError, match="its tables are questions, guidelines"):
        corpus.guideline  # noqa: B018


def test_provenance_errors_name_what_exists(corpus):
    with pytest.raises(KeyError) as info:
        corpus.provenance("authorities", 0)
    message = str(info.value)
    assert message.startswith("authorities has no source line")
    for table in ("questions", "guidelines", "obligations", "diagnostics"):
        assert table in message
    with pytest.raises(KeyError, match="the tables are"):
        corpus.provenance("nope", 0)
    with pytest.raises(KeyError, match=f"its rows are 0 to {len(corpus.guidelines) - 1}"):
        corpus.provenance("guidelines", len(corpus.guidelines) + 5)
    with pytest.raises(KeyError, match="they were read from"):
        corpus.source_line("nowhere.txt", 1)


def test_provenance_of_every_traceable_table_is_its_source_line(corpus):
    for table in corpus.TRACEABLE:
        df = corpus[table]
        if len(df):
            said = corpus.provenance(table, df.index[-1])
            assert re.match(r"^\S+:\d+: ", said), (table, said)


# ----------------------------------------------------------------------------- joins

def test_the_readme_join_has_no_suffixes(chapter):
    """README: `t.obligations.merge(t.guidelines, on="guideline_id")` gives clean columns."""
    joined = chapter.obligations.merge(chapter.guidelines, on="guideline_id")
    assert not [c for c in joined.columns if c.endswith(("_x", "_y"))]
    assert len(joined) == len(chapter.obligations)
    shared = set(chapter.obligations.columns) & set(chapter.guidelines.columns)
    assert shared == {"guideline_id"}


def test_join_helper_brings_the_other_table_without_suffixes(corpus):
    j = corpus.join("obligations", "guidelines", columns=["title", "issuing_authority"])
    assert list(j.columns) == [*corpus.obligations.columns, "title", "issuing_authority"]
    assert len(j) == len(corpus.obligations) and j["title"].notna().all()
    g = corpus.join("guidelines", "questions")
    assert len(g) == len(corpus.guidelines)
    assert {"question", "stance", "answer"} <= set(g.columns)
    assert not [c for c in g.columns if c.endswith(("_x", "_y"))]
    # a column both tables have comes only when asked for, named after its table
    g = corpus.join("guidelines", "questions", columns=["line", "stance"])
    assert "line_questions" in g.columns and (g["line_questions"] <= g["line"]).all()
    a = corpus.join("guidelines", "authorities", columns=["n_guidelines"])
    named = a["issuing_authority"].notna()
    assert (a.loc[named, "n_guidelines"] >= 1).all()


def test_join_errors_name_what_exists(corpus):
    with pytest.raises(KeyError, match="its columns are guideline_id, jurisdiction"):
        corpus.join("obligations", "guidelines", columns=["abbreviation"])
    with pytest.raises(KeyError, match="tables that join: obligations-guidelines"):
        corpus.join("questions", "obligations")
    with pytest.raises(KeyError, match="the tables are"):
        corpus.join("obligation", "guidelines")


def test_one_vocabulary_across_tables(corpus):
    """One name for the abbreviation column, editions that are years or empty, stances as the charts say them."""
    assert "abbreviation" not in corpus.authorities.columns
    assert "authority_abbreviation" in corpus.authorities.columns
    assert "authority_abbreviation" in corpus.guidelines.columns
    for name, df in corpus.as_dict().items():
        if "edition" in df.columns:
            assert df["edition"].dropna().astype(str).str.fullmatch(r"\d{4}").all(), name
    assert "descriptive" in set(corpus.questions["stance"].cat.categories)


# ----------------------------------------------------------------------------- analysis helpers

def test_analysis_helpers_say_which_columns_they_need(corpus):
    with pytest.raises(KeyError, match=r"needs columns? .*this frame has guideline_id"):
        analysis.guideline_levels(corpus.obligations, corpus.obligations)
    with pytest.raises(KeyError, match="needs column"):
        analysis.answers_side_by_side(corpus.guidelines, 13)
    with pytest.raises(KeyError, match="choose audience"):
        analysis.guideline_levels(corpus.guidelines, corpus.obligations, by="group")
    with pytest.raises(KeyError, match="the files here are"):
        analysis.select_files(corpus, {"nowhere.txt"})


def test_styled_tables_escape_chapter_text():
    frame = pd.DataFrame({"jurisdiction": ["Den<script>alert(1)</script>mark"], "answer": ["a <b>bold</b> claim"]},
                         index=["<i>row</i>"])
    page = analysis.styled(frame).to_html()
    assert "<script>" not in page and "<b>bold" not in page and "<i>row" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>" in frame.style.to_html(), "control: pandas' own Styler does not escape"


def test_question_labels_tell_questions_apart():
    texts = {
        27: "Describe any rules requiring organisations to keep records of cyberthreats or attacks.",
        28: "Describe any rules requiring organisations to report cybersecurity breaches to regulatory authorities.",
        30: "Describe any rules requiring organisations to report threats or breaches to others in the industry.",
        13: "Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?",
    }
    labels = analysis.question_labels(texts, width=64)
    assert set(labels) == set(texts)
    bodies = [re.sub(r"^Q\d+ ", "", v) for v in labels.values()]
    assert len(set(bodies)) == len(bodies), labels
    for n, label in labels.items():
        assert label.startswith(f"Q{n} ") and len(label) <= 64
    assert "keep records" in labels[27] and "cybersecurity breaches" in labels[28] and "threats or" in labels[30]
    # the first words alone would not tell them apart
    assert len({t[:40] for t in texts.values()}) < len(texts)


def test_question_labels_of_the_corpus_are_distinct(corpus):
    labels = analysis.question_labels(corpus.questions, width=64)
    bodies = [re.sub(r"^Q\d+ ", "", v) for v in labels.values()]
    assert len(set(bodies)) == len(bodies)


def test_binds_says_every_audience_in_words(corpus):
    said = analysis.binds(corpus.guidelines, corpus.obligations)
    assert set(said.index) == set(corpus.guidelines["guideline_id"])
    for r in corpus.obligations.itertuples():
        text = said[r.guideline_id]
        if r.audience != "not stated" and r.mandatoriness != "not stated":
            assert f"{r.mandatoriness} for {r.audience}" in text
        elif r.audience == "not stated" and r.mandatoriness != "not stated":
            assert f"{r.mandatoriness}, no audience named" in text
    assert not said.str.contains("for not stated").any()


def test_readme_python_api_block_runs(tmp_path):
    """The README's Python API lines run as written, from the project folder."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    code = "\n".join(line.split("  #")[0].rstrip() if "#" in line else line for line in block.splitlines())
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "docs/codebook.md" in section


def test_pydoc_of_the_analysis_module_lists_its_helpers():
    text = pydoc.render_doc(analysis, renderer=pydoc.plaintext)
    for name in ("select", "newest_editions", "outline", "answers_side_by_side", "authority_table", "styled"):
        assert name in text
