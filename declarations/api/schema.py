"""OpenAPI description of the declaration document; for the schema only."""

from rest_framework import serializers

from declarations.evidence import ALL as EVIDENCE
from schedules.models import DECLARATION_TYPES

STATES = ["submitted", "eligible", "payable", "paid", "voided", "awaiting-clawback", "clawed-back"]
COURSES = ["ecf-induction", "ecf-mentor"]


class DeclarationAttributesSerializer(serializers.Serializer):
    participant_id = serializers.UUIDField()
    declaration_type = serializers.ChoiceField(choices=list(DECLARATION_TYPES))
    declaration_date = serializers.DateTimeField()
    course_identifier = serializers.ChoiceField(choices=COURSES)
    state = serializers.ChoiceField(choices=STATES)
    updated_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    delivery_partner_id = serializers.UUIDField()
    statement_id = serializers.UUIDField(allow_null=True)
    clawback_statement_id = serializers.UUIDField(allow_null=True)
    ineligible_for_funding_reason = serializers.ChoiceField(choices=["duplicate_declaration"], allow_null=True)
    mentor_id = serializers.UUIDField(allow_null=True)
    uplift_paid = serializers.BooleanField()
    evidence_held = serializers.ChoiceField(choices=list(EVIDENCE), allow_null=True)
    lead_provider_name = serializers.CharField()


class DeclarationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["participant-declaration"])
    attributes = DeclarationAttributesSerializer()


class DeclarationResponseSerializer(serializers.Serializer):
    data = DeclarationSerializer()


class DeclarationsResponseSerializer(serializers.Serializer):
    data = DeclarationSerializer(many=True)


class DeclarationCreateAttributesSerializer(serializers.Serializer):
    participant_id = serializers.UUIDField()
    declaration_type = serializers.ChoiceField(choices=list(DECLARATION_TYPES))
    declaration_date = serializers.CharField()
    course_identifier = serializers.ChoiceField(choices=COURSES)
    evidence_held = serializers.ChoiceField(choices=list(EVIDENCE), required=False)


class DeclarationCreateDataSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["participant-declaration"])
    attributes = DeclarationCreateAttributesSerializer()


class DeclarationCreateSerializer(serializers.Serializer):
    data = DeclarationCreateDataSerializer()
