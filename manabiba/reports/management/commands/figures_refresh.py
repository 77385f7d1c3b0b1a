from typing import Any

from django.core.management.base import BaseCommand

from manabiba.reports.services import figures_refresh


class Command(BaseCommand):
    help = (
        "Recompute the report's kept sections whose rows changed, for the fiscal years the reports offer: "
        "the whole city and each department, in every language. Run every 5 minutes; idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = figures_refresh()
        self.stdout.write(f"figures: {done.slices} slices checked, {done.recomputed} sections recomputed")
