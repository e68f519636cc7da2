"""Support staff's view of participants and their periods, and the support actions on a participant.

Edits here go through each model's save(), so config.changes audits them (attributed to the
signed-in user by ActorMiddleware) and moves api_updated_at exactly as any other change would.
Merging duplicates, recording induction periods and deleting a participant who never started
each call their service (`support`); the pages here only parse the form, call it inside a named
`changes.recording`, and show the outcome.
Big foreign keys use raw id widgets: a select of 100,000 participants would not render.
"""

# Importing the modules registers their admins.
from participants.admin import participant, periods, records  # noqa: F401
