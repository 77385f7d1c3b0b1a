"""Talent bank API: the public directory and a talent's public card. Never a contact detail,
and only the fields each talent chose to show."""

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from manabiba.core.api_body import Id
from manabiba.core.api_errors import ErrorOut
from manabiba.core.dates import MAX_OFFSET
from manabiba.talents import selectors, services
from manabiba.talents.models import TalentProfile

router = Router(tags=["talents"])

MAX_LIMIT = 100

WhenValue = Literal["morning", "afternoon", "weekday_evening", "weekend"]


class TalentQuery(Schema):
    """The directory's filters, by the programme listing's parameter names where they apply."""

    q: str = Field("", max_length=200, description="Keywords, searched in Japanese-aware ways (readings too).")
    category: list[Id] = Field([], description="Field (category) ids; any of them.")
    audience: list[Id] = Field([], description="Audience ids; any of them.")
    area: list[Id] = Field([], description="Area ids; any of them.")
    weekday: list[Annotated[int, Field(ge=0, le=6)]] = Field([], description="Days of the week, Monday 0.")
    when: list[WhenValue] = Field([], description="Times of day; weekday_evening and weekend as on the listing.")
    free: bool | None = Field(None, description="true: free of charge only; false: with an honorarium.")
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def filters(self) -> selectors.TalentFilters:
        return selectors.TalentFilters(
            q=self.q.strip(),
            categories=tuple(dict.fromkeys(self.category)),
            audiences=tuple(dict.fromkeys(self.audience)),
            areas=tuple(dict.fromkeys(self.area)),
            days=tuple(dict.fromkeys(str(day) for day in self.weekday)),
            times=tuple(dict.fromkeys(self.when)),
            free=self.free,
        )


class NamedOut(Schema):
    id: int
    name: str


class TalentOut(Schema):
    id: int
    name: str
    url: str
    categories: list[NamedOut]
    teaches: str
    qualifications: str | None
    experience: str | None
    areas: list[NamedOut] | None
    weekdays: list[int] | None
    when: list[str] | None
    availability_note: str | None
    audiences: list[NamedOut]
    languages: str
    free_of_charge: bool
    honorarium_per_hour: int | None
    photo: str | None
    held: int


class TalentPageOut(Schema):
    count: int
    items: list[TalentOut]


def _talent(request: HttpRequest, talent: TalentProfile, held: int) -> dict[str, Any]:
    """The card as the directory shows it: a field the talent keeps private is null."""
    available = talent.availability_public
    return {
        "id": talent.pk,
        "name": talent.public_name,
        "url": request.build_absolute_uri(reverse("talents:detail", args=[talent.pk])),
        "categories": [{"id": c.pk, "name": str(c)} for c in talent.categories.all()],
        "teaches": talent.teaches,
        "qualifications": talent.qualifications if talent.qualifications_public else None,
        "experience": talent.experience if talent.experience_public else None,
        "areas": [{"id": a.pk, "name": a.name} for a in talent.areas.all()] if available else None,
        "weekdays": [int(d) for d in talent.days] if available else None,
        "when": [t for t in talent.times.split(",") if t] if available else None,
        "availability_note": talent.availability_note if available else None,
        "audiences": [{"id": a.pk, "name": str(a)} for a in talent.audiences.all()],
        "languages": talent.languages,
        "free_of_charge": talent.free_of_charge,
        "honorarium_per_hour": talent.honorarium_per_hour if talent.honorarium_public else None,
        "photo": request.build_absolute_uri(talent.photo.url) if talent.photo and talent.photo_public else None,
        "held": held,
    }


@router.get("/talents", response=TalentPageOut, auth=None, summary="Search the talent bank's directory")
def talent_list(request: HttpRequest, query: Query[TalentQuery]) -> dict[str, Any]:
    page = selectors.talent_search(query.filters(), offset=query.offset, limit=query.limit)
    held = selectors.held_counts([t.pk for t in page.talents])
    return {"count": page.count, "items": [_talent(request, t, held.get(t.pk, 0)) for t in page.talents]}


@router.get("/talents/{talent_id}", response={200: TalentOut, 404: ErrorOut}, auth=None, summary="One listed talent")
def talent_get(request: HttpRequest, talent_id: int) -> Status[dict[str, Any]]:
    talent = selectors.talent_detail(talent_id)
    if talent is None or not services.is_listed(talent):
        return Status(404, {"detail": _("No such talent.")})
    return Status(200, _talent(request, talent, selectors.talent_history(talent).held))
