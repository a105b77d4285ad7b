"""Each quirk of real chapters (ANNOTATION.md, "What the text of real chapters does") on a small text."""

from __future__ import annotations

import pytest
from util import chapter

Q13 = "Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?"
Q14 = "How does the government incentivise organisations to improve their cybersecurity?"
Q15 = ("Identify and outline the main industry standards and codes of practice promoting cybersecurity. "
       "Where can these be accessed?")
Q27 = "Describe any rules requiring organisations to keep records of cyberthreats or attacks."
Q28 = "Describe any rules requiring organisations to report cybersecurity breaches to regulatory authorities."
Q29 = "What is the timeline for reporting to the authorities?"


def qnos(t):
    return list(t.questions["question_no"])


# ---------------------------------------------------------------- headings


def test_bare_headings_set_section_and_subsection(tmp_path):
    t = chapter(tmp_path, f"Best practice\n\nIncreased protection\n\n{Q13}\n\nYes.\n")
    row = t.questions.iloc[0]
    assert (row["section"], row["subsection"], row["question_no"]) == ("Best practice", "Increased protection", 13)


def test_missing_heading_leaves_section_empty(tmp_path):
    t = chapter(tmp_path, f"{Q13}\n\nYes.\n\n{Q14}\n\nIt does not.\n")
    assert qnos(t) == [13, 14]
    assert t.questions["section"].isna().all()


def test_heading_glued_to_question(tmp_path):
    t = chapter(tmp_path, f"Best practice\n\nIncreased protection{Q13}\n\nYes.\n")
    ch = t.chapters[0]
    assert qnos(t) == [13]
    assert t.questions.iloc[0]["question"] == Q13
    assert t.questions.iloc[0]["subsection"] == "Increased protection"
    assert [h.text for h in ch.headings] == ["Best practice", "Increased protection"]


def test_heading_glued_to_a_printed_question_number(tmp_path):
    t = chapter(tmp_path, f"Best practice\n\nIncreased protection13. {Q13}\n\nYes.\n")
    assert qnos(t) == [13]
    assert t.questions.iloc[0]["question"] == Q13
    assert t.questions.iloc[0]["subsection"] == "Increased protection"


def test_question_numbered_without_a_dot(tmp_path):
    # "13 Do the authorities ...?": the number is the question's, and no part of its text; a list line that
    # starts with a number ("10 Steps to Cyber Security") is still an item
    t = chapter(tmp_path, f"13 {Q13}\n\nYes:\n\n10 Steps to Cyber Security, issued by the Cyber Centre.\n\n14 {Q14}\n\nNo.\n")
    assert qnos(t) == [13, 14]
    assert list(t.questions["question"]) == [Q13, Q14]
    assert list(t.questions["match"]) == ["printed", "printed"]


def test_a_flattened_table_header_is_reported_with_its_line(tmp_path):
    rows = "Document | Issuer | Audience | Status\nCloud Guide | Cyber Agency | banks | Yes\nPatch Guide | Cyber Agency | banks | No\n"
    t = chapter(tmp_path, f"{Q13}\n\nYes:\n\n{rows}")
    headers = t.diagnostics[t.diagnostics["message"].str.startswith("table header")]
    assert list(headers["line"]) == [5]
    assert sorted(t.guidelines["title"]) == ["Cloud Guide", "Patch Guide"]


def test_a_bar_table_pasted_with_blank_lines_between_its_rows(tmp_path):
    # a web page's table pasted with a blank line after the header and after every row: each row is read as a
    # row (its audience cell whole, its status cell its level), not as a paragraph of bars
    rows = ("Title | Issuer | Addressed to | Status\n\n"
            "Security Policy and Standards | Digital Unit | ministries and departments | mandatory\n\n"
            "Cyber Guidelines for Small Firms | Digital Unit | small businesses | recommended\n\n"
            "Network Security Guidelines | Telecoms Regulator | telecommunications licensees | \n")
    t = chapter(tmp_path, f"{Q15}\n\nThe main documents are set out below:\n\n{rows}\nSee also question 13.\n")
    o = t.obligations.merge(t.guidelines[["guideline_id", "title"]], on="guideline_id")
    got = {(r.title, r.audience, r.mandatoriness) for r in o.itertuples()}
    assert ("Cyber Guidelines for Small Firms", "small businesses", "voluntary") in got, got
    assert ("Security Policy and Standards", "ministries", "mandatory") in got, got
    headers = t.diagnostics[t.diagnostics["message"].str.startswith("table header")]
    assert list(headers["line"]) == [5]


def test_a_tab_table_with_a_wrapped_cell_and_a_page_break_inside(tmp_path):
    # a print copy's table: a cell wrapped onto its own line, a page break (footer, header) between rows, an
    # empty last cell, and a row pasted with spaces instead of tabs; every row is a guideline, nothing is lost
    rows = ("Document\tIssued by\tAddressed to\n"
            "Government Information Security Standards\tOGCIO\tMinistries, departments and\n"
            "statutory agencies\n"
            "Cyber Security Baseline for Telecommunications Licensees\tTRBR\tTelecommunications licensees\n"
            "\nwww.lexology.com/gtdt                                   171\nCybersecurity 2025\n\n"
            "Essential Cyber Hygiene Controls\tCERTVU\tAll organisations\n"
            "Cyber Incident Response Guide\tCERTVU\t\n"
            "Guidelines on Cyber Risk for Financial Service Providers    VFSC    Licensees of the VFSC\n")
    t = chapter(tmp_path, f"{Q13}\n\nYes:\n{rows}")
    assert sorted(t.guidelines["title"]) == sorted([
        "Government Information Security Standards", "Cyber Security Baseline for Telecommunications Licensees",
        "Essential Cyber Hygiene Controls", "Cyber Incident Response Guide",
        "Guidelines on Cyber Risk for Financial Service Providers"])
    audiences = set(t.obligations["audience"])
    assert "statutory agencies" in audiences  # the wrapped cell joined the row above
    assert (t.diagnostics["level"] == "unplaced").sum() == 0
    from policyqa import cli
    (counts,) = cli.line_counts(t)  # the header is in diagnostics, the wrapped cell placed with its row
    assert counts["lost"] == 0 and counts["diagnostics"] >= 1, counts


def test_a_table_flattened_one_cell_a_line(tmp_path):
    # a web copy's table pasted one cell a line: four header lines, then four lines a row; every row is a
    # guideline with its issuer, audience and status, each header line is in diagnostics, nothing is lost
    rows = ("Title\nIssuer\nAddressed to\nStatus\n"
            "National Security Framework\nDigital Agency\nministries and local authorities\nCompulsory\n"
            "Security Guide for Small Firms\nChamber of Commerce\n–\nRecommended\n"
            "Network Security Guidelines\nTelecoms Regulator\nlicensed operators\nBinding on licensed operators\n")
    t = chapter(tmp_path, f"{Q13}\n\nYes. The main documents are:\n\n{rows}\nThe table reflects the position in 2025.\n")
    g = t.guidelines.set_index("title")
    assert sorted(g.index) == ["National Security Framework", "Network Security Guidelines",
                               "Security Guide for Small Firms"]
    assert g.loc["Security Guide for Small Firms", "issuing_authority"] == "Chamber of Commerce"
    o = t.obligations.merge(t.guidelines[["guideline_id", "title"]], on="guideline_id")
    framework = o[o["title"] == "National Security Framework"]
    assert set(framework["mandatoriness"]) == {"mandatory"}
    headers = t.diagnostics[t.diagnostics["message"].str.startswith("table header")]
    assert list(headers["line"]) == [5, 6, 7, 8]
    from policyqa import cli
    (counts,) = cli.line_counts(t)
    assert counts["lost"] == 0, counts


def test_a_one_cell_a_line_table_with_no_blank_line_after_it(tmp_path):
    # a copy with no blank lines at all: the table runs straight into a "Source:" line and the next paragraph;
    # the whole rows are read, and the source line and the paragraph stay answer text
    rows = ("Document\nIssuer\nAddressees\nStatus\n"
            "IT Security Standard for Banks\nCentral Bank\ncommercial banks\nbinding\n"
            "Cyber Hygiene Checklist for Small Businesses\nDigital Agency\nsmall businesses\nvoluntary\n"
            "Source: Digital Agency, Annual Report 2024\n"
            "The Central Bank publishes its documents on its website; the Digital Agency's are available on request.\n")
    t = chapter(tmp_path, f"{Q15}\nThe table below summarises the documents in force.\n{rows}")
    o = t.obligations.merge(t.guidelines[["guideline_id", "title"]], on="guideline_id")
    got = {(r.title, r.mandatoriness) for r in o.itertuples()}
    assert got == {("IT Security Standard for Banks", "mandatory"),
                   ("Cyber Hygiene Checklist for Small Businesses", "voluntary")}, got
    from policyqa import cli
    (counts,) = cli.line_counts(t)
    assert counts["lost"] == 0, counts


def test_inline_subheading_inside_answer_is_answer_text(tmp_path):
    text = (f"Legal framework\n\n{Q27}\n\nThere are sector rules.\n\nCritical infrastructure\n\n"
            "  • operators must keep logs;\n  • and report them.\n\nBest practice\n\n{Q13}\n\nYes.\n")
    t = chapter(tmp_path, text.replace("{Q13}", Q13))
    ch = t.chapters[0]
    q27 = ch.questions[0]
    assert [b.kind for b in q27.blocks] == ["paragraph", "subheading", "item", "item"]
    assert "Critical infrastructure" not in [h.text for h in ch.headings]
    assert ch.questions[1].section == "Best practice"


def test_section_heading_after_unanswered_question(tmp_path):
    text = f"Best practice\n\n{Q13}\n\nYes.\n\n{Q14}\n\nThreat detection and reporting\n\nPolicies and procedures\n\n{Q27}\n\nNone.\n"
    t = chapter(tmp_path, text)
    assert qnos(t) == [13, 14, 27]
    q14 = t.questions.set_index("question_no").loc[14]
    assert q14["answer"] == "" and q14["stance"] == "unanswered"
    assert t.questions.set_index("question_no").loc[27, "section"] == "Threat detection and reporting"
    assert (t.diagnostics["message"] == "question 14 has no answer").any()


# ---------------------------------------------------------------- blank lines


@pytest.mark.parametrize("sep", ["\n", "\n\n", "\n\n\n", "\n   \n", "\n\u00a0\u00a0\n", "\n \n\n \n"])
def test_blank_line_styles(tmp_path, sep):
    text = sep.join(["Best practice", "Increased protection", Q13, "Yes. Guidance exists.", Q14, "It does not."])
    t = chapter(tmp_path, text + "\n")
    assert qnos(t) == [13, 14]
    assert list(t.questions["stance"]) == ["yes", "no"]
    assert (t.diagnostics["level"] == "unplaced").sum() == 0


# ---------------------------------------------------------------- questions


def test_imperative_question_ending_with_full_stop(tmp_path):
    t = chapter(tmp_path, f"{Q27}\n\nNo such rules exist.\n")
    assert qnos(t) == [27]
    assert t.questions.iloc[0]["stance"] == "no"


def test_two_sentence_question_is_one_question(tmp_path):
    t = chapter(tmp_path, f"{Q15}\n\nThere are none.\n")
    assert qnos(t) == [15] and t.questions.iloc[0]["question"] == Q15


def test_a_question_run_on_into_its_answer_on_one_line(tmp_path):
    # each question and its answer share a line; a two-sentence question is still one question
    t = chapter(tmp_path, f"{Q13} Yes. The Cyber Agency issued the Cloud Guide, voluntary for banks.\n"
                          f"{Q14} It does not.\n{Q15} See question 13.\n")
    assert qnos(t) == [13, 14, 15]
    assert list(t.questions["question"]) == [Q13, Q14, Q15]
    assert list(t.questions["stance"])[:2] == ["yes", "no"]
    assert list(t.guidelines["title"]) == ["Cloud Guide"] and list(t.guidelines["line"]) == [1]
    assert list(zip(t.cross_references["from_question_no"], t.cross_references["to_question_no"])) == [(15, 13)]


def test_a_table_header_at_the_end_of_an_answer_line(tmp_path):
    # "... the documents are set out below. Document | Issuer | Status", then one row a line
    rows = "Cloud Guide | Cyber Agency | voluntary\nPatch Guide | Cyber Agency | mandatory for banks\n"
    t = chapter(tmp_path, f"{Q13} Yes. The documents are set out below. Document | Issuer | Status\n{rows}")
    headers = t.diagnostics[t.diagnostics["message"].str.startswith("table header")]
    assert list(headers["line"]) == [1]
    assert sorted(t.guidelines["title"]) == ["Cloud Guide", "Patch Guide"]
    assert set(t.guidelines["issuing_authority"]) == {"Cyber Agency"}


def test_printed_number_wins_over_wording(tmp_path):
    # the wording is question 13's, the print edition says 14: the printed number wins
    t = chapter(tmp_path, f"14. {Q13}\n\nYes.\n")
    assert qnos(t) == [14]
    assert t.questions.iloc[0]["match"] == "printed"


def test_wording_drift_between_editions_is_matched_and_reported(tmp_path):
    drifted = "Do the authorities recommend any additional cybersecurity protections beyond what the law mandates?"
    t = chapter(tmp_path, f"{drifted}\n\nYes.\n")
    assert qnos(t) == [13]
    assert t.questions.iloc[0]["match"] == "fuzzy"
    guesses = t.diagnostics[t.diagnostics["level"] == "guess"]
    assert guesses["message"].str.contains("matched by wording to question 13").any()


def test_question_without_answer_and_two_questions_sharing_one(tmp_path):
    text = (f"{Q27}\n\n{Q28}\n\nSo far, no regulation requires such records.\n\n"
            f"Describe any rules requiring organisations to report threats or breaches to others in the industry, "
            f"to customers or to the general public.\n\nNone.\n\n{Q29}\n\n")
    # Q27 here has no answer of its own and shares nothing with Q28's answer ... check the next case instead
    t = chapter(tmp_path, text)
    assert 27 in qnos(t)


def test_shared_answer_gives_both_questions_the_answer_and_the_references(tmp_path):
    text = (f"{Q28}\n\n{Q29}\n\nNo law requires a business to report on cybersecurity at regular intervals. "
            "Obligations to report a leakage are covered in question 24.\n")
    t = chapter(tmp_path, text)
    q = t.questions.set_index("question_no")
    assert q.loc[28, "answer"] == q.loc[29, "answer"] != ""
    assert q.loc[28, "shares_answer_with"] == 29
    pairs = set(zip(t.cross_references["from_question_no"], t.cross_references["to_question_no"]))
    assert pairs == {(28, 24), (29, 24)}


def test_unanswered_question_does_not_borrow_an_unrelated_answer(tmp_path):
    text = (
        "What policies or procedures must organisations have in place to protect data or information technology "
        f"systems from cyberthreats?\n\n{Q27}\n\nSo far, no laws or regulations contain rules that directly and "
        "expressly impose such obligations.\n"
    )
    t = chapter(tmp_path, text)
    q = t.questions.set_index("question_no")
    assert q.loc[26, "answer"] == "" and q.loc[26, "stance"] == "unanswered"
    assert q.loc[27, "stance"] == "no"


# ---------------------------------------------------------------- lists


def test_bullet_styles_and_nesting(tmp_path):
    text = (f"{Q15}\n\nThe standards include:\n\n  • ISO/IEC 27001;\n    • Annex A controls;\n- NIST Cybersecurity "
            "Framework; and\n  •; and\n")
    t = chapter(tmp_path, text)
    blocks = t.chapters[0].questions[0].blocks
    assert [(b.kind, b.level) for b in blocks] == [("paragraph", 0), ("item", 0), ("item", 1), ("item", 0),
                                                     ("item", 0)]
    assert "  • Annex A controls;" in t.questions.iloc[0]["answer"].split("\n")
    assert (t.diagnostics["message"].str.contains("empty list item")).sum() == 1
    titles = set(t.guidelines["title"])
    assert {"ISO/IEC 27001", "NIST Cybersecurity Framework"} <= titles
    assert "" not in titles


def test_group_labels_set_the_authority_and_are_not_guidelines(tmp_path):
    text = (f"{Q13}\n\nYes. The guidelines are voluntary for private companies. Examples include (not a full list):\n\n"
            "  • Guides from the Agency for Digital Things;\n  • Guide to patching;\n  • Guide to backups;\n"
            "  • Guides from the Cyber Centre of Testland;\n  • Guide on phishing; and\n"
            "  • recommendations on outsourcing.\n")
    t = chapter(tmp_path, text)
    g = t.guidelines.set_index("title")
    assert list(g.index) == ["Guide to patching", "Guide to backups", "Guide on phishing",
                             "Recommendations on outsourcing"]
    assert list(g["issuing_authority"]) == ["Agency for Digital Things"] * 2 + ["Cyber Centre of Testland"] * 2
    assert g["not_exhaustive"].all()


def test_list_of_practices_is_not_a_list_of_guidelines(tmp_path):
    text = (f"{Q13}\n\nThe agency gathered recommendations in a review. Among them are:\n\n"
            "  • maintaining records of every piece of hardware;\n  • using a secure configuration; and \n"
            "  • checking all incoming emails.\n")
    t = chapter(tmp_path, text)
    assert t.guidelines.empty


def test_dangling_link_brackets_are_kept_as_text(tmp_path):
    text = f"{Q15}\n\nThe guides are available via (only in Danish): (the Agency) and (the Centre).\n"
    t = chapter(tmp_path, text)
    assert "(only in Danish): (the Agency)" in t.questions.iloc[0]["answer"]
    assert t.guidelines.empty


# ---------------------------------------------------------------- text noise


def test_page_furniture_is_kept_aside(tmp_path):
    text = (f"Cybersecurity – Testland\n\nJane Doe, Doe & Partners\n\nRead More…\n\nBest practice\n\nIncreased protection\n\n"
            f"{Q13}\n\nYes.\n")
    t = chapter(tmp_path, text)
    ch = t.chapters[0]
    assert [line for line, _ in ch.furniture] == [1, 3, 5]
    assert qnos(t) == [13] and t.questions.iloc[0]["section"] == "Best practice"


def test_typos_missing_spaces_quotes_and_footnotes(tmp_path):
    text = (f"{Q15}\n\nSeveral standards exist, the first being ISO/IEC 27000 [7], which the Centrefor Cyber "
            "Security cites.Government bodies follow the ‘Guide to Secure Mail’ – a checklist.\n")
    t = chapter(tmp_path, text)
    titles = list(t.guidelines["title"])
    assert "ISO/IEC 27000" in titles  # the footnote mark is not part of the title
    assert "Guide to Secure Mail" in titles


def test_last_answer_cut_mid_word_is_reported(tmp_path):
    t = chapter(tmp_path, f"{Q14}\n\nMost states rely instead on public–private partnersh\n")
    assert t.questions.iloc[0]["answer"].endswith("partnersh")
    assert t.diagnostics["message"].str.contains("stops mid-sentence").any()


def test_title_line_names_the_jurisdiction(tmp_path):
    text = f"Cybersecurity – Ruritania\n\nRead More…\n\nBest practice\n\n{Q13}\n\nPartly. Some guidance exists.\n"
    t = chapter(tmp_path, text, jurisdiction=None)
    assert set(t.questions["jurisdiction"]) == {"Ruritania"}
    assert t.questions.iloc[0]["stance"] == "partly"
    assert t.diagnostics["message"].str.contains("from the title line").any()


def test_missing_space_after_a_full_stop_still_ends_the_sentence(tmp_path):
    text = (f"{Q13}\n\nYes. The agency publishes recommendations on its website.The publications listed below are "
            "non-binding for private companies, whereas federal authorities are required to comply with them:\n\n"
            "  • Guide to patching.\n")
    t = chapter(tmp_path, text)
    o = t.obligations
    assert set(zip(o["audience"], o["mandatoriness"].astype(str))) == {("private companies", "voluntary"),
                                                                      ("federal authorities", "mandatory")}


def test_print_copy_hard_wrapped_at_a_width(tmp_path):
    # "Q13" without a full stop, the question wrapped over two lines, answer lines cut wherever the width falls
    import textwrap
    answer = ("Yes. The National Cyber Security Centre under the Ministry of National Defence (NKSC) publishes "
              "the Cyber Hygiene Handbook and the Remote Work Security Recommendations, both of which are "
              "voluntary for private businesses and for public sector bodies alike. " * 2)
    text = "\n".join(["Best practice", "", "Increased protection", "", *textwrap.wrap("Q13 " + Q13, 60), "",
                      *textwrap.wrap(answer, 60), "", *textwrap.wrap("Q14 " + Q14, 60), "",
                      *textwrap.wrap("It does not. " * 8, 60)])
    t = chapter(tmp_path, text + "\n")
    assert qnos(t) == [13, 14]
    assert list(t.questions["question"]) == [Q13, Q14]
    assert (t.diagnostics["level"] == "unplaced").sum() == 0
    assert "Cyber Hygiene Handbook" in set(t.guidelines["title"])


def test_headings_right_above_a_wrapped_question_stay_headings(tmp_path):
    # no blank lines: "Best practice" / "Increased protection" / the question cut before "by law?"; the
    # headings are not read as the question's first words
    text = "\n".join(["Best practice", "Increased protection", Q13[:-8], Q13[-7:], "Yes. The guidance is voluntary.",
                      Q14, "It does not."])
    t = chapter(tmp_path, text + "\n")
    assert qnos(t) == [13, 14]
    row = t.questions.iloc[0]
    assert (row["question"], row["section"], row["subsection"]) == (Q13, "Best practice", "Increased protection")


def test_print_copy_hyphenated_at_the_wrap(tmp_path):
    # the typesetter's hyphens go ("Digitalisa-" / "tion", "compul-" / "sory"); a compound the chapter writes
    # with its hyphen elsewhere keeps it ("state-" / "owned"); the words join again wherever they were cut
    text = "\n".join([
        "Best practice", "", "Increased protection", "", Q13, "",
        "Yes. The Government ICT Security Standards issued by the E-Governance and Digitalisa-",
        "tion Unit (EGDU) in the Ministry of Public Utilities are binding on ministries and",
        "departments of central gov- ",
        "ernment and recommended to state-owned enterprises. The Network Security Guide of the",
        "regulator is compul-",
        "sory for the state-",
        "owned operators and recommended to the others.", ""])
    from policyqa.parse import chapter_words, join_wrapped
    vocab = chapter_words(text.splitlines())
    assert join_wrapped("and Digitalisa-", "tion Unit", vocab) == "and Digitalisation Unit"
    assert join_wrapped("for the state-", "owned operators", vocab) == "for the state-owned operators"
    assert join_wrapped("ISO-", "27001", vocab) == "ISO- 27001"  # no word goes on: nothing to join
    t = chapter(tmp_path, text)
    assert "E-Governance and Digitalisation Unit" in set(t.guidelines["issuing_authority"])
    obligations = {(a, m) for a, m in zip(t.obligations["audience"], t.obligations["mandatoriness"])}
    assert ("departments of central government", "mandatory") in obligations
    assert not any("gov-" in a or "gov " in a for a in t.obligations["audience"])
