"""Property-based tests: on any text the parser returns a result or raises the library's own error,
and every non-blank line lands in exactly one place."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policyqa.errors import PolicyqaError
from policyqa.extract import extract
from policyqa.parse import is_blank, parse
from policyqa.read import text_from_bytes
from policyqa.reference import load_reference
from policyqa.tables import build_records
from util import places

REF = load_reference()
QUESTIONS = [q.text for q in REF.questions]
PIECES = QUESTIONS[:20] + [
    "Best practice", "Increased protection", "Threat detection and reporting", "Legislation", "Critical infrastructure",
    "Yes.", "No.", "See question 13.", "See questions 16, 21 and 24.", "See ‘Legislation’.",
    "  • Guides from the Danish Agency for Digitisation;", "  • Guide to IT preparedness planning;", "  •; and",
    "    • nested item", "- dash item", "The guidelines are voluntary for private companies and are in some cases "
    "compulsory for public authorities.", "The NCSC (NCSC) maintains 10 Steps to Cyber Security, guidance aimed at "
    "boards.", "ISO/IEC 27001:2013, ANSI/ISA-99.00 standard. 01-2007 Security for Control Systems: Concepts",
    "Read More…", "Increased protectionDo the authorities recommend additional cybersecurity protections?",
    "13. Do the authorities recommend additional cybersecurity protections beyond what is mandated by law?",
    "\u00a0", "   ", "", "‘quoted Guide’ (", "[7]", "Centrefor", "public–private",
]
line = st.one_of(st.sampled_from(PIECES), st.text(max_size=80))
chapters = st.lists(line, max_size=40).map("\n".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(text: str):
    src = text_from_bytes(text.encode("utf-8"), "fuzz.txt")
    ch = parse(src, REF, jurisdiction="Testland")
    records = build_records(ch, extract(ch, REF))
    return src, ch, records


@FAST
@given(chapters)
def test_any_text_gives_a_result_or_our_error(text):
    try:
        run(text)
    except PolicyqaError as exc:
        assert exc.path == "fuzz.txt" and exc.line >= 1


@FAST
@given(chapters)
def test_every_nonblank_line_lands_in_exactly_one_place(text):
    try:
        src, ch, records = run(text)
    except PolicyqaError:
        return
    nonblank = [i + 1 for i, raw in enumerate(src.lines) if not is_blank(raw)]
    assert sorted(places(ch)) == nonblank
    unplaced = {d.line for d in records.diagnostics if d.level == "unplaced"}
    assert unplaced == {line for line, _ in ch.unplaced}


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_result_or_our_error(data):
    try:
        src = text_from_bytes(data, "bytes.bin")
    except PolicyqaError as exc:
        assert exc.line >= 1
        return
    parse(src, REF, jurisdiction="Testland")


NAMEISH = st.text(alphabet="ab -_(é1s.", min_size=1, max_size=4)


@given(st.text(alphabet="ab -_(é1s.T", max_size=30), NAMEISH)
def test_whole_finds_what_the_escaped_pattern_finds(text: str, name: str) -> None:
    """`whole` stands in for a pattern compiled per name; it must find the same places as that pattern."""
    import re

    from policyqa.extract.text import whole

    cases = {  # (hyphen, bounded, tail): the pattern it replaces
        (True, False, True): rf"(?<![\w\-]){re.escape(name)}(?![\w\-])",
        (False, False, True): rf"(?<!\w){re.escape(name)}(?!\w)",
        (False, True, True): rf"\b{re.escape(name)}\b",
        (False, True, False): rf"\b{re.escape(name)}",
        (True, False, False): rf"(?<![\w\-]){re.escape(name)}",
    }
    for (hyphen, bounded, tail), pattern in cases.items():
        expected = [m.start() for m in re.finditer(f"(?=(?:{pattern}))", text)]
        assert list(whole(text, name, hyphen, bounded, tail=tail)) == expected, (hyphen, bounded, tail)
