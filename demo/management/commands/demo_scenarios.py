"""Print the scenario catalogue: where each case a lead provider must handle is in the demo data."""

import json

from django.core.management.base import BaseCommand

from config import clock
from demo import catalogue


class Command(BaseCommand):
    help = (
        "List, for each case a lead provider must handle, a participant id, declaration id or school URN in the "
        "demo data that shows it, for every lead provider that can see it (see README, 'Scenario catalogue')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lead-provider", help="Only this lead provider's entries (its exact name).")
        parser.add_argument("--json", action="store_true", dest="as_json", help="One JSON list instead of text.")

    def handle(self, *args, lead_provider, as_json, **options):
        today = clock.today()
        entries = [
            entry
            for entry in catalogue.entries(today=today)
            if lead_provider is None or entry.lead_provider.name == lead_provider
        ]
        if as_json:
            self.stdout.write(_json([_record(entry) for entry in entries]))
            return
        if not entries:
            # Demo data seeded before the cases existed (make run keeps it): say how to get them, and carry on.
            self.stdout.write("No sandbox cases in the demo data: run `manage.py seed_demo` to rebuild it with them.")
            return
        self.stdout.write(
            f"Scenario catalogue for {today}: each case a lead provider must handle, and where to see it.\n"
            "Call the API with that provider's token; find a school in the admin or portal by its URN, and a\n"
            "participant in the admin by its id.\n"
        )
        current = None
        for entry in entries:
            if entry.case is not current:
                current = entry.case
                self.stdout.write(f"\n{current.title} ({current.rules})")
            self.stdout.write(f"  {entry.lead_provider.name}: {_where(entry)}")
            self.stdout.write(f"      {entry.shows}")


def _where(entry: catalogue.Entry) -> str:
    parts = []
    if entry.participant_id:
        parts.append(f"participant {entry.participant_id}")
    if entry.declaration_id:
        parts.append(f"declaration {entry.declaration_id}")
    if entry.school_urn:
        parts.append(f"school {entry.school_urn}" + (f" (id {entry.school_id})" if entry.school_id else ""))
    if entry.cohort:
        parts.append(f"cohort {entry.cohort}")
    return ", ".join(parts)


def _record(entry: catalogue.Entry) -> dict:
    return {
        "case": entry.case.key,
        "title": entry.case.title,
        "rules": entry.case.rules,
        "lead_provider": entry.lead_provider.name,
        "participant_id": entry.participant_id,
        "declaration_id": entry.declaration_id,
        "school_urn": entry.school_urn,
        "school_id": entry.school_id,
        "cohort": entry.cohort,
        "shows": entry.shows,
        "expected": entry.expected,
    }


def _json(records) -> str:
    return json.dumps(records, indent=2)
