"""Django settings, read from the environment (see docs/deployment.md)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from zhaoshang.env import SettingError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("ZHAOSHANG_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()

DEBUG = env_bool("ZHAOSHANG_DEBUG", False)
SECRET_KEY = env_str("ZHAOSHANG_SECRET_KEY", "")


def _private_dir(path: Path) -> None:
    """A folder only the service user can enter (0700) when the platform creates it."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        path.chmod(0o700)


def _private_file(path: Path) -> None:
    """Creates ``path`` readable by the service user alone (0600); tightens an existing one."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


if not SECRET_KEY:
    # A key kept in the data directory survives restarts without being committed.
    _key_file = DATA_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
        _private_file(_key_file)
    else:
        import secrets

        _private_dir(DATA_DIR)
        SECRET_KEY = secrets.token_urlsafe(50)
        _private_file(_key_file)
        _key_file.write_text(SECRET_KEY)
ALLOWED_HOSTS = env_list("ZHAOSHANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ZHAOSHANG_CSRF_TRUSTED_ORIGINS", [])
DEMO_PASSWORD = env_str("ZHAOSHANG_DEMO_PASSWORD", "zhaoshang-demo")
# A login lasts at most ZHAOSHANG_SESSION_HOURS from the moment of signing in,
# and ends sooner after ZHAOSHANG_SESSION_IDLE_MINUTES without a request
# (zhaoshang.web.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = env_int("ZHAOSHANG_SESSION_HOURS", 12) * 3600
SESSION_IDLE_SECONDS = env_int("ZHAOSHANG_SESSION_IDLE_MINUTES", 60) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if env_bool("ZHAOSHANG_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Production switches (docs/security.md): redirect plain HTTP to HTTPS, and tell
# browsers to use HTTPS only (HSTS) once the site is known to work over it.
SECURE_SSL_REDIRECT = env_bool("ZHAOSHANG_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("ZHAOSHANG_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ZHAOSHANG_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("ZHAOSHANG_HSTS_PRELOAD", False)
# A request body above this is refused (413) from its Content-Length, before a
# byte of it is read (zhaoshang.web.middleware.UploadLimitMiddleware).
UPLOAD_MAX_BYTES = env_int("ZHAOSHANG_UPLOAD_MAX_MB", 50) * 1024 * 1024
# Form fields (not files) above 10 MB in all are refused by Django itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_filters",
    "simple_history",
    "axes",
    "zhaoshang.org",
    "zhaoshang.ledger",
    "zhaoshang.campaigns",
    "zhaoshang.dispatch",
    "zhaoshang.events",
    "zhaoshang.supervision",
    "zhaoshang.notify",
    "zhaoshang.notices",
    "zhaoshang.assessment",
    "zhaoshang.web",
    "zhaoshang.workbook",
    "zhaoshang.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "zhaoshang.jobs",
]

# Long work (bulletin files, reminder runs, large imports) goes to a queue in the
# database itself, so no extra server: `zhaoshang serve` starts the worker
# (`zhaoshang worker`) beside the web server. See docs/jobs.md.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    # An oversized upload is refused before any middleware reads the body.
    "zhaoshang.web.middleware.UploadLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhaoshang.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhaoshang.web.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A save that meets an import's write lock gets 503 「正在导入，请稍后再试」, not a 500.
    "zhaoshang.workbook.middleware.BusyDatabaseMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Scope denials (403/404 raised by a view) into the security log.
    "zhaoshang.web.middleware.DenialLogMiddleware",
    "zhaoshang.org.middleware.PasswordChangeRequiredMiddleware",
    # Login throttling: answers a locked-out user or address before any password is hashed.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhaoshang.urls"
WSGI_APPLICATION = "zhaoshang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'zhaoshang.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db))}
except Exception as exc:  # dj_database_url raises several kinds
    raise SettingError(f"环境变量 DATABASE_URL 无法识别：{exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at
    # BEGIN so concurrent read-modify-write transactions queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("ZHAOSHANG_SQLITE_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        # The database file, its WAL and shared-memory files: the service user's alone.
        _db_file = Path(DATABASES["default"]["NAME"])
        _private_dir(_db_file.parent)
        _private_file(_db_file)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("ZHAOSHANG_DB_CONN_MAX_AGE", 60)

# Browser-side protections on every response (docs/security.md). Pages carry no
# inline script and nothing is evaluated from strings: a value that slipped into
# the HTML unescaped still cannot run. Inline style attributes stay allowed (bar
# widths, chart tooltips); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: marks any account whose password is set to the demo password, so
    # `serve` warns about it (docs/security.md).
    {"NAME": "zhaoshang.org.passwords.DemoPasswordMarker"},
]
# Argon2 for every new or changed password; older PBKDF2 hashes still verify and
# are upgraded to Argon2 at the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (docs/security.md): after this many failures in a row an
# account, and separately an address, is locked for the cool-off time; an
# administrator unlocks an account on its unit's accounts page.
AXES_FAILURE_LIMIT = env_int("ZHAOSHANG_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ZHAOSHANG_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhaoshang.web.views.locked_out"
AXES_VERBOSE = False
# Behind the HTTPS proxy every request comes from it: the client is the last X-Forwarded-For hop.
AXES_CLIENT_IP_CALLABLE = "zhaoshang.security.client_address"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("ZHAOSHANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "zhaoshang.web.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True

# Reminders (docs/reminders.md): e-mail over SMTP through Django's mail backend,
# the robots' webhooks over HTTP(S), sent only within the hours below on working days.
EMAIL_BACKEND = env_str("ZHAOSHANG_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("ZHAOSHANG_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ZHAOSHANG_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("ZHAOSHANG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("ZHAOSHANG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ZHAOSHANG_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("ZHAOSHANG_EMAIL_SSL", False)
EMAIL_TIMEOUT = env_int("ZHAOSHANG_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("ZHAOSHANG_EMAIL_FROM", "zhaoshang@localhost")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise SettingError("ZHAOSHANG_EMAIL_STARTTLS 与 ZHAOSHANG_EMAIL_SSL 只能设置一个")
ZHAOSHANG_WEBHOOK_TIMEOUT = env_int("ZHAOSHANG_WEBHOOK_TIMEOUT", 10)
ZHAOSHANG_SITE_URL = env_str("ZHAOSHANG_SITE_URL", "")
ZHAOSHANG_REMIND_HOURS = tuple(
    env_int(name, default)
    for name, default in (("ZHAOSHANG_REMIND_FROM_HOUR", 8), ("ZHAOSHANG_REMIND_UNTIL_HOUR", 20))
)
if not 0 <= ZHAOSHANG_REMIND_HOURS[0] < ZHAOSHANG_REMIND_HOURS[1] <= 24:
    raise SettingError(
        "ZHAOSHANG_REMIND_FROM_HOUR / ZHAOSHANG_REMIND_UNTIL_HOUR 应为 0–24 点且开始早于结束"
    )
ZHAOSHANG_REMIND_ROUND_DAYS = env_int("ZHAOSHANG_REMIND_ROUND_DAYS", 1)
ZHAOSHANG_REMIND_MAX_ATTEMPTS = env_int("ZHAOSHANG_REMIND_MAX_ATTEMPTS", 5)

# The security log (zhaoshang/security.py): JSON lines, a new file every midnight,
# ZHAOSHANG_SECURITY_LOG_DAYS files kept (≥ 183: 网络安全法 Art. 21 asks six months).
SECURITY_LOG_FILE = Path(
    env_str("ZHAOSHANG_SECURITY_LOG", str(DATA_DIR / "log" / "security.log"))
).resolve()
SECURITY_LOG_DAYS = env_int("ZHAOSHANG_SECURITY_LOG_DAYS", 200)
if SECURITY_LOG_DAYS < 183:
    raise SettingError(
        "环境变量 ZHAOSHANG_SECURITY_LOG_DAYS 不能小于 183（安全日志至少保存六个月）"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(message)s"}},
    "filters": {"forbidden_one_line": {"()": "zhaoshang.web.logs.ForbiddenOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["forbidden_one_line"]},
        "security": {
            "class": "zhaoshang.security.SecurityLogHandler",
            "filename": str(SECURITY_LOG_FILE),
            "when": "midnight",
            "backupCount": SECURITY_LOG_DAYS,
            "encoding": "utf-8",
            "formatter": "line",
        },
    },
    "loggers": {
        "zhaoshang.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # axes writes its own lines for every attempt; the security log has them once.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env_str("ZHAOSHANG_LOG_LEVEL", "WARNING")},
}

# The REST API (/api/v1/, zhaoshang/api): Bearer tokens or the signed-in session.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhaoshang.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["zhaoshang.api.auth.TokenAccess"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "zhaoshang.api.pagination.Pagination",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "招商调度 API",
    "DESCRIPTION": "招商引资工作调度平台的数据接口：范围与网页相同，修改须带 If-Match。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set, shared wherever the same choices appear.
    "ENUM_NAME_OVERRIDES": {
        "IndicatorEnum": "zhaoshang.campaigns.models.Indicator",
        "FollowUpKindEnum": "zhaoshang.ledger.models.FollowUpKind",
        "UnitKindEnum": "zhaoshang.org.models.UnitKind",
        "EventKindEnum": "zhaoshang.events.models.EventKind",
    },
}
