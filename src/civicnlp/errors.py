"""Coded, user-facing errors.

Every message the library shows a user has a code, so that it can be looked up and
tested for.  A message names the file, line, record or offset it is about.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "E001": "{where}: not valid JSON ({detail})",
    "E002": "{where}: expected a JSON object, got {kind}",
    "E003": "{where}: missing field '{field}'",
    "E004": "{where}: field '{field}' must be {expected}, got {kind}",
    "E010": "{where}: unknown label '{label}'",
    "E011": "{where}: span {start}-{end} out of range for text of length {length}",
    "E012": "{where}: span {start}-{end} starts or ends on whitespace",
    "E013": "{where}: span {start}-{end} ({label}) overlaps span {other_start}-{other_end} ({other_label})",
    "E014": "{where}: DATE span {start}-{end} has no value",
    "E015": "{where}: DATE value '{value}' is not YYYY, YYYY-MM, YYYY-MM-DD or a START/END range",
    "E016": "{where}: duplicate span id {span_id}",
    "E020": "{where}: unknown relation type '{type}'",
    "E021": "{where}: relation {rel_id} points to missing span id {span_id}",
    "E022": "{where}: relation {rel_id} {type} cannot go from {head} to {tail}",
    "E030": "{where}: markup error: {detail}",
    "E040": "{where}: not a file or folder",
    "E041": "{where}: unsupported file type (expected .jsonl, .json or .md)",
    "E042": "{where}: text is not valid UTF-8 ({detail})",
    "E050": "{where}: model directory not found",
    "E051": "{where}: not a civicnlp model ({detail})",
    "E060": "{where}: input text must be str, got {kind}",
    "E070": "{where}: {detail}",
}


class CivicError(Exception):
    """An error a user can act on; ``code`` is stable, ``str(error)`` says where and what."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.fields = fields
        super().__init__(f"[{code}] " + MESSAGES[code].format(**fields))

    def __reduce__(self) -> tuple:
        # Errors cross process boundaries in parallel extraction; rebuild from code and fields.
        return (_rebuild, (type(self), self.code, self.fields))


def _rebuild(cls: type, code: str, fields: dict) -> CivicError:
    error = cls.__new__(cls)
    CivicError.__init__(error, code, **fields)
    return error


class CorpusError(CivicError):
    """A corpus failed validation; ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: list[CivicError]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        Exception.__init__(self, f"{len(problems)} problem(s) found:\n{lines}")
        self.code = "E070"
        self.fields = {}

    def __reduce__(self) -> tuple:
        return (CorpusError, (self.problems,))
