"""What the dictionary-first search finds on the demo catalogue, beside what substrings alone found.

Run against a database that holds the demo data (after `make run`, or with DATABASE_URL set):

    DEBUG=1 .venv/bin/python scripts/search_precision.py

For each everyday query it prints how many programmes the search finds, how many matching by
substring anywhere would find, and titles of those only substrings find (the words a query
should not match inside: 東京 in 西東京市, ダンス in ガイダンス). Figures, not pass/fail.
"""

import os

QUERIES = [
    "ヨガ",
    "体操",
    "講座",
    "東京",
    "京都",
    "子ども",
    "パソコン",
    "スマホ",
    "英語",
    "書道",
    "料理",
    "絵本",
    "健康",
    "防災",
    "歴史",
    "音楽",
    "ダンス",
    "手話",
    "囲碁",
    "将棋",
    "体験",
    "教室",
    "読み聞かせ",
    "認知症",
    "介護",
    "親子",
    "高齢者",
    "ボランティア",
    "環境",
    "自然",
    "花",
    "写真",
    "映画",
    "卓球",
    "テニス",
    "水泳",
    "陶芸",
    "手芸",
    "落語",
    "西東京",
    "ひばり",
    "公民館",
    "図書館",
    "こども",
    "ようが",
    "えいご",
    "しょどう",
    "マラソン",
    "ウォーキング",
    "料理教室",
]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabiba.config.settings")
    import django

    django.setup()
    from django.utils import timezone

    from manabiba.core import search
    from manabiba.programs.models import Program

    now = timezone.now()
    found_total = substring_total = 0
    print(f"{'query':<12} {'found':>6} {'substr.':>7}  only substrings find")
    for query in QUERIES:
        words = search._words(query)
        found = set(search.search_ids(kind="programs.program", query=query, now=now))
        anywhere = set(search._ranked(words, kind="programs.program", now=now, limit=None, substrings=True))
        found_total += len(found)
        substring_total += len(anywhere)
        titles = list(Program.objects.filter(pk__in=anywhere - found).values_list("title", flat=True)[:3])
        print(f"{query:<12} {len(found):>6} {len(anywhere):>7}  {' / '.join(title[:30] for title in titles)}")
    print(f"{'total':<12} {found_total:>6} {substring_total:>7}")


if __name__ == "__main__":
    main()
