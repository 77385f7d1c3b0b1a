"""The timetable of an exchange meeting, public: what is on which stage when, and who is at which table."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from manabiba.core.api_errors import ErrorOut
from manabiba.exchanges import selectors

router = Router(tags=["exchanges"])


class ExchangeSlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    kind: str = Field(description="presentation or break")
    title: str = Field(description="The presentation's title, or the break's name.")
    group: str = Field(description="The presenting group's name; empty for a break.")
    group_id: int | None
    generations: list[str] = Field(description="Codes: c children, s students, w working age, o seniors.")


class ExchangeStageOut(Schema):
    name: str
    slots: list[ExchangeSlotOut]


class ExchangeTableOut(Schema):
    table: str
    group: str
    group_id: int
    shows: str


class ExchangeTimetableOut(Schema):
    program: int
    title: str
    format: str = Field(description="meeting, fair or training")
    published: bool = Field(description="False until the coordinator publishes it: no stages are listed then.")
    stages: list[ExchangeStageOut]
    tables: list[ExchangeTableOut]


@router.get(
    "/programs/{program_id}/timetable",
    response={200: ExchangeTimetableOut, 404: ErrorOut},
    auth=None,
    summary="The timetable and floor list of an exchange meeting",
)
def program_timetable(request: HttpRequest, program_id: int) -> Status[Any]:
    program = selectors.exchange_program(program_id)
    if program is None or not selectors.is_public(program) or not hasattr(program, "exchange_meeting"):
        return Status(404, {"detail": _("There is no published exchange meeting with this number.")})
    meeting = program.exchange_meeting
    published = meeting.timetable_published_at is not None
    stages = selectors.timetable(program) if published else []
    return Status(
        200,
        ExchangeTimetableOut(
            program=program.pk,
            title=program.title,
            format=meeting.format,
            published=published,
            stages=[
                ExchangeStageOut(
                    name=stage.name,
                    slots=[
                        ExchangeSlotOut(
                            starts_at=slot.starts_at,
                            ends_at=slot.ends_at,
                            kind="break" if slot.presentation is None else "presentation",
                            title=slot.label if slot.presentation is None else slot.presentation.title,
                            group="" if slot.presentation is None else slot.presentation.group.name,
                            group_id=None if slot.presentation is None else slot.presentation.group_id,
                            generations=[] if slot.presentation is None else list(slot.presentation.generations),
                        )
                        for slot in stage.slots
                    ],
                )
                for stage in stages
            ],
            tables=[
                ExchangeTableOut(table=t.table_label, group=t.group.name, group_id=t.group_id, shows=t.shows)
                for t in selectors.floor_list(program)
            ],
        ),
    )
