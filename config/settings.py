"""Settings for Bulletin, read from the environment (see .env.example).

Safe by default: DEBUG is off and a production process refuses the development secret key.
The development run command (`make run`) sets DEBUG=1 explicitly.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Any variable may instead be given as a file named by NAME_FILE (Docker secrets; docker-compose
# keeps the generated SECRET_KEY that way).
env = environ.FileAwareEnv()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
# A deployment that says it is production never runs with DEBUG on, whatever else .env says.
DJANGO_ENV = env("DJANGO_ENV", default="")
if DJANGO_ENV == "production" and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

PERIODICAL_NAME = env("PERIODICAL_NAME", default="科协通讯")
# The site's own address, for links in notification emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# How long a share link for an outside expert stays valid.
SHARE_LINK_DAYS = env.int("SHARE_LINK_DAYS", default=7)
PUBLISHER_NAME = env("PUBLISHER_NAME", default="省科学技术协会")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_ckeditor_5",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "publishing",
    "bulletin",
    "people",
    "events",
    "website",
    "axes",
]

MIDDLEWARE = [
    # First, so that its request id is on every log line and its duration covers the whole stack.
    "config.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The open API (/api/): CORS on every answer, its 304s and errors included, and errors as JSON.
    "website.api.http.ApiMiddleware",
    # Above all that may touch the database, below the security headers: a request that fails
    # because the database cannot be reached is answered 503, not 500 (config.outages).
    "config.outages.DatabaseOutageMiddleware",
    # Before sessions and users: a cached page is served without touching either (publishing.pagecache).
    "publishing.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Both engines read templates/. Jinja2 comes first and renders the public site, several times
# faster than Django's engine; it refuses the overrides of the admin's and django-axes's templates
# (website.jinja2.PublicTemplates), which Django's engine renders with the apps' own templates.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "environment": "website.jinja2.environment",
            # As in Django's engine, a template's last line break is output (robots.txt ends with one).
            "keep_trailing_newline": True,
            # The backend puts the request in the context itself.
            "context_processors": ["bulletin.context_processors.periodical", "website.wechat.share_script"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bulletin.context_processors.periodical",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while the admin writes; IMMEDIATE avoids "database is locked"
    # when two writers upgrade their locks at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode (docker-compose's pgbouncer service) a connection is
    # lent to a client for one transaction at a time, so nothing may outlive a transaction on it:
    # the app sets only SET LOCAL and takes no session locks, and .iterator()'s server-side
    # cursors, which Django holds across transactions outside an atomic block, are turned off.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
    if not DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]:
        # Statements prepared by publishing.statements keep one plan for every value: planned
        # afresh for each (PostgreSQL's choice for the article page's), they cost ten times their
        # execution. The app prepares nothing else, so no other query is affected.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c plan_cache_mode=force_generic_plan"
    DATABASES["default"]["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}

REDIS_URL = env("REDIS_URL", default="")
# Production runs several processes (gunicorn's workers, the PDF worker, perhaps on several
# machines): the page cache's versions and epoch, and the image facts, must be one cache that all
# of them read, or a process would go on serving a page that another has made stale. The memory
# cache below is per process, for development and tests only.
if DJANGO_ENV == "production" and not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DJANGO_ENV=production: all processes need one shared cache. "
        "生产环境（DJANGO_ENV=production）必须设置 REDIS_URL：所有进程须共用同一个缓存。"
    )
# How long a request waits for Redis to connect, then for each answer, before it goes on without
# the cache: with Redis stalled or gone a page or a publishing action is late by this, not minutes.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bulletin",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS, "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Redis down: the site serves uncached (and logs it, once a minute: see LOGGING) and uses Redis
# again as soon as it is back.
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions live in the database, shared by every process, so a Redis failure logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Longest life of a cached public page; publishing and scheduled times end it sooner
# (publishing.pagecache). 0 turns the page cache off (benchmarks of uncached pages).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# The HTTP caches in front of the app (Varnish, deploy/varnish.vcl), each told to purge by tag
# when content changes (publishing.edge). Empty: pages are not offered to shared caches.
EDGE_PURGE_URLS = env.list("EDGE_PURGE_URLS", default=[])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# HTTPS and browser protections. nginx terminates TLS and says so in X-Forwarded-Proto. All on
# when DEBUG is off; each may be switched off to try a production build over plain http on a
# laptop (SECURE_SSL_REDIRECT=0, SESSION_COOKIE_SECURE=0, CSRF_COOKIE_SECURE=0).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes reach gunicorn directly over http and must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# A year, as browsers' preload lists require. Start lower (e.g. 3600) on a new domain: browsers
# remember HSTS, and preload/subdomains also bind every subdomain of the site's domain to https.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
# CSRF_COOKIE_HTTPONLY stays off: the CKEditor upload script reads the token from the cookie.
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp). Neither the site nor the admin runs inline script (the
# CKEditor and admin configurations are JSON data blocks and data- attributes), and all
# stylesheets are files. CKEditor 5 sets style="" attributes as it works (image uploads, tables),
# so inline styles are allowed in attributes only; <style> elements, which could restyle or read
# a page, are not. blob: and data: images are its upload previews and its icons.
# tests/e2e/test_csp.py and every browser test prove nothing the site needs is blocked.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# WeChat (微信公众号). With both set, a page opened inside WeChat is shared with its own card
# (title, description, square picture) through WeChat's JS-SDK (website.wechat); empty, WeChat
# shows its plain card and other apps read the Open Graph tags as always.
WECHAT_APPID = env("WECHAT_APPID", default="")
WECHAT_APPSECRET = env("WECHAT_APPSECRET", default="")
# Where the access token and the JS-SDK ticket are asked for; the tests answer on loopback.
WECHAT_API_URL = env("WECHAT_API_URL", default="https://api.weixin.qq.com")
WECHAT_JSSDK_URL = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"
# The code in the name of the file MP_verify_<code>.txt that WeChat asks to find at the site's
# root before it takes the domain as the JS-SDK's safe domain (JS接口安全域名).
WECHAT_DOMAIN_VERIFICATION = env("WECHAT_DOMAIN_VERIFICATION", default="")
if WECHAT_APPID and WECHAT_APPSECRET:
    # Inside WeChat the share script loads WeChat's SDK, which reports its own start to
    # open.weixin.qq.com with an image: allowed, so that pages log no refusal there.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"].append("https://res.wx.qq.com")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("https://open.weixin.qq.com")

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords in a row, that
# username from that address is refused for AXES_COOLOFF_MINUTES, with templates/axes/lockout.html
# (status 429). Other users, and the same user elsewhere, can still sign in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures are counted in the database (axes' default, stated because it matters): every worker
# and every machine sees the same count, and a Redis outage or restart forgets none of them.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# How many reverse proxies (nginx: 1) append the client's address to X-Forwarded-For. 0 trusts no
# header, since a client can write any X-Forwarded-For it likes (config.client_ip).
REVERSE_PROXY_COUNT = env.int("REVERSE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

# The admin's address. Moving it off the well-known admin/ keeps most scanners away; the review
# pages and the editor's upload address move with it. Must end with a slash.
ADMIN_URL = env("ADMIN_URL", default="admin/")
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/"):
    raise ImproperlyConfigured("ADMIN_URL must end with a slash and not start with one, e.g. 'editorial/'.")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Behind nginx (deploy/nginx.conf), uploads readers may not fetch directly are sent by nginx once
# the app allows them (X-Accel-Redirect); without it the app sends them itself (publishing.media).
MEDIA_ACCEL_REDIRECT = env.bool("MEDIA_ACCEL_REDIRECT", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Media in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2 …) instead of MEDIA_ROOT, for
# processes on more than one machine: set AWS_STORAGE_BUCKET_NAME (and for anything but AWS
# itself AWS_S3_ENDPOINT_URL). Originals are private; readers fetch what they may see from the
# bucket's public/ prefix, which `manage.py sync_media` opens to them, directly or through a CDN
# at AWS_S3_CUSTOM_DOMAIN; staff get signed addresses valid MEDIA_SIGNED_URL_SECONDS
# (publishing/storage.py).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=300)
if AWS_STORAGE_BUCKET_NAME:
    _bucket = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        # Empty: boto3 finds credentials itself (an instance role, ~/.aws).
        "access_key": env("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
        "signature_version": "s3v4",
        # No ACLs: many S3-compatible servers ignore them; the bucket policy decides.
        "default_acl": None,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "publishing.storage.PrivateS3Storage",
        "OPTIONS": {**_bucket, "custom_domain": None, "querystring_expire": MEDIA_SIGNED_URL_SECONDS},
    }
    STORAGES["public_media"] = {
        "BACKEND": "publishing.storage.PublicS3Storage",
        "OPTIONS": {
            **_bucket,
            "location": "public",
            "querystring_auth": False,
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=None),
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (django-tasks, with retries and de-duplication from publishing.jobs): mail,
# image renditions, the print edition's PDFs, page-cache replays and the periodic jobs below. The
# immediate backend runs a job in the process that queues it (no retries, nothing later), which
# suits development and tests; production queues jobs in the database for `manage.py db_worker`
# (docker-compose's worker service) to run.
TASK_BACKEND = env("TASK_BACKEND", default="immediate")
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured("TASK_BACKEND must be immediate or database.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
# Periodic jobs (publishing.periodic): name → (job, every how many seconds). One scheduler queues
# them however many run: `manage.py run_scheduler` (docker-compose's scheduler service) or, without
# Docker, `manage.py run_periodic_jobs` from cron once a minute. Daily ones run at 00:00 UTC.
PERIODIC_JOBS = {
    "scheduled-content": ("bulletin.scheduled.content_goes_live", 60),
    "page-invalidations": ("publishing.housekeeping.replay_page_invalidations", 60),
    "daily-digests": ("publishing.housekeeping.send_digests", 24 * 3600),
    "contributor-news": ("bulletin.contributions.announce_periodically", 300),
    "expired-sessions": ("publishing.housekeeping.clear_expired_sessions", 24 * 3600),
    "task-results": ("publishing.housekeeping.prune_task_results", 24 * 3600),
}
# Records of finished jobs (with the database backend) are kept this many days.
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=14)
# The paper of the issue PDF readers download (A4, or B5 for 16开); editors may choose per PDF.
PRINT_PAPER = env("PRINT_PAPER", default="A4")
if PRINT_PAPER not in ("A4", "B5"):
    raise ImproperlyConfigured("PRINT_PAPER must be A4 or B5.")

# Every uploaded image (cover, photo, editor upload) passes publishing.images.validate_image.
IMAGE_MAX_MB = env.int("IMAGE_MAX_MB", default=20)
# Larger images are refused as possible decompression bombs (40 megapixels: a 7300×5500 photo).
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
# Readers get these widths of every image (never wider than the original) in its own format
# and in WebP, made once and kept under media/renditions/ (publishing.images.picture).
IMAGE_RENDITION_WIDTHS = (240, 480, 960, 1600)

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{PERIODICAL_NAME} <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("", address) for address in env.list("ADMIN_EMAILS", default=[])]

# One line per record on stdout: JSON for the log collector in production, text in development.
# Every line carries the request id (config.logs). Errors of requests are also mailed to ADMINS
# when DEBUG is off.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "config.logs.RequestContextFilter"},
        # For failures that recur on every request while Redis or the database is down: the
        # first is written, then one a minute with a count (config.logs.Throttle).
        "once_a_minute": {"()": "config.logs.Throttle", "seconds": 60},
        "no_outages": {"()": "config.outages.NotAnOutage"},
    },
    "formatters": {
        "json": {"()": "config.logs.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "mail": {"format": "%(message)s\n\nRequest ID: %(request_id)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request"],
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["request"],
            "formatter": "mail",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Replaces Django's default handlers on "django" (its own console and mail handlers),
        # so that each record is written once, by the root's console handler.
        "django": {"handlers": [], "level": env("LOG_LEVEL", default="INFO"), "propagate": True},
        # A database outage is answered 503 and logged by config.outages, never mailed.
        "django.request": {"handlers": [] if DEBUG else ["mail_admins"], "propagate": True, "filters": ["no_outages"]},
        "config.outages": {"filters": ["once_a_minute"]},
        "django_redis.cache": {"filters": ["once_a_minute"]},
        "publishing.pagecache": {"filters": ["once_a_minute"]},
        # WeasyPrint logs each step of every PDF at INFO; its warnings (a missing image) still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# CKEditor 5. Its bundle carries plugins that let an editor inject arbitrary markup (source
# editing, HTML embed, general HTML support, and the style and full-page plugins that go with it):
# they are removed, not merely left off the toolbar. Markdown would make the stored body Markdown
# instead of HTML; fonts, highlights and table colours would keep what Word pastes. Inline code
# and code blocks stay: articles on computing quote commands and programs, and without them a
# program pasted into the editor became one paragraph, its lines run together. Whatever is
# posted is still sanitised on save (publishing.sanitize).
CKEDITOR_5_REMOVED_PLUGINS = [
    "SourceEditing",
    "HtmlEmbed",
    "GeneralHtmlSupport",
    "Style",
    "FullPage",
    "MediaEmbed",
    "Markdown",
    "Font",
    "Highlight",
    "TodoList",
    "PageBreak",
    "TableProperties",
    "TableCellProperties",
]
# Uploads from the editor go to publishing.editor_uploads (validated, cleaned, random names); the
# package's own view, which keeps the uploader's file name, is not routed at all.
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "editor-image-upload"
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"  # only read by the package's unrouted view; ours is stricter
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "png", "gif", "webp"]
CKEDITOR_5_CONFIGS = {
    "default": {
        "language": "zh-cn",
        "removePlugins": CKEDITOR_5_REMOVED_PLUGINS,
        # Chinese has no spaces between words: a word count is meaningless, a character count is
        # the 字数 editors plan pages by.
        "wordCount": {"displayWords": False},
        "toolbar": {
            "items": [
                "heading",
                "|",
                "bold",
                "italic",
                "superscript",
                "subscript",
                "code",
                "link",
                "|",
                "bulletedList",
                "numberedList",
                "blockQuote",
                "codeBlock",
                "insertTable",
                "uploadImage",
                "horizontalLine",
                "|",
                "removeFormat",
                "undo",
                "redo",
            ],
        },
        "heading": {
            "options": [
                {"model": "paragraph", "title": "正文", "class": "ck-heading_paragraph"},
                # Word's 标题 1 is pasted as h1; the page's only h1 is the article's title.
                {
                    "model": "heading2",
                    "view": "h2",
                    "upcastAlso": ["h1"],
                    "title": "小标题",
                    "class": "ck-heading_heading2",
                },
                {
                    "model": "heading3",
                    "view": "h3",
                    "upcastAlso": ["h4", "h5", "h6"],
                    "title": "三级标题",
                    "class": "ck-heading_heading3",
                },
            ]
        },
        "image": {
            "toolbar": ["imageTextAlternative", "toggleImageCaption"],
            "insert": {"integrations": ["upload"]},
            "upload": {"types": ["jpeg", "png", "gif", "webp"]},
        },
        # The editor links tel: numbers as readers' phones dial them, not as "#".
        "link": {"defaultProtocol": "https://", "allowedProtocols": ["tel"]},
        # Each language is a class on the block's <code> that publishing.sanitize keeps.
        "codeBlock": {
            "languages": [
                {"language": "plaintext", "label": "纯文本"},
                {"language": "python", "label": "Python"},
                {"language": "c", "label": "C"},
                {"language": "cpp", "label": "C++"},
                {"language": "java", "label": "Java"},
                {"language": "javascript", "label": "JavaScript"},
                {"language": "html", "label": "HTML"},
                {"language": "xml", "label": "XML"},
                {"language": "css", "label": "CSS"},
                {"language": "sql", "label": "SQL"},
                {"language": "shell", "label": "命令行"},
            ]
        },
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells", "toggleTableCaption"]},
    },
}
# Contributors write in the portal (bulletin.portal) with the editors' editor less its image
# upload, which is the office's: their photos come as attachments, each with its caption.
CKEDITOR_5_CONFIGS["contributor"] = {
    **CKEDITOR_5_CONFIGS["default"],
    "toolbar": {"items": [item for item in CKEDITOR_5_CONFIGS["default"]["toolbar"]["items"] if item != "uploadImage"]},
}
