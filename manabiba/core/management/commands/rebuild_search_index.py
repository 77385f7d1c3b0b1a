"""Rebuild the search index from the objects themselves, for every kind or the ones named."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from manabiba.core.search import search_index_rebuild, search_sources


class Command(BaseCommand):
    help = "Rebuild the search index (all kinds, or the kinds named, such as programs.program)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kinds", nargs="*", help="kinds to rebuild; all registered kinds if none")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = search_sources()
        kinds: list[str] = options["kinds"] or sorted(sources)
        unknown = [kind for kind in kinds if kind not in sources]
        if unknown:
            raise CommandError(f"No search source is registered for: {', '.join(unknown)}")
        for kind in kinds:
            written = search_index_rebuild(kind, sources[kind]())
            self.stdout.write(f"{kind}: {written} entries")
