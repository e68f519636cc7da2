"""What moves the `updated_at` providers see on schools, delivery partners and partnerships.

A school's document takes the latest of the school's, its cohort choice's and the partnership's own
timestamps (see `schools.api.reading`); the effect here keeps those timestamps honest whoever saves the
rows (portal, admin, services), once at the end of each unit of work, and the choices and pairings are
audited as every other change is.
"""

from __future__ import annotations

from config import changes
from schools.models import DeliveryPartner, LeadProviderDeliveryPartnership, Partnership, School, SchoolCohortChoice

# P5: partnership fields that come from the school.
SCHOOL_FIELDS_ON_PARTNERSHIPS = {"urn", "induction_tutor_name", "induction_tutor_email"}

changes.track(
    SchoolCohortChoice, fields=("school", "cohort", "induction_programme_choice", "lead_provider", "delivery_partner")
)
changes.track(LeadProviderDeliveryPartnership, fields=("lead_provider", "delivery_partner", "cohort"))


@changes.after_each_unit
def _move_updated_at(changes_: list[changes.Change]) -> None:
    choices, delivery_partners, schools = set(), set(), set()
    for change in changes_:
        if change.model is SchoolCohortChoice and change.event != "deleted":
            choices.add(change.instance.pk)
        elif change.model is LeadProviderDeliveryPartnership:
            # A delivery partner's list of cohorts with the provider changed.
            delivery_partners.add(change.instance.delivery_partner_id)
        elif change.model is School and SCHOOL_FIELDS_ON_PARTNERSHIPS & set(change.changed):
            schools.add(change.instance.pk)
    if not (choices or delivery_partners or schools):
        return
    now = changes_[0].now
    # Moved to `now` at once (locking the rows), then to the moment the unit commits (for `updated_since`).
    moved = []
    if choices:
        moved.append(SchoolCohortChoice.objects.filter(pk__in=choices))
    if delivery_partners:
        moved.append(DeliveryPartner.objects.filter(pk__in=delivery_partners))
    if schools:
        moved.append(Partnership.objects.filter(school_id__in=schools))
    for rows in moved:
        changes.move_at_commit(rows, "updated_at", now=now)
