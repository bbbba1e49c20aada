from __future__ import annotations

import unicodedata

import pytest

from civicnlp.text import normalize, normalize_tones, sentences, tokenize


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("Hoà", "Hòa"),
        ("HOÀ", "HÒA"),
        ("uỷ", "ủy"),
        ("Uỷ ban", "Ủy ban"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Thuỵ", "Thụy"),
        ("hoá", "hóa"),
        ("toà", "tòa"),
        # unchanged: already new style, closed syllables, "qu" + y, no tone
        ("hòa", "hòa"),
        ("hoàng", "hoàng"),
        ("toán", "toán"),
        ("quý", "quý"),
        ("quỹ", "quỹ"),
        ("hoa", "hoa"),
    ],
)
def test_text_tone_normalization(old, new):
    assert normalize_tones(old) == new


def test_text_nfd_offsets_map_back_to_original():
    original = unicodedata.normalize("NFD", "Ủy ban Hoà bình, Đà Nẵng")
    norm = normalize(original)
    assert norm.text == "Ủy ban Hòa bình, Đà Nẵng"
    start = norm.text.index("Hòa bình")
    s, e = norm.to_original(start, start + len("Hòa bình"))
    assert unicodedata.normalize("NFC", original[s:e]) == "Hoà bình"
    assert norm.from_original(s, e) == (start, start + len("Hòa bình"))


def test_text_nfc_input_keeps_offsets():
    norm = normalize("Chủ tịch Hội Nông dân hoà giải")
    assert len(norm.text) == len(norm.original) and norm.to_original(3, 8) == (3, 8)


def test_text_tokenize_keeps_dates_and_offsets():
    text = "Ngày 22/8/2024, ông Tám (TP.HCM) đạt 68%; 1.200 hộ."
    tokens = tokenize(text)
    assert [t.text for t in tokens][:4] == ["Ngày", "22/8/2024", ",", "ông"]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert "68%" in [t.text for t in tokens] and "1.200" in [t.text for t in tokens]


def test_text_sentences_split_on_stops_and_newlines_not_abbreviations():
    text = 'Sáng nay (11/3), TP. Vinh họp. Ông A nói: "Tốt." Bà B đồng ý!\nTin: X'
    assert [text[a:b] for a, b in sentences(text)] == [
        "Sáng nay (11/3), TP. Vinh họp.",
        'Ông A nói: "Tốt."',
        "Bà B đồng ý!",
        "Tin: X",
    ]


def test_text_sentences_keep_semicolon_lists_together():
    text = "Công tác kiểm tra chưa được quan tâm; một số cuộc chất lượng chưa cao."
    assert sentences(text) == [(0, len(text))]
