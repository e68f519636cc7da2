"""OpenAPI description of the participant document; used for the schema only, never to serialise."""

from rest_framework import serializers

from participants.models import DeferralReason, MentorFundingEndReason, WithdrawalReason
from schedules.models import SCHEDULE_IDENTIFIERS

COURSE_IDENTIFIERS = ["ecf-mentor", "ecf-induction"]


def dashed(choices):
    return [value.replace("_", "-") for value, _ in choices]


DEFERRAL_REASONS = dashed(DeferralReason.choices)
WITHDRAWAL_REASONS = dashed(WithdrawalReason.choices)


class WithdrawalSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=WITHDRAWAL_REASONS)
    date = serializers.DateTimeField()


class DeferralSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DEFERRAL_REASONS)
    date = serializers.DateTimeField()


class ParticipantECFEnrolmentSerializer(serializers.Serializer):
    training_record_id = serializers.UUIDField()
    email = serializers.CharField(allow_null=True)
    mentor_id = serializers.UUIDField(allow_null=True)
    school_urn = serializers.CharField()
    participant_type = serializers.ChoiceField(choices=["ect", "mentor"])
    working_pattern = serializers.ChoiceField(choices=["full_time", "part_time"], allow_null=True)
    cohort = serializers.CharField()
    training_status = serializers.ChoiceField(choices=["active", "deferred", "withdrawn"])
    participant_status = serializers.ChoiceField(choices=["active", "joining", "leaving", "left"])
    eligible_for_funding = serializers.BooleanField(allow_null=True)
    pupil_premium_uplift = serializers.BooleanField()
    sparsity_uplift = serializers.BooleanField()
    schedule_identifier = serializers.ChoiceField(choices=list(SCHEDULE_IDENTIFIERS))
    delivery_partner_id = serializers.UUIDField()
    withdrawal = WithdrawalSerializer(allow_null=True)
    deferral = DeferralSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    induction_end_date = serializers.DateField(allow_null=True)
    most_recent_induction_period_end_date = serializers.DateField(allow_null=True)
    overall_induction_start_date = serializers.DateField(allow_null=True)
    mentor_funding_end_date = serializers.DateField(allow_null=True)
    cohort_changed_after_payments_frozen = serializers.BooleanField()
    mentor_ineligible_for_funding_reason = serializers.ChoiceField(
        choices=[value for value, _ in MentorFundingEndReason.choices], allow_null=True
    )


class ParticipantIDChangeSerializer(serializers.Serializer):
    from_participant_id = serializers.UUIDField()
    to_participant_id = serializers.UUIDField()
    changed_at = serializers.DateTimeField()


class ParticipantAttributesSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    teacher_reference_number = serializers.CharField(allow_null=True)
    ecf_enrolments = ParticipantECFEnrolmentSerializer(many=True)
    participant_id_changes = ParticipantIDChangeSerializer(many=True)
    updated_at = serializers.DateTimeField()


class ParticipantSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["participant"])
    attributes = ParticipantAttributesSerializer()


class ParticipantResponseSerializer(serializers.Serializer):
    data = ParticipantSerializer()


class ParticipantsResponseSerializer(serializers.Serializer):
    data = ParticipantSerializer(many=True)
