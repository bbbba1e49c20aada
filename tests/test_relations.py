"""Every evidence type of the relation layer, on small hand-written articles (gold spans, no links)."""

from __future__ import annotations

import copy

import pytest

from civicnlp.names import canonical_names
from civicnlp.relations import Linker


def _linked(doc):
    pred = copy.deepcopy(doc)
    pred.relations = []
    Linker().link(pred)
    return pred


def _links(doc, rel_type="REPORTED_BY"):
    names = canonical_names(doc)
    return {(doc.span(r.head).text[:20], names[r.tail]) for r in doc.relations if r.type == rel_type}


def _expected(doc, rel_type="REPORTED_BY"):
    return _links(doc, rel_type)


ARTICLES = {
    "apposition": """Đồng chí [Lê Văn Tám](PER:p1), [Chủ tịch](POSITION:q1) [Hội Nông dân tỉnh](ORG:o1) cho biết <<giá vật tư nông nghiệp tăng cao>>(DIFFICULTY:s1).
---
p1 HOLDS q1
q1 IN_ORG o1
s1 REPORTED_BY p1
s1 REPORTED_BY o1
""",
    "title-before-name": """[Bí thư](POSITION:q1) [Huyện ủy](ORG:o1) [Trần Văn Nam](PER:p1) yêu cầu [các xã](LOC) <<rà soát hộ nghèo>>(DIRECTIVE:s1).
---
p1 HOLDS q1
q1 IN_ORG o1
s1 REPORTED_BY p1
""",
    "caption-then-body": """Đồng chí [Quảng Thanh Tú](PER:p1), [Phó Chủ tịch Thường trực](POSITION:q1) [Hội Nông dân tỉnh](ORG:o1) báo cáo tại buổi làm việc.
[Hội Nông dân tỉnh](ORG:o2), <<chất lượng hoạt động của các hợp tác xã còn thấp>>(DIFFICULTY:s1).
---
p1 HOLDS q1
q1 IN_ORG o1
s1 REPORTED_BY o2
s1 REPORTED_BY p1
""",
    "org-only": """[Liên đoàn Lao động tỉnh](ORG:o1) đề xuất [UBND tỉnh](ORG:o2) <<tăng cường kiểm tra việc đóng bảo hiểm xã hội>>(PROPOSAL:s1).
---
s1 REPORTED_BY o1
s1 ADDRESSED_TO o2
""",
    "position-only": """Đồng chí [Ngô Chí Cường](PER:p1), [Bí thư](POSITION:q1) [Tỉnh ủy](ORG:o1) chủ trì buổi làm việc.
[Bí thư](POSITION:q2) [Tỉnh ủy](ORG:o2) đề nghị <<cán bộ tiếp tục nêu cao tinh thần trách nhiệm>>(DIRECTIVE:s1).
---
p1 HOLDS q1
q1 IN_ORG o1
q2 IN_ORG o2
s1 REPORTED_BY p1
""",
    "anaphora-person": """Ông [Phạm Văn Hòa](PER:p1), [Giám đốc](POSITION:q1) [Hợp tác xã Tân Phú](ORG:o1) phát biểu tại hội nghị.
Ông cho biết <<nhiều thành viên thiếu vốn sản xuất>>(DIFFICULTY:s1).
---
p1 HOLDS q1
q1 IN_ORG o1
s1 REPORTED_BY p1
s1 REPORTED_BY o1
""",
    "anaphora-body": """[Hội Cựu chiến binh tỉnh](ORG:o1), <<một số xã còn khuyết chủ tịch hội>>(DIFFICULTY:s1).
Hội đề xuất <<bổ sung kinh phí hoạt động cho chi hội>>(PROPOSAL:s2).
---
s1 REPORTED_BY o1
s2 REPORTED_BY o1
""",
    "consecutive": """Bà [Nguyễn Thị Lan](PER:p1), [Chủ tịch](POSITION:q1) [Hội Liên hiệp Phụ nữ tỉnh](ORG:o1) cho biết <<nợ quá hạn còn cao>>(DIFFICULTY:s1).
<<Công tác phát triển hội viên trẻ chưa đạt yêu cầu>>(DIFFICULTY:s2).
---
p1 HOLDS q1
q1 IN_ORG o1
s1 REPORTED_BY p1
s1 REPORTED_BY o1
s2 REPORTED_BY p1
s2 REPORTED_BY o1
""",
    "speaking-sentence": """[Chủ tịch](POSITION:q1) [UBND tỉnh](ORG:o1) [Võ Minh Khang](PER:p1) phát biểu chỉ đạo tại hội nghị.
Điều quan trọng là <<các sở phải giải quyết dứt điểm kiến nghị của doanh nghiệp>>(DIRECTIVE:s1).
---
p1 HOLDS q1
q1 IN_ORG o1
s1 REPORTED_BY p1
""",
    "generic": """Nhiều cử tri phản ánh <<đường giao thông xuống cấp>>(DIFFICULTY:s1).
---
""",
    "quote-after": """“<<Cần sớm ban hành hướng dẫn thu hồi đất>>(PROPOSAL:s1)”, ông [Đỗ Văn Hùng](PER:p1) đề xuất.
---
s1 REPORTED_BY p1
""",
}


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_relations_evidence_types(name, markup):
    gold = markup(ARTICLES[name], doc_id=name)
    pred = _linked(gold)
    for rel_type in ("REPORTED_BY", "ADDRESSED_TO", "HOLDS", "IN_ORG"):
        assert _links(pred, rel_type) == _expected(gold, rel_type), rel_type


def test_relations_seed_speakers_with_gold_spans(seed_doc):
    pred = _linked(seed_doc)
    gold_people = {n for _, n in _links(seed_doc) if " " in n}
    assert {"ngô chí cường", "võ duy thanh", "quảng thanh tú", "trần trí cường"} <= gold_people
    assert len(_links(pred) & _links(seed_doc)) / len(_links(seed_doc)) >= 0.9


def test_relations_link_replaces_old_relations(seed_doc):
    pred = _linked(seed_doc)
    twice = copy.deepcopy(pred)
    Linker().link(twice)
    assert [(r.type, r.head, r.tail) for r in twice.relations] == [(r.type, r.head, r.tail) for r in pred.relations]


def test_relations_learned_scorer_trains_saves_and_links(tmp_path, seed_doc):
    from civicnlp.speakers import LearnedLinker, train_scorer

    linker = LearnedLinker(train_scorer([seed_doc]))
    linker.save(tmp_path / "linker.json")
    again = LearnedLinker.load(tmp_path / "linker.json")
    pred = again.link(_linked(seed_doc))
    ids = {s.id for s in pred.spans}
    links = [r for r in pred.relations if r.type == "REPORTED_BY"]
    assert links and all(r.head in ids and r.tail in ids for r in links)
    # trained on this very article, it must recover most of its speakers
    assert len(_links(pred) & _links(seed_doc)) / len(_links(seed_doc)) >= 0.6
