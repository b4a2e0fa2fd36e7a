"""Settings for the blog CMS: one module, driven by the environment.

Every deploy-time choice is an environment variable read here, typed, with the default
documented in docs/configuration.md. With nothing set the project runs on
the embedded default (SQLite, local-memory cache, media on local disk, tracing off).
Production mode (``DJANGO_DEBUG`` off) refuses to start without a real secret key and
allowed hosts, and names the missing variable.

Django settings reference: https://docs.djangoproject.com/en/5.2/ref/settings/
Wagtail settings reference: https://docs.wagtail.org/en/7.4/reference/settings.html
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# ---------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _required_in_production(name: str, value):
    """Fail loudly, naming the variable, when production lacks a setting."""
    if not DEBUG and not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_DEBUG is off (production mode). "
            f"See docs/configuration.md."
        )
    return value


# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = _required_in_production("DJANGO_SECRET_KEY", env.str("DJANGO_SECRET_KEY", default=""))
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"  # noqa: S105

# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = _required_in_production(
    "DJANGO_ALLOWED_HOSTS",
    env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []),
)
# https://docs.djangoproject.com/en/5.2/ref/settings/#csrf-trusted-origins
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Below blog and api: request id, logs, probes, metrics, tracing, security.
    "serving",
    # Below blog and api: cache tags, their tokens and the change epoch.
    "cachetags",
    "blog",
    "api",
    # Before propagation, which replaces its per-page purge on publish with batched ones.
    "wagtail.contrib.frontend_cache",
    # Before django_tasks_db: its `db_worker` command adds the recovery of abandoned tasks.
    "propagation",
    "django_tasks",
    "django_tasks_db",
    "wagtailseo",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular_sidecar",  # Swagger UI's static files for /api/v2/docs/
    "corsheaders",
    "django_prometheus",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
]

MIDDLEWARE = [
    # Outermost: every response, probes included, carries the request id.
    "serving.request_id.RequestIdMiddleware",
    # Security headers on every response, probes and refusals included.
    "serving.security_headers.SecurityHeadersMiddleware",
    # Probes are answered before host checks, HTTPS redirect, blocklist and metrics.
    "serving.health.HealthCheckMiddleware",
    # The edge lock (ORIGIN_SECRET): after the probes, before anything spends work on a
    # request that went around the CDN.
    "serving.origin_lock.OriginLockMiddleware",
    "serving.ip_blocklist.IPBlocklistMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Public API reads from Redis: inside the request id, security headers, metrics and
    # CORS, before the session, authentication and messages a public read never uses (a
    # request with a session cookie or credentials passes through to them).
    "api.caching.ApiCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # One read of Wagtail's site root paths per request, however many pages it names.
    "blog.frontend.SiteRootPathsMiddleware",
    # django-axes wants to be last among the middlewares that may answer a login.
    "axes.middleware.AxesMiddleware",
    # Innermost: an admin write (a publish and its audit entry) commits whole or not at all.
    "serving.admin_transactions.AdminAtomicWritesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------
# Database: DATABASE_URL (PostgreSQL in production), SQLite by default.
# ---------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Bound every statement so no request runs unbounded (gunicorn's gthread timeout does not
# cut off a slow request); docs/deploying.md's timeout chain explains the value. Applied per
# session after connect, or carried by the role behind a transaction pooler (never as a libpq
# startup option, which PgBouncer refuses): serving/database_session.py.
DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=30_000)
# How long a statement may wait for a lock; 0 waits forever. The migrate Job sets it so a
# migration gives up (and retries) instead of queueing every read behind its lock.
DATABASE_LOCK_TIMEOUT_MS = env.int("DATABASE_LOCK_TIMEOUT_MS", default=0)
# "session" (a direct connection, RDS Proxy or PgBouncer in session mode) or "transaction"
# (PgBouncer in transaction mode: no session state survives a transaction, so the limits live
# on the role, set by `manage.py migrate_online`, and server-side cursors are off).
DATABASE_POOL_MODE = env.str("DATABASE_POOL_MODE", default="session")
if DATABASE_POOL_MODE not in {"session", "transaction"}:
    raise ImproperlyConfigured("DATABASE_POOL_MODE must be 'session' or 'transaction'")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=5
    )
    # https://docs.djangoproject.com/en/5.2/ref/databases/#transaction-pooling-server-side-cursors
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOL_MODE == "transaction"

elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is written by several processes at once (gunicorn workers,
    # the task worker, manage.py). SQLite's default deferred transactions take the write
    # lock only at their first write: a reader that then writes fails at once with
    # "database is locked", whatever the timeout. IMMEDIATE takes the lock at BEGIN, where
    # the busy timeout waits for it; WAL lets readers go on while one process writes.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    # https://www.sqlite.org/wal.html
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            # Seconds a writer waits for the lock before "database is locked".
            "timeout": 20,
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------
# Cache: REDIS_URL (django-redis) or local memory. Redis errors never break a request.
# ---------------------------------------------------------------------------------------
# https://github.com/jazzband/django-redis#memcached-exceptions-behavior
REDIS_URL = env.str("REDIS_URL", default="")
# Every alias's client runs its commands behind one circuit breaker per Redis server
# (serving.redis_breaker): after REDIS_BREAKER_THRESHOLD consecutive connection failures or
# timeouts the process stops calling Redis for REDIS_BREAKER_COOLDOWN seconds, then one
# command probes. A hung Redis costs one socket timeout per process per cooldown.
REDIS_BREAKER_THRESHOLD = env.int("REDIS_BREAKER_THRESHOLD", default=1)
REDIS_BREAKER_COOLDOWN = env.float("REDIS_BREAKER_COOLDOWN", default=5.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="blog"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "REDIS_CLIENT_CLASS": "serving.redis_breaker.BreakerRedis",
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.25),
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    # The breaker logs one WARNING when it opens and one when it closes; a traceback for
    # every ignored error would write megabytes a second during an outage.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "blog-cms",
        }
    }

# ---------------------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------------------
# Internationalisation: one language today; wagtail.locales is installed so content can
# be translated later without reworking the model.
# https://docs.wagtail.org/en/7.4/advanced_topics/i18n.html
# ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------
# Static files (WhiteNoise, hashed names) and media (local disk or S3)
# ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Hashed, compressed static files need `collectstatic` (done in the image build). Local
# runs and tests serve the unhashed files straight from the apps.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
_static_backend = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if STATIC_MANIFEST
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)

# S3 media through django-storages when a bucket is named.
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_LOCATION = env.str("AWS_LOCATION", default="media")
    AWS_DEFAULT_ACL = None  # the bucket policy decides; never public-read by object ACL
    AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=False)
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    _media_backend = "storages.backends.s3.S3Storage"
else:
    _media_backend = "django.core.files.storage.FileSystemStorage"

# Serve /media/ from MEDIA_ROOT (serving.media_serving) when there is no bucket, in production
# too: the API hands out /media/ URLs. Only for a single instance or a shared volume.
MEDIA_SERVE = env.bool("MEDIA_SERVE", default=not AWS_STORAGE_BUCKET_NAME)
if MEDIA_SERVE and not MEDIA_URL.startswith("/"):
    raise ImproperlyConfigured(
        "MEDIA_SERVE needs MEDIA_URL to be a path such as /media/, not "
        f"{MEDIA_URL!r}. Set MEDIA_SERVE=0 when another server answers MEDIA_URL."
    )

STORAGES = {
    "default": {"BACKEND": _media_backend},
    "staticfiles": {"BACKEND": _static_backend},
}

# ---------------------------------------------------------------------------------------
# Wagtail
# ---------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env.str("WAGTAIL_SITE_NAME", default="Blog")
# Used in notification emails and admin links to the live site.
PORT = env.int("PORT", default=8000)
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=f"http://127.0.0.1:{PORT}")
# The public site: with a frontend, canonical URLs, sitemap, feeds and Wagtail's own page
# URLs point there; left empty, the CMS is the public site and renders pages itself with
# its reference theme (blog/templates/blog/theme/), so every page has one address.
FRONTEND_BASE_URL = env.str("FRONTEND_BASE_URL", default="").rstrip("/")
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("WAGTAILDOCS_MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAILAPI_BASE_URL = env.str("WAGTAILAPI_BASE_URL", default=WAGTAILADMIN_BASE_URL)
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILSEO_SEP = "|"
# Milliseconds of quiet after an edit before the admin autosaves a draft revision.
# Wagtail's 500 wrote a revision every few keystrokes (dozens an hour per editor).
# https://docs.wagtail.org/en/7.4/reference/settings.html#wagtail-autosave-interval
WAGTAIL_AUTOSAVE_INTERVAL = env.int("WAGTAIL_AUTOSAVE_INTERVAL", default=10_000)

# ---------------------------------------------------------------------------------------
# Headless API v2 and preview (api/, blog/preview.py)
# ---------------------------------------------------------------------------------------
# Seconds a preview token (and the unsaved draft it points at) stays valid.
# https://docs.djangoproject.com/en/5.2/topics/signing/#verifying-timestamped-values
PREVIEW_TOKEN_MAX_AGE = env.int("PREVIEW_TOKEN_MAX_AGE", default=300)
# The frontend route the admin's Preview frames, with ?token=...&id=...&type=... appended
# (e.g. a Next.js draft-mode route handler). Empty (no frontend): the preview is the
# CMS's reference theme, which stays available as a preview mode either way.
# HEADLESS_PREVIEW_URL is the variable's former name, still read.
# https://nextjs.org/docs/app/guides/draft-mode
FRONTEND_PREVIEW_URL = env.str(
    "FRONTEND_PREVIEW_URL",
    default=env.str(
        "HEADLESS_PREVIEW_URL",
        default=f"{FRONTEND_BASE_URL}/api/preview" if FRONTEND_BASE_URL else "",
    ),
)

# ---------------------------------------------------------------------------------------
# SEO surfaces: robots.txt, sitemap and feeds (blog/robots.py, blog/sitemaps.py,
# blog/feeds.py). Their links point at FRONTEND_BASE_URL, which proxies these paths here.
# ---------------------------------------------------------------------------------------
# Off everywhere but production, so staging and preview frontends are never indexed.
# https://developers.google.com/search/docs/crawling-indexing/robots/create-robots-txt
SEO_ALLOW_INDEXING = env.bool("SEO_ALLOW_INDEXING", default=False)
# URLs per sitemap file; above it /sitemap.xml becomes an index (the protocol allows 50,000).
# https://docs.djangoproject.com/en/5.2/ref/contrib/sitemaps/#django.contrib.sitemaps.Sitemap.limit
SEO_SITEMAP_LIMIT = env.int("SEO_SITEMAP_LIMIT", default=10_000)
# Posts in each RSS/Atom feed, newest first.
# https://docs.djangoproject.com/en/5.2/ref/contrib/syndication/
SEO_FEED_ITEMS = env.int("SEO_FEED_ITEMS", default=20)
# Seconds a rendered sitemap/feed/robots.txt stays in the cache; a publish, unpublish, move
# or delete refreshes them once it commits (blog/seo_surfaces.py, cache tags).
# https://docs.djangoproject.com/en/5.2/topics/cache/#the-low-level-cache-api
SEO_CACHE_TIMEOUT = env.int("SEO_CACHE_TIMEOUT", default=3600)
# Cache-Control max-age of those responses for browsers and the CDN.
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cache-Control
SEO_HTTP_MAX_AGE = env.int("SEO_HTTP_MAX_AGE", default=300)

# ---------------------------------------------------------------------------------------
# CORS (django-cors-headers): the API only, origins from the environment.
# ---------------------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list(
    "CORS_ALLOWED_ORIGINS", default=["http://localhost:3000"] if DEBUG else []
)
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# ---------------------------------------------------------------------------------------
# Performance: API response cache, HTTP/CDN caching, CDN purge, read replica
# ---------------------------------------------------------------------------------------
# The response cache (api/caching.py) stores public GET/HEAD responses under /api/v2/ in
# its own cache alias, so Redis errors reach its circuit breaker instead of being
# swallowed (the default alias ignores them). Same server and prefix as "default".
# https://github.com/jazzband/django-redis#configure-as-cache-backend
API_CACHE_ENABLED = env.bool("API_CACHE_ENABLED", default=True)
# Seconds an entry lives; invalidation is exact, so this only bounds memory.
API_CACHE_TTL = env.int("API_CACHE_TTL", default=3600)
# Part of every key: set it to the release (image tag) so a deploy never serves
# responses rendered by the previous code.
API_CACHE_VERSION = env.str("API_CACHE_VERSION", default="1")
# Circuit breaker: after this many consecutive Redis errors the cache is skipped for
# API_CACHE_BREAKER_COOLDOWN seconds, then one request probes Redis again.
API_CACHE_BREAKER_THRESHOLD = env.int("API_CACHE_BREAKER_THRESHOLD", default=1)
API_CACHE_BREAKER_COOLDOWN = env.float("API_CACHE_BREAKER_COOLDOWN", default=5.0)
# Single flight (cachetags/flight.py): a miss is computed by one request across pods; the
# others serve the stale copy or wait up to API_CACHE_FLIGHT_WAIT seconds for the fresh
# one. A claim expires after API_CACHE_FLIGHT_TTL seconds (its holder died).
API_CACHE_FLIGHT_WAIT = env.float("API_CACHE_FLIGHT_WAIT", default=2.0)
# Serve the previous copy while another request recomputes a response. Off by default: after
# a publish commits, every read that starts later must show it (tests/perf/test_stale_reads),
# and a stale copy would not. On, a burst after a publish never waits, at that price.
API_CACHE_SERVE_STALE = env.bool("API_CACHE_SERVE_STALE", default=False)
API_CACHE_FLIGHT_TTL = env.int("API_CACHE_FLIGHT_TTL", default=10)
# Bytes of derived values (sites, hidden sections, SEO settings, images, listing items) each
# process keeps besides Redis (cachetags/memo.py); exact, as their keys name their tokens.
# 0 turns the copy off.
API_CACHE_LOCAL_MEMO_BYTES = env.int("API_CACHE_LOCAL_MEMO_BYTES", default=8 * 1024 * 1024)
# Bytes of each URL's latest response each process keeps besides Redis (api/caching.py): after
# Redis lost its entries (a flush, a restart, an eviction) a kept response answers when no
# change has committed since it was computed (cachetags/epoch.py). 0 turns the copy off.
API_CACHE_LOCAL_RESPONSE_BYTES = env.int("API_CACHE_LOCAL_RESPONSE_BYTES", default=16 * 1024 * 1024)
# Re-warming (api/rewarm.py): after a change, the worker renders the changed object's detail,
# up to API_REWARM_DETAILS hot invalidated details in all and the API_REWARM_LISTINGS hottest
# first pages of each invalidated listing, so the first reader after a publish gets a hit.
API_REWARM_ENABLED = env.bool("API_REWARM_ENABLED", default=True)
API_REWARM_DETAILS = env.int("API_REWARM_DETAILS", default=10)
API_REWARM_LISTINGS = env.int("API_REWARM_LISTINGS", default=10)
if REDIS_URL:
    CACHES["api"] = {
        **CACHES["default"],
        "OPTIONS": {**CACHES["default"]["OPTIONS"], "IGNORE_EXCEPTIONS": False},
    }
else:
    CACHES["api"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "blog-cms-api",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }

# Image renditions: Wagtail writes every rendition it serves to the "renditions" cache
# (the default alias when there is none): with Redis, one round trip per image per
# response, a third of the CPU of a cold 20-post listing. Per-process memory keeps the
# lookups without the network; the short timeout bounds how long another process may
# keep a rendition an editor has just replaced.
# https://docs.wagtail.org/en/7.4/advanced_topics/images/renditions.html#caching-image-renditions
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "blog-cms-renditions",
    "TIMEOUT": env.int("RENDITIONS_CACHE_TIMEOUT", default=300),
    "OPTIONS": {"MAX_ENTRIES": 10_000},
}

# HTTP caching of public API responses (browsers and the CDN). `s-maxage` is the edge TTL
# (the CDN is purged on publish); browsers revalidate with the strong ETag (304).
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cache-Control
API_HTTP_MAX_AGE = env.int("API_HTTP_MAX_AGE", default=0)
API_HTTP_S_MAXAGE = env.int("API_HTTP_S_MAXAGE", default=60)
API_HTTP_STALE_WHILE_REVALIDATE = env.int("API_HTTP_STALE_WHILE_REVALIDATE", default=30)
# Header that carries a cacheable response's cache tags (cachetags/vocabulary.py):
# `Cache-Tag` (Cloudflare, Akamai; comma-separated) or `Surrogate-Key` (Fastly;
# space-separated). https://www.fastly.com/documentation/reference/http/http-headers/Surrogate-Key/
CACHE_TAG_HEADER = env.str("CACHE_TAG_HEADER", default="Cache-Tag")

# CDN purge on publish through wagtail.contrib.frontend_cache (CloudFront, or any HTTP
# cache that accepts PURGE). Credentials come from the AWS default chain (IRSA on EKS).
# https://docs.wagtail.org/en/7.4/reference/contrib/frontendcache.html
CLOUDFRONT_DISTRIBUTION_ID = env.str("CLOUDFRONT_DISTRIBUTION_ID", default="")
FRONTEND_CACHE_PURGE_URL = env.str("FRONTEND_CACHE_PURGE_URL", default="")
# Public origin of the API as the CDN serves it; purged URLs are built on it.
API_CDN_BASE_URL = env.str("API_CDN_BASE_URL", default=WAGTAILAPI_BASE_URL).rstrip("/")
# Batching (propagation/cdn_purge.py): the worker sends the URLs of every change in this many
# seconds as one invalidation; over CDN_PURGE_PATHS_MAX paths or CDN_PURGE_WILDCARDS_MAX
# wildcards (CloudFront's in-progress limits) it purges the origin's /* instead. 0: each
# change purges at once.
CDN_PURGE_BATCH_SECONDS = env.float("CDN_PURGE_BATCH_SECONDS", default=5.0)
CDN_PURGE_PATHS_MAX = env.int("CDN_PURGE_PATHS_MAX", default=3000)
CDN_PURGE_WILDCARDS_MAX = env.int("CDN_PURGE_WILDCARDS_MAX", default=15)
WAGTAILFRONTENDCACHE = {}
if CLOUDFRONT_DISTRIBUTION_ID:
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": CLOUDFRONT_DISTRIBUTION_ID,
    }
if FRONTEND_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": FRONTEND_CACHE_PURGE_URL,
    }

# ---------------------------------------------------------------------------------------
# Tasks and change propagation (propagation/): the outbox, the worker, webhooks
# ---------------------------------------------------------------------------------------
# `database` (production): tasks are rows written in the change's own transaction
# (django-tasks-db) and run by `manage.py db_worker`, Wagtail's search and reference index
# updates included. `immediate` (the embedded default): tasks run in the process, events
# once their change has committed; no worker to start.
# https://github.com/RealOrangeOne/django-tasks-db
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# A task RUNNING for longer than this is taken back by the next worker that starts (its
# worker died); longer than any task runs (WEBHOOK_TIMEOUT times the endpoints).
TASKS_LEASE_SECONDS = env.float("TASKS_LEASE_SECONDS", default=300.0)
# Webhooks (Standard Webhooks): endpoints are managed in the admin or with
# `manage.py webhook_endpoint`. Loopback and private addresses are refused unless this is
# set (development, tests); link-local and metadata addresses always are.
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_BACKOFF_BASE = env.float("WEBHOOK_BACKOFF_BASE", default=5.0)
WEBHOOK_BACKOFF_CAP = env.float("WEBHOOK_BACKOFF_CAP", default=3600.0)
WEBHOOK_ENDPOINT_FAILURES_MAX = env.int("WEBHOOK_ENDPOINT_FAILURES_MAX", default=50)
WEBHOOK_RESPONSE_BYTES_MAX = env.int("WEBHOOK_RESPONSE_BYTES_MAX", default=4096)

# Optional read replica for anonymous API reads (api/routing.py); writes, the admin and
# previews use the primary. Within DATABASE_REPLICA_LAG seconds of a change to what a
# response depends on, that response is served but not cached, so replica lag never
# outlives itself in the cache.
# https://docs.djangoproject.com/en/5.2/topics/db/multi-db/#automatic-database-routing
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["api.routing.ApiReadReplicaRouter"]
DATABASE_REPLICA_LAG = env.float("DATABASE_REPLICA_LAG", default=2.0)

# ---------------------------------------------------------------------------------------
# Observability: logs, metrics, probes. Tracing is set up per gunicorn worker by
# serving.telemetry from the SDK's own OTEL_* variables (docs/operations.md).
# ---------------------------------------------------------------------------------------
from serving.logging import logging_config  # noqa: E402 - the section's one import

# One logging configuration for Django and gunicorn (cms/gunicorn.conf.py uses it too).
# https://docs.djangoproject.com/en/5.2/topics/logging/#configuring-logging
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
# ``json`` (one object a line on stdout) in production; ``console`` for people.
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json").lower()
LOGGING = logging_config(level=LOG_LEVEL, fmt=LOG_FORMAT)

# The edge lock (serving/origin_lock.py): requests must carry the header CloudFront adds,
# with one of these comma-separated values. Empty: off (no CDN in front).
ORIGIN_SECRET_HEADER = env.str("ORIGIN_SECRET_HEADER", default="X-Origin-Verify")
ORIGIN_SECRET = env.str("ORIGIN_SECRET", default="")

# Readiness (/readyz): how long the database may take to answer before the pod is
# reported not ready. Keep it below the probe's timeoutSeconds.
READYZ_DATABASE_TIMEOUT = env.float("READYZ_DATABASE_TIMEOUT", default=2.0)
# A database check answers every probe for this many seconds (0: check on every probe).
READYZ_CACHE_SECONDS = env.float("READYZ_CACHE_SECONDS", default=2.0)

# prometheus_client's multiprocess mode writes each process's samples under this directory
# and fails the process at its first metric when the directory is gone (a tmp cleaner, a
# test that removed it): metrics must never stop a process from starting, so it is made.
# https://prometheus.github.io/client_python/multiprocess/
if env.str("PROMETHEUS_MULTIPROC_DIR", default=""):
    Path(env.str("PROMETHEUS_MULTIPROC_DIR")).mkdir(parents=True, exist_ok=True)

# django-prometheus: metrics are served by the gunicorn master on METRICS_PORT
# (cms/gunicorn.conf.py), never through the public URLconf.
# https://github.com/django-commons/django-prometheus/blob/master/documentation/exports.md
# Migration gauges would be computed at start in every worker; the migration Job and
# its alert cover unapplied migrations.
PROMETHEUS_EXPORT_MIGRATIONS = False
# Latency buckets (seconds), finer than the default below 500 ms where the API lives
# and where the p95 alert's threshold sits.
PROMETHEUS_LATENCY_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5,
    0.75, 1.0, 2.5, 5.0, 10.0, 30.0, float("inf"),
)  # fmt: skip
# Database and cache operation metrics: django-prometheus's drop-in wrappers of the
# backends configured above (same behaviour, plus query/connection/hit/miss counters).
# https://github.com/django-commons/django-prometheus#monitoring-your-databases
_PROMETHEUS_DATABASE_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}

_PROMETHEUS_CACHE_BACKENDS = {
    "django_redis.cache.RedisCache": "django_prometheus.cache.backends.redis.RedisCache",
    "django.core.cache.backends.locmem.LocMemCache": (
        "django_prometheus.cache.backends.locmem.LocMemCache"
    ),
}
for _database in DATABASES.values():
    _database["ENGINE"] = _PROMETHEUS_DATABASE_ENGINES.get(_database["ENGINE"], _database["ENGINE"])
for _cache in CACHES.values():
    _cache["BACKEND"] = _PROMETHEUS_CACHE_BACKENDS.get(_cache["BACKEND"], _cache["BACKEND"])

# ---------------------------------------------------------------------------------------
# Security: HTTPS behind the ALB, cookies and sessions, headers, client IP, IP blocklist,
# rate limits, admin login lockout, uploads. SECURITY.md explains the threat model.
# Check with `manage.py check --deploy --fail-level WARNING` (the test suite runs it).
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# ---------------------------------------------------------------------------------------
# Old keys still accepted for signatures while a new DJANGO_SECRET_KEY rolls out.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key-fallbacks
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

# Health probes: never redirected, blocked or rate limited (serving.ip_blocklist).
SECURITY_PROBE_PATHS = ("/healthz", "/readyz")

# The ALB terminates TLS and says so in X-Forwarded-Proto; gunicorn only passes the
# header on from FORWARDED_ALLOW_IPS.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-proxy-ssl-header
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-ssl-redirect
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes come over plain HTTP from the kubelet and the ALB: answer them, never redirect.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-redirect-exempt
SECURE_REDIRECT_EXEMPT = [rf"^{path.lstrip('/')}/?$" for path in SECURITY_PROBE_PATHS]
# HSTS: a year by default (what preload lists require); 0 turns it off.
# https://docs.djangoproject.com/en/5.2/ref/middleware/#http-strict-transport-security
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
# https://docs.djangoproject.com/en/5.2/ref/middleware/#referrer-policy
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# https://docs.djangoproject.com/en/5.2/ref/clickjacking/ (Wagtail's preview views
# override this to SAMEORIGIN for the editor's preview iframe).
X_FRAME_OPTIONS = "DENY"

# Cookies: secure (HTTPS only) outside debug, never readable by scripts, not sent on
# cross-site subrequests. Wagtail's admin reads the CSRF token from the page, not the
# cookie, so the CSRF cookie can be HttpOnly too.
# https://docs.djangoproject.com/en/5.2/ref/settings/#sessions
SECURE_COOKIES = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# An hour of inactivity ends an editor's session (the cookie is renewed on each request),
# and so does closing the browser.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_SAVE_EVERY_REQUEST = True

# Headers (serving.security_headers). Each CSP is a list of directives; frame-ancestors is
# added per response from X-Frame-Options.
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
SECURITY_API_PATH_PREFIX = "/api/"
SECURITY_CSP_DOCS_PATHS = ("/api/v2/docs/",)
# Media may come from S3 or a CDN in front of it; editors see it in the admin.
CSP_MEDIA_SOURCES = env.list(
    "CSP_MEDIA_SOURCES",
    default=(
        [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
        if AWS_STORAGE_BUCKET_NAME and AWS_S3_CUSTOM_DOMAIN
        else ["https://*.amazonaws.com"]
        if AWS_STORAGE_BUCKET_NAME
        else []
    ),
)
# What the admin may frame: the frontend (the preview panel shows the draft there) and
# the embeds editors preview (Wagtail's oEmbed finders).
_frontend_origins = [
    "{0.scheme}://{0.netloc}".format(urlsplit(url))
    for url in (FRONTEND_BASE_URL, FRONTEND_PREVIEW_URL)
    if url
]
CSP_FRAME_SOURCES = env.list(
    "CSP_FRAME_SOURCES",
    default=[
        *dict.fromkeys(_frontend_origins),
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ],
)
SECURITY_CSP_API = [
    "default-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
]
SECURITY_CSP_DOCS = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
]
SECURITY_CSP_DEFAULT = [
    "default-src 'self'",
    # Wagtail 7.4's admin still renders inline <script> (date pickers, inline panels).
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    " ".join(["img-src 'self' data: blob:", *CSP_MEDIA_SOURCES]),
    " ".join(["media-src 'self'", *CSP_MEDIA_SOURCES]),
    "font-src 'self' data:",
    "connect-src 'self'",
    " ".join(["frame-src 'self'", *CSP_FRAME_SOURCES]),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy
SECURITY_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), fullscreen=(self)"
)
# The admin calls no third party: editors' e-mail hashes are not sent to gravatar.com
# (the admin shows initials), and it does not poll releases.wagtail.org (upgrades come
# through uv.lock and CI). Both would also need connect-src/img-src holes in the CSP.
# https://docs.wagtail.org/en/7.4/reference/settings.html#wagtail-gravatar-provider-url
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Client IP (serving.client_ip): how many proxies in front append to X-Forwarded-For and are
# believed. 0 locally (the header is ignored), 1 behind the ALB.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# IP blocklist (serving.ip_blocklist): CIDRs from here plus Settings → Blocked networks.
IP_BLOCKLIST = env.list("IP_BLOCKLIST", default=[])
IP_BLOCKLIST_CACHE_SECONDS = env.int("IP_BLOCKLIST_CACHE_SECONDS", default=60)
# Break glass: ignore the admin's Blocked networks rows (IP_BLOCKLIST still applies) until
# a locked-out admin has deleted the row that blocks them; then unset it.
IP_BLOCKLIST_BREAK_GLASS = env.bool("IP_BLOCKLIST_BREAK_GLASS", default=False)

# API rate limits (serving.throttling), counted per client IP in the default cache (Redis).
# https://www.django-rest-framework.org/api-guide/throttling/
# `off` disables a limit (load tests from one address); anything else must be DRF's
# "<count>/<second|minute|hour|day>" and is checked here, at start.


def _rate_limit(name: str, default: str) -> str | None:
    value = env.str(name, default=default).strip()
    if value.lower() == "off":
        return None
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name} must look like 600/min (or be off), not {value!r}.")
    return value


API_RATE_LIMIT = _rate_limit("API_RATE_LIMIT", "600/min")
PREVIEW_RATE_LIMIT = _rate_limit("PREVIEW_RATE_LIMIT", "30/min")
# Per API key (X-API-Key header) instead of per IP: SSR servers and build machines.
API_KEY_RATE_LIMIT = _rate_limit("API_KEY_RATE_LIMIT", "6000/min")
PREVIEW_PATH_PREFIX = "/api/v2/preview/"
REST_FRAMEWORK = {
    "DEFAULT_THROTTLE_CLASSES": [
        # First: it marks requests with a valid X-API-Key, which the per-IP limit skips.
        "api.keys.ApiKeyRateThrottle",
        "serving.throttling.ClientIPRateThrottle",
        "serving.throttling.PreviewRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api": API_RATE_LIMIT,
        "preview": PREVIEW_RATE_LIMIT,
        "api_key": API_KEY_RATE_LIMIT,
    },
    "EXCEPTION_HANDLER": "serving.throttling.api_exception_handler",
}

# Admin login lockout (django-axes): per client IP and, separately, per username.
# Attempts are kept in Redis when REDIS_URL is set, else in the database.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "serving.client_ip.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "serving.login_lockout.login_lockout_response"
AXES_HANDLER = (
    "serving.login_lockout.LockoutCacheHandler"  # axes' cache handler, with axes_reset working
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)
# Failed attempts are logged one line each, with username and address masked
# (AXES_SENSITIVE_PARAMETERS) and the password never.
AXES_VERBOSE = True

# Uploads: images only in raster formats Pillow decodes (no SVG: it can carry script),
# bounded in bytes (WAGTAILIMAGES_MAX_UPLOAD_SIZE above) and in pixels (decompression
# bombs); request bodies other than files bounded too.
# https://docs.wagtail.org/en/7.4/reference/settings.html#images
# Counted over every frame of an animation, and Pillow's own MAX_IMAGE_PIXELS is set to
# the same number (serving.image_uploads, serving.apps): a bomb is a form error, never a 500.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", default=40_000_000)
WAGTAILIMAGES_IMAGE_FORM_BASE = "serving.image_uploads.BoundedImageForm"
# Renditions (srcset, crops) and placeholders are made when an image is saved, never in a
# read (blog/images.py). Off: only `manage.py image_renditions` makes them.
IMAGE_RENDITIONS_ON_SAVE = env.bool("IMAGE_RENDITIONS_ON_SAVE", default=True)
# libavif's encoder speed for AVIF renditions: 0 (slowest, smallest) to 10 (fastest).
# Pillow's default, 6, spends most of a save's rendition time; 10 encodes a 1920 px
# rendition about 8x faster for files about 20% larger (the test suite uses it).
IMAGE_AVIF_SPEED = env.int("IMAGE_AVIF_SPEED", default=6)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
