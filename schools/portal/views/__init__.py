"""The school portal's pages, by journey. Each view parses the request, calls a school action, and renders.

`accounts` signs users in and out; `pages` shows what the school has; `journeys` runs every change as three
pages (question, check your answers, confirmation); `registration`, `participant_changes` and `cohorts` hold
the journeys themselves; `errors` puts form and rule errors on the GOV.UK error summary.
"""
