"""Support staff's tools, called from the participant's admin page: merge a duplicate into the participant
who stays, delete a participant who never started, record an induction period."""
