"""New-programme mail: a resident keeps the catalogue's filters and hears weekly of what is new."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from manabiba.core.models import TimeStampedModel


class SavedSearch(TimeStampedModel):
    """The catalogue's filters a resident saved, to be mailed each week the programmes newly published
    that match them.

    ``query`` is the listing's GET query in its normal form (``programs.forms.filters_query``), run again
    through ``program_search`` each week; ``name`` is the filters in words (「ヨガ、田無町、土日祝」) in
    ``language``, the language the resident saved it in.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=200)
    query = models.CharField(_("conditions"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=8)
    # The last weekly run that looked at it (mail or not): programmes published after it are new.
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    mails_sent = models.PositiveIntegerField(_("mails sent"), default=0)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "query"], name="alerts_savedsearch_unique")]
        indexes = [models.Index(fields=["last_checked_at"])]

    def __str__(self) -> str:
        return self.name
