from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabiba.alerts.demo import demo_alerts_seed
from manabiba.communities.demo import demo_groups_seed
from manabiba.consultations.demo import demo_consultations_seed
from manabiba.core.devtools import dev_requirements
from manabiba.desk.demo import desk_demo_seed
from manabiba.exchanges.demo import demo_exchanges_seed
from manabiba.liaison.demo import demo_liaison_seed
from manabiba.proposals.demo import demo_proposals_seed
from manabiba.registrations.demo import demo_registrations_seed
from manabiba.support.demo import demo_support_seed
from manabiba.talents.demo import demo_talents_seed


class Command(BaseCommand):
    help = (
        "Create demo people (one per role), rooms, the desk's roster, programmes (the real open-data files, moved "
        "to come up, and generated ones), community groups, talents, citizen-proposal lectures, registrations, "
        "consultations, a morning's work for the staff workspace, room user groups and a month of room bookings; "
        "--scale N adds N*1000 residents and five fiscal years of programmes, registrations and consultations "
        "(--scale 200: Nishitokyo's size, 3,000 programmes, 60,000 registrations and 5,000 consultations a year). "
        "Safe to rerun."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Also create N*1000 residents and five fiscal years of data in proportion (200: the city).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (the demo passwords are public)."
        )
        parser.add_argument(
            "--without-programmes",
            action="store_true",
            help="Skip the programmes (the real open-data files and generated ones): people and rooms only.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with public passwords, so it refuses to run with DEBUG off. "
                "Use --force on a throwaway database only."
            )
        if options["scale"] < 0:
            raise CommandError("--scale must be 0 or more.")
        # The people and programmes are built with factory_boy and Faker, which only the development
        # requirements install: imported here so that production can load every command.
        with dev_requirements("seed_demo"):
            from manabiba.venues.demo import venues_demo_seed
            from manabiba.web.demo import (
                demo_programs_seed,
                demo_reference_load,
                demo_residents_generate,
                demo_rooms_seed,
                demo_users_seed,
            )
            from manabiba.web.demo_scale import demo_city_generate
            from manabiba.web.demo_workspace import demo_workspace_seed
        demo_reference_load()
        logins = demo_users_seed()
        rooms = demo_rooms_seed()
        self.stdout.write(f"rooms: {rooms} created")
        self.stdout.write(f"desk shifts: {desk_demo_seed()} created")
        if not options["without_programmes"]:
            for line in [
                *demo_programs_seed(),
                *demo_groups_seed(),
                *demo_talents_seed(),
                *demo_proposals_seed(),
                *demo_exchanges_seed(),
                *demo_registrations_seed(),
                *demo_consultations_seed(),
                *demo_support_seed(),
                *demo_workspace_seed(),
                *venues_demo_seed(),
                *demo_liaison_seed(),
                *demo_alerts_seed(),
            ]:
                self.stdout.write(line)
        if options["scale"]:
            created = demo_residents_generate(count=options["scale"] * 1000)
            self.stdout.write(f"benchmark residents: {created} created")
            if not options["without_programmes"]:
                for line in demo_city_generate(scale=options["scale"]):
                    self.stdout.write(line)
        width = max(len(login.email) for login in logins)
        self.stdout.write("")
        self.stdout.write("Demo logins (development only):")
        self.stdout.write(f"  {'role':<18} {'e-mail':<{width}}  password")
        for login in logins:
            self.stdout.write(f"  {login.role.value:<18} {login.email:<{width}}  {login.password}")
