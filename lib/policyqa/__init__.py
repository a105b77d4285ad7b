"""policyqa: comparative-law questionnaire chapters into tidy, validated tables.

    >>> import policyqa
    >>> t = policyqa.read_chapter("data/raw/denmark.txt")     # or read_corpus("data/raw"): every chapter
    >>> t                                                      # row counts, chapters, diagnostics
    >>> t.obligations.merge(t.guidelines, on="guideline_id")   # tables join on their keys, no suffixes
    >>> t.provenance("guidelines", 0)                          # 'denmark.txt:9: • Guide to ...'

The public API:

    read_chapter(path)     one chapter's tables (a `Tables`)
    read_corpus(inputs)    every chapter in files and folders, stacked (a `Tables`)
    Tables                 one DataFrame per table, with provenance, joins and a short display
    analysis               helpers: select a chapter or the newest editions, outline, answers side by
                           side, authority tables, what binds whom, escaped HTML tables
    PolicyqaError          bad input, with its file and line

`policyqa.charts` draws the briefing charts and `policyqa.briefing` runs the notebooks; docs/codebook.md
describes every column. Importing the package is cheap: pandas, pandera and matplotlib load only when
a function that needs them runs.
"""

__version__ = "0.1.0"
__all__ = ["read_chapter", "read_corpus", "Tables", "analysis", "compare_editions", "PolicyqaError", "__version__"]

from policyqa.errors import PolicyqaError

#: Public names loaded on first use, so that `import policyqa` stays light: name -> module that defines it.
_LAZY = {
    "read_chapter": "policyqa.api",
    "read_corpus": "policyqa.api",
    "Tables": "policyqa.api",
    "analysis": None,  # a module: policyqa.analysis
    "compare_editions": "policyqa.compare",
}


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        module = _LAZY[name]
        value = importlib.import_module(f"policyqa.{name}") if module is None else getattr(
            importlib.import_module(module), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'policyqa' has no attribute {name!r}; its public names are {', '.join(__all__)}")


#: Submodules that are part of the public surface once imported (`from policyqa import charts`).
_PUBLIC_MODULES = ("analysis", "briefing", "charts")


def __dir__() -> list[str]:
    """The public names only (what tab completion and help() should offer), not import-time leftovers."""
    loaded = {m for m in _PUBLIC_MODULES if m in globals()}
    return sorted(set(__all__) | loaded)
