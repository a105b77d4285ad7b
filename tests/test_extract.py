"""Extraction on small texts: guidelines in lists and prose, authorities, obligations, stance, references."""

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


def test_guideline_named_only_in_running_text_with_abbreviation_expanded(tmp_path):
    text = (f"{Q13}\n\nYes. The National Cyber Security Centre (NCSC) publishes guidance for businesses. "
            "It also maintains 10 Steps to Cyber Security, guidance aimed at helping organisations manage cyber "
            "risk. The NCSC’s Board Toolkit is recommended for boards of listed companies.\n")
    t = chapter(tmp_path, text)
    g = t.guidelines.set_index("title")
    assert list(g.index) == ["10 Steps to Cyber Security", "Board Toolkit"]
    assert set(g["issuing_authority"]) == {"National Cyber Security Centre"}
    assert set(g["authority_abbreviation"]) == {"NCSC"}
    assert (g["where"] == "prose").all()
    assert obligations_of(t, "Board Toolkit") == {("listed companies", "voluntary")}


def test_chapter_level_statement_gives_two_rows_per_guideline(tmp_path):
    text = (f"{Q13}\n\nYes. The Cyber Agency has published guidelines. The guidelines are voluntary to follow for "
            "private companies and are in some cases compulsory for public authorities. Examples include:\n\n"
            "  • Guide to IT preparedness planning;\n  • Guide on securing mobile devices.\n")
    t = chapter(tmp_path, text)
    assert len(t.guidelines) == 2
    for title in t.guidelines["title"]:
        assert obligations_of(t, title) == {("private companies", "voluntary"),
                                            ("public authorities", "mandatory in some cases")}
    assert set(t.guidelines["issuing_authority"]) == {"Cyber Agency"}


def test_own_sentence_adds_to_the_covering_statement_of_its_paragraph(tmp_path):
    text = (f"{Q15}\n\nThe guidelines are voluntary for companies. In addition, the Data Commission has issued "
            "the Breach Response Guide, which requires data controllers to notify breaches within 72 hours. "
            "The non-binding Cloud Security Framework is optional for small and medium-sized enterprises.\n")
    t = chapter(tmp_path, text)
    assert obligations_of(t, "Breach Response Guide") == {("data controllers and processors", "mandatory"),
                                                          ("companies", "voluntary")}
    assert obligations_of(t, "Cloud Security Framework") == {("small and medium-sized enterprises", "voluntary"),
                                                             ("companies", "voluntary")}


def test_own_sentence_beats_the_answers_opening_statement(tmp_path):
    text = (f"{Q15}\n\nThe guidelines are voluntary for companies.\n\nIn addition, the Data Commission has issued "
            "the Breach Response Guide, which requires data controllers to notify breaches within 72 hours.\n")
    t = chapter(tmp_path, text)
    assert obligations_of(t, "Breach Response Guide") == {("data controllers and processors", "mandatory")}


def test_a_later_sentence_naming_a_listed_guideline_adds_its_obligation(tmp_path):
    text = (f"{Q13}\n\nThe guidance is voluntary for private organisations. Examples include:\n\n"
            "  • Guidance from the Cyber Centre;\n  • Cyber Essentials;\n  • Board Toolkit.\n\n"
            "However, Cyber Essentials certification has been mandatory for suppliers bidding for government "
            "contracts since 2014.\n")
    t = chapter(tmp_path, text)
    assert obligations_of(t, "Cyber Essentials") == {("private companies", "voluntary"),
                                                     ("suppliers and contractors", "mandatory")}
    assert obligations_of(t, "Board Toolkit") == {("private companies", "voluntary")}


def test_two_guidelines_in_one_sentence_keep_their_own_status(tmp_path):
    text = (f"{Q15}\n\nThe Prudential Authority (PA) has issued Prudential Standard CPS 234, which is legally "
            "binding on regulated entities, and Prudential Practice Guide CPG 234, which is guidance only and "
            "not binding.\n")
    t = chapter(tmp_path, text)
    assert obligations_of(t, "Prudential Standard CPS 234") == {("regulated entities", "mandatory")}
    assert obligations_of(t, "Prudential Practice Guide CPG 234") == {("not stated", "voluntary")}


def test_nothing_stated_gives_not_stated(tmp_path):
    t = chapter(tmp_path, f"{Q15}\n\nSeveral standards exist, the first being ISO/IEC 27000.\n")
    assert obligations_of(t, "ISO/IEC 27000") == {("not stated", "not stated")}
    assert t.guidelines.iloc[0]["issuing_authority"] == "International Organization for Standardization"


def test_mandatoriness_is_an_ordered_category(tmp_path):
    text = (f"{Q13}\n\nThe guidelines are voluntary to follow for private companies and are in some cases "
            "compulsory for public authorities. Examples include:\n\n  • Guide to patching.\n")
    t = chapter(tmp_path, text)
    m = t.obligations["mandatoriness"]
    assert m.cat.ordered
    assert list(m.cat.categories) == ["not stated", "voluntary", "mandatory in some cases", "mandatory"]
    assert m.max() == "mandatory in some cases"


def test_weak_instrument_needs_guidance_context(tmp_path):
    text = (f"{Q14}\n\nEach year, the government publishes a ‘National Strategy for cyber- and information "
            "security’, which describes its plans.\n\n"
            "Such rules might also take the form of guidelines. For instance, the Cabinet adopted a revised "
            "Cybersecurity Strategy on 27 July 2018.\n")
    t = chapter(tmp_path, text)
    assert list(t.guidelines["title"]) == ["Cybersecurity Strategy"]
    assert t.guidelines.iloc[0]["issuing_authority"] == "Cabinet"


def test_organisation_names_are_not_guidelines(tmp_path):
    text = (f"{Q13}\n\nThe Cyber Security Strategy Headquarters and the Swiss Association for Standardization "
            "coordinate industry standards. GB standards are mandatory.\n")
    t = chapter(tmp_path, text)
    assert t.guidelines.empty


def test_cross_references_singular_plural_and_by_heading(tmp_path):
    text = (f"Best practice\n\nIncreased protection\n\n{Q13}\n\nSee question 1.\n\n{Q14}\n\n"
            "See questions 16, 21 and 24.\n\n"
            f"{Q15}\n\nSee ‘Increased protection’. See ‘Legislation’. See below for further details.\n")
    t = chapter(tmp_path, text)
    pairs = sorted(zip(t.cross_references["from_question_no"], t.cross_references["to_question_no"]))
    assert pairs == [(13, 1), (14, 16), (14, 21), (14, 24), (15, 1), (15, 13)]
    assert set(t.cross_references["line"]) == {7, 11, 15}


def test_stance(tmp_path):
    text = (f"{Q13}\n\nYes. The agency publishes guides.\n\n{Q14}\n\nThe government does not incentivise "
            "organisations. It has, however, set up several schemes for SMEs.\n\n"
            f"{Q15}\n\nThere are no designated standards.\n\n{Q16}\n\nThe country has issued a variety of rules.\n\n"
            f"{Q19}\n\nInsurance is offered by several insurers, and is becoming common.\n")
    t = chapter(tmp_path, text)
    got = dict(zip(t.questions["question_no"], t.questions["stance"]))
    assert got == {13: "yes", 14: "partly", 15: "no", 16: "yes", 19: "yes"}


def test_descriptive_stance_for_open_questions(tmp_path):
    t = chapter(tmp_path, f"{Q14}\n\nThe matter is largely left to the member states.\n")
    assert t.questions.iloc[0]["stance"] == "descriptive"


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
