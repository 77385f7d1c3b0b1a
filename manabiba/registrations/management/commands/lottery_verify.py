from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from manabiba.registrations.models import LotteryDraw
from manabiba.registrations.selectors import lottery_verify


class Command(BaseCommand):
    help = (
        "Run a lottery draw again from its stored seed and entries and compare with the stored result. "
        "Prints match or mismatch; exits with status 1 on a mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draw_id", type=int, help="The draw's id (see the staff page or the API).")

    def handle(self, *args: Any, **options: Any) -> None:
        draw = LotteryDraw.objects.select_related("program").filter(pk=options["draw_id"]).first()
        if draw is None:
            raise CommandError(f"No lottery draw {options['draw_id']}.")
        result = lottery_verify(draw)
        self.stdout.write(
            f"draw {draw.pk} of programme {draw.program_id} ({draw.program.title}), "
            f"drawn {timezone.localtime(draw.drawn_at):%Y-%m-%d %H:%M %Z}, "
            f"seed {draw.seed}, algorithm {draw.algorithm}, "
            f"{len(draw.entries)} applicants, {len(draw.winners)} winners, seats {draw.capacity}"
        )
        if result.matches:
            self.stdout.write(self.style.SUCCESS("match: the seed gives the stored result"))
            return
        for problem in result.problems:
            self.stderr.write(f"  {problem}")
        self.stderr.write(self.style.ERROR("mismatch: the stored result is not what the seed gives"))
        raise SystemExit(1)
