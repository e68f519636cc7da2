"""Finding a participant through a related model: by name, TRN prefix, or (as a UUID) any of their ids."""

PARTICIPANT_SEARCH = ("participant__full_name", "^participant__trn")
PARTICIPANT_UUIDS = (
    "participant__api_id",
    "participant__ect_training_record_id",
    "participant__mentor_training_record_id",
)
