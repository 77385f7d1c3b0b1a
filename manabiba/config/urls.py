from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from manabiba.config.api import api
from manabiba.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    # The catalogue and its API before the rest: the resolver tries the patterns in order (each
    # include a pattern of its own to match), and these two answer most of the city's requests.
    path("programs/", include("manabiba.programs.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The one-click unsubscribe link of every list mail (core.unsubscribe).
    path("unsubscribe/<str:list_name>/<str:token>/", core_views.unsubscribe, name="unsubscribe"),
    path("accounts/", include("manabiba.accounts.urls")),
    path("staff/programs/", include("manabiba.programs.staff_urls")),
    path("staff/registrations/", include("manabiba.registrations.staff_urls")),
    path("staff/groups/", include("manabiba.communities.staff_urls")),
    path("staff/talents/", include("manabiba.talents.staff_urls")),
    path("staff/proposals/", include("manabiba.proposals.staff_urls")),
    path("staff/consultations/", include("manabiba.consultations.staff_urls")),
    path("staff/desk/", include("manabiba.desk.staff_urls")),
    path("staff/venues/", include("manabiba.venues.staff_urls")),
    path("staff/liaison/", include("manabiba.liaison.staff_urls")),
    path("staff/support/", include("manabiba.support.staff_urls")),
    path("staff/exchanges/", include("manabiba.exchanges.staff_urls")),
    path("staff/reports/", include("manabiba.reports.urls")),
    path("staff/", include("manabiba.accounts.staff_urls")),
    path("facilities/", include("manabiba.facilities.urls")),
    path("registrations/", include("manabiba.registrations.urls")),
    path("groups/", include("manabiba.communities.urls")),
    path("talents/", include("manabiba.talents.urls")),
    path("proposals/", include("manabiba.proposals.urls")),
    path("consultations/", include("manabiba.consultations.urls")),
    path("desk/", include("manabiba.desk.urls")),
    path("venues/", include("manabiba.venues.urls")),
    path("support/", include("manabiba.support.urls")),
    path("exchanges/", include("manabiba.exchanges.urls")),
    path("opendata/", include("manabiba.opendata.urls")),
    path("alerts/", include("manabiba.alerts.urls")),
    path("admin/", admin.site.urls),
    path("", include("manabiba.web.urls")),
]

handler400 = "manabiba.web.views.bad_request"
handler500 = "manabiba.web.views.server_error"

if settings.DEBUG:
    # Uploaded images and leaflets; in production the web server serves MEDIA_ROOT (docs/operations.md).
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
