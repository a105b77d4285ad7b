"""The command line: `policyqa tables`, `outline`, `review`, `diff` and `briefing`.

Exit codes scripts can trust: 0 done, 2 bad input (the message names the file
and line), 1 a bug in policyqa. Tables go to files (or one table to stdout with
``--out -``); the summary per jurisdiction to stdout; per-file counts, warnings
and errors to stderr.

Chapter text and file names are untrusted: everything printed to a terminal goes
through `visible`, so an escape sequence, a control character, a bidirectional
override or a file-name byte that is not UTF-8 is shown as a visible escape
(``\\x1b``, ``\\u202e``, ``\\xf6``) instead of acting on the terminal.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

EPILOG_TABLES = """\
examples:
  policyqa tables data/raw --out data/processed
      every chapter in the folder, stacked, one CSV per table
  policyqa tables data/raw/denmark.txt --out out --format xlsx
      one workbook, out/tables.xlsx, with a sheet per table
  policyqa tables chapter.txt --out - --table guidelines | head
      one table as CSV on stdout (quoted and formula-safe like the files)

tables written: questions, guidelines, obligations, laws, cross_references,
authorities, diagnostics. Every row carries source_file and line.
A folder may hold other files (images, .DS_Store): they are skipped and
listed in diagnostics. A file named on the command line must be a chapter.
A file given twice (or named and inside a named folder) is read once.
The analyst's corrections (data/corrections.csv: corrections.csv in the
folder above the chapters') are applied; `policyqa review` says what to fix.
On stderr: a line per file and a total (non-blank lines placed, in
diagnostics, lost). Exit 0 done, 2 bad input (FILE:LINE: what is wrong).
"""

EPILOG_OUTLINE = """\
examples:
  policyqa outline data/raw/denmark.txt
  policyqa outline data/raw
      every chapter of the folder, each under its own header

prints what the parser understood, with line numbers: sections, numbered
questions, list items, each guideline with its issuing authority, the rule
that found it and how sure it is (high, medium, low), each status read and
the rule that read it, furniture, and what went to diagnostics. Use it when
a table looks wrong; `policyqa review` lists the least sure rows first.
"""

EPILOG_BRIEFING = """\
examples:
  policyqa briefing
      the default chapter of data/raw, compared with every chapter there
  policyqa briefing --jurisdiction Testland --data chapters --reports out/reports

runs the notebooks headless and writes REPORTS/figures/ and REPORTS/briefing.html
(what `make briefing` runs after `policyqa tables`).
"""

# What must never reach a terminal raw: C0 controls but tab and newline (ESC starts escape sequences, CR
# overwrites the line, BS erases), DEL and C1 controls (CSI is \x9b), bidirectional marks, embeddings,
# overrides and isolates (they reorder what is shown), line and paragraph separators, and lone surrogates
# (bytes of a file name that are not UTF-8, which cannot be printed at all).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """`text` safe to print on a terminal: every control, bidi or unprintable character as a visible escape.

    >>> visible("Den\\x1b[2Jmark \\u202eevil")
    'Den\\\\x1b[2Jmark \\\\u202eevil'
    """
    return _UNSAFE.sub(_escape, str(text))


def say(*parts: object, file=None, sep: str = " ") -> None:
    """print() for anything that may hold chapter text or a file name: through `visible`, always."""
    print(visible(sep.join(str(p) for p in parts)), file=file or sys.stdout)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 guideline', '2 guidelines', '1 authority', '3 authorities'."""
    if n == 1:
        return f"1 {word}"
    if many is None:
        many = word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
    return f"{n} {many}"


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    from policyqa import __version__
    from policyqa.schema import TABLES

    p = argparse.ArgumentParser(
        prog="policyqa",
        description="Turn questionnaire chapters of a comparative-law guide into tidy tables and briefings.",
        epilog="run 'policyqa COMMAND --help' for each command's options and examples",
    )
    p.add_argument("--version", action="version", version=f"policyqa {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    t = sub.add_parser("tables", help="write the tables for chapter files or folders",
                       description="Parse chapters and write one file per table.", epilog=EPILOG_TABLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("inputs", nargs="+", metavar="INPUT", help="chapter file or folder of chapters")
    t.add_argument("--out", default="data/processed", metavar="DIR",
                   help="folder for the tables, or - for one table on stdout (default: data/processed)")
    t.add_argument("--format", default="csv", choices=["csv", "parquet", "xlsx", "json"],
                   help="file format (default: csv; xlsx: one workbook with a sheet per table)")
    t.add_argument("--table", default="guidelines", choices=list(TABLES), metavar="TABLE",
                   help=f"with --out -: which table to print: {', '.join(TABLES)} (default: guidelines)")
    t.add_argument("--jurisdiction", help="override the jurisdiction (default: manifest.csv, else the text)")
    t.add_argument("--quiet", action="store_true", help="no summary, no per-file lines")
    o = sub.add_parser("outline", help="show the parsed structure of chapters with line numbers",
                       description="Show what the parser understood.", epilog=EPILOG_OUTLINE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    o.add_argument("inputs", nargs="+", metavar="INPUT", help="chapter file or folder of chapters")
    o.add_argument("--jurisdiction", help="override the jurisdiction")
    b = sub.add_parser("briefing", help="run the notebooks and write the chart pack and the HTML briefing",
                       description="Run the briefing notebooks headless: figures and an HTML page.",
                       epilog=EPILOG_BRIEFING, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("--jurisdiction", default="", metavar="J",
                   help="whose briefing: a jurisdiction or a chapter file name (default: the notebooks' own)")
    b.add_argument("--data", default="data/raw", metavar="DIR", help="folder of chapters (default: data/raw)")
    b.add_argument("--reports", default="reports", metavar="DIR",
                   help="where figures/ and briefing.html go (default: reports)")
    b.add_argument("--corrections", metavar="FILE", help="corrections to apply, or 'none' (default: "
                   "corrections.csv in the folder above DATA)")
    d = sub.add_parser("diff", help="what changed between two editions of one jurisdiction's chapter",
                       description="Compare two editions of a chapter: one row per change.", epilog=EPILOG_DIFF,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("old", metavar="OLD", help="the older edition's chapter file")
    d.add_argument("new", metavar="NEW", help="the newer edition's chapter file")
    d.add_argument("--out", default="-", metavar="DIR",
                   help="folder for changes.<format>, or - for CSV on stdout (default: -)")
    d.add_argument("--format", default="csv", choices=["csv", "parquet", "xlsx", "json"],
                   help="file format with --out DIR (default: csv)")
    d.add_argument("--jurisdiction", help="override the jurisdiction of both (default: manifest.csv, else the text)")
    d.add_argument("--chart", metavar="FILE", help="also draw the changes by authority to FILE (.png or .svg)")
    d.add_argument("--quiet", action="store_true", help="no summary on stderr")
    from policyqa.review import EPILOG as EPILOG_REVIEW

    r = sub.add_parser("review", help="the rows of each chapter to check first, with rows to paste into "
                       "corrections.csv", description="List, per chapter, the rows the extractor is least sure of.",
                       epilog=EPILOG_REVIEW, formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("inputs", nargs="+", metavar="FILE", help="chapter file or folder of chapters")
    r.add_argument("--csv", action="store_true", help="print the list as CSV instead")
    r.add_argument("--jurisdiction", help="override the jurisdiction (default: manifest.csv, else the text)")
    for command in (t, o, d, r):  # every command that reads chapters applies the analyst's corrections
        command.add_argument("--corrections", metavar="FILE", help="corrections to apply, or 'none' (default: "
                             "corrections.csv in the folder above the chapters', e.g. data/corrections.csv)")
    return p, {"tables": t, "outline": o, "briefing": b, "diff": d, "review": r}


# --------------------------------------------------------------------------- tables


def cmd_tables(args) -> int:
    from policyqa.api import read_corpus
    from policyqa.export import write_csv, write_tables

    tables = read_corpus([Path(i) for i in args.inputs], jurisdiction=args.jurisdiction,
                         corrections=args.corrections)
    frames = tables.as_dict()
    if args.out == "-":
        _to_stdout(frames[args.table], write_csv)
    else:
        paths = write_tables(frames, args.out, args.format)
        if not args.quiet:
            where = f"{paths[0]}, a sheet each" if args.format == "xlsx" else f"{args.out}/ ({args.format})"
            say(f"wrote {plural(len(frames), 'table')} to {where}", file=sys.stderr)
            say(summary(tables))
    if not args.quiet:
        for line in file_lines(tables):
            say(line, file=sys.stderr)
    return 0


def _to_stdout(df, write_csv) -> None:
    """One table as CSV on stdout, through the very writer the files use: into a pipe or a file the same
    bytes as the CSV file; onto a terminal with control characters shown as escapes (see `visible`)."""
    import io

    buffer = io.StringIO()
    write_csv(df, buffer)
    data = buffer.getvalue()
    isatty = getattr(sys.stdout, "isatty", None)
    if isatty is not None and isatty():
        data = visible(data)
    sys.stdout.flush()
    raw = getattr(sys.stdout, "buffer", None)
    if raw is not None:
        raw.write(data.encode("utf-8"))
        raw.flush()
    else:
        sys.stdout.write(data)


def line_counts(tables) -> list[dict]:
    """Per chapter: non-blank lines, how many landed in a table (heading, question, answer), how many are
    rows of `diagnostics` (unplaced, furniture), and how many are in neither (lost). Counted from the
    parsed chapter and the diagnostics table as written, so the total line cannot claim what is not there."""
    d = tables.diagnostics
    d = d[d["level"].isin(["unplaced", "furniture"]) | d["message"].str.startswith("table header: ")]  # rows that
    # hold a line's text (a table's header, reported as a guess with its cells, does; other guesses do not)
    diag_lines: dict[str, set[int]] = {}
    for source, line in zip(d["source_file"], d["line"]):
        diag_lines.setdefault(source, set()).add(int(line))
    out = []
    for ch, s in zip(tables.chapters, tables.summaries):
        where = ch.placement()
        reported = diag_lines.get(ch.source_file, set())
        placed = sum(1 for kind in where.values() if kind in ("heading", "question", "answer"))
        in_diag = sum(1 for line in reported if where.get(line) not in ("heading", "question", "answer"))
        out.append({"file": s.source_file, "jurisdiction": s.jurisdiction, "read": s.lines_read,
                    "nonblank": ch.n_nonblank, "placed": placed, "diagnostics": in_diag,
                    "lost": ch.n_nonblank - placed - in_diag})
    return out


def file_lines(tables) -> list[str]:
    """The stderr report: a line per file, the skipped files, and the closing total."""
    counts = line_counts(tables)
    lines = []
    for c in counts:
        lost = f", {c['lost']} lost" if c["lost"] else ""
        lines.append(f"{c['file']}: {c['jurisdiction']}: {plural(c['read'], 'line')} read, {c['nonblank']} "
                     f"non-blank, {c['placed']} placed, {c['diagnostics']} in diagnostics{lost}")
    d = tables.diagnostics
    skipped = d[d["message"].str.startswith("skipped")]
    for source, message in zip(skipped["source_file"], skipped["message"]):
        lines.append(f"{source}: {message}")
    for source, message in zip(d["source_file"], d["message"]):
        if ": stale correction " in message:  # a correction row that no longer matches: the analyst must see it
            lines.append(f"{source}: {message}")
    total = {k: sum(c[k] for c in counts) for k in ("read", "nonblank", "placed", "diagnostics", "lost")}
    skip = f", {plural(len(skipped), 'file')} skipped" if len(skipped) else ""
    lines.append(f"total: {plural(len(counts), 'file')} read{skip}, {plural(total['read'], 'line')}, "
                 f"{total['nonblank']} non-blank: {total['placed']} placed, {total['diagnostics']} in "
                 f"diagnostics, {total['lost']} lost")
    return lines


def summary(tables) -> str:
    """A few lines per jurisdiction: what was found and how binding it is. Guidelines are counted as
    guidelines (not guideline-audience rows): under each level, the guidelines having it for some audience."""
    q, g, o = tables.questions, tables.guidelines, tables.obligations
    lines = []
    for jur in sorted(set(q["jurisdiction"]) | set(g["jurisdiction"])):
        gj = g[g["jurisdiction"] == jur]
        oj = o[o["guideline_id"].isin(gj["guideline_id"])]
        stances = q[q["jurisdiction"] == jur]["stance"].value_counts()
        n_auth = gj["issuing_authority"].nunique()
        lines.append(f"{jur}: {plural(int((q['jurisdiction'] == jur).sum()), 'question')} "
                     f"({', '.join(f'{n} {s}' for s, n in stances.items() if n) or 'none'}); "
                     f"{plural(len(gj), 'guideline')} from {plural(n_auth, 'authority')}")
        for auth, n in gj["issuing_authority"].fillna("(no authority found)").value_counts().items():
            lines.append(f"    {n:>3}  {auth}")
        if len(oj):
            per_level = oj.groupby("mandatoriness", observed=True)["guideline_id"].nunique()
            per_level = per_level[per_level > 0].sort_index(ascending=False)
            stated = oj["guideline_id"].nunique()
            both = " (a guideline binding one audience and not another counts under each)" \
                if int(per_level.sum()) > stated else ""
            lines.append(f"    binding, in guidelines: {', '.join(f'{lvl} {n}' for lvl, n in per_level.items())}"
                         f"{both}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- outline


def outline_lines(t, ch) -> list[str]:
    """One chapter's outline: its header, then every line the parser placed, in file order."""
    mine = t.guidelines["source_file"] == ch.source_file
    g = t.guidelines[mine]
    d = t.diagnostics[t.diagnostics["source_file"] == ch.source_file]
    qrows = t.questions[t.questions["source_file"] == ch.source_file]
    out = [f"{ch.source_file}: {ch.jurisdiction} (jurisdiction from {ch.jurisdiction_source}); "
           f"{plural(ch.n_lines, 'line')}, {ch.n_nonblank} non-blank"]
    events: list[tuple[int, int, str]] = []
    for line, text in ch.furniture:
        events.append((line, 0, f"  furniture    {text[:90]}"))
    for h in ch.headings:
        events.append((h.line, 1, f"{'' if h.level == 'section' else '  '}{h.level:<12} {h.text}"))
    stance = dict(zip(qrows["line"], qrows["stance"]))
    for q in ch.questions:
        shared = f" (shares the answer at line {q.shares_answer_of})" if q.shares_answer_of else ""
        no = "?" if q.number is None else q.number
        events.append((q.line, 2, f"    Q{no:<3} [{q.match}] {q.text[:80]}  -> {stance.get(q.line)}{shared}"))
        for b in q.blocks:
            mark = {"item": "•", "paragraph": "¶", "subheading": "§"}.get(b.kind, "?")
            events.append((b.line, 3, f"      {'  ' * b.level}{mark} {b.text[:80]}"))
    for gid, title, auth, line, rule, conf in zip(g["guideline_id"], g["title"], g["issuing_authority"], g["line"],
                                                  g["rule"], g["confidence"]):
        events.append((int(line), 4, f"        guideline: {title[:60]} | {auth}  [{rule}, {conf}]"))
        o = t.obligations[t.obligations["guideline_id"] == gid]
        for aud, level, sline, srule, sconf in zip(o["audience"], o["mandatoriness"], o["status_line"],
                                                   o["status_rule"], o["status_confidence"]):
            events.append((int(line), 4, f"          status: {aud} = {level} (line {sline}) [{srule}, {sconf}]"))
    for level, message, line in zip(d["level"], d["message"], d["line"]):
        events.append((int(line), 5, f"        diagnostic [{level}] {message}"))
    for line, _, text in sorted(events, key=lambda e: (e[0], e[1])):
        out.append(f"{line:>5}  {text}")
    return out


def cmd_outline(args) -> int:
    from policyqa.api import read_corpus

    t = read_corpus([Path(i) for i in args.inputs], jurisdiction=args.jurisdiction, corrections=args.corrections)
    blocks = ["\n".join(outline_lines(t, ch)) for ch in t.chapters]
    d = t.diagnostics
    skipped = d[d["message"].str.startswith("skipped")]
    for source, message in zip(skipped["source_file"], skipped["message"]):
        say(f"{source}: {message}", file=sys.stderr)
    say("\n\n".join(blocks))
    return 0


# --------------------------------------------------------------------------- briefing


def cmd_briefing(args) -> int:
    from policyqa import briefing

    argv = ["--data", args.data, "--reports", args.reports]
    if args.jurisdiction:
        argv += ["--jurisdiction", args.jurisdiction]
    if args.corrections:
        argv += ["--corrections", args.corrections]
    return int(briefing.main(argv) or 0)


# --------------------------------------------------------------------------- diff


EPILOG_DIFF = """\
examples:
  policyqa diff data/raw/denmark.txt data/raw/denmark-2024.txt
      the changes as CSV on stdout, a summary on stderr
  policyqa diff OLD.txt NEW.txt --out out --format xlsx --chart out/changes.png
      writes out/changes.xlsx and the chart of the changes by authority

one row per change: authority renamed, guideline added, removed or renamed,
status changed (per audience), stance changed (per question), cross-reference
added or removed; with the line in each chapter and how the match was made
(same title, similar title, 'formerly' or 'replaced' in the text ...).
Only the questionnaire sections both chapters cover are compared, and both
must be chapters of one jurisdiction (else exit 2). Two identical chapters
give no row. Thresholds and phrases: data/reference/compare.csv.
"""


def cmd_diff(args) -> int:
    from policyqa.api import read_chapter
    from policyqa.compare import compare_editions, summary_line
    from policyqa.errors import PolicyqaError
    from policyqa.export import write_csv, write_tables

    for path in (args.old, args.new):
        if Path(path).is_dir():
            raise PolicyqaError(path, 1, "is a folder; diff compares two chapter files")
    changes = compare_editions(read_chapter(args.old, jurisdiction=args.jurisdiction, corrections=args.corrections),
                               read_chapter(args.new, jurisdiction=args.jurisdiction, corrections=args.corrections))
    if args.chart:  # first: a chart that cannot be written stops the command before the table is
        from policyqa.compare import write_chart

        write_chart(changes, args.chart)
    if args.out == "-":
        _to_stdout(changes, write_csv)
    else:
        write_tables({"changes": changes}, args.out, args.format)
    if not args.quiet:
        say(summary_line(changes), file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- main


def _show_warning(message, category, filename, lineno, file=None, line=None):
    from policyqa.errors import PolicyqaWarning

    if issubclass(category, PolicyqaWarning):
        say(f"policyqa: warning: {message}", file=sys.stderr)
    else:
        _SHOW(message, category, filename, lineno, file, line)


_SHOW = None


def main(argv: list[str] | None = None) -> int:
    import warnings

    from policyqa.errors import PolicyqaError, PolicyqaWarning

    global _SHOW
    for stream in (sys.stdout, sys.stderr):  # a character the terminal's encoding lacks: escaped, not a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
    parser, commands = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        parser.print_help()
        return 2
    if extra:  # the command's own usage, not the top-level one
        commands[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    from policyqa.review import cmd_review

    run = {"tables": cmd_tables, "outline": cmd_outline, "briefing": cmd_briefing, "diff": cmd_diff,
           "review": cmd_review}[args.command]
    with warnings.catch_warnings():
        warnings.simplefilter("always", PolicyqaWarning)
        _SHOW = warnings.showwarning
        warnings.showwarning = _show_warning
        try:
            return run(args)
        except PolicyqaError as exc:
            say(f"policyqa: error: {exc.path}:{exc.line}: {exc.message}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            say("policyqa: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0
        finally:
            warnings.showwarning = _SHOW


if __name__ == "__main__":
    sys.exit(main())
