"""The command line: `policyqa tables` and `policyqa outline`.

Exit codes scripts can trust: 0 done, 2 bad input (the message names the file
and line), 1 a bug in policyqa. Tables go to files; summaries and errors to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EPILOG_TABLES = """\
examples:
  policyqa tables data/raw --out data/processed
      every chapter in the folder, stacked, one CSV per table
  policyqa tables data/raw/denmark.txt --out out --format xlsx
  policyqa tables chapter.txt --out - --table guidelines | head
      one table as CSV on stdout

tables written: questions, guidelines, obligations, cross_references,
authorities, diagnostics. Every row carries source_file and line.
A folder may hold other files (images, .DS_Store): they are skipped and
listed in diagnostics. A file named on the command line must be a chapter.
The analyst's corrections (data/corrections.csv: corrections.csv in the
folder above the chapters') are applied; `policyqa review` says what to fix.
"""

EPILOG_OUTLINE = """\
example:
  policyqa outline data/raw/denmark.txt

prints what the parser understood, with line numbers: sections, numbered
questions, list items with their issuing authority, furniture, and what
went to diagnostics. Use it when a table looks wrong.
"""


def _parser() -> argparse.ArgumentParser:
    from policyqa import __version__

    p = argparse.ArgumentParser(
        prog="policyqa",
        description="Turn questionnaire chapters of a comparative-law guide into tidy tables.",
        epilog="run 'policyqa COMMAND --help' for each command's options and examples",
    )
    p.add_argument("--version", action="version", version=f"policyqa {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    t = sub.add_parser("tables", help="write the tables for chapter files or folders",
                       description="Parse chapters and write one file per table.", epilog=EPILOG_TABLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("inputs", nargs="+", metavar="INPUT", help="chapter file or folder of chapters")
    t.add_argument("--out", default="data/processed", metavar="DIR",
                   help="folder for the tables, or - for stdout (default: data/processed)")
    t.add_argument("--format", default="csv", choices=["csv", "parquet", "xlsx", "json"],
                   help="file format (default: csv)")
    t.add_argument("--table", default="guidelines", help="with --out -: which table to print (default: guidelines)")
    t.add_argument("--jurisdiction", help="override the jurisdiction (default: manifest.csv, else the text)")
    t.add_argument("--quiet", action="store_true", help="no per-file summary on stderr")
    o = sub.add_parser("outline", help="show the parsed structure of one chapter with line numbers",
                       description="Show what the parser understood.", epilog=EPILOG_OUTLINE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    o.add_argument("file", metavar="FILE")
    o.add_argument("--jurisdiction", help="override the jurisdiction")
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
    return p


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
    from policyqa.export import spreadsheet_safe, write_tables

    for path in (args.old, args.new):
        if Path(path).is_dir():
            raise PolicyqaError(path, 1, "is a folder; diff compares two chapter files")
    changes = compare_editions(read_chapter(args.old, jurisdiction=args.jurisdiction, corrections=args.corrections),
                               read_chapter(args.new, jurisdiction=args.jurisdiction, corrections=args.corrections))
    if args.chart:  # first: a chart that cannot be written stops the command before the table is
        from policyqa.compare import write_chart

        write_chart(changes, args.chart)
    if args.out == "-":
        spreadsheet_safe(changes).to_csv(sys.stdout, index=False)
    else:
        write_tables({"changes": changes}, args.out, args.format)
    if not args.quiet:
        print(summary_line(changes), file=sys.stderr)
    return 0


def cmd_tables(args) -> int:
    from policyqa.api import read_corpus
    from policyqa.export import write_tables

    tables = read_corpus([Path(i) for i in args.inputs], jurisdiction=args.jurisdiction,
                         corrections=args.corrections)
    frames = tables.as_dict()
    if args.out == "-":
        if args.table not in frames:
            print(f"policyqa: error: unknown table {args.table!r}; choose one of {', '.join(frames)}",
                  file=sys.stderr)
            return 2
        from policyqa.export import spreadsheet_safe

        spreadsheet_safe(frames[args.table]).to_csv(sys.stdout, index=False)
    else:
        paths = write_tables(frames, args.out, args.format)
        if not args.quiet:
            print(f"wrote {len(paths)} tables to {args.out}/ ({args.format})", file=sys.stderr)
            print(summary(tables))
    if not args.quiet:
        for s in tables.summaries:
            print(f"{s.source_file}: {s.jurisdiction}: {s.lines_read} lines read, {s.nonblank} non-blank, "
                  f"{s.placed} placed, {s.in_diagnostics} in diagnostics", file=sys.stderr)
        said = tables.diagnostics["message"]
        skipped = tables.diagnostics[said.str.startswith("skipped") | said.str.contains(": stale correction ")]
        for _, d in skipped.iterrows():
            print(f"{d['source_file']}: {d['message']}", file=sys.stderr)
    return 0


def summary(tables) -> str:
    """A few lines per jurisdiction: what was found and how binding it is."""
    q, g, o = tables.questions, tables.guidelines, tables.obligations
    lines = []
    for jur in sorted(set(q["jurisdiction"]) | set(g["jurisdiction"])):
        gj = g[g["jurisdiction"] == jur]
        oj = o[o["guideline_id"].isin(gj["guideline_id"])]
        stances = q[q["jurisdiction"] == jur]["stance"].value_counts()
        levels = oj["mandatoriness"].value_counts().sort_index(ascending=False)
        lines.append(f"{jur}: {int((q['jurisdiction'] == jur).sum())} questions "
                     f"({', '.join(f'{n} {s}' for s, n in stances.items() if n)}); {len(gj)} guidelines from "
                     f"{gj['issuing_authority'].nunique()} authorities")
        for auth, n in gj["issuing_authority"].fillna("(no authority found)").value_counts().items():
            lines.append(f"    {n:>3}  {auth}")
        if len(oj):
            lines.append("    binding: " + ", ".join(f"{lvl} {n}" for lvl, n in levels.items() if n))
    return "\n".join(lines)


def cmd_outline(args) -> int:
    from policyqa.api import read_chapter

    t = read_chapter(args.file, jurisdiction=args.jurisdiction, corrections=args.corrections)
    ch = t.chapters[0]
    g = t.guidelines
    out = [f"{ch.source_file}: {ch.jurisdiction} (jurisdiction from {ch.jurisdiction_source}); "
           f"{ch.n_lines} lines, {ch.n_nonblank} non-blank"]
    events: list[tuple[int, int, str]] = []
    for line, text in ch.furniture:
        events.append((line, 0, f"  furniture    {text[:90]}"))
    for h in ch.headings:
        events.append((h.line, 1, f"{'' if h.level == 'section' else '  '}{h.level:<12} {h.text}"))
    stance = dict(zip(t.questions["line"], t.questions["stance"]))
    for q in ch.questions:
        shared = f" (shares the answer at line {q.shares_answer_of})" if q.shares_answer_of else ""
        no = "?" if q.number is None else q.number
        events.append((q.line, 2, f"    Q{no:<3} [{q.match}] {q.text[:80]}  -> {stance.get(q.line)}{shared}"))
        for b in q.blocks:
            mark = {"item": "•", "paragraph": "¶", "subheading": "§"}[b.kind]
            events.append((b.line, 3, f"      {'  ' * b.level}{mark} {b.text[:80]}"))
    for _, row in g.iterrows():
        events.append((int(row["line"]), 4, f"        guideline: {row['title'][:60]} | {row['issuing_authority']}"))
    for _, d in t.diagnostics.iterrows():
        events.append((int(d["line"]), 5, f"        diagnostic [{d['level']}] {d['message']}"))
    for line, _, text in sorted(events, key=lambda e: (e[0], e[1])):
        out.append(f"{line:>5}  {text}")
    print("\n".join(out))
    return 0


def main(argv: list[str] | None = None) -> int:
    from policyqa.errors import PolicyqaError

    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        from policyqa.review import cmd_review

        return {"tables": cmd_tables, "outline": cmd_outline, "diff": cmd_diff,
                "review": cmd_review}[args.command](args)
    except PolicyqaError as exc:
        print(f"policyqa: error: {exc.path}:{exc.line}: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("policyqa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
