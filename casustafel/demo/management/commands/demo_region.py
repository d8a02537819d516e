"""`manage.py demo_region`: build the demo Zorg- en Veiligheidshuis Gooi en Vechtstreek and print
the accounts to log in with. Running it again changes nothing and prints the accounts again."""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casustafel.demo.builder import build_demo_region
from casustafel.demo.history import build_demo_history
from casustafel.demo.logins import login_instructions
from casustafel.demo.region import DEFAULT_SEED, HOUSE_NAME


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {value!r}")
    return int(value)


class Command(BaseCommand):
    help = (
        "Build a demo region: one Zorg- en Veiligheidshuis with its partner organisations, users "
        "for every role and a shared demo password. Does nothing when the demo house exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=_positive,
            default=1,
            help="Multiply the professionals per organisation (for benchmarks). Default 1.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Seed for names and choices; the same seed gives the same people. Default {DEFAULT_SEED}.",
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help=(
                "Also load 2011-2013 at the volumes of the evaluation of the Veiligheidshuis Gooi en Vechtstreek "
                "(seed 003, chapter 3): about 600 cases with their meetings, plans and closures (docs/demo.md). "
                "Adds the history to an existing demo house that does not have it yet."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Every demo account shares one published password.
        if settings.PRODUCTION:
            raise CommandError("demo_region is refused in production: its accounts share a published password.")
        started = time.monotonic()
        self.stdout.write(f'Building the demo region "{HOUSE_NAME}" (seed {options["seed"]}, scale {options["scale"]})')
        try:
            region = build_demo_region(scale=options["scale"], seed=options["seed"], stdout=self.stdout)
        except Exception as exc:
            # Each story commits on its own (see build_demo_region): what was built stays.
            raise CommandError(
                f"Building the demo failed ({type(exc).__name__}); the database now holds a partial demo. "
                "Start again from an empty database."
            ) from exc
        history = None
        if options["history"]:
            try:
                history = build_demo_history(region, stdout=self.stdout)
            except Exception as exc:
                raise CommandError(
                    f"Building the history failed ({type(exc).__name__}); the database now holds part of it. "
                    "Start again from an empty database."
                ) from exc
        if region.created or (history is not None and history.created):
            self.stdout.write(self.style.SUCCESS(f"Built in {time.monotonic() - started:.1f} s: {region.summary()}."))
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"The demo house already exists ({region.summary()}); nothing changed. "
                    "To rebuild with another seed or scale, start from an empty database."
                )
            )
        self.stdout.write("")
        self.stdout.write(login_instructions(region.house))
