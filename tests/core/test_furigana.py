"""Furigana: readings over kanji, local names read the local way, and the template tags."""

from django.template import engines

from manabiba.core.japanese import furigana


def render(source: str, **context: object) -> str:
    return engines["django"].from_string("{% load japanese %}" + source).render(context)


def test_only_kanji_get_a_reading_and_okurigana_stay_bare() -> None:
    assert furigana("講座を受ける") == [("講座", "こうざ"), ("を", None), ("受", "う"), ("ける", None)]
    assert furigana("お申し込み") == [("お", None), ("申", "もう"), ("し", None), ("込", "こ"), ("み", None)]
    assert furigana("ひらがなとカタカナ") == [("ひらがなとカタカナ", None)]
    assert furigana("") == []


def test_local_names_are_read_the_way_the_city_reads_them() -> None:
    readings = dict(furigana("保谷と田無と柳沢と東伏見と谷戸"))
    assert readings == {
        "保谷": "ほうや",
        "と": None,
        "田無": "たなし",
        "柳沢": "やぎさわ",
        "東伏見": "ひがしふしみ",
        "谷戸": "やと",
    }


def test_town_names_take_their_readings_from_the_areas_table() -> None:
    assert furigana("下保谷") == [("下保谷", "しもほうや")]
    assert furigana("ひばりが丘北") == [("ひばりが", None), ("丘北", "おかきた")]


def test_the_segments_join_back_into_the_text() -> None:
    text = "ＰＣ講座　２０２５年、保谷駅前公民館で開催!"
    assert "".join(segment for segment, _ in furigana(text)) == text


def test_the_ruby_filter_adds_ruby_only_when_switched_on() -> None:
    on = render("{{ title|ruby:on }}", title="保谷の<講座>", on=True)
    assert on == (
        "<ruby>保谷<rp>(</rp><rt>ほうや</rt><rp>)</rp></ruby>の&lt;"
        "<ruby>講座<rp>(</rp><rt>こうざ</rt><rp>)</rp></ruby>&gt;"
    )
    assert render("{{ title|ruby:on }}", title="保谷の<講座>", on=False) == "保谷の&lt;講座&gt;"


def test_the_ruby_block_annotates_text_but_never_tags_attributes_or_scripts() -> None:
    source = (
        '{% rubyblock on %}<a href="/保谷" title="保谷">保谷へ</a>'
        "<script>var 保谷;</script><p>A &amp; 公民館</p>{% endrubyblock %}"
    )
    html = render(source, on=True)
    assert html == (
        '<a href="/保谷" title="保谷"><ruby>保谷<rp>(</rp><rt>ほうや</rt><rp>)</rp></ruby>へ</a>'
        "<script>var 保谷;</script>"
        "<p>A &amp; <ruby>公民館<rp>(</rp><rt>こうみんかん</rt><rp>)</rp></ruby></p>"
    )
    assert render(source, on=False) == (
        '<a href="/保谷" title="保谷">保谷へ</a><script>var 保谷;</script><p>A &amp; 公民館</p>'
    )
