"""Community groups API."""

from ninja import Router

router = Router(tags=["communities"])
