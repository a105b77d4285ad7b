"""Small helpers for tests that write a chapter text and read it back."""

from __future__ import annotations

from pathlib import Path

import policyqa


def chapter(tmp_path: Path, text: str, name: str = "chapter.txt", jurisdiction: str | None = "Testland"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return policyqa.read_chapter(path, jurisdiction=jurisdiction, cache=False)


def places(ch) -> list[int]:
    """Every line number the parser placed, once per place it landed in (a multiset)."""
    out = [h.line for h in ch.headings if not h.glued]
    for q in ch.questions:
        out.append(q.line)
        out += [line for b in q.blocks for line in (b.line, *b.more_lines) if line != q.line]  # (an answer on
        # the question's own line: "Is insurance ...? No." is one line, placed once)
    out += [line for line, _ in ch.furniture]
    out += [line for line, _ in ch.unplaced]
    return out
