"""Community groups, for the reports: registered, newly approved, active, followers, messages."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from manabiba.communities.models import ActivityPost, CommunityGroup, ContactMessage, Follow
from manabiba.core.figures import FigureFilter, FiscalYear, Section, figure


def group_figures(year: FiscalYear, filters: FigureFilter) -> Section | None:
    if filters.department_id is not None or filters.organizer_kind:
        return None  # groups belong to no department; the organiser-kind slice is about programmes
    start, end = year.starts_at, year.ends_at
    groups = CommunityGroup.objects.filter(status=CommunityGroup.Status.APPROVED)
    posts = ActivityPost.objects.filter(
        status=ActivityPost.Status.PUBLISHED, published_at__gte=start, published_at__lt=end
    )
    follows = Follow.objects.all()
    messages = ContactMessage.objects.filter(created_at__gte=start, created_at__lt=end)
    if filters.area_id is not None:
        groups = groups.filter(areas=filters.area_id)
        posts = posts.filter(group__areas=filters.area_id)
        follows = follows.filter(group__areas=filters.area_id)
        messages = messages.filter(group__areas=filters.area_id)
    counts = groups.aggregate(
        registered=Count("pk", filter=Q(approved_at__lt=end), distinct=True),
        approved=Count("pk", filter=Q(approved_at__gte=start, approved_at__lt=end), distinct=True),
    )
    active = posts.values("group").distinct().count()
    followers = follows.aggregate(
        total=Count("pk", filter=Q(created_at__lt=end)),
        new=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
    )
    return Section(
        key="groups",
        title=_("Community groups"),
        figures=(
            figure(
                "groups.totals",
                _("Community groups"),
                [
                    (_("Registered at the end of the year"), [counts["registered"]]),
                    (_("Newly approved"), [counts["approved"]]),
                    (_("Active (posted in the year)"), [active]),
                    (_("Follows at the end of the year"), [followers["total"]]),
                    (_("New follows"), [followers["new"]]),
                    (_("Contact messages to groups"), [messages.count()]),
                ],
                additive=False,
            ),
        ),
    )
