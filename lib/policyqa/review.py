"""Review first what is least sure: per chapter, the rows an analyst should check, most doubtful first.

    policyqa review data/raw/zembla.txt          # the list, with each row's source line and a row to paste
    >>> queue = review.review(policyqa.read_chapter("data/raw/zembla.txt"))

Extraction says how sure each row is (`confidence`, `status_confidence`) and what it guessed
(`diagnostics`). Checking a chapter by reading every row wastes the analyst's time on the rows the rules are
sure of (on the blind sets `high` rows are right at least 95% of the time). This module puts the others in
order: low confidence, then medium, then the parser's guesses and unplaced lines (and corrections that no
longer match), then guidelines with no authority or no binding status. Each item comes with the text of its
source line and ready-to-paste rows for data/corrections.csv (policyqa.corrections): a `checked` row to
confirm it, the status rows as extracted to edit, an empty cell where something is missing.

Nothing here names a chapter; chapter text reaching a terminal has its control characters replaced, and
in HTML it is escaped (itables escapes its cells; `side_by_side` escapes the answers).
"""

from __future__ import annotations

import sys
from pathlib import Path

from policyqa.corrections import NAMES as CORRECTION_COLUMNS
from policyqa.corrections import row_csv
from policyqa.schema import NOT_STATED

#: Order of the review: the most doubtful first.
PRIORITY = {"low": 1, "medium": 2, "guess": 3, "unplaced": 3, "stale": 3, "missing": 4}
COLUMNS = ["source_file", "jurisdiction", "priority", "level", "line", "what", "reasons", "text", "status_line",
           "status_text", "guideline_id", "correction"]
_RANK = {"high": 0, "medium": 1, "low": 2}


def _lines(tables) -> dict[str, tuple[str, ...]]:
    """Every chapter's lines, read once (not once per row)."""
    from policyqa.read import read_text

    return {s.source_file: read_text(s.path).lines for s in tables.summaries}


def _line_text(lines: dict, source_file: str, line) -> str:
    text = lines.get(source_file, ())
    try:
        n = int(line)
    except (TypeError, ValueError):
        return ""
    return text[n - 1] if 0 < n <= len(text) else ""


def _worst(values) -> str:
    values = [str(v) for v in values if str(v) in _RANK]
    return max(values, key=_RANK.get) if values else "high"


def _key(g) -> dict:
    return {"jurisdiction": g["jurisdiction"], "source_file": g["source_file"], "title": g["title"],
            "line": int(g["line"])}


def guideline_items(tables, lines: dict) -> list[dict]:
    """One item per guideline worth a look: low or medium confidence (its own or its status's), no authority,
    no binding status. Its reasons say which, with the rule that made the row."""
    import pandas as pd

    g, o = tables.guidelines, tables.obligations
    by_gid = {gid: rows for gid, rows in o.groupby("guideline_id", sort=False)} if len(o) else {}
    confirmed = touched_by_hand(tables)
    out = []
    for _, row in g.iterrows():
        obl = by_gid.get(row["guideline_id"], o.iloc[0:0])
        reasons, levels = [], []
        own = str(row["confidence"])
        if own in ("low", "medium"):
            reasons.append(f"{own} confidence in the row ({row['rule']})")
            levels.append(own)
        status = _worst(obl["status_confidence"]) if len(obl) else "high"
        if status in ("low", "medium"):
            rules = ", ".join(dict.fromkeys(obl.loc[obl["status_confidence"].astype(str) == status, "status_rule"]))
            reasons.append(f"{status} confidence in its status ({rules})")
            levels.append(status)
        named = not pd.isna(row["issuing_authority"]) and bool(str(row["issuing_authority"]).strip())
        said = obl[(obl["mandatoriness"].astype(str) != NOT_STATED)] if len(obl) else obl
        seen = row["guideline_id"] in confirmed  # a correction has changed or confirmed the guideline
        no_authority, no_status = not named and not seen, said.empty and not seen
        if no_authority:
            reasons.append("no issuing authority")
        if no_status:
            reasons.append("no binding status")
        if not reasons:
            continue
        level = min(levels, key=lambda v: PRIORITY[v]) if levels else "missing"
        binds = "; ".join(f"{a}: {m}" for a, m in zip(obl["audience"], obl["mandatoriness"].astype(str))) or \
            "nothing stated"
        authority = str(row["issuing_authority"]) if named else "no authority"
        status_lines = sorted({int(x) for x in obl["status_line"].dropna()}) if len(obl) else []
        status_line = next((x for x in status_lines if x != int(row["line"])), None)
        out.append({
            "source_file": row["source_file"], "jurisdiction": row["jurisdiction"], "priority": PRIORITY[level],
            "level": level, "line": int(row["line"]), "what": f"{row['title']} ({authority}) · {binds}",
            "reasons": "; ".join(reasons), "text": _line_text(lines, row["source_file"], row["line"]),
            "status_line": status_line,
            "status_text": _line_text(lines, row["source_file"], status_line) if status_line else "",
            "guideline_id": row["guideline_id"],
            "correction": "\n".join(suggestions(row, obl, levels, no_authority, no_status)),
        })
    return out


def touched_by_hand(tables) -> set[str]:
    """Guidelines an applied correction changed or confirmed (the corrections log, `Tables.corrections`)."""
    log = getattr(tables, "corrections", None)
    if log is None or log.empty:
        return set()
    return set(" ".join(log.loc[log["status"] == "applied", "guideline_ids"].astype(str)).split())


def suggestions(g, obligations, levels: list[str], no_authority: bool, no_status: bool) -> list[str]:
    """Rows for data/corrections.csv that fix or confirm a guideline, to paste and edit: `checked` when the
    rules were unsure (confirms the row as it is), `authority` with the cell to fill when none was found, its
    status rows as extracted when the status is in doubt (edit the level or the audience; together they
    replace the guideline's obligation rows), or one with empty cells when no status was found. A status read
    from another line (a statement about a whole list) gets rows keyed on that line, with no title: pasted
    once, they correct every guideline that statement covers."""
    key = _key(g)
    rows = []
    if levels:
        rows.append(row_csv(action="checked", **key))
    if no_authority:
        rows.append(row_csv(action="authority", **key))
    if no_status:
        rows.append(row_csv(action="status", **key))
    elif any(v in ("low", "medium") for v in obligations["status_confidence"].astype(str)):
        lines = {int(x) for x in obligations["status_line"].dropna()}
        if len(lines) == 1 and lines != {key["line"]}:  # a statement about the whole list: fix it once, for all
            key = {**key, "title": None, "line": lines.pop()}
        for audience, level in zip(obligations["audience"], obligations["mandatoriness"].astype(str)):
            rows.append(row_csv(action="status", audience=audience, mandatoriness=level, **key))
    return rows


def diagnostic_items(tables, lines: dict) -> list[dict]:
    """Guesses, unplaced lines and stale corrections, as items: an unplaced line may name a guideline the
    extractor missed (an `add` row to edit); an inferred jurisdiction is fixed in the folder's manifest.csv."""
    d = tables.diagnostics
    jur = {s.source_file: s.jurisdiction for s in tables.summaries}
    out = []
    for _, row in d.iterrows():
        level = str(row["level"])
        message = str(row["message"])
        stale = level == "warning" and "stale correction" in message
        if level not in ("guess", "unplaced") and not stale:
            continue
        source = str(row["source_file"])
        correction = ""
        if level == "unplaced":
            title = str(row["text"]).strip().lstrip("•-–*·").strip().rstrip(";,.:")
            correction = row_csv(jurisdiction=jur.get(source, ""), source_file=source, action="add",
                                 title=title or None, line=int(row["line"]))
        elif message.startswith("jurisdiction inferred"):
            correction = f"manifest.csv: {source},{jur.get(source, '')},,"
        out.append({
            "source_file": source, "jurisdiction": jur.get(source, ""), "priority": PRIORITY["stale" if stale
                                                                                                   else level],
            "level": "stale" if stale else level, "line": int(row["line"]), "what": message,
            "reasons": "a correction that matches nothing now" if stale else
            ("a line no table took" if level == "unplaced" else "the parser guessed"),
            "text": _line_text(lines, source, row["line"]), "status_line": None, "status_text": "",
            "guideline_id": None, "correction": correction,
        })
    return out


def review(tables):
    """The rows to check first, per chapter: one row per guideline or diagnostic worth a look, most doubtful
    first (`priority` 1 low confidence, 2 medium, 3 guesses, unplaced lines and stale corrections, 4 no
    authority or no status), with the source line's text and the corrections.csv rows to paste.

        >>> queue = review.review(policyqa.read_chapter("data/raw/denmark.txt"))
        >>> queue[["line", "level", "what", "reasons"]]
    """
    import pandas as pd

    lines = _lines(tables)
    items = guideline_items(tables, lines) + diagnostic_items(tables, lines)
    order = {s.source_file: i for i, s in enumerate(tables.summaries)}
    out = pd.DataFrame(items, columns=COLUMNS)
    if out.empty:
        return out
    out["status_line"] = out["status_line"].astype("Int64")
    out["_o"] = out["source_file"].map(order)
    return out.sort_values(["_o", "priority", "line"], kind="stable").drop(columns="_o").reset_index(drop=True)


def counts(tables, queue) -> dict[str, dict[str, int]]:
    """Per chapter: how many items at each level, and the guideline and obligation rows it has."""
    out = {}
    for s in tables.summaries:
        q = queue[queue["source_file"] == s.source_file] if len(queue) else queue
        g = tables.guidelines[tables.guidelines["source_file"] == s.source_file]
        o = tables.obligations[tables.obligations["guideline_id"].isin(g["guideline_id"])]
        reasons = q["reasons"].astype(str) if len(q) else q
        out[s.source_file] = {
            "guidelines": len(g), "obligations": len(o),
            **{lv: int((q["level"] == lv).sum()) if len(q) else 0 for lv in ("low", "medium", "guess", "unplaced",
                                                                             "stale")},
            "no authority": int(reasons.str.contains("no issuing authority").sum()) if len(q) else 0,
            "no status": int(reasons.str.contains("no binding status").sum()) if len(q) else 0,
        }
    return out


# ----------------------------------------------------------------------------- the terminal

def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def terminal_safe(text) -> str:
    """Chapter text for a terminal: control characters (escape sequences, bidi overrides) shown as '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))


def _short(text: str, width: int = 150, near: str | None = None) -> str:
    """The text on one line, cut to `width` characters around `near` (a title or an audience) when given."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    at = text.casefold().find(near.casefold()) if near else -1
    start = max(0, min(at - width // 4, len(text) - width + 1)) if at > 0 else 0
    head = "…" if start else ""
    body = text[start + len(head): start + width - 1]
    return head + body + ("…" if start + width - 1 < len(text) else "")


def format_review(tables, queue) -> str:
    """The review as text: a heading line per chapter with its counts, then its items, most doubtful first."""
    c = counts(tables, queue)
    out = []
    for s in tables.summaries:
        n = c[s.source_file]
        mine = queue[queue["source_file"] == s.source_file] if len(queue) else queue
        parts = [f"{n['low']} low", f"{n['medium']} medium", _plural(n["guess"], "guess", "guesses"),
                 f"{n['unplaced']} unplaced", f"{n['no authority']} without authority",
                 f"{n['no status']} without status"]
        if n["stale"]:
            parts.append(_plural(n["stale"], "stale correction"))
        out.append(terminal_safe(f"{s.source_file} ({s.jurisdiction}): {_plural(n['guidelines'], 'guideline')}, "
                                 f"{_plural(n['obligations'], 'obligation row')}; to check: {len(mine)} "
                                 f"({', '.join(parts)})"))
        for i, r in enumerate(mine.itertuples(index=False), start=1):
            out.append(terminal_safe(f"{i:>3}. [{r.level}] line {r.line}: {_short(r.what, 140)}"))
            out.append(terminal_safe(f"       why: {r.reasons}"))
            near = str(r.what).split(" (", 1)[0] if r.guideline_id else None
            out.append(terminal_safe(f"     {r.line:>5} | {_short(r.text, near=near)}"))
            if r.status_text:
                audience = str(r.what).rsplit(" · ", 1)[-1].split(":", 1)[0]
                out.append(terminal_safe(f"     {int(r.status_line):>5} | {_short(r.status_text, near=audience)}"))
            for k, row in enumerate(str(r.correction).splitlines()):
                out.append(terminal_safe(f"       {'paste:' if k == 0 else '      '} {row}"))
        out.append("")
    total = len(queue)
    out.append(f"{_plural(total, 'item')} to check in {_plural(len(tables.summaries), 'chapter')}. Paste rows into the corrections file "
               f"(columns: {','.join(CORRECTION_COLUMNS)}), edit them, and rerun.")
    return "\n".join(out)


EPILOG = """\
examples:
  policyqa review data/raw/zembla.txt
      the rows of one chapter to check first, with their source lines
  policyqa review data/raw --csv > review.csv
      every chapter's list as CSV, for a spreadsheet

Order: low confidence, then medium (the extraction rule's own estimate),
then the parser's guesses, unplaced lines and stale corrections, then
guidelines with no authority or no binding status. Each item has its
source line and rows for data/corrections.csv to paste and edit:
  checked    the row is right as it is (it leaves the list)
  status     one row per audience, replacing the guideline's obligations
             (keyed on the line of a statement about a whole list when the
             status was read there: then they fix every item it covers)
  authority  fill in issuing_authority
  add        an unplaced line that names a guideline
Then rerun: every command applies data/corrections.csv.
"""


def cmd_review(args) -> int:
    """`policyqa review FILE...`: print the review (or --csv)."""
    from policyqa.api import read_corpus

    tables = read_corpus([Path(i) for i in args.inputs], jurisdiction=args.jurisdiction,
                         corrections=args.corrections)
    queue = review(tables)
    if args.csv:
        from policyqa.export import spreadsheet_safe

        spreadsheet_safe(queue).to_csv(sys.stdout, index=False)
    else:
        print(format_review(tables, queue))
    return 0


# ----------------------------------------------------------------------------- the notebook

def guidelines_table(tables):
    """One row per guideline, for review in a notebook: its question, title, authority, what binds whom, the
    rule and confidence of the row and of its status, and its source line's text.

        >>> review.guidelines_table(policyqa.read_chapter("data/raw/denmark.txt"))
    """
    import pandas as pd

    from policyqa.analysis import binds

    g, o = tables.guidelines, tables.obligations
    cols = ["title", "issuing_authority", "binds", "confidence", "status_confidence", "question_no", "line",
            "source_text", "rule", "status_rule", "guideline_id", "source_file"]
    if g.empty:
        return pd.DataFrame(columns=cols)
    lines = _lines(tables)
    status = o.groupby("guideline_id", sort=False).agg(
        status_confidence=("status_confidence", lambda v: _worst(v)),
        status_rule=("status_rule", lambda v: ", ".join(dict.fromkeys(map(str, v)))))
    out = g.merge(status, left_on="guideline_id", right_index=True, how="left")
    out["status_confidence"] = out["status_confidence"].fillna("low")
    out["status_rule"] = out["status_rule"].fillna("none")
    out["binds"] = out["guideline_id"].map(binds(g, o))
    out["source_text"] = [_line_text(lines, f, n) for f, n in zip(out["source_file"], out["line"])]
    out["issuing_authority"] = out["issuing_authority"].astype("string").fillna("")
    out["confidence"] = out["confidence"].astype(str)
    return out[cols].reset_index(drop=True)


def answers_html(tables, questions=None) -> str:
    """The chapter's answers as escaped HTML, line by line with line numbers, for the questions given (default:
    those with a guideline): what the rows beside it were read from."""
    from html import escape

    wanted = set(tables.guidelines["question_no"].dropna().astype(int)) if questions is None else set(questions)
    parts = []
    for ch in tables.chapters:
        for q in ch.questions:
            if q.number is None or q.number not in wanted:
                continue
            blocks = ch.answer_blocks(q)
            rows = "".join(
                f'<div class="ln"><span class="no">{b.line}</span> '
                f'{"&nbsp;" * 2 * b.level}{"• " if b.kind == "item" else ""}{escape(b.text)}</div>' for b in blocks)
            parts.append(f'<div class="q"><b>Q{q.number}</b> · line {q.line} · {escape(q.text)}</div>{rows}')
    style = ("<style>.policyqa-answers{font-size:12px;line-height:1.4}.policyqa-answers .q{margin:.6em 0 .2em}"
             ".policyqa-answers .no{color:#888;display:inline-block;min-width:2.5em;text-align:right}</style>")
    return f'{style}<div class="policyqa-answers">{"".join(parts) or "No answer names a guideline."}</div>'


def side_by_side(tables, table=None):
    """The guidelines table, interactive (itables: filter, sort, search; every cell escaped), with the chapter's
    answers beside it, as one HTML output for a notebook.

        >>> display(review.side_by_side(t))
    """
    from IPython.display import HTML
    from itables import to_html_datatable

    table = guidelines_table(tables) if table is None else table
    grid = to_html_datatable(table, connected=False, display_logo_when_loading=False, column_filters="footer",
                             classes="display compact", paging=False, scrollY="32rem", scrollX=True,
                             scrollCollapse=True, showIndex=False, allow_html=False,
                             layout={"topStart": "search", "topEnd": "info", "bottomStart": None, "bottomEnd": None},
                             columnDefs=[{"className": "dt-left", "targets": "_all"}])
    return HTML('<div class="policyqa-review" style="display:flex;gap:1.2rem;align-items:flex-start">'
                f'<div style="flex:3;min-width:0">{grid}</div>'
                f'<div style="flex:2;max-height:36rem;overflow:auto;border-left:1px solid #ddd;padding-left:.8rem">'
                f"{answers_html(tables)}</div></div>")
