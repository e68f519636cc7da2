"""Issue a lead provider API token from the command line."""

from django.core.management.base import BaseCommand, CommandError

from config import clock
from schools import tokens
from schools.models import LeadProvider


class Command(BaseCommand):
    help = "Issue a new bearer token for a lead provider. The token is printed once, on the last line; only its digest is stored."

    def add_arguments(self, parser):
        parser.add_argument("lead_provider", help='The lead provider\'s name, e.g. "Ambition Institute".')
        parser.add_argument("--description", default="", help="A note kept with the token, e.g. who it is for.")

    def handle(self, *args, lead_provider, description, **options):
        name = lead_provider.strip()
        provider = (
            LeadProvider.objects.filter(name=name).first() or LeadProvider.objects.filter(name__iexact=name).first()
        )
        if provider is None:
            known = ", ".join(LeadProvider.objects.order_by("name").values_list("name", flat=True)) or "none"
            raise CommandError(f"No lead provider is called {name!r}. Lead providers: {known}.")
        token = tokens.issue(
            lead_provider=provider, description=description or "Issued with manage.py create_api_token", now=clock.now()
        )
        self.stdout.write(f"New API token for {provider.name}. It is shown only now; store it safely:")
        self.stdout.write(token)
