"""What moves the `updated_at` providers see on schools, delivery partners and partnerships.

A school's document takes the latest of the school's, its cohort choice's and the partnership's own
timestamps (see `schools.api.reading`); the listeners here keep those timestamps honest whoever saves
the rows (portal, admin, services), and audit the choices and pairings as every other change is audited.
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


@changes.listen
def _move_updated_at(change: changes.Change) -> None:
    if change.model is SchoolCohortChoice and change.event != "deleted":
        SchoolCohortChoice.objects.filter(pk=change.instance.pk).update(updated_at=change.now)
    elif change.model is LeadProviderDeliveryPartnership:
        # A delivery partner's list of cohorts with the provider changed.
        DeliveryPartner.objects.filter(pk=change.instance.delivery_partner_id).update(updated_at=change.now)
    elif change.model is School and SCHOOL_FIELDS_ON_PARTNERSHIPS & set(change.changed):
        Partnership.objects.filter(school_id=change.instance.pk).update(updated_at=change.now)
