"""The API root at /api/v1/: each app contributes its router."""

from ninja import NinjaAPI

from manabiba.accounts.api import router as accounts_router

api = NinjaAPI(title="Manabiba API", version="1", urls_namespace="api")
api.add_router("", accounts_router)
api.add_router("", "manabiba.programs.api.router")
api.add_router("", "manabiba.registrations.api.router")
api.add_router("", "manabiba.communities.api.router")
api.add_router("", "manabiba.consultations.api.router")
api.add_router("", "manabiba.desk.api.router")
