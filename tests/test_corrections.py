"""policyqa.corrections on small inputs: what a row targets, what a malformed row says, spreadsheet quirks."""

from __future__ import annotations

import pytest
from policyqa import corrections
from policyqa.errors import PolicyqaError
from util import chapter

TEXT = """Best practice

Increased protection

Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?

Yes. The Testland Cyber Office (TCO) publishes guidance. The guidance is voluntary for private companies. Examples:

  • Guide to Secure Backups;
  • Guide to Patching; and
  • Guide to Phishing.

The Office's Handbook on Logging is mandatory for public bodies.
"""
HEADER = corrections.header_line()


def _read(folder, rows: list[str] | None = None):
    """The test chapter read from folder/raw/testland.txt, with folder/corrections.csv holding `rows` (no file
    when None)."""
    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    if rows is not None:
        (folder / "corrections.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return chapter(raw, TEXT, name="testland.txt")


def test_without_a_file_nothing_changes_and_the_log_is_empty(tmp_path):
    t = chapter(tmp_path, TEXT)
    assert t.corrections.empty and "correction" not in set(t.guidelines["rule"])


def test_each_action_marks_its_rows(tmp_path):
    titles = list(_read(tmp_path / "plain").guidelines["title"])
    assert {"Guide to Secure Backups", "Guide to Patching", "Guide to Phishing"} <= set(titles), titles
    t = _read(tmp_path, [
        "Testland,testland.txt,drop,Guide to Phishing,,,,,,,,,",
        "Testland,testland.txt,title,guide  to PATCHING,,Guide to Patching Servers,,,,,,,any case and spacing",
        "Testland,testland.txt,authority,Guide to Secure Backups,,,Testland Cyber Office,TCO,,,,,",
        "Testland,testland.txt,status,Guide to Patching Servers,,,,,,banks,mandatory,financial sector,new title",
        "Testland,testland.txt,add,Register of Trusted Suppliers,11,,Testland Cyber Office,,register,,,,",
        "Testland,testland.txt,checked,Guide to Secure Backups,,,,,,,,,",
    ])
    g = t.guidelines.set_index("title")
    assert "Guide to Phishing" not in g.index and "Guide to Patching" not in g.index
    assert g.loc["Guide to Patching Servers", "rule"] == "correction"
    assert g.loc["Guide to Patching Servers", "confidence"] == "high"
    assert g.loc["Guide to Secure Backups", "issuing_authority"] == "Testland Cyber Office"
    added = g.loc["Register of Trusted Suppliers"]
    assert added["line"] == 11 and added["question_no"] == 13 and added["where"] == "list"
    assert added["instrument_type"] == "register" and added["rule"] == "correction"
    o = t.obligations.merge(t.guidelines[["guideline_id", "title"]], on="guideline_id")
    patched = o[o["title"] == "Guide to Patching Servers"]
    assert patched[["audience", "audience_group", "mandatoriness", "status_rule", "status_confidence"]].astype(
        str).values.tolist() == [["banks", "financial sector", "mandatory", "correction", "high"]]
    assert set(o.loc[o["title"] == "Guide to Secure Backups", "status_confidence"]) == {"high"}
    assert (t.corrections["status"] == "applied").all() and len(t.corrections) == 6
    assert not t.guidelines["guideline_id"].duplicated().any()


def test_a_line_alone_targets_the_guidelines_whose_status_it_states(tmp_path):
    plain = _read(tmp_path / "plain")
    listed = plain.obligations.merge(plain.guidelines, on="guideline_id")
    line = int(listed.loc[listed["title"] == "Guide to Patching", "status_line"].iloc[0])
    covered = set(listed.loc[listed["status_line"] == line, "guideline_id"])
    assert line not in set(plain.guidelines["line"]) and len(covered) >= 3
    t = _read(tmp_path / "fixed", [f"Testland,testland.txt,status,,{line},,,,,private companies,mandatory,,"])
    fixed = t.obligations[t.obligations["guideline_id"].isin(covered)]
    assert set(fixed["mandatoriness"].astype(str)) == {"mandatory"} and set(fixed["status_rule"]) == {"correction"}


def test_a_stale_row_is_a_warning_and_a_row_for_another_file_is_not_read(tmp_path):
    t = _read(tmp_path, ["Testland,testland.txt,checked,Guide Nobody Wrote,,,,,,,,,",
                         "Testland,testland.txt,add,Guide to Patching,12,,,,,,,,",
                         "Elsewhere,testland.txt,checked,Guide to Patching,,,,,,,,,",
                         "Testland,other.txt,drop,Guide to Patching,,,,,,,,,"])
    status = dict(zip(t.corrections["row"], t.corrections["status"]))
    assert status == {2: "stale", 3: "stale", 4: "stale", 5: "not read"}
    warnings = t.diagnostics[t.diagnostics["level"] == "warning"]["message"]
    assert warnings.str.contains(r"corrections\.csv:2: stale correction").any()
    assert warnings.str.contains("the extractor now finds this guideline").any()
    assert warnings.str.contains("read as Testland's chapter, not Elsewhere's").any()
    assert "Guide to Patching" in set(t.guidelines["title"])  # nothing stale was applied


@pytest.mark.parametrize(("row", "message"), [
    ("Testland,testland.txt,rename,X,,,,,,,,,", "unknown action 'rename'"),
    ("Testland,testland.txt,drop,,,,,,,,,,", "needs the title or the line"),
    ("Testland,testland.txt,drop,X,ten,,,,,,,,", "line 'ten' is not a line number"),
    ("Testland,testland.txt,drop,X,,Y,,,,,,,", "action 'drop' does not take new_title"),
    ("Testland,testland.txt,status,X,,,,,,banks,,,", "action 'status' needs mandatoriness"),
    ("Testland,testland.txt,status,X,,,,,,banks,binding,,", "mandatoriness 'binding' is not one of"),
    ("Testland,testland.txt,status,X,,,,,,banks,voluntary,banking,", "audience_group 'banking' is not one of"),
    ("Testland,testland.txt,add,X Y,,,,,,,,,", "action 'add' needs line"),
    ("Testland,testland.txt,add,X Y,3,,,,,banks,,,", "audience and mandatoriness together"),
    (",testland.txt,drop,X,,,,,,,,,", "jurisdiction is empty"),
    ("Testland,testland.txt,drop,X,,,,,,,,,,oops", "a value under no column ('oops')"),
])
def test_a_malformed_row_is_an_error_at_its_line(row, message):
    text = f"# a comment\n{HEADER}\nTestland,testland.txt,drop,Fine,,,,,,,,,\n\n{row}\n"
    with pytest.raises(PolicyqaError) as err:
        corrections.parse(text, "data/corrections.csv")
    assert err.value.path == "data/corrections.csv" and err.value.line == 5, err.value
    assert message in err.value.message, err.value.message


def test_header_and_repeats():
    with pytest.raises(PolicyqaError, match="unknown column 'titel'") as err:
        corrections.parse("jurisdiction,source_file,action,titel\n", "c.csv")
    assert err.value.line == 1
    with pytest.raises(PolicyqaError, match="no action column"):
        corrections.parse("jurisdiction,source_file\n", "c.csv")
    with pytest.raises(PolicyqaError, match="repeats the correction of line 2") as err:
        corrections.parse(f"{HEADER}\nT,t.txt,drop,XY,,,,,,,,,\nt,t.txt,DROP,xy,,,,,,,,,\n", "c.csv")
    assert err.value.line == 3


def test_spreadsheet_quirks_are_read():
    """A BOM, semicolons (a European spreadsheet's CSV), quoted comments, columns in another order or left
    out, quoted values with commas and doubled quotes, and the apostrophe a spreadsheet-safe cell carries."""
    text = ("\ufeffaction;jurisdiction;source_file;title;note\n"
            '"# a comment saved in quotes";;;;\n'
            "drop;Testland;testland.txt;'=Guide, with comma;\"said \"\"so\"\"\"\n")
    (c,) = corrections.parse(text, "c.csv")
    assert (c.action, c.title, c.note, c.row) == ("drop", "=Guide, with comma", 'said "so"', 3)
    assert corrections.parse(corrections.row_csv(jurisdiction="T", source_file="t.txt", action="drop",
                                                 title="=Guide, with comma").join([HEADER + "\n", "\n"]),
                             "c.csv")[0].title == "=Guide, with comma"


def test_where_the_file_is(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "x.txt").write_text(TEXT, encoding="utf-8")
    fixes = tmp_path / "data" / "corrections.csv"
    fixes.write_text(HEADER + "\n", encoding="utf-8")
    monkeypatch.delenv(corrections.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert corrections.resolve(None, "data/raw") == [fixes.relative_to(tmp_path)]
    assert corrections.resolve(None, ["data/raw/x.txt"]) == [fixes.relative_to(tmp_path)]
    monkeypatch.chdir(raw)
    assert [p.resolve() for p in corrections.resolve(None, ".")] == [fixes]
    assert corrections.resolve("none", "data/raw") == [] and corrections.resolve(False, ".") == []
    monkeypatch.setenv(corrections.ENV, "none")
    assert corrections.resolve(None, ".") == []
    with pytest.raises(PolicyqaError, match="no such corrections file"):
        corrections.resolve(tmp_path / "missing.csv", ".")
