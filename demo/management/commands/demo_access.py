"""Print what a person needs to try the local demo: logins and an API token per lead provider."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db.models import Count

from config import clock
from config.admin import EDITING_GROUP
from demo.generator.records import case_school_ids
from schools import tokens
from schools.models import LeadProvider, School, SchoolMembership

TOKEN_DESCRIPTION = "Local demo (make run)"


class Command(BaseCommand):
    help = (
        "Create or update the demo support user and school user with new passwords, issue a new API token "
        "for every lead provider, and print them. Meant for local demos only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="support@example.com", help="The support user's email and username.")
        parser.add_argument("--school-email", default="school@example.com", help="The school portal user's email.")
        parser.add_argument("--schools", type=int, default=3, help="How many schools the school user belongs to.")

    def handle(self, *args, email, school_email, schools, **options):
        support, password = self.user(email, staff=True)
        # What a support agent has: the editing group's permissions, not a superuser's.
        support.groups.set([Group.objects.get(name=EDITING_GROUP)])
        self.stdout.write(f"Support login (admin, in the group {EDITING_GROUP!r}):")
        self.stdout.write(f"  email:    {support.email}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write("")

        # The schools with the most people, so the portal has something to show.
        busiest = list(School.objects.annotate(people=Count("school_periods")).order_by("-people", "urn")[:schools])
        # And the schools of the sandbox cases, so the catalogue's schools open in the portal too.
        cases = list(School.objects.filter(pk__in=case_school_ids()).order_by("urn"))
        if busiest or cases:
            school_user, password = self.user(school_email, staff=False)
            for school in busiest + cases:
                SchoolMembership.objects.get_or_create(user=school_user, school=school)
            self.stdout.write("School portal login:")
            self.stdout.write(f"  email:    {school_user.email}")
            self.stdout.write(f"  password: {password}")
            self.stdout.write(f"  schools:  {', '.join(f'{s.name} ({s.urn})' for s in busiest)}")
            if cases:
                self.stdout.write(f"            and the {len(cases)} schools of the scenario catalogue")
            self.stdout.write("")

        self.stdout.write("Lead provider API tokens (Authorization: Bearer <token>):")
        providers = list(LeadProvider.objects.order_by("name"))
        width = max((len(provider.name) for provider in providers), default=0)
        now = clock.now()
        for provider in providers:
            token = tokens.issue(lead_provider=provider, description=TOKEN_DESCRIPTION, now=now)
            self.stdout.write(f"  {provider.name.ljust(width)}  {token}")
        if not providers:
            self.stdout.write("  (no lead providers yet: run `python manage.py seed_demo`)")

    def user(self, email, *, staff):
        """One user per email, kept between runs; a fresh password each run, so no demo password is shared."""
        User = get_user_model()
        password = secrets.token_urlsafe(12)
        user = User._default_manager.filter(**{User.USERNAME_FIELD: email}).first() or User(
            **{User.USERNAME_FIELD: email}
        )
        user.email = email
        user.is_staff = staff
        user.is_superuser = False
        user.is_active = True
        user.set_password(password)
        user.save()
        return user, password
