#!/bin/sh
# The image's entrypoint. Its first argument names the process to run, and sets PROCESS_ROLE for it
# (config/settings.py picks that role's database limits); any further arguments go to that process:
#   web [gunicorn options]       worker [celery worker options]     beat [celery beat options]
#   migrate [migrate options]    manage COMMAND [options]           (a one-off manage.py command)
set -eu
role="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$role" in
web)
  export PROCESS_ROLE=web
  exec gunicorn --config gunicorn.conf.py "$@" config.wsgi:application
  ;;
worker)
  export PROCESS_ROLE=worker
  # Every queue the app routes a task to, read from config.celery, so a new queue needs no change here.
  queues="$(python -c 'from config.celery import consumed_queues; print(",".join(consumed_queues()))')"
  # --quiet: no start-up banner, so every line on stdout is a JSON log line.
  exec celery --app config --quiet worker --queues "$queues" --loglevel "${LOG_LEVEL:-INFO}" "$@"
  ;;
beat)
  export PROCESS_ROLE=beat
  # Its scheduler (config/celery.py) keeps the schedule in memory: nothing on disk to lose.
  exec celery --app config --quiet beat --loglevel "${LOG_LEVEL:-INFO}" "$@"
  ;;
migrate)
  export PROCESS_ROLE=migrate
  exec python manage.py migrate --noinput "$@"
  ;;
manage)
  export PROCESS_ROLE=manage
  exec python manage.py "$@"
  ;;
*)
  echo "Unknown role '$role': the first argument is one of web, worker, beat, migrate, manage." >&2
  exit 64
  ;;
esac
