"""Per-speaker reports: who reported which difficulties, proposals and directives, to whom.

One :class:`Report` per speaker (all mentions of a person are one speaker; a body with no
named person is a speaker of its own), with views as dicts, a pandas DataFrame (one row
per statement), CSV rows and a standalone HTML page.

>>> from civicnlp.schema import Document
>>> doc = Document("vd", "Ông Tám cho biết giá phân bón tăng cao.")
>>> per, st = doc.add_span("PER", 4, 7), doc.add_span("DIFFICULTY", 17, 38)
>>> _ = doc.add_relation("REPORTED_BY", st.id, per.id)
>>> build_reports(doc)[0].difficulties[0].text
'giá phân bón tăng cao'
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from civicnlp.names import canonical_names
from civicnlp.schema import Document, Span

CSV_COLUMNS = ("article", "speaker", "position", "organization", "type", "text", "addressee", "start", "end")


@dataclass
class ReportedStatement:
    type: str
    text: str
    start: int
    end: int
    addressees: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Everything one speaker reported in one article."""

    person: str | None
    positions: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    difficulties: list[ReportedStatement] = field(default_factory=list)
    proposals: list[ReportedStatement] = field(default_factory=list)
    directives: list[ReportedStatement] = field(default_factory=list)

    @property
    def speaker(self) -> str:
        return self.person or ", ".join(self.organizations) or "(unattributed)"

    @property
    def statements(self) -> list[ReportedStatement]:
        return sorted(self.difficulties + self.proposals + self.directives, key=lambda s: s.start)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_BUCKET = {"DIFFICULTY": "difficulties", "PROPOSAL": "proposals", "DIRECTIVE": "directives"}


def build_reports(doc: Document) -> list[Report]:
    """Group a document's statements by canonical speaker, in order of first statement."""
    names = canonical_names(doc)
    by_id = {s.id: s for s in doc.spans}
    surface = _best_surfaces(doc, names)
    titles = _titles(doc, names)
    reports: dict[str, Report] = {}
    for st in doc.statements:
        targets = [
            by_id[r.tail] for r in doc.relations if r.type == "REPORTED_BY" and r.head == st.id and r.tail in by_id
        ]
        people = [t for t in targets if t.label == "PER"]
        bodies = [t for t in targets if t.label == "ORG"]
        key = f"per:{names[people[0].id]}" if people else (f"org:{names[bodies[0].id]}" if bodies else "none")
        report = reports.get(key)
        if report is None:
            person = surface[names[people[0].id]] if people else None
            positions, orgs = titles.get(names[people[0].id], ([], [])) if people else ([], [])
            report = reports[key] = Report(person, list(positions), list(orgs))
        for body in bodies:
            name = surface[names[body.id]]
            if name not in report.organizations:
                report.organizations.append(name)
        addressees = [
            surface[names[r.tail]]
            for r in doc.relations
            if r.type == "ADDRESSED_TO" and r.head == st.id and r.tail in by_id
        ]
        item = ReportedStatement(st.label, doc.text[st.start : st.end], st.start, st.end, addressees)
        getattr(report, _BUCKET[st.label]).append(item)
    return list(reports.values())


def _best_surfaces(doc: Document, names: dict[int, str]) -> dict[str, str]:
    # The longest written form of each canonical name is the one shown ("Ngô Chí Cường", not "Cường").
    best: dict[str, str] = {}
    for span in doc.spans:
        text = doc.text[span.start : span.end]
        if len(text) > len(best.get(names[span.id], "")):
            best[names[span.id]] = text
    return best


def _titles(doc: Document, names: dict[int, str]) -> dict[str, tuple[list[str], list[str]]]:
    """Canonical person → (titles as written with their body, bodies)."""
    by_id: dict[int, Span] = {s.id: s for s in doc.spans}
    body_of = {r.head: by_id[r.tail] for r in doc.relations if r.type == "IN_ORG" and r.tail in by_id}
    out: dict[str, tuple[list[str], list[str]]] = {}
    for rel in doc.relations:
        if rel.type != "HOLDS" or rel.head not in by_id or rel.tail not in by_id:
            continue
        positions, orgs = out.setdefault(names[rel.head], ([], []))
        title = doc.text[by_id[rel.tail].start : by_id[rel.tail].end]
        body = body_of.get(rel.tail)
        full = f"{title} {doc.text[body.start : body.end]}" if body else title
        if full not in positions:
            positions.append(full)
        if body is not None and doc.text[body.start : body.end] not in orgs:
            orgs.append(doc.text[body.start : body.end])
    return out


# -- tabular views -----------------------------------------------------------------------------
def report_rows(docs: Iterable[Document]) -> list[dict[str, Any]]:
    """One row per statement: article, speaker, position, organization, type, text, addressee."""
    rows = []
    for doc in docs:
        for report in doc.reports:
            for st in report.statements:
                rows.append(
                    {
                        "article": doc.id,
                        "speaker": report.speaker,
                        "position": "; ".join(report.positions),
                        "organization": "; ".join(report.organizations),
                        "type": st.type,
                        "text": st.text,
                        "addressee": "; ".join(st.addressees),
                        "start": st.start,
                        "end": st.end,
                    }
                )
    return rows


def reports_frame(docs: Iterable[Document]) -> Any:
    """The rows of :func:`report_rows` as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(report_rows(docs), columns=list(CSV_COLUMNS))


_COLORS = {
    "PER": "#ffd6a5",
    "POSITION": "#caffbf",
    "ORG": "#9bf6ff",
    "DATE": "#d0bfff",
    "LOC": "#fdffb6",
    "DIFFICULTY": "#ffadad",
    "PROPOSAL": "#a0c4ff",
    "DIRECTIVE": "#bdb2ff",
}


def render_html(docs: Iterable[Document], *, title: str = "civicnlp report") -> str:
    """A standalone HTML page: each article with highlighted spans, then its reports as a table."""
    parts = [
        f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}mark{padding:0 .15em;border-radius:.2em}"
        "mark.st{display:inline;border-bottom:3px solid #555;background:none}small{color:#555}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em;vertical-align:top}</style>",
        f"</head><body><h1>{html.escape(title)}</h1>",
    ]
    for doc in docs:
        parts.append(f"<h2>{html.escape(doc.id)}</h2><p style='white-space:pre-wrap'>{_highlight(doc)}</p>")
        parts.append("<table><tr><th>speaker</th><th>position</th><th>type</th><th>statement</th><th>to</th></tr>")
        for report in doc.reports:
            for st in report.statements:
                cells = [report.speaker, "; ".join(report.positions), st.type, st.text, "; ".join(st.addressees)]
                parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def _highlight(doc: Document) -> str:
    marks: dict[int, list[str]] = {}
    for span in sorted(doc.spans, key=lambda s: (s.start, -s.end)):
        color = _COLORS.get(span.label, "#eee")
        css = f"class='st' style='border-color:{color}'" if span.is_statement else f"style='background:{color}'"
        marks.setdefault(span.start, []).append(f"<mark {css} title='{span.label}'>")
        marks.setdefault(span.end, []).insert(0, f"<small>{span.label}</small></mark>")
    out = []
    for i, ch in enumerate(doc.text):
        out.extend(m for m in marks.get(i, []) if m.startswith("<small"))
        out.extend(m for m in marks.get(i, []) if not m.startswith("<small"))
        out.append(html.escape(ch))
    out.extend(marks.get(len(doc.text), []))
    return "".join(out)
