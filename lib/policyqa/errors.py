"""The one exception the library raises on bad input.

Every failure a user can cause (a missing file, a PNG passed as a chapter, an
empty file) becomes a `PolicyqaError` that names the file and line, so the
command line can print ``policyqa: error: FILE:LINE: what is wrong`` and exit 2
instead of showing a traceback.
"""

from __future__ import annotations


class PolicyqaError(Exception):
    """Bad input, located at a file and a 1-based line (1 when the whole file is at fault).

        >>> try: policyqa.read_chapter("missing.txt")
        ... except policyqa.PolicyqaError as e: print(e.path, e.line, e.message)   # missing.txt 1 no such file ...
    """

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = int(line)
        self.message = message

    def __reduce__(self):  # keep the three fields when pickled (cache, multiprocessing)
        return (PolicyqaError, (self.path, self.line, self.message))


class PolicyqaWarning(UserWarning):
    """Something the user should know that does not stop the run (a damaged cache entry parsed again,
    a file given twice). The command line prints it as ``policyqa: warning: ...``."""
