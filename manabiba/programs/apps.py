from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "manabiba.programs"
    label = "programs"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from manabiba.core.search import search_source_register
        from manabiba.programs.selectors import SEARCH_KIND
        from manabiba.programs.services import program_search_documents

        # Lets `manabiba rebuild_search_index` rebuild the catalogue's part of the index.
        search_source_register(SEARCH_KIND, program_search_documents)

        from manabiba.core.workspace import workspace_cards_register
        from manabiba.programs.workspace import program_cards

        workspace_cards_register("programs", program_cards, order=20)

        from manabiba.core.figures import figures_register
        from manabiba.programs.figures import program_figure_sources, program_figures

        figures_register("programs", program_figures, order=10, sources=program_figure_sources())

        from manabiba.programs.audit_actions import audit_register

        # What this app's audit log codes mean, for the log page (core/audit.py).
        audit_register()

        from manabiba.programs.selectors import catalogue_names_watch

        catalogue_names_watch()

        from django.core.signals import request_started

        from manabiba.programs.kept import kept_for_the_request

        # What is kept for one request only is forgotten when the thread's next one starts.
        request_started.connect(kept_for_the_request.forget, dispatch_uid="programs.kept_for_the_request")
