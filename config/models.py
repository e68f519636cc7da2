from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import IsNull

# A deleted participant's old participant id, kept in their deletion's event (training/support/deletion.py): how the
# tombstone lookups (deletion, the participant and audit searches in the admin) filter, written the same way.
TOMBSTONE_API_ID = F("changes__api_id__0")


class AuditEvent(models.Model):
    """Who changed what and when. Written by `config.changes` for every tracked model."""

    class ActorKind(models.TextChoices):
        LEAD_PROVIDER = "lead_provider", "Lead provider"
        SCHOOL_USER = "school_user", "School user"
        SUPPORT_USER = "support_user", "Support user"
        SYSTEM = "system", "System"

    occurred_at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60, blank=True, help_text="The user-level action, e.g. defer.")
    reason = models.TextField(blank=True, help_text="Why a person made the change; required of support staff.")
    ticket = models.CharField(max_length=100, blank=True, help_text="The support ticket the change answers, if any.")
    event = models.CharField(max_length=10)  # created / updated / deleted
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    participant_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    changes = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            GinIndex(fields=["participant_ids"], name="audit_participants_gin"),
            # Only tombstones have the key, so the index holds a handful of rows; a lookup by value implies IS NOT
            # NULL, so PostgreSQL uses it. Statistics on the expression (migration 0008) tell the planner how rare
            # a match is, so the admin's newest-first search reads it rather than walking `occurred_at` backwards.
            models.Index(TOMBSTONE_API_ID, name="audit_tombstone_api_id", condition=Q(IsNull(TOMBSTONE_API_ID, False))),
            # Finding one object's events: the deletion's own event when leaving a tombstone, and the admin's search
            # by database id (with the participant GIN index, a BitmapOr).
            models.Index(fields=["object_id"], name="audit_object_id"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.event} {self.model} {self.object_id}"
