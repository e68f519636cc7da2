"""Print what a person needs to try the local demo: a support login and an API token per provider."""
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from schools import tokens
from schools.models import LeadProvider

TOKEN_DESCRIPTION = "Local demo (make run)"


class Command(BaseCommand):
    help = (
        "Create or update the demo support user with a new password, issue a new API token for every "
        "lead provider, and print both. Meant for local demos only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="support@example.com", help="The support user's email and username.")

    def handle(self, *args, email, **options):
        User = get_user_model()
        # A fresh password each run, so no shared demo password exists anywhere.
        password = secrets.token_urlsafe(12)
        user = User._default_manager.filter(**{User.USERNAME_FIELD: email}).first() or User(**{User.USERNAME_FIELD: email})
        user.email = email
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write("Support login (admin):")
        self.stdout.write(f"  email:    {email}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write("")
        self.stdout.write("Lead provider API tokens (Authorization: Bearer <token>):")
        providers = list(LeadProvider.objects.order_by("name"))
        width = max((len(provider.name) for provider in providers), default=0)
        for provider in providers:
            token = tokens.issue(lead_provider=provider, description=TOKEN_DESCRIPTION)
            self.stdout.write(f"  {provider.name.ljust(width)}  {token}")
        if not providers:
            self.stdout.write("  (no lead providers yet: run `python manage.py seed_demo`)")
