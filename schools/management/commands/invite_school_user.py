"""Invite a member of a school's staff to the school portal."""

from django.core.management.base import BaseCommand, CommandError

from config import changes, clock
from schools.models import School
from schools.portal import invitations


class Command(BaseCommand):
    help = (
        "Give an email address access to a school in the portal, creating the account if need be, and print "
        "a link for them to choose their password. Send the link to them; it works once and expires."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--school", required=True, help="The school's URN.")
        parser.add_argument("--base-url", default="", help="The portal's address, e.g. https://example.org")

    def handle(self, *args, email, school, base_url, **options):
        found = School.objects.filter(urn=school.strip()).first()
        if found is None:
            raise CommandError(f"No school has the URN {school!r}.")
        now = clock.now()
        with changes.recording(action="invite_school_user", now=now):
            path = invitations.invite(email=email, school=found, now=now)
        self.stdout.write(f"{email} can use the portal for {found.name}. Send them this link to choose a password:")
        self.stdout.write(base_url.rstrip("/") + path)
