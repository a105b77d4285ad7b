"""What the tables built from extraction promise beyond the rows (each rule family's rows are tested by its
fixture file in tests/fixtures/rules, see test_rules.py): ordered levels, jurisdictions, the authorities
table, provenance."""

from __future__ import annotations

import policyqa
from util import chapter

Q13 = "Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?"
Q14 = "How does the government incentivise organisations to improve their cybersecurity?"
Q15 = ("Identify and outline the main industry standards and codes of practice promoting cybersecurity. "
       "Where can these be accessed?")
Q16 = "Are there generally recommended best practices and procedures for responding to breaches?"
Q19 = "Is insurance for cybersecurity breaches available in your jurisdiction and is such insurance common?"


def obligations_of(t, title):
    gid = t.guidelines.set_index("title").loc[title, "guideline_id"]
    o = t.obligations[t.obligations["guideline_id"] == gid]
    return set(zip(o["audience"], o["mandatoriness"].astype(str)))


def test_mandatoriness_is_an_ordered_category(tmp_path):
    text = (f"{Q13}\n\nThe guidelines are voluntary to follow for private companies and are in some cases "
            "compulsory for public authorities. Examples include:\n\n  • Guide to patching.\n")
    t = chapter(tmp_path, text)
    m = t.obligations["mandatoriness"]
    assert m.cat.ordered
    assert list(m.cat.categories) == ["not stated", "voluntary", "mandatory in some cases", "mandatory"]
    assert m.max() == "mandatory in some cases"


def test_jurisdiction_from_text_caller_and_manifest(tmp_path):
    text = f"{Q13}\n\nYes. The Danish Agency publishes guides; Danish companies follow them in Denmark.\n"
    path = tmp_path / "chapter-a.txt"
    path.write_text(text, encoding="utf-8")
    t = policyqa.read_chapter(path, cache=False)
    assert set(t.questions["jurisdiction"]) == {"Denmark"}
    assert t.diagnostics["message"].str.contains("jurisdiction inferred as Denmark").any()
    assert set(policyqa.read_chapter(path, jurisdiction="Ruritania", cache=False).questions["jurisdiction"]) == \
        {"Ruritania"}
    (tmp_path / "manifest.csv").write_text("file,jurisdiction,edition\nchapter-a.txt,Greenland,2020\n")
    t = policyqa.read_corpus(tmp_path, cache=False)
    assert set(t.questions["jurisdiction"]) == {"Greenland"}
    assert set(t.questions["edition"]) == {"2020"}


def test_authorities_table_counts_guidelines(tmp_path):
    text = (f"{Q13}\n\nExamples include:\n\n  • Guides from the Agency for Digital Things;\n  • Guide one;\n"
            "  • Guide two;\n  • Guides from the Cyber Centre;\n  • Guide three.\n")
    t = chapter(tmp_path, text)
    a = t.authorities.set_index("issuing_authority")["n_guidelines"].to_dict()
    assert a == {"Agency for Digital Things": 2, "Cyber Centre": 1}


def test_every_row_traces_to_its_source_line(tmp_path):
    text = f"{Q13}\n\nYes. Examples include:\n\n  • Guides from the Cyber Centre;\n  • Guide on phishing.\n"
    t = chapter(tmp_path, text)
    row = t.guidelines.iloc[0]
    assert t.source_line(row["source_file"], row["line"]).strip() == "• Guide on phishing."
    assert t.provenance("guidelines", 0).startswith("chapter.txt:6: ")
    assert int(t.obligations.iloc[0]["status_line"]) >= 1
