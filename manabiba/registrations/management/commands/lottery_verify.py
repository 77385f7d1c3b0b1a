from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from manabiba.core.lottery import Recheck, lottery_recheckers
from manabiba.registrations.models import LotteryDraw
from manabiba.registrations.selectors import lottery_verify


class Command(BaseCommand):
    help = (
        "Run a lottery draw again from its stored seed and entries and compare with the stored result. "
        "Prints match or mismatch; exits with status 1 on a mismatch. Programme draws by default; "
        "--kind rooms for a monthly room lottery round."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draw_id", type=int, help="The draw's id (see the staff page or the API).")
        parser.add_argument(
            "--kind",
            default="programmes",
            help="programmes (default), or the kind another app registered (rooms: a room lottery round).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if kind == "programmes":
            result = self._programme(options["draw_id"])
        else:
            rechecker = lottery_recheckers().get(kind)
            if rechecker is None:
                raise CommandError(
                    f"No lottery of kind {kind!r}; known: programmes, {', '.join(lottery_recheckers())}."
                )
            found = rechecker(options["draw_id"])
            if found is None:
                raise CommandError(f"No {kind} draw {options['draw_id']}.")
            result = found
        self.stdout.write(result.description)
        if result.matches:
            self.stdout.write(self.style.SUCCESS("match: the seed gives the stored result"))
            return
        for problem in result.problems:
            self.stderr.write(f"  {problem}")
        self.stderr.write(self.style.ERROR("mismatch: the stored result is not what the seed gives"))
        raise SystemExit(1)

    def _programme(self, draw_id: int) -> Recheck:
        draw = LotteryDraw.objects.select_related("program").filter(pk=draw_id).first()
        if draw is None:
            raise CommandError(f"No lottery draw {draw_id}.")
        result = lottery_verify(draw)
        return Recheck(
            description=(
                f"draw {draw.pk} of programme {draw.program_id} ({draw.program.title}), "
                f"drawn {timezone.localtime(draw.drawn_at):%Y-%m-%d %H:%M %Z}, "
                f"seed {draw.seed}, algorithm {draw.algorithm}, "
                f"{len(draw.entries)} applicants, {len(draw.winners)} winners, seats {draw.capacity}"
            ),
            matches=result.matches,
            problems=[str(problem) for problem in result.problems],
        )
