"""gunicorn's settings for the web role (`gunicorn -c gunicorn.conf.py config.wsgi:application`).

Every value can be set from the environment, so one image serves every size of deployment.
"""

import os

from config.observability import logs, multiprocess

# Workers count in files under PROMETHEUS_MULTIPROC_DIR, emptied (or made) here at each master start, before
# the app is loaded: counts left by a previous run would be added to this one's.
multiprocess.use_directory("web")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{_int('PORT', 8000)}")
# Sync workers: each request holds one worker, so the count bounds concurrent requests per container.
workers = _int("WEB_CONCURRENCY", 3)
# A request still running after this is killed and its worker replaced. It is longer than every limit a
# request can meet inside (database connect, statement and lock timeouts), so those answer first, with a 503:
# with the web role's limits (config/settings.py), connecting 5 s, the updated_since lock 2 s, then the statement
# that meets its limit 10 s (lock waits, 5 s, fall within it) come to 17 s < 30 s.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than a load balancer's idle timeout, so the balancer, not gunicorn, closes idle connections.
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Workers are replaced after this many requests (at a random point up to the jitter later, so they are not
# all replaced at once): whatever a worker slowly accumulates is given back.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# config.wsgi loads Django once in the master, so workers start fast and share its pages.
preload_app = True
# Behind a load balancer that terminates TLS: trust its X-Forwarded-* headers (the platform keeps others out).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Logs: JSON lines on stdout for the platform to collect, gunicorn's own (master and workers) included. Its
# access log stays off: the app writes one line per request itself, naming the route pattern (never the path's
# query string, where admin and portal searches put names), the lead provider and the rows returned, which
# gunicorn cannot know (config/observability/access.py).
accesslog = None
errorlog = "-"
logconfig_dict = logs.logging_config(os.environ.get("LOG_LEVEL", "INFO").upper())


# Metrics: the master serves every worker's counts on METRICS_PORT, apart from the app's port
# (config/observability/metrics.py). The hooks import it only now, once the app has loaded.
def when_ready(server):
    from config.observability import metrics

    metrics.serve()


def child_exit(server, worker):
    from config.observability import metrics

    metrics.mark_process_dead(worker.pid)
