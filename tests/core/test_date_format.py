"""One way to write dates and times for people: 2027年1月16日（土）10:00〜12:00, in pages and in mail."""

import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import translation

import manabiba
from manabiba.core.dates import format_day, format_moment, format_month, format_short_day, format_span

TOKYO = ZoneInfo("Asia/Tokyo")
STARTS = datetime(2027, 1, 16, 10, 0, tzinfo=TOKYO)
ENDS = datetime(2027, 1, 16, 12, 0, tzinfo=TOKYO)
PACKAGE = Path(manabiba.__file__).resolve().parent


def test_japanese_dates_and_times() -> None:
    with translation.override("ja"):
        assert format_day(date(2027, 1, 16)) == "2027年1月16日（土）"
        assert format_short_day(STARTS) == "1月16日（土）"
        assert format_month(STARTS) == "2027年1月"
        assert format_moment(STARTS) == "2027年1月16日（土）10:00"
        assert format_span(STARTS, ENDS) == "2027年1月16日（土）10:00〜12:00"
        assert format_span(STARTS, datetime(2027, 1, 17, 9, 0, tzinfo=TOKYO)) == (
            "2027年1月16日（土）10:00〜2027年1月17日（日）09:00"
        )
        # An instant stored in UTC is shown in Tokyo time, on Tokyo's day.
        assert format_moment(datetime(2027, 1, 15, 15, 30, tzinfo=ZoneInfo("UTC"))) == "2027年1月16日（土）00:30"


def test_english_dates_and_times() -> None:
    with translation.override("en"):
        assert format_day(date(2027, 1, 16)) == "Sat 16 January 2027"
        assert format_span(STARTS, ENDS) == "Sat 16 January 2027 10:00–12:00"


def test_a_mail_lists_sessions_in_the_same_format() -> None:
    session = SimpleNamespace(starts_at=STARTS, ends_at=ENDS)
    context = {
        "program": SimpleNamespace(title="朝のヨガ", venue_label="田無公民館"),
        "sessions": [session],
        "registration": SimpleNamespace(party_size=2),
        "program_url": "https://example.jp/programs/1/",
    }
    with translation.override("ja"):
        text = render_to_string("registrations/mail/_program.txt", context)
    assert "第1回：2027年1月16日（土）10:00〜12:00" in text
    assert "講座・イベント：朝のヨガ" in text
    assert "2人" in text
    assert ": " not in text


# |date with a format a person reads. ISO days stay allowed inside attributes and URLs (datetime="…", links).
HUMAN_DATE = re.compile(r"""\|date:["']([^"']+)["']""")
# The audit log is read to the second, as a log.
LOGS = {"accounts/templates/accounts/staff/audit.html"}


def _in_attribute_or_url(line: str, start: int) -> bool:
    before = line[:start]
    return before.rfind("<") > before.rfind(">") or before.rfind("{% url") > before.rfind("%}")


def test_pages_and_mail_write_dates_through_the_one_formatter() -> None:
    offences = []
    for path in PACKAGE.rglob("templates/**/*"):
        relative = str(path.relative_to(PACKAGE))
        if path.suffix not in {".html", ".txt"} or relative in LOGS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in HUMAN_DATE.finditer(line):
                if match.group(1) in {"c", "Y-m-d"} and _in_attribute_or_url(line, match.start()):
                    continue
                offences.append(f"{relative}:{number}: {match.group()}")
    assert offences == []


def test_a_span_of_days_reads_as_one_phrase_in_each_language() -> None:
    from manabiba.core.templatetags.dates import days_text

    with translation.override("ja"):
        assert days_text(date(2027, 1, 16), date(2027, 1, 31)) == "2027年1月16日（土）〜2027年1月31日（日）"
    with translation.override("en"):
        assert days_text(date(2027, 1, 16), date(2027, 1, 31)) == "Sat 16 January 2027–Sun 31 January 2027"
