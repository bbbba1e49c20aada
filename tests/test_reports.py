from __future__ import annotations

import csv
import io

from civicnlp.batch import write_results
from civicnlp.reports import CSV_COLUMNS, build_reports, render_html, report_rows, reports_frame


def test_reports_one_entry_per_speaker_from_gold(seed_doc):
    reports = build_reports(seed_doc)
    people = [r.person for r in reports if r.person]
    assert len(people) == len(set(people))
    by_person = {r.person: r for r in reports if r.person}
    cuong = by_person["Ngô Chí Cường"]
    assert len(cuong.directives) == 3 and not cuong.difficulties
    assert "Bí thư Tỉnh ủy" in cuong.positions
    assert len(by_person["Quảng Thanh Tú"].difficulties) == 2
    assert "Hội Nông dân tỉnh" in by_person["Quảng Thanh Tú"].organizations
    bodies_only = [r for r in reports if r.person is None]
    assert {o for r in bodies_only for o in r.organizations} >= {"Liên đoàn Lao động tỉnh", "Hội Liên hiệp phụ nữ tỉnh"}


def test_reports_every_statement_appears_once(seed_doc):
    rows = report_rows([seed_doc])
    assert len(rows) == len(seed_doc.statements)
    assert {(r["start"], r["end"]) for r in rows} == {(s.start, s.end) for s in seed_doc.statements}
    assert all(seed_doc.text[r["start"] : r["end"]] == r["text"] for r in rows)


def test_reports_addressees_are_listed(seed_doc):
    rows = report_rows([seed_doc])
    assert any(r["addressee"] == "Thường trực Tỉnh ủy" and r["type"] == "PROPOSAL" for r in rows)


def test_reports_dataframe_csv_and_html(seed_doc):
    frame = reports_frame([seed_doc])
    assert list(frame.columns) == list(CSV_COLUMNS) and len(frame) == len(seed_doc.statements)
    buffer = io.StringIO()
    write_results([seed_doc], "csv", buffer)
    parsed = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert len(parsed) == len(seed_doc.statements) and parsed[0]["article"] == seed_doc.id
    page = render_html([seed_doc])
    assert page.count("<mark") == len(seed_doc.spans) and "Ngô Chí Cường" in page
