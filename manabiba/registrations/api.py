"""Registrations API."""

from ninja import Router

router = Router(tags=["registrations"])
