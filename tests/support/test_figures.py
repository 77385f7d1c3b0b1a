"""Support requests in the reports: per kind of help, per department, days to close."""

from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from manabiba.accounts.models import Department, User
from manabiba.core.figures import FigureFilter, fiscal_year_of
from manabiba.support.figures import support_report_figures
from manabiba.support.models import SupportRequest
from manabiba.support.services import TaskSpec, support_request_close, support_request_split

Ask = Callable[..., SupportRequest]


def _rows(section: object, key: str) -> dict[str, tuple[object, ...]]:
    [found] = [f for f in section.figures if f.key == key]  # type: ignore[attr-defined]
    return {row.label: row.values for row in found.rows}


def test_figures_count_kinds_departments_and_days_to_close(
    ask: Ask, coordinator: User, departments: dict[str, Department]
) -> None:
    first = ask()
    support_request_split(
        request=first,
        actor=coordinator,
        parts=[
            TaskSpec(department=departments["facilities"], kind="venue"),
            TaskSpec(department=departments["pr"], kind="publicity"),
        ],
    )
    second = ask(kinds=["venue"])
    support_request_split(
        request=second, actor=coordinator, parts=[TaskSpec(department=departments["facilities"], kind="venue")]
    )
    support_request_close(request=second, actor=coordinator)
    SupportRequest.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(days=4))
    year = fiscal_year_of(timezone.localdate())

    with CaptureQueriesContext(connection) as captured, translation.override("en"):
        section = support_report_figures(year, FigureFilter())
    assert len(captured.captured_queries) == 2
    assert section is not None
    kinds = _rows(section, "support.by_kind")
    assert kinds["A venue"] == (2,)
    assert kinds["Publicity"] == (1,)
    assert kinds["A grant"] == (0,)
    assert _rows(section, "support.by_department") == {"広報課": (1,), "施設管理課": (2,)}
    closing = _rows(section, "support.days_to_close")
    assert closing["Requests closed"] == (1,)
    assert closing["Median days to close"] == (4.0,)

    with translation.override("en"):
        only_pr = support_report_figures(year, FigureFilter(department_id=departments["pr"].pk))
    assert only_pr is not None
    assert _rows(only_pr, "support.by_department") == {"広報課": (1,)}
    assert _rows(only_pr, "support.by_kind")["A venue"] == (1,)
