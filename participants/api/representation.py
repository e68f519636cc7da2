"""The participant document exactly as the lead provider API contract spells it (C3–C5, F1–F20)."""

from __future__ import annotations

import datetime as dt

from config.api.formatting import format_date, format_datetime
from participants import status
from participants.api.reading import ParticipantRecord
from participants.models import ParticipantType


def _dasherised(value: str | None) -> str | None:
    return value.replace("_", "-") if value else value


def _withdrawal_and_deferral(enrolment: dict, training_status: str):
    """F11: only the object matching the training status is shown."""
    if training_status == status.WITHDRAWN:
        return {
            "reason": _dasherised(enrolment["withdrawal_reason"]),
            "date": format_datetime(enrolment["withdrawn_at"]),
        }, None
    if training_status == status.DEFERRED:
        return None, {
            "reason": _dasherised(enrolment["deferral_reason"]),
            "date": format_datetime(enrolment["deferred_at"]),
        }
    return None, None


def enrolment_attributes(participant: dict, enrolment: dict, *, today: dt.date) -> dict:
    is_ect = enrolment["participant_type"] == ParticipantType.ECT
    training_status = status.training_status(
        deferred_at=enrolment["deferred_at"], withdrawn_at=enrolment["withdrawn_at"]
    )
    withdrawal, deferral = _withdrawal_and_deferral(enrolment, training_status)
    if is_ect:
        eligible = status.eligible_for_funding(
            eligible_on=participant["ect_eligible_on"], ineligible_on=participant["ect_exempt_on"]
        )
    else:
        eligible = status.eligible_for_funding(
            eligible_on=participant["mentor_eligible_on"], ineligible_on=participant["mentor_funding_end_date"]
        )
    uplifts = enrolment["uplift_fees"]
    return {
        "training_record_id": str(participant["ect_training_record_id" if is_ect else "mentor_training_record_id"]),
        "email": enrolment["email"],
        "mentor_id": str(enrolment["mentor_id"]) if is_ect and enrolment["mentor_id"] else None,
        "school_urn": enrolment["school_urn"],
        "participant_type": enrolment["participant_type"],
        "working_pattern": enrolment["latest_working_pattern"] if is_ect else None,
        "cohort": str(enrolment["cohort"]),
        "training_status": training_status,
        "participant_status": status.participant_status(
            participant_type=enrolment["participant_type"],
            started_on=enrolment["started_on"],
            finished_on=enrolment["finished_on"],
            deferred_at=enrolment["deferred_at"],
            withdrawn_at=enrolment["withdrawn_at"],
            induction_end_date=participant["induction_end_date"],
            mentor_funding_end_date=participant["mentor_funding_end_date"],
            today=today,
        ),
        "eligible_for_funding": eligible,
        "pupil_premium_uplift": bool(uplifts and enrolment["school_pupil_premium_uplift"]),
        "sparsity_uplift": bool(uplifts and enrolment["school_sparsity_uplift"]),
        "schedule_identifier": enrolment["schedule_identifier"],
        "delivery_partner_id": str(enrolment["delivery_partner_id"]),
        "withdrawal": withdrawal,
        "deferral": deferral,
        "created_at": format_datetime(enrolment["first_created_at"]),
        "induction_end_date": format_date(participant["induction_end_date"]) if is_ect else None,
        "most_recent_induction_period_end_date": (
            format_date(participant["most_recent_induction_period_end_date"]) if is_ect else None
        ),
        "overall_induction_start_date": format_date(participant["overall_induction_start_date"]) if is_ect else None,
        "mentor_funding_end_date": None if is_ect else format_date(participant["mentor_funding_end_date"]),
        "cohort_changed_after_payments_frozen": (
            participant["ect_payments_frozen_year" if is_ect else "mentor_payments_frozen_year"] is not None
        ),
        "mentor_ineligible_for_funding_reason": None if is_ect else participant["mentor_funding_end_reason"],
    }


def participant_document(record: ParticipantRecord, *, today: dt.date) -> dict:
    row = record.row
    return {
        "id": str(row["api_id"]),
        "type": "participant",
        "attributes": {
            "full_name": row["full_name"] or "Unknown",
            "teacher_reference_number": row["trn"],
            "ecf_enrolments": [enrolment_attributes(row, e, today=today) for e in record.enrolments],
            "participant_id_changes": [
                {
                    "from_participant_id": str(change["from_participant_id"]),
                    "to_participant_id": str(change["to_participant_id"]),
                    "changed_at": format_datetime(change["changed_at"]),
                }
                for change in record.id_changes
            ],
            "updated_at": format_datetime(row["api_updated_at"]),
        },
    }
