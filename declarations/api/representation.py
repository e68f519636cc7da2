"""The declaration document as the contract spells it (D30, D32)."""

from __future__ import annotations

from config.api.formatting import format_datetime
from declarations.models import PaymentStatus, state_of
from participants.models import COURSE_IDENTIFIERS


def declaration_document(row: dict) -> dict:
    return {
        "id": str(row["api_id"]),
        "type": "participant-declaration",
        "attributes": {
            "participant_id": str(row["participant_api_id"]),
            "declaration_type": row["declaration_type"],
            "declaration_date": format_datetime(row["declaration_date"]),
            "course_identifier": COURSE_IDENTIFIERS[row["participant_type"]],
            "state": state_of(row["payment_status"], row["clawback_status"]),
            "updated_at": format_datetime(row["api_updated_at"]),
            "created_at": format_datetime(row["created_at"]),
            "delivery_partner_id": str(row["delivery_partner_api_id"]),
            # O11: no financial statements in this service.
            "statement_id": None,
            "clawback_statement_id": None,
            "ineligible_for_funding_reason": row["ineligible_for_funding_reason"],
            "mentor_id": str(row["mentor_api_id"]) if row["mentor_api_id"] else None,
            # A clawback keeps the payment status `paid`, so this stays true after clawback (D32).
            "uplift_paid": row["payment_status"] == PaymentStatus.PAID
            and bool(row["pupil_premium_uplift"] or row["sparsity_uplift"]),
            "evidence_held": row["evidence_held"],
            "lead_provider_name": row["lead_provider_name"],
        },
    }
