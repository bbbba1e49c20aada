"""The relation layer: HOLDS, IN_ORG, REPORTED_BY and ADDRESSED_TO from tagged spans.

It reads an article the way a reader does (ANNOTATION.md §3):

1. title groups — "Đồng chí [Quảng Thanh Tú], [Phó Chủ tịch Thường trực] [Hội Nông dân tỉnh]" and
   "[Bí thư] [Tỉnh ủy] [Ngô Chí Cường]" — give HOLDS and IN_ORG;
2. each statement's *frame* (its sentence up to the statement) gives the speaker before the cue
   verb and the addressees after it;
3. a speaker named by position ("Bí thư Tỉnh ủy đề nghị") resolves to the holder named in the
   article; a body ("Hội Nông dân tỉnh, …") to the person the article introduces for it;
4. anaphora ("ông", "Hội", "đơn vị") and statements with no frame take the current speaker, which
   captions and speaking sentences ("… phát biểu chỉ đạo") set as the article goes on;
5. directives (a presiding leader speaking down) link to the person only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from civicnlp.names import canonical_names, normalize_name, org_key
from civicnlp.schema import Document, Span
from civicnlp.text import sentences

# Words and phrases as data.
SPEECH_CUES = (
    "đề nghị",
    "kiến nghị",
    "đề xuất",
    "yêu cầu",
    "chỉ đạo",
    "giao",
    "phản ánh",
    "cho biết",
    "báo cáo",
    "nêu",
    "chia sẻ",
    "bày tỏ",
    "lưu ý",
    "nhấn mạnh",
    "phát biểu",
    "trình bày",
    "mong muốn",
    "xin",
    "cho rằng",
    "thông tin",
    "khẳng định",
    "nói",
    "đề cập",
    "góp ý",
    "thừa nhận",
    "chỉ ra",
    "quán triệt",
    "đánh giá",
    "kết luận",
    "mong",
    "lo ngại",
    "băn khoăn",
    "trăn trở",
    "thẳng thắn",
    "giải trình",
    "trả lời",
)
PERSON_ANAPHORA = ("ông", "bà", "đồng chí", "anh", "chị", "đại biểu này", "vị này")
BODY_ANAPHORA = (
    "hội",
    "đơn vị",
    "sở",
    "ban",
    "ngành",
    "đoàn",
    "công ty",
    "hợp tác xã",
    "htx",
    "huyện",
    "xã",
    "tỉnh",
    "thành phố",
    "bộ",
    "cơ quan",
    "địa phương",
    "liên đoàn",
    "công đoàn",
    "trường",
    "bệnh viện",
)
GENERIC_SPEAKERS = (
    "cử tri",
    "ý kiến",
    "đại biểu",
    "doanh nghiệp",
    "người dân",
    "bà con",
    "hộ dân",
    "nhiều hộ",
    "các địa phương",
    "một số địa phương",
    "nhiều địa phương",
    "hội viên",
    "người lao động",
)
_GROUP_GAP = re.compile(r"^(?:\s*,\s*|\s+|\s*kiêm\s+|\s*-\s*|\s*\(\s*|\s*\)\s*,?\s*)?$")
_CUE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, SPEECH_CUES), key=len, reverse=True)) + r")(?!\w)")
_FRAME_START = 40  # a sentence's subject starts within its first characters


@dataclass
class Speaker:
    person: Span | None = None
    body: Span | None = None
    also: list[Span] = field(default_factory=list)  # further bodies speaking together ("A và B đều kiến nghị")
    body_first: bool = False  # the body itself is the subject ("LĐLĐ tỉnh chỉ đạo …")


@dataclass
class _Context:
    doc: Document
    spans: list[Span]
    names: dict[int, str]
    holds: dict[int, list[Span]] = field(default_factory=dict)  # person id -> positions
    in_org: dict[int, Span] = field(default_factory=dict)  # position id -> body

    def __post_init__(self) -> None:
        self.by_id = {s.id: s for s in self.spans}
        self.starts = [s.start for s in self.spans]  # spans are in text order: bisect, not scan

    def between(self, start: int, end: int, labels: tuple[str, ...]) -> list[Span]:
        found = []
        for i in range(bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)):
            s = self.spans[i]
            if s.label in labels and s.end <= end and not _is_credit(self.doc.text, s):
                found.append(s)
        return found


class Linker:
    """Rule-based linker (see the module docstring); ``link(doc)`` adds relations in place."""

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None) -> Linker:
        return cls()

    def link(self, doc: Document) -> Document:
        doc.relations = [r for r in doc.relations if r.type not in {"HOLDS", "IN_ORG", "REPORTED_BY", "ADDRESSED_TO"}]
        ctx = _Context(doc, doc.entities, canonical_names(doc))
        self._titles(ctx)
        self._speakers(ctx)
        return doc

    # -- HOLDS / IN_ORG ---------------------------------------------------------------------------
    def _titles(self, ctx: _Context) -> None:
        doc = ctx.doc
        for group in _groups(doc.text, ctx.spans):
            people = [s for s in group if s.label == "PER"]
            for i, span in enumerate(group):
                if span.label == "POSITION":
                    nxt = group[i + 1] if i + 1 < len(group) else None
                    if nxt is not None and nxt.label == "ORG" and doc.text[span.end : nxt.start].strip() == "":
                        doc.add_relation("IN_ORG", span.id, nxt.id)
                        ctx.in_org[span.id] = nxt
                    holder = _holder_in_group(group, i, people)
                    if holder is not None:
                        doc.add_relation("HOLDS", holder.id, span.id)
                        ctx.holds.setdefault(holder.id, []).append(span)

    # -- REPORTED_BY / ADDRESSED_TO -----------------------------------------------------------------
    def _speakers(self, ctx: _Context) -> None:
        doc, text = ctx.doc, ctx.doc.text
        statements = doc.statements
        current = Speaker()
        cursor, previous_end = 0, 0
        for s_start, s_end in sentences(text):
            inside = []
            while cursor < len(statements) and statements[cursor].start < s_end:
                if statements[cursor].start >= s_start:
                    inside.append(statements[cursor])
                cursor += 1
            if not inside:
                current = self._introduced(ctx, s_start, s_end) or current
                continue
            for st in inside:
                frame_start = max(s_start, previous_end if previous_end <= st.start else s_start)
                previous_end = st.end
                speaker, addressees = self._frame(ctx, frame_start, st.start, current)
                quoted = self._after_quote(ctx, st)
                if quoted is not None and (speaker is None or speaker is current):
                    speaker = quoted
                if speaker is not None:
                    current = speaker
                    self._add_speaker(ctx, st, speaker)
                for target in addressees:
                    if st.label in ("PROPOSAL", "DIRECTIVE"):
                        doc.add_relation("ADDRESSED_TO", st.id, target.id)

    def _frame(self, ctx: _Context, start: int, end: int, current: Speaker) -> tuple[Speaker | None, list[Span]]:
        text = ctx.doc.text
        frame = text[start:end]
        cues = list(_CUE.finditer(frame))
        cut = start + cues[-1].end() if cues else end
        before = ctx.between(start, cut, ("PER", "POSITION", "ORG"))
        after = ctx.between(cut, end, ("ORG", "PER")) if cues else []
        lowered = frame.lower()
        if any(s.label == "PER" for s in before):
            person = [s for s in before if s.label == "PER"][-1]
            return Speaker(person, self._body_of(ctx, person)), after
        if any(s.label == "POSITION" for s in before):
            position = next(s for s in before if s.label == "POSITION")
            body = ctx.in_org.get(position.id)
            return Speaker(self._holder_of(ctx, position, body), body), after
        if before:
            bodies = _joined(text, before)
            body = bodies[0]
            return Speaker(self._person_for(ctx, body, end), body, bodies[1:], body_first=True), after
        head = lowered[: cues[-1].start()] if cues else lowered
        if _has_word(head, GENERIC_SPEAKERS):
            return Speaker(), after
        if _has_word(head, PERSON_ANAPHORA) and current.person is not None:
            return Speaker(current.person, current.body), after
        if _has_word(head, BODY_ANAPHORA) and current.body is not None:
            return Speaker(current.person, current.body), after
        return (current if current.person or current.body else None), after

    def _after_quote(self, ctx: _Context, statement: Span) -> Speaker | None:
        """A quote attributed after it: "“…”, ông Hùng đề xuất." / "“…” - Bộ trưởng nói"."""
        text = ctx.doc.text
        tail = text[statement.end : statement.end + 120]
        match = re.match(r"[.!?…]*\s*[”\"]\s*[,-–]?\s*", tail)
        if match is None:
            return None
        window_end = statement.end + match.end() + 60
        found = ctx.between(statement.end + match.end(), window_end, ("PER", "POSITION"))
        if not found or not _CUE.search(text[statement.end : window_end]):
            return None
        first = found[0]
        if first.label == "PER":
            return Speaker(first, self._body_of(ctx, first))
        body = ctx.in_org.get(first.id)
        return Speaker(self._holder_of(ctx, first, body), body)

    def _introduced(self, ctx: _Context, start: int, end: int) -> Speaker | None:
        """A sentence without statements that names who speaks next ("Đồng chí X, … báo cáo …")."""
        text = ctx.doc.text
        subjects = ctx.between(start, min(end, start + _FRAME_START + 60), ("PER", "POSITION", "ORG"))
        if not subjects or subjects[0].start > start + _FRAME_START:
            return None
        has_cue = _CUE.search(text[start:end]) is not None
        first = subjects[0]
        people = [s for s in ctx.between(start, end, ("PER",))]
        if has_cue and people:
            return Speaker(people[0], self._body_of(ctx, people[0]))
        if has_cue and first.label == "POSITION":
            body = ctx.in_org.get(first.id)
            return Speaker(self._holder_of(ctx, first, body), body)
        if first.label == "ORG" and (has_cue or _ends_with_comma(text, first, end)):
            return Speaker(self._person_for(ctx, first, first.start), first)
        return None

    def _add_speaker(self, ctx: _Context, statement: Span, speaker: Speaker) -> None:
        doc = ctx.doc
        directive = statement.label == "DIRECTIVE"
        if speaker.person is not None and not (directive and speaker.body_first):
            doc.add_relation("REPORTED_BY", statement.id, speaker.person.id)
        # A presiding or superior leader's directives link to the person only.
        if speaker.body is not None and (speaker.body_first or not (directive and speaker.person is not None)):
            for body in [speaker.body, *speaker.also]:
                doc.add_relation("REPORTED_BY", statement.id, body.id)

    # -- resolution helpers -----------------------------------------------------------------------
    def _body_of(self, ctx: _Context, person: Span) -> Span | None:
        """The body a person speaks for: the body of a title they hold anywhere in the article."""
        name = ctx.names[person.id]
        for holder_id, positions in ctx.holds.items():
            if ctx.names.get(holder_id) == name:
                for position in positions:
                    body = ctx.in_org.get(position.id)
                    if body is not None and not _is_delegation(body):
                        return body
        return None

    def _holder_of(self, ctx: _Context, position: Span, body: Span | None) -> Span | None:
        """The person the article names for a title ("Bí thư Tỉnh ủy" → Ngô Chí Cường)."""
        title = normalize_name(position.text)
        key = org_key(body.text) if body is not None else None
        for holder_id, positions in ctx.holds.items():
            for held in positions:
                held_body = ctx.in_org.get(held.id)
                if normalize_name(held.text) == title and (
                    key is None or (held_body and org_key(held_body.text) == key)
                ):
                    return ctx.by_id[holder_id]
        return None

    def _person_for(self, ctx: _Context, body: Span | None, near: int) -> Span | None:
        """The person introduced for a body anywhere in the article, nearest to ``near``."""
        if body is None:
            return None
        key = org_key(body.text)
        found = [
            ctx.by_id[holder_id]
            for holder_id, positions in ctx.holds.items()
            for held in positions
            if (b := ctx.in_org.get(held.id)) is not None and org_key(b.text) == key
        ]
        return min(found, key=lambda p: abs(p.start - near)) if found else None


def _groups(text: str, spans: list[Span]) -> list[list[Span]]:
    """Runs of PER / POSITION / ORG spans joined only by commas, spaces, 'kiêm' or brackets."""
    groups: list[list[Span]] = []
    run: list[Span] = []
    for span in spans:
        if span.label not in ("PER", "POSITION", "ORG"):
            if run:
                groups.append(run)
            run = []
            continue
        if run and not _GROUP_GAP.match(text[run[-1].end : span.start]):
            groups.append(run)
            run = []
        run.append(span)
    if run:
        groups.append(run)
    return [g for g in groups if any(s.label == "POSITION" for s in g)]


def _holder_in_group(group: list[Span], index: int, people: list[Span]) -> Span | None:
    # Titles after a name belong to it; titles before the first name belong to the name after them.
    before = [p for p in people if p.start < group[index].start]
    if before:
        return before[-1]
    after = [p for p in people if p.start > group[index].start]
    return after[0] if after else None


def _joined(text: str, bodies: list[Span]) -> list[Span]:
    """The first body and those joined to it by "và" or commas ("Cục BVTV và Cục Chăn nuôi")."""
    run = [bodies[0]]
    for span in bodies[1:]:
        gap = text[run[-1].end : span.start].strip()
        if span.label == "ORG" and gap in {"và", ",", "cùng", "với"}:
            run.append(span)
        else:
            break
    return run


def _ends_with_comma(text: str, span: Span, limit: int) -> bool:
    return text[span.end : min(limit, span.end + 3)].lstrip().startswith(",")


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text) for w in words)


def _is_credit(text: str, span: Span) -> bool:
    """Bylines and photo credits ("Ảnh: BẢO NGHI") never speak."""
    return (
        span.label == "PER"
        and re.search(r"(?:Ảnh|ảnh|Tin|Bài)\s*:\s*$", text[max(0, span.start - 12) : span.start]) is not None
    )


def _is_delegation(body: Span) -> bool:
    return normalize_name(body.text).startswith(("đoàn đại biểu", "đoàn đbqh", "tổ đại biểu"))
