"""Settings for bench/tenants.py: the project's settings plus a trivial URLconf.

DATABASE_URL and REDIS_URL are set by the benchmark before Django starts, so the
benchmark always runs on its own database.
"""

from provincial.settings import *  # noqa: F401,F403

DEBUG = False  # no query log, like production
# The trivial benchmark view is served on every host (entity or public).
ROOT_URLCONF = "bench.urls"
PUBLIC_SCHEMA_URLCONF = "bench.urls"
# No spare-refill jobs queued to the broker after each provisioning: the benchmark
# manages spares itself (tenants.provisioning.refill_spares) and runs no worker.
TENANT_SPARE_SCHEMAS = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
