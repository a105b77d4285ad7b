"""The briefing: the notebooks run headless, the chart pack and reports/briefing.html.

    python -m policyqa.briefing --jurisdiction NAME --data data/raw

runs every notebook in notebooks/ (01-..., 02-..., in order) with papermill on
the `policyqa` kernel, passing each the parameters its `parameters` cell
declares (JURISDICTION, DATA, REPORTS), prints one progress line per notebook,
and ends by printing where the figures and the briefing are. The last notebook
(05-briefing) calls `build_pack`, which writes the charts to reports/figures/
(PNG at 300 dpi and byte-reproducible SVG) and reports/briefing.html.
`--pack-only` skips the notebooks and calls `build_pack` directly.

The helpers the notebooks share live here too: choosing a chapter or a
jurisdiction (`chapter_path`, `select`), the parsed outline of a chapter as a
table (`outline`), what each authority issues and what binds (`authority_table`)
and one question's answers side by side (`answers_side_by_side`).
Nothing here names a chapter, jurisdiction or guideline; matplotlib is imported
only when charts are drawn.
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.errors import PolicyqaError

#: The figures of the pack, in the order of the briefing. The first is the headline.
PACK = (
    "audience-mandatoriness",
    "guidelines-by-authority",
    "instrument-types",
    "mandatoriness-by-jurisdiction",
    "guidelines-per-jurisdiction",
    "stance-by-question",
)
KERNEL = "policyqa"


# ----------------------------------------------------------------------------- choosing chapters

def jurisdictions(tables) -> list[str]:
    """Every jurisdiction with a chapter in the tables, A-Z."""
    names = {s.jurisdiction for s in tables.summaries}
    return sorted(names | set(tables.questions["jurisdiction"].dropna().astype(str)))


def _match(tables, jurisdiction: str, where: str) -> tuple[str, set[str] | None]:
    """(jurisdiction, the files asked for by name or None when a jurisdiction was named)."""
    wanted = jurisdiction.strip().casefold()
    names = jurisdictions(tables)
    for s in tables.summaries:  # a chapter's file name
        if wanted == s.source_file.casefold():
            return s.jurisdiction, {s.source_file}
    for name in names:
        if name.casefold() == wanted:
            return name, None
    for s in tables.summaries:  # its file name without the suffix
        if wanted == Path(s.source_file).stem.casefold():
            return s.jurisdiction, {s.source_file}
    raise PolicyqaError(where, 1, f"no chapter for jurisdiction {jurisdiction!r}; "
                                  f"the chapters here are for {', '.join(names) or 'nothing'}")


def edition_rank(edition) -> int:
    """Editions order by year; a chapter with no dated edition counts as older than any dated one."""
    text = "" if edition is None else str(edition)
    return int(text) if text.isdigit() else 0


def newest_files(tables, jurisdiction: str) -> set[str]:
    """The chapter files of a jurisdiction's newest edition (all of them when no edition is dated)."""
    chapters = [c for c in tables.chapters if c.jurisdiction == jurisdiction]
    if not chapters:
        return {s.source_file for s in tables.summaries if s.jurisdiction == jurisdiction}
    top = max(edition_rank(c.edition) for c in chapters)
    return {c.source_file for c in chapters if edition_rank(c.edition) == top}


def select(tables, jurisdiction: str | None, edition: str | None = None):
    """The tables of one chapter: by file name, or by jurisdiction (case-insensitive), its newest edition unless
    `edition` says which; all of them for None or ""."""
    if not jurisdiction:
        return tables

    name, files = _match(tables, jurisdiction, "jurisdiction")
    if files is None:
        if edition:
            files = {c.source_file for c in tables.chapters if c.jurisdiction == name and str(c.edition) == str(edition)}
            if not files:
                raise PolicyqaError("edition", 1, f"no {edition} edition for {name}")
        else:
            files = newest_files(tables, name)
    return select_files(tables, files)


def newest_editions(tables):
    """The tables with one chapter per jurisdiction, its newest edition: what comparisons across chapters use."""
    return select_files(tables, set().union(*[newest_files(tables, j) for j in jurisdictions(tables)] or [set()]))


def select_files(tables, files: set[str]):
    """The tables of the given chapter files (their source_file names)."""
    from policyqa.api import Tables

    frames = {}
    ids = set(tables.guidelines.loc[tables.guidelines["source_file"].isin(files), "guideline_id"])
    for table, df in tables.as_dict().items():
        if "source_file" in df.columns:
            keep = df["source_file"].isin(files)
        elif "guideline_id" in df.columns:  # obligations: through their guideline
            keep = df["guideline_id"].isin(ids)
        else:  # authorities: by jurisdiction and edition
            wanted = {(c.jurisdiction, c.edition or "") for c in tables.chapters if c.source_file in files}
            keep = pd_series([(j, e if isinstance(e, str) else "") in wanted
                              for j, e in zip(df["jurisdiction"], df["edition"])], df.index)
        frames[table] = df[keep.fillna(False).astype(bool)].reset_index(drop=True)
    return Tables(**frames, summaries=[s for s in tables.summaries if s.source_file in files],
                  chapters=[c for c in tables.chapters if c.source_file in files])


def pd_series(values, index):
    import pandas as pd

    return pd.Series(values, index=index)


def chapter_path(data: str | Path, jurisdiction: str) -> Path:
    """The chapter file for a jurisdiction in a folder: from manifest.csv, else the file name, else the text."""
    from policyqa.api import read_manifest

    folder = Path(data)
    wanted = jurisdiction.strip().casefold()
    rows = [(edition_rank(row.get("edition")), name) for name, row in sorted(read_manifest(folder).items())
            if (row.get("jurisdiction") or "").strip().casefold() == wanted and (folder / name).is_file()]
    if rows:  # the newest edition
        return folder / max(rows, key=lambda r: r[0])[1]
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        if child.is_file() and child.stem.casefold() == wanted and child.suffix.lower() in (".txt", ".text", ".md"):
            return child
    from policyqa.api import read_corpus

    tables = read_corpus(folder)
    name, _ = _match(tables, jurisdiction, str(folder))
    return Path(next(s.path for s in tables.summaries if s.jurisdiction == name))


# ----------------------------------------------------------------------------- tables for the notebooks

def outline(tables):
    """What the parser understood, one row per line that matters, in line order.

    Columns: source_file, line, kind (section, subsection, question, guideline, diagnostic,
    furniture), question_no, text, detail (stance of a question, authority of a guideline,
    level of a diagnostic). The same facts as `policyqa outline FILE`, as a DataFrame.
    """
    import pandas as pd

    rows = []
    for ch in tables.chapters:
        for line, text in ch.furniture:
            rows.append((ch.source_file, line, 0, "furniture", None, text, ""))
        for h in ch.headings:
            rows.append((ch.source_file, h.line, 1, h.level, None, h.text, ""))
    q = tables.questions
    for r in q.itertuples(index=False):
        rows.append((r.source_file, int(r.line), 2, "question", r.question_no, r.question, str(r.stance)))
    for r in tables.guidelines.itertuples(index=False):
        rows.append((r.source_file, int(r.line), 3, "guideline", r.question_no, r.title,
                     "" if pd.isna(r.issuing_authority) else str(r.issuing_authority)))
    for r in tables.diagnostics.itertuples(index=False):
        rows.append((r.source_file, int(r.line), 4, "diagnostic", None, r.message, str(r.level)))
    out = pd.DataFrame(rows, columns=["source_file", "line", "order", "kind", "question_no", "text", "detail"])
    out = out.sort_values(["source_file", "line", "order"]).drop(columns="order").reset_index(drop=True)
    out["question_no"] = out["question_no"].astype("Int64")
    return out


def binds(guidelines, obligations):
    """Per guideline: what the chapter says binds whom, e.g. 'voluntary for private companies; ...'."""
    from policyqa.charts import audience_order, guideline_levels

    gl = guideline_levels(guidelines, obligations)
    order = {a: i for i, a in enumerate(audience_order(gl["audience"]))}
    gl = gl.assign(_o=gl["audience"].astype(str).map(order)).sort_values(["guideline_id", "_o"], kind="stable")
    parts = gl["mandatoriness"].astype(str) + " for " + gl["audience"].astype(str)
    return parts.groupby(gl["guideline_id"].astype(str), sort=False).agg("; ".join).astype("string")


def authority_table(guidelines, obligations):
    """One row per issuing authority: how many guidelines, of which kinds, their titles and what binds whom."""
    import pandas as pd

    from policyqa.charts import NO_AUTHORITY, strongest_levels

    if guidelines.empty:
        return pd.DataFrame(columns=["jurisdiction", "issuing_authority", "guidelines", "kinds", "titles", "binds"])
    s = strongest_levels(guidelines, obligations)
    s = s.assign(binds=s["guideline_id"].map(binds(guidelines, obligations)))
    s["issuing_authority"] = s["issuing_authority"].fillna(NO_AUTHORITY)
    out = s.groupby(["jurisdiction", "issuing_authority"], sort=False).agg(
        guidelines=("guideline_id", "size"),
        kinds=("instrument_type", lambda v: ", ".join(sorted(set(map(str, v))))),
        titles=("title", lambda v: "; ".join(map(str, v))),
        binds=("binds", lambda v: " | ".join(dict.fromkeys(map(str, v)))),
    ).reset_index()
    return out.sort_values(["guidelines", "jurisdiction", "issuing_authority"], ascending=[False, True, True],
                           ignore_index=True)


def answers_side_by_side(questions, question_no: int, width: int = 400):
    """One question's answers, one row per jurisdiction: stance, the answer (shortened to `width`), source line."""
    import textwrap

    q = questions[questions["question_no"] == question_no]
    out = q[["jurisdiction", "stance", "answer", "source_file", "answer_line", "line"]].copy()
    out["answer"] = out["answer"].astype(str).map(
        lambda a: textwrap.shorten(" ".join(a.split()), width=width, placeholder=" […]"))
    out["source"] = [f"{f}:{a if a == a and a is not None else ln}" for f, a, ln in
                     zip(out["source_file"], out["answer_line"].astype(object), out["line"])]
    return out.drop(columns=["source_file", "answer_line", "line"]).sort_values("jurisdiction", ignore_index=True)


# ----------------------------------------------------------------------------- the chart pack

@dataclass
class FigureFile:
    name: str
    finding: str
    subtitle: str
    source: str
    png: Path
    svg: Path


@dataclass
class Pack:
    """What `build_pack` wrote: the figures (headline first) and the HTML briefing."""

    jurisdiction: str | None
    figures: list[FigureFile] = field(default_factory=list)
    html: Path | None = None

    @property
    def findings(self):
        import pandas as pd

        return pd.DataFrame([(f.name, f.finding, f.source) for f in self.figures],
                            columns=["figure", "finding", "source"])


def pack_figures(tables, jurisdiction: str | None = None) -> dict:
    """The pack's charts (name -> Figure): the chosen jurisdiction's own, then it among all chapters."""
    from policyqa import charts

    name = _match(tables, jurisdiction, "jurisdiction")[0] if jurisdiction else None
    own = select(tables, name)
    files = [s.source_file for s in own.summaries]
    all_files = [s.source_file for s in tables.summaries]
    names = jurisdictions(tables)
    g, o = own.guidelines, own.obligations
    return {
        "audience-mandatoriness": charts.audience_matrix(g, o, files=files),
        "guidelines-by-authority": charts.authority_bars(g, o, files=files),
        "instrument-types": charts.instrument_bars(g, o, files=files),
        "mandatoriness-by-jurisdiction": charts.mandatoriness_share(tables.guidelines, tables.obligations, names,
                                                                    files=all_files),
        "guidelines-per-jurisdiction": charts.guidelines_per_jurisdiction(
            tables.guidelines, tables.obligations, names, highlight=name, files=all_files),
        "stance-by-question": charts.stance_matrix(tables.questions, highlight=name),
    }


def build_pack(data: str | Path, jurisdiction: str | None = None, reports: str | Path = "reports") -> Pack:
    """Read every chapter in `data`, draw the pack for `jurisdiction` (all chapters when None or ""),
    write reports/figures/*.png and *.svg and reports/briefing.html, and say what was written."""
    from policyqa import charts
    from policyqa.api import read_corpus

    tables = read_corpus(Path(data))
    name = _match(tables, jurisdiction, str(data))[0] if jurisdiction else None
    out = Path(reports)
    figures_dir = out / "figures"
    pack = Pack(name)
    for fig_name, fig in pack_figures(tables, name).items():
        paths = charts.save(fig, figures_dir, fig_name)
        pack.figures.append(FigureFile(fig_name, charts.finding(fig), charts.subtitle(fig), charts.source_note(fig),
                                       paths["png"], paths["svg"]))
    own = select(tables, name)
    pack.html = write_html(pack, out / "briefing.html", chapters=[s.source_file for s in own.summaries],
                           others=[s.source_file for s in tables.summaries if s not in own.summaries])
    return pack


def write_headline(data: str | Path, jurisdiction: str | None, path: str | Path, dpi: int = 100) -> Path:
    """The pack's first figure as one small PNG (for a README, which cannot show the ignored reports/)."""
    from policyqa import charts
    from policyqa.api import read_corpus

    fig = next(iter(pack_figures(read_corpus(Path(data)), jurisdiction or None).values()))
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, format="png", dpi=dpi, metadata={"Software": "policyqa", "Title": charts.finding(fig)})
    return target


_CSS = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #222; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
p.lead { color: #555; margin-top: 0; }
ol.findings li { margin: .3rem 0; }
figure { margin: 2.5rem 0; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .85rem; color: #555; }
footer { font-size: .8rem; color: #777; border-top: 1px solid #ddd; margin-top: 3rem; padding-top: .5rem; }
"""


def write_html(pack: Pack, path: Path, chapters: list[str], others: list[str]) -> Path:
    """A self-contained page: the findings as a list, then every figure with its source. No code, no date."""
    from policyqa import __version__
    from policyqa.export import atomic_path

    esc = html.escape
    who = pack.jurisdiction or "all chapters"
    lead = f"From {', '.join(chapters) or 'no chapter'}"
    if pack.jurisdiction and others:
        lead += f", compared with {len(others)} other chapter{'s' if len(others) != 1 else ''}"
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Cybersecurity guidance briefing: {esc(who)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>Cybersecurity guidance briefing: {esc(who)}</h1>", f'<p class="lead">{esc(lead)}.</p>',
        "<h2>Findings</h2>", '<ol class="findings">',
        *[f'<li><a href="#{esc(f.name)}">{esc(f.finding)}</a></li>' for f in pack.figures],
        "</ol>",
    ]
    for f in pack.figures:
        rel_svg = f"figures/{f.svg.name}"
        rel_png = f"figures/{f.png.name}"
        parts += [
            f'<figure id="{esc(f.name)}">',
            f'<img src="{esc(rel_svg)}" alt="{esc(f.finding)}">',
            f"<figcaption>{esc(f.subtitle)}. {esc(f.source)} "
            f'<a href="{esc(rel_png)}">PNG</a> · <a href="{esc(rel_svg)}">SVG</a></figcaption>',
            "</figure>",
        ]
    parts += [
        f"<footer>Made by policyqa {esc(__version__)} from the chapter files named above. Every count traces back "
        "to a line of a chapter: the notebooks show the rows behind each chart and the source line of each row."
        "</footer>",
        "</body>", "</html>", "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(parts), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- running the notebooks

def notebooks_in(folder: Path) -> list[Path]:
    """The numbered notebooks (01-*.ipynb, 02-*.ipynb, ...) in reading order."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if p.is_file())


def _kernel_python(kernel: str) -> str | None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel)
    except NoSuchKernel:
        return None
    return spec.argv[0] if spec.argv else ""


def _quiet_kernel_manager(log):
    """A kernel manager whose kernels write their own log lines (start-up notices, shutdown noise) to `log`
    instead of the terminal, so `make briefing` prints one line per notebook. Cell errors still reach us:
    they travel as messages, not on the kernel's stderr."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = log
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


def _failing_line(traceback: list[str]) -> str:
    """The source line IPython marks with an arrow in a cell's traceback, without colour codes."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(traceback or []))
    marked = [ln for ln in text.splitlines() if re.match(r"^-*>\s*\d+", ln.strip())]
    return re.sub(r"^-*>\s*\d+\s*", "", marked[0].strip()) if marked else ""  # the first is the cell's own


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run_notebooks(notebooks: Path, data: Path, reports: Path, executed: Path, jurisdiction: str | None = None,
                  kernel: str = KERNEL, only: list[str] | None = None, out=sys.stdout) -> int:
    """Run each notebook with papermill; one progress line each; 0 if all ran, 1 at the first that failed."""
    import papermill as pm

    paths = notebooks_in(notebooks)
    if only:
        paths = [p for p in paths if any(p.name.startswith(o) or p.stem == o for o in only)]
    if not paths:
        print(f"policyqa briefing: no notebooks to run in {_show(notebooks)}", file=sys.stderr)
        return 1
    python = _kernel_python(kernel)
    if python is None:
        print(f"policyqa briefing: no Jupyter kernel named {kernel!r}; run `make setup` (it registers it with "
              f"`python -m ipykernel install --sys-prefix --name {kernel}`)", file=sys.stderr)
        return 1
    if python and Path(python).resolve() != Path(sys.executable).resolve():
        print(f"policyqa briefing: note: kernel {kernel!r} runs {python}, not this Python ({sys.executable})",
              file=sys.stderr)
    executed.mkdir(parents=True, exist_ok=True)
    log_path = executed / "kernels.log"
    with log_path.open("w", encoding="utf-8") as log:
        return _run_each(pm, paths, data, reports, executed, jurisdiction, kernel, _quiet_kernel_manager(log), out)


def _run_each(pm, paths, data, reports, executed, jurisdiction, kernel, manager, out) -> int:
    shown = jurisdiction or "the notebooks' default"
    print(f"running {len(paths)} notebooks on kernel {kernel!r} (data: {_show(data)}, jurisdiction: {shown})",
          file=out, flush=True)
    for i, nb in enumerate(paths, start=1):
        declared = pm.inspect_notebook(str(nb))
        offered = {"DATA": str(data.resolve()), "REPORTS": str(reports.resolve())}
        if jurisdiction:
            offered["JURISDICTION"] = jurisdiction
        params = {k: v for k, v in offered.items() if k in declared}
        target = executed / nb.name
        start = time.monotonic()
        try:
            pm.execute_notebook(str(nb), str(target), parameters=params, kernel_name=kernel, cwd=str(nb.parent),
                                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                kernel_manager_class=manager)
        except pm.PapermillExecutionError as exc:
            print(f"[{i}/{len(paths)}] {nb.stem}: FAILED in cell {exc.exec_count}: {exc.ename}: "
                  f"{str(exc.evalue).strip()[:300]}", file=out, flush=True)
            where = _failing_line(exc.traceback)
            if where:
                print(f"    at: {where}", file=out, flush=True)
            print(f"    the executed notebook, with the traceback, is {_show(target)}", file=out, flush=True)
            return 1
        except Exception as exc:  # a kernel that died or would not start
            print(f"[{i}/{len(paths)}] {nb.stem}: FAILED: {type(exc).__name__}: {exc}", file=out, flush=True)
            return 1
        print(f"[{i}/{len(paths)}] {nb.stem}: ok in {time.monotonic() - start:.1f} s -> {_show(target)}",
              file=out, flush=True)
    return 0


def _report(reports: Path, out=sys.stdout) -> int:
    figures = reports / "figures"
    html_path = reports / "briefing.html"
    pngs = sorted(figures.glob("*.png")) if figures.is_dir() else []
    svgs = sorted(figures.glob("*.svg")) if figures.is_dir() else []
    if not html_path.is_file() or not pngs:
        print(f"policyqa briefing: the notebooks ran but {_show(html_path)} or the figures are missing",
              file=sys.stderr)
        return 1
    print(f"figures:  {_show(figures)}/ ({len(pngs)} PNG, {len(svgs)} SVG)", file=out)
    print(f"briefing: {_show(html_path)}", file=out, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m policyqa.briefing",
        description="Run the notebooks headless and write reports/figures/ and reports/briefing.html.")
    p.add_argument("--jurisdiction", default="", help="whose briefing (default: the notebooks' own default); "
                                                      "a jurisdiction name or a chapter file name")
    p.add_argument("--data", default="data/raw", help="folder of chapters (default: data/raw)")
    p.add_argument("--reports", default="reports", help="where figures/ and briefing.html go (default: reports)")
    p.add_argument("--notebooks", default="notebooks", help="folder of numbered notebooks (default: notebooks)")
    p.add_argument("--executed", default="build/notebooks", help="where executed notebooks are kept "
                                                                 "(default: build/notebooks)")
    p.add_argument("--kernel", default=KERNEL, help=f"Jupyter kernel (default: {KERNEL})")
    p.add_argument("--only", nargs="*", help="run only these notebooks (number or name prefix, e.g. 05)")
    p.add_argument("--pack-only", action="store_true", help="skip the notebooks: draw the pack and the HTML directly")
    p.add_argument("--headline", metavar="PNG", help="only write the headline chart, small, to this file "
                                                     "(the README's image) and stop")
    args = p.parse_args(argv)
    data, reports = Path(args.data), Path(args.reports)
    if not data.is_dir():
        print(f"policyqa briefing: error: {args.data}: no such folder", file=sys.stderr)
        return 2
    try:
        if args.headline:
            print(f"headline: {_show(write_headline(data, args.jurisdiction or None, Path(args.headline)))}")
            return 0
        if args.pack_only:
            build_pack(data, args.jurisdiction or None, reports)
        else:
            if args.jurisdiction:  # fail fast, before any kernel starts, on a jurisdiction with no chapter
                from policyqa.api import read_corpus

                _match(read_corpus(data, validate=False), args.jurisdiction, str(data))
            code = run_notebooks(Path(args.notebooks), data, reports, Path(args.executed), args.jurisdiction or None,
                                 args.kernel, args.only)
            if code:
                return code
    except PolicyqaError as exc:
        print(f"policyqa briefing: error: {exc.path}:{exc.line}: {exc.message}", file=sys.stderr)
        return 2
    return _report(reports)


if __name__ == "__main__":
    sys.exit(main())
