"""School, delivery partner and partnership documents exactly as the contract spells them (C3–C5)."""

from __future__ import annotations

from config.api.formatting import format_datetime


def _or_none(text: str | None) -> str | None:
    return text or None


def school_document(row: dict, *, cohort: int) -> dict:
    return {
        "id": str(row["api_id"]),
        "type": "school",
        "attributes": {
            "name": row["name"],
            "urn": row["urn"],
            "cohort": str(cohort),
            "in_partnership": row["in_partnership"],
            "induction_programme_choice": row["induction_programme_choice"],
            # The school named this provider (for the cohort, or on training it registered) and no partnership yet.
            "expression_of_interest": not row["in_partnership"]
            and (row["named_by_school"] or row["has_waiting_training"]),
            "induction_tutor_name": _or_none(row["induction_tutor_name"]),
            "induction_tutor_email": _or_none(row["induction_tutor_email"]),
            "created_at": format_datetime(row["created_at"]),
            "updated_at": format_datetime(row["last_changed_at"]),
        },
    }


def delivery_partner_document(row: dict) -> dict:
    return {
        "id": str(row["api_id"]),
        "type": "delivery-partner",
        "attributes": {
            "name": row["name"],
            "cohort": [str(year) for year in row["cohorts"]],
            "created_at": format_datetime(row["created_at"]),
            "updated_at": format_datetime(row["updated_at"]),
        },
    }


def partnership_document(row: dict) -> dict:
    return {
        "id": str(row["api_id"]),
        "type": "partnership",
        "attributes": {
            "cohort": str(row["cohort_id"]),
            "urn": row["school__urn"],
            "school_id": str(row["school__api_id"]),
            "delivery_partner_id": str(row["delivery_partner__api_id"]),
            "delivery_partner_name": row["delivery_partner__name"],
            "induction_tutor_name": _or_none(row["school__induction_tutor_name"]),
            "induction_tutor_email": _or_none(row["school__induction_tutor_email"]),
            "participants_currently_training": row["participants_currently_training"],
            "updated_at": format_datetime(row["updated_at"]),
            "created_at": format_datetime(row["created_at"]),
        },
    }
