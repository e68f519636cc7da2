import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every view now rather than on the first request

# What is loaded by now lives as long as the worker. Freezing it spares the collector from walking it all
# again whenever a large page's objects trigger a full collection: in scripts/bench_participants.py that
# walk was about 60 ms of a 3,000-participant page.
gc.freeze()
