"""One-stop desk API."""

from ninja import Router

router = Router(tags=["desk"])
