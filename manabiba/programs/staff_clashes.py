"""The staff editor's clash warning: before a programme is saved, say which others it would clash with.

The editor sees the clashing programmes with their department's contact, and either changes the
plan or ticks that they have seen them and says why it can go ahead (stored and audited by
``program_clash_acknowledge``). Programmes already acknowledged for this one are not warned of again;
a clash that appears after the warning was shown (dates changed meanwhile) is warned of anew.
Only staff who may see every department's plans are warned (a group's organiser does not see other
departments' drafts).
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from manabiba.accounts.permissions import has_permission
from manabiba.programs import services
from manabiba.programs.models import Program
from manabiba.programs.planning import Clash, acknowledged_clash_ids, program_clashes
from manabiba.programs.services import SessionTimes


class ClashForm(forms.Form):
    clash_seen = forms.CharField(required=False, widget=forms.HiddenInput)
    clash_acknowledged = forms.BooleanField(
        label=_("I have seen these programmes and want to save this one as planned"), required=False
    )
    clash_note = forms.CharField(
        label=_("Why it can go ahead as planned"),
        help_text=_(
            "For example: agreed with the other department by phone; different age groups. Kept with the programme."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def seen_ids(self) -> set[int]:
        raw = self.data.get("clash_seen", "") if self.is_bound else ""
        return {int(part) for part in str(raw).split(",") if part.strip().isdigit()}


@dataclass
class ClashCheck:
    clashes: list[Clash] = field(default_factory=list)
    form: ClashForm | None = None
    blocks: bool = False

    def acknowledge(self, *, program: Program, actor: Any) -> None:
        """Store the editor's note once the programme is saved (call inside the save's transaction)."""
        if self.clashes and self.form is not None:
            services.program_clash_acknowledge(
                program=program,
                actor=actor,
                others=[c.program for c in self.clashes],
                note=self.form.cleaned_data["clash_note"],
            )


def clash_check(
    *, user: Any, data: Any, program: Program | None, cleaned: dict[str, Any], sessions: list[SessionTimes]
) -> ClashCheck:
    """Whether saving must wait for the editor to see (or acknowledge) clashes, and the form saying so."""
    if not has_permission(user, "programs.view_planning"):
        return ClashCheck()
    area = cleaned.get("area")
    clashes = program_clashes(
        area_id=area.pk if area is not None else None,
        audience_ids=[a.pk for a in cleaned.get("audiences") or []],
        sessions=sessions,
        exclude_program_id=program.pk if program is not None else None,
    )
    if program is not None and clashes:
        already = acknowledged_clash_ids(program)
        clashes = [c for c in clashes if c.program.pk not in already]
    if not clashes:
        return ClashCheck()
    ids = sorted(c.program.pk for c in clashes)
    seen_before = "clash_seen" in data
    form = ClashForm(data)
    form.is_valid()
    if not seen_before or not set(ids) <= form.seen_ids():
        # First warning (or a new clash since): show it, judge nothing yet.
        form = ClashForm(initial={"clash_seen": ",".join(map(str, ids))})
        return ClashCheck(clashes, form, blocks=True)
    blocks = False
    if not form.cleaned_data.get("clash_acknowledged"):
        form.add_error("clash_acknowledged", _("Tick this to save despite the clash, or change the plan."))
        blocks = True
    if not form.cleaned_data.get("clash_note", "").strip():
        form.add_error("clash_note", _("Say why the programme can go ahead as planned."))
        blocks = True
    return ClashCheck(clashes, form, blocks=blocks)
