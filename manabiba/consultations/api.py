"""Learning consultations API."""

from ninja import Router

router = Router(tags=["consultations"])
