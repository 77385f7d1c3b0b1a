"""Normalisation, analysis and search terms for Japanese text."""

from concurrent.futures import ThreadPoolExecutor

from manabiba.core.japanese import analyze, bigrams, index_terms, normalize, query_terms


def test_normalize_folds_width_case_and_katakana_and_collapses_spaces() -> None:
    assert normalize("ＰＣ　講座") == "pc 講座"
    assert normalize("２０２５年") == "2025年"
    assert normalize("ｶﾀｶﾅ") == normalize("カタカナ") == "かたかな"
    assert normalize("  Yoga   ヨガ \n") == "yoga よが"


def test_analyze_gives_surface_normalised_form_and_hiragana_reading() -> None:
    tokens = analyze("子どもの糖尿病")
    assert [t.surface for t in tokens] == ["子ども", "の", "糖尿病"]
    assert tokens[0].normalized == "子供"
    assert tokens[2].reading == "とうにょうびょう"
    assert (tokens[2].begin, tokens[2].end) == (4, 7)


def test_analyze_handles_texts_longer_than_the_analyser_accepts() -> None:
    text = "卓球教室を開きます。" * 3000
    tokens = analyze(text)
    assert sum(1 for t in tokens if t.surface == "卓球") == 3000
    assert text[tokens[-2].begin : tokens[-2].end] == tokens[-2].surface


def test_the_analyser_can_be_used_from_several_threads_at_once() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: [t.surface for t in analyze("ひばりが丘公民館で防災講座")], range(64)))
    assert all(result == results[0] for result in results)
    assert "防災" in results[0]


def test_index_terms_hold_surfaces_normalised_forms_readings_and_compound_parts() -> None:
    terms = index_terms("ケータイ教室と取り扱い説明書")
    assert {"けーたい", "携帯", "きょうしつ", "説明", "せつめい"} <= set(terms)
    assert "と" not in terms  # particles find nothing
    assert len(terms) == len(set(terms))


def test_query_terms_give_one_group_of_alternatives_per_word() -> None:
    words = query_terms("ＰＣ　こども 子供の防災")
    assert [w.text for w in words] == ["pc", "こども", "子供の防災"]
    assert "子供" in words[1].alternatives
    # A word of several dictionary words must match each of them.
    assert words[2].parts[0][0] == "子供"
    assert words[2].parts[1] == ("防災",)


def test_a_kanji_query_does_not_match_by_reading() -> None:
    (word,) = query_terms("公園")
    assert "こうえん" not in word.alternatives
    (typed,) = query_terms("こうえん")
    assert "こうえん" in typed.alternatives


def test_bigrams_never_join_separate_runs() -> None:
    assert bigrams("公民館、カフェ") == ["公民", "民館", "館", "かふ", "ふぇ", "ぇ"]
