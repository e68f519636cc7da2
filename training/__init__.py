"""Workflows that span several domain apps: what providers, schools and support staff do to training.

An action here changes participants' periods and, with them, declarations, partnerships and schedules, so
it sits above all of those apps: config < schedules < schools < participants < declarations < training.
The interfaces (each app's API and admin, the school portal, commands) call it; nothing below imports it.

- `provider_actions`: defer, withdraw, resume, change schedule (A, S)
- `school_actions`: register, leave, mentor, programme, lead provider, cohort choice (SC, P11)
- `support`: merge duplicates, delete a participant who never started, record induction (ID, F14)
- `partnerships`: create, correct and roll over partnerships, attaching waiting training (P1–P11)
- `default_schedules`: the schedule new provider-led training gets (DS1–DS8)
"""
