"""Settings of the provincial shared-services portal: one module, driven by the environment.

Every variable is documented in docs/configuration.md. Without DATABASE_URL or REDIS_URL
the embedded servers of provincial.embedded are started (see ARCHITECTURE.md).
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from provincial import embedded
from provincial.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
# PRODUCTION=1 turns every security default on (HTTPS only, HSTS, secure cookies) and
# demands a real secret key; without it the project runs for development on plain HTTP.
PRODUCTION = env_bool("PRODUCTION", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or (
    "dev-only-insecure-key-change-me" if not PRODUCTION else None
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required in production")

# Host validation is done by the tenant router: a host that is not a registered Domain
# gets a 404 before any view runs, so the Domain table is the allow-list.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["*"])

# The host of the Diputación (public schema), and the suffix given to demo entities.
PROVINCIAL_DOMAIN = env_str("PROVINCIAL_DOMAIN", "diputacion.localhost")

# Absolute links the platform prints or sends (the verification URL and QR code of every
# document, links in e-mails) for an entity without its own `public_base_url`:
# PUBLIC_URL_SCHEME://<primary domain>[:PUBLIC_URL_PORT]. `./dev run` sets the port of the
# development server; 0 leaves the scheme's default port.
PUBLIC_URL_SCHEME = env_str("PUBLIC_URL_SCHEME", "https" if PRODUCTION else "http")
PUBLIC_URL_PORT = env_int("PUBLIC_URL_PORT", 0)
if PUBLIC_URL_SCHEME not in ("http", "https") or not 0 <= PUBLIC_URL_PORT < 65536:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PUBLIC_URL_SCHEME is http or https; PUBLIC_URL_PORT 0 to 65535")

SHARED_APPS = [
    "django_tenants",  # schema routing; must come first
    "provincial",  # jobs (persisted Celery work) and the audit trail
    "tenants",  # entities, domains, services, adhesions, users, memberships, distribution list
    "codigos",  # national code lists (INE countries, street types, CAUV…), kept by admins
    "soporte",  # the provincial incident desk (incidents of every entity live here)
    "certificados",  # certificates of every entity (FNMT, ACCV, local CA) and the sello de órgano
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "provincial.appconfigs.AdminConfig",  # Django's admin (its own history named apart)
    "django.contrib.sessions",  # sessions live in the public schema, shared by every host
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # trigram search, ArrayField
    "rest_framework",
    "rest_framework.authtoken",  # API tokens belong to users, who are provincial
    "drf_spectacular",
    "provincial.appconfigs.CeleryBeatConfig",  # periodic tasks (outbox sweep, spare schemas)
    "provincial.appconfigs.OTPConfig",  # two-factor authentication of staff
    "provincial.appconfigs.TOTPConfig",  # authenticator apps (TOTP, RFC 6238)
    "provincial.appconfigs.StaticOTPConfig",  # single-use recovery codes
    "provincial.appconfigs.AxesConfig",  # login throttling and lockout per user and per IP
]

TENANT_APPS = [
    "django.contrib.contenttypes",  # generic relations inside each entity's schema
    "provincial.documents",  # issued documents with their CSV (volantes, justificantes…)
    "padron",  # territory, inhabitants, operations, volantes and certificados
    "registro",  # registro de entrada y salida (asientos, justificantes, SICRES 3.0)
    "sede",  # sede electrónica: procedures, tablón, CSV verification, citizens' folder
    "expedientes",  # case files, templates, portafirmas, libro de resoluciones, ENI export
    "notificaciones",  # electronic notifications (comparecencia en sede), apoderamientos
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Entity"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "provincial.urls_public"
ROOT_URLCONF = "provincial.urls_tenant"
DEFAULT_NOT_FOUND_TENANT_VIEW = "provincial.views.unknown_host"
TENANT_LIMIT_SET_CALLS = True
GET_EXECUTOR_FUNCTION = "provincial.migrations_executor.get_executor"
# migrate_schemas runs the schemas that have something pending in parallel processes.
TENANT_MIGRATION_EXECUTOR = env_str("TENANT_MIGRATION_EXECUTOR", "multiprocessing")
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("TENANT_MIGRATION_PROCESSES", 2)
TENANT_MULTIPROCESSING_CHUNKS = 4
# Migrated schema that new entities are cloned from, and how many pre-cloned spare
# schemas to keep ready so that provisioning is a rename (milliseconds).
TENANT_TEMPLATE_SCHEMA = "_plantilla"
TENANT_SPARE_SCHEMAS = env_int("TENANT_SPARE_SCHEMAS", 2)
# A process that makes schemas (the spare refill) closes its database connection after
# this many: a PostgreSQL backend keeps what it learnt of every relation it touched.
TENANT_SCHEMAS_PER_CONNECTION = env_int("TENANT_SCHEMAS_PER_CONNECTION", 50)
# Seconds a web process keeps a host -> entity lookup.
TENANT_HOST_CACHE_SECONDS = env_int("TENANT_HOST_CACHE_SECONDS", 30)

DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    # /healthz (liveness) and /readyz (readiness) on every host, before the HTTPS redirect
    # and host routing: a load balancer probes over plain HTTP with a Host of its own.
    "provincial.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are the same for every host (even an unknown one): served first.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "provincial.routing.TenantRoutingMiddleware",
    # Anonymous GETs of the pages kept rendered (the sede home, the portal entry) are
    # answered here, before sessions and authentication (provincial.page_cache).
    "provincial.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tenants.twofactor.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "provincial.security.SecurityHeadersMiddleware",
    "provincial.audit.AuditContextMiddleware",
    # A service's pages only where the entity adheres to it (tenants.availability).
    "tenants.middleware.ServiceAvailabilityMiddleware",
    "tenants.middleware.BackofficeAccessMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.backoffice",
            ],
        },
    },
]

WSGI_APPLICATION = "provincial.wsgi.application"

DATABASES = {
    "default": {
        **dj_database_url.parse(env_str("DATABASE_URL") or embedded.database_url()),
        "ENGINE": "django_tenants.postgresql_backend",
        # Persistent connections: a new connection per request divides throughput by
        # ~5 (ARCHITECTURE.md). Recycled so each one's catalog cache stays bounded.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 300),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": env_str("TEST_DATABASE_NAME")},
    }
}
REDIS_URL = env_str("REDIS_URL") or embedded.redis_url()
# pytest (>= 8.2) sets PYTEST_VERSION: the test run and the workers it starts use their own
# Redis database, so a developer's running worker never takes the tests' jobs.
TESTING = bool(os.environ.get("PYTEST_VERSION"))
if TESTING:
    # Under pytest-xdist each worker process (gw0, gw1…) takes its own database three below
    # the previous one (the cache uses the neighbouring one), as it has its own PostgreSQL
    # test database; the Celery workers a test run starts inherit the variable.
    _redis_test_db = (env_int("REDIS_TEST_DB", 15)
                      - 3 * int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)) % 16
    REDIS_URL = re.sub(r"(\?db=|/)(\d+)$", lambda m: f"{m.group(1)}{_redis_test_db}",
                       REDIS_URL) if re.search(r"(\?db=|/)\d+$", REDIS_URL) \
        else REDIS_URL.rstrip("/") + f"/{_redis_test_db}"



def _neighbour_db(url: str) -> str:
    """The same Redis server, the next database (the previous one for 15, the last of a
    default server): cache.clear() must never drop queued tasks."""
    match = re.search(r"(\?db=|/)(\d+)$", url)
    if match is None:
        return url.rstrip("/") + "/1"
    db = int(match.group(2))
    return url[:match.start(2)] + str(db + 1 if db < 15 else db - 1)


CACHE_REDIS_URL = env_str("CACHE_REDIS_URL") or _neighbour_db(REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
        # Every key carries the schema of the active entity (django-tenants).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    # Rendered public pages (provincial.page_cache). Its keys name the entity's schema
    # themselves: a write on the provincial host must reach an entity's pages.
    "pages": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": "pages",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Sessions expire after SESSION_COOKIE_AGE seconds without activity (sliding window).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Revocation lists and CA certificates are fetched over plain HTTP by validators (RFC 5280
# distribution points; a CRL is signed, and an https CDP would need the CA to validate its
# own server first): never redirected.
SECURE_REDIRECT_EXEMPT = [r"^certificados/(crl|ac)/"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
CSRF_COOKIE_HTTPONLY = True
# Content-Security-Policy (provincial.security): scripts only from our own origin, never
# inline; nothing loaded from outside the site. Inline style attributes stay allowed
# (the Django admin uses them). form-action is not restricted: switching entity posts a
# form that redirects to another entity's host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'"
)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out users and IPs first
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after AXES_FAILURE_LIMIT failed logins, by user name and, separately, by IP.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The same client address as the audit trail (the proxy's last X-Forwarded-For hop when
# BEHIND_PROXY=1), so one bad proxy address never locks out everybody behind it.
AXES_CLIENT_IP_CALLABLE = "provincial.audit.client_ip"
AXES_VERBOSE = False
# Two-factor authentication: required for provincial admins, support agents and entity
# user administrators (tenants.twofactor); TWO_FACTOR_FOR_ALL extends it to everyone.
TWO_FACTOR_FOR_ALL = env_bool("TWO_FACTOR_FOR_ALL", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Diputación Provincial")
OTP_STATIC_THROTTLE_FACTOR = 1
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "provincial.passwords.BreachedPatternValidator"},
]
LOGIN_URL = "cuentas:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "cuentas:login"

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("ca", _("Valencià"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Madrid"
# Spanish administrative style for numbers: 20.000 habitantes, 1.234,56 €.
FORMAT_MODULE_PATH = ["provincial.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise on every host.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or embedded.data_dir() / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Where scheduled per-entity backups are written, and how many are kept per entity.
BACKUP_DIR = Path(env_str("BACKUP_DIR") or embedded.data_dir() / "backups")
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)

# Signing service (provincial/signing): Fernet keys that encrypt the private keys the
# platform holds (the first encrypts; generated in the data directory outside production),
# the RFC 3161 timestamp authority (none: signatures carry the signing time only), and
# extra trusted roots for validation (PEM files).
SIGNING_KEY_ENCRYPTION_KEYS = env_str("SIGNING_KEY_ENCRYPTION_KEYS", "")
SIGNING_TSA_URL = env_str("SIGNING_TSA_URL", "")
SIGNING_TSA_USERNAME = env_str("SIGNING_TSA_USERNAME", "")
SIGNING_TSA_PASSWORD = env_str("SIGNING_TSA_PASSWORD", "")
# Whether a document whose timestamp cannot be obtained (TSA down or refusing) is not
# issued; by default it is sealed without a timestamp and the failure recorded.
SIGNING_TSA_REQUIRED = env_bool("SIGNING_TSA_REQUIRED", False)
SIGNING_TRUST_ROOTS = env_list("SIGNING_TRUST_ROOTS", [])
# Whether certificate validation may fetch CRLs, OCSP answers and issuing certificates
# over the network (the URLs in the certificates). Off: only the trust material given.
SIGNING_ALLOW_FETCHING = env_bool("SIGNING_ALLOW_FETCHING", False)
# Padrón list exports up to this many rows download at once; larger ones run as a job.
PADRON_EXPORT_DIRECT_MAX_ROWS = env_int("PADRON_EXPORT_DIRECT_MAX_ROWS", 2000)
# How INE variation files leave the platform (padron.ine.transporte): today a file the
# clerk uploads to IDA-Padrón; a real-time transport (RD 141/2024) plugs in here.
PADRON_INE_TRANSPORT = env_str("PADRON_INE_TRANSPORT", "padron.ine.transporte.DescargaManual")
# Registro de entrada y salida: attachment limits and the SIR (SICRES 3.0) transport.
REGISTRO_ANEXO_MAX_BYTES = env_int("REGISTRO_ANEXO_MAX_BYTES", 10 * 1024 * 1024)
REGISTRO_ASIENTO_MAX_BYTES = env_int("REGISTRO_ASIENTO_MAX_BYTES", 15 * 1024 * 1024)
REGISTRO_MAX_ANEXOS = env_int("REGISTRO_MAX_ANEXOS", 20)
REGISTRO_SIR_MAX_BYTES = env_int("REGISTRO_SIR_MAX_BYTES", 30 * 1024 * 1024)
REGISTRO_SIR_DIR = env_str("REGISTRO_SIR_DIR", "")  # empty: MEDIA_ROOT/sir
REGISTRO_SIR_TRANSPORT = env_str("REGISTRO_SIR_TRANSPORT", "registro.transporte.CarpetaTransporte")
REGISTRO_SIR_POLL_SECONDS = env_int("REGISTRO_SIR_POLL_SECONDS", 300)
# Expedientes, ENI export (expedientes/eni): the transports a remission may travel by
# (dotted paths; today a file drop, a directory per remission under
# EXPEDIENTES_ENI_DROP_DIR), the XML canonicalisation of the índice's TF03 signature
# (inclusive C14N 1.0, what @firma and InSide are usually tested with), and the act that
# regulates the entity's CSV system (RegulacionGeneracionCSV of a TF01 firma).
EXPEDIENTES_ENI_TRANSPORTS = env_list("EXPEDIENTES_ENI_TRANSPORTS",
                                      ["expedientes.eni.transporte.CarpetaTransporte"])
EXPEDIENTES_ENI_DROP_DIR = Path(env_str("EXPEDIENTES_ENI_DROP_DIR")
                                or embedded.data_dir() / "eni")
EXPEDIENTES_ENI_C14N = env_str("EXPEDIENTES_ENI_C14N",
                               "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
EXPEDIENTES_ENI_REGULACION_CSV = env_str(
    "EXPEDIENTES_ENI_REGULACION_CSV",
    "Artículo 42.b) de la Ley 40/2015, de 1 de octubre, de Régimen Jurídico del Sector "
    "Público; código verificable en la sede electrónica de la entidad.")
# Expedientes: an open expediente is flagged this many days before its maximum time to
# resolve ends (and once it has ended).
EXPEDIENTES_AVISO_DIAS = env_int("EXPEDIENTES_AVISO_DIAS", 10)
# Inhabitants the demo loader generates for each demo entity with the padrón service.
DEMO_PADRON_INHABITANTS = env_int("DEMO_PADRON_INHABITANTS", 600)
# Largest signed acceptance document (PDF) accepted for an adhesion.
ADHESION_DOCUMENT_MAX_BYTES = env_int("ADHESION_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 1025)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Diputación Provincial <no-responder@diputacion.localhost>"
)

# Celery: the broker is Redis; job state lives in PostgreSQL (provincial.Job), so no
# result backend is needed.
CELERY_BROKER_URL = (
    REDIS_URL.replace("unix://", "redis+socket://", 1).replace("?db=", "?virtual_host=")
    if REDIS_URL.startswith("unix://")
    else REDIS_URL
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The periodic tasks are not listed here: each app registers its own (provincial.periodic)
# and provincial/celery.py turns them into beat_schedule once the apps are loaded.
JOB_OUTBOX_SWEEP_SECONDS = env_int("JOB_OUTBOX_SWEEP_SECONDS", 30)
# A job stays 'pending' (not handed to the broker) at most this long before the sweep
# tries again; attempts beyond JOB_MAX_ATTEMPTS fail the job.
JOB_OUTBOX_GRACE_SECONDS = env_int("JOB_OUTBOX_GRACE_SECONDS", 10)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 5)
# A running job whose heartbeat (progress, log) is older than this is presumed dead (its
# worker was killed) and may be claimed again; a queued job not started after
# JOB_REQUEUE_SECONDS is handed to the broker again (its message was lost).
JOB_HEARTBEAT_TIMEOUT = env_int("JOB_HEARTBEAT_TIMEOUT", 120)
JOB_REQUEUE_SECONDS = env_int("JOB_REQUEUE_SECONDS", 2 * 3600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a call without credentials gets 401 (with WWW-Authenticate).
        "tenants.api.authentication.ServiceAccountAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api.permissions.IsEntityMember"],
    "DEFAULT_THROTTLE_CLASSES": ["tenants.api.throttling.ServiceAccountThrottle"],
    "DEFAULT_SCHEMA_CLASS": "tenants.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "tenants.api.exceptions.handler",
}
# Calls allowed per service account: "<number>/<s|min|h|day>" (tenants.api.throttling);
# empty for no limit.
API_SERVICE_ACCOUNT_RATE = env_str("API_SERVICE_ACCOUNT_RATE", "600/min")
if API_SERVICE_ACCOUNT_RATE and not re.fullmatch(r"[1-9][0-9]*/(s|sec|min|h|hour|d|day)",
                                                 API_SERVICE_ACCOUNT_RATE):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured('API_SERVICE_ACCOUNT_RATE is "<number>/<s|min|h|day>", e.g. 600/min')
SPECTACULAR_SETTINGS = {
    "TITLE": "API de la plataforma provincial de servicios compartidos",
    "DESCRIPTION": "API REST de cada entidad adherida (se sirve en el dominio de la entidad).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Filled at start-up by the apps' registrations (tenants.api.routes.register_enum_name):
    # every schema generation reads it (the schema view, `manage.py spectacular`, and the
    # schema that `check --deploy` builds).
    "ENUM_NAME_OVERRIDES": {},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"},
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
