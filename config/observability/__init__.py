"""What an operations team reads: JSON log lines, Prometheus metrics and error reports.

- `context`: the request id or Celery task that the current code runs for, which every log line carries.
- `request_id`, `access`: the two outermost middleware: the request id, then one access line and the HTTP
  metrics per request.
- `logs`: the JSON formatter and the LOGGING dict, shared by Django, Celery and gunicorn.
- `metrics`: the metrics and their server; `multiprocess`: where forked processes keep their counts.
- `tasks`: Celery's signals (task id in log lines, task outcomes); `errors`: Sentry, scrubbed.

No personal data leaves through any of them: see `logs` and `errors` for how.
"""
