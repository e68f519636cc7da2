"""OpenAPI description of the school, delivery partner and partnership documents; for the schema only."""

from rest_framework import serializers

from schools.models import SchoolCohortChoice

INDUCTION_PROGRAMME_CHOICES = [value for value, _ in SchoolCohortChoice.InductionProgramme.choices]


class SchoolAttributesSerializer(serializers.Serializer):
    name = serializers.CharField()
    urn = serializers.CharField()
    cohort = serializers.CharField()
    in_partnership = serializers.BooleanField()
    induction_programme_choice = serializers.ChoiceField(choices=INDUCTION_PROGRAMME_CHOICES)
    expression_of_interest = serializers.BooleanField()
    induction_tutor_name = serializers.CharField(allow_null=True)
    induction_tutor_email = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class SchoolSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["school"])
    attributes = SchoolAttributesSerializer()


class SchoolResponseSerializer(serializers.Serializer):
    data = SchoolSerializer()


class SchoolsResponseSerializer(serializers.Serializer):
    data = SchoolSerializer(many=True)


class DeliveryPartnerAttributesSerializer(serializers.Serializer):
    name = serializers.CharField()
    cohort = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DeliveryPartnerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["delivery-partner"])
    attributes = DeliveryPartnerAttributesSerializer()


class DeliveryPartnerResponseSerializer(serializers.Serializer):
    data = DeliveryPartnerSerializer()


class DeliveryPartnersResponseSerializer(serializers.Serializer):
    data = DeliveryPartnerSerializer(many=True)


class PartnershipAttributesSerializer(serializers.Serializer):
    cohort = serializers.CharField()
    urn = serializers.CharField()
    school_id = serializers.UUIDField()
    delivery_partner_id = serializers.UUIDField()
    delivery_partner_name = serializers.CharField()
    induction_tutor_name = serializers.CharField(allow_null=True)
    induction_tutor_email = serializers.CharField(allow_null=True)
    participants_currently_training = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class PartnershipSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=["partnership"])
    attributes = PartnershipAttributesSerializer()


class PartnershipResponseSerializer(serializers.Serializer):
    data = PartnershipSerializer()


class PartnershipsResponseSerializer(serializers.Serializer):
    data = PartnershipSerializer(many=True)


class PartnershipCreateAttributesSerializer(serializers.Serializer):
    cohort = serializers.CharField()
    school_id = serializers.CharField()
    delivery_partner_id = serializers.CharField()


class PartnershipCreateDataSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["partnership"])
    attributes = PartnershipCreateAttributesSerializer()


class PartnershipCreateSerializer(serializers.Serializer):
    data = PartnershipCreateDataSerializer()


class PartnershipUpdateAttributesSerializer(serializers.Serializer):
    delivery_partner_id = serializers.CharField()


class PartnershipUpdateDataSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["partnership"])
    attributes = PartnershipUpdateAttributesSerializer()


class PartnershipUpdateSerializer(serializers.Serializer):
    data = PartnershipUpdateDataSerializer()
