"""Settings, read from the environment in one place.

Every setting is documented in `.env.example`.
"""

import os
from datetime import timedelta
from pathlib import Path

from pmcohort.core.pool import RECYCLE_SECONDS
from pmcohort.domain.limits import UPLOAD_MAX_BYTES

# Room for a form's other fields and the multipart framing around a file of UPLOAD_MAX_BYTES.
FORM_ALLOWANCE_BYTES = 64 * 1024


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BROKER_VISIBILITY_TIMEOUT = 3600


class Config:
    """Defaults for a laptop: SQLite and a SQLite-backed broker, no server needed."""

    DEV_SECRET_KEY = "dev-only-not-secret"

    def __init__(self, instance_path: str):
        instance = Path(instance_path)
        self.SECRET_KEY = os.environ.get("SECRET_KEY", self.DEV_SECRET_KEY)
        self.SQLALCHEMY_DATABASE_URI = _normalise_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'pmcohort.sqlite'}"
        )
        # No ping per checkout: `core.pool` pings only connections that sat idle (a round trip saved per request).
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": RECYCLE_SECONDS}
        redis_url = os.environ.get("REDIS_URL")
        self.REDIS_URL = redis_url
        broker_url = os.environ.get("CELERY_BROKER_URL") or redis_url or f"sqla+sqlite:///{instance / 'broker.sqlite'}"
        self.CELERY = {
            "broker_url": broker_url,
            "task_ignore_result": True,
            "task_serializer": "json",
            "accept_content": ["json"],
            "broker_connection_retry_on_startup": True,
            # A worker whose broker is gone keeps trying to reconnect rather than exiting after 100 tries.
            "broker_connection_max_retries": None,
            "broker_transport_options": _broker_transport_options(broker_url),
            "broker_connection_timeout": 2,
            "beat_schedule_filename": str(instance / "celerybeat-schedule"),
            "include": ["worker.tasks"],
        }
        self.RATELIMIT_STORAGE_URI = redis_url or "memory://"
        # Redis down must not take sign-in down: count in this process's memory until it is back
        # (Flask-Limiter logs the switch both ways).
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1} if redis_url else {}
        self.RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
        self.RATELIMIT_HEADERS_ENABLED = True
        self.LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 50 per hour")
        self.PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per minute; 20 per hour")
        # Failed sign-ins per account, whatever address they come from.
        self.ACCOUNT_SIGN_IN_LIMIT = os.environ.get("ACCOUNT_SIGN_IN_LIMIT", "20 per hour")
        # Links sent by email (reset) and calendar feeds: guessing tokens must stay slow.
        self.TOKEN_RATE_LIMIT = os.environ.get("TOKEN_RATE_LIMIT", "30 per minute; 300 per hour")
        self.PUBLIC_PAGE_RATE_LIMIT = os.environ.get("PUBLIC_PAGE_RATE_LIMIT", "120 per minute")
        # The cohort console's figures are computed at most this often per cohort (0: every request).
        self.DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))
        self.SMTP_HOST = os.environ.get("SMTP_HOST")
        self.SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
        self.SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
        self.SMTP_STARTTLS = _flag("SMTP_STARTTLS")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "PM Cohort <no-reply@pmcohort.local>")
        self.MAIL_DIR = str(instance / "mail")
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
        self.PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600"))
        self.OUTBOX_PUBLISH_ON_COMMIT = _flag("OUTBOX_PUBLISH_ON_COMMIT", True)
        self.WORKER_HEARTBEAT_MAX_AGE = int(os.environ.get("WORKER_HEARTBEAT_MAX_AGE", "20"))
        # A larger request is refused (413, `core.http_errors`) before any of it is parsed.
        self.MAX_CONTENT_LENGTH = UPLOAD_MAX_BYTES + FORM_ALLOWANCE_BYTES
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE")
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_DURATION = timedelta(days=30)
        # Strict-Transport-Security, only where every visitor arrives over HTTPS.
        self.HSTS_ENABLED = _flag("HSTS_ENABLED")


def _broker_transport_options(broker_url: str) -> dict:
    # A web request must not hang when the broker is down: the outbox sweep publishes whatever
    # could not be sent now.
    options = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
    if broker_url.startswith(("redis://", "rediss://")):
        # How long Redis waits before handing an unacknowledged task (acks_late) to another worker:
        # it must outlast any task's countdown and run time, or the task runs twice while the
        # first copy is still held. No task uses a countdown (the outbox keeps retry times in the
        # database), and the outbox sweep republishes a lost delivery within seconds, so this is
        # only the broker's own backstop.
        options["visibility_timeout"] = BROKER_VISIBILITY_TIMEOUT
    return options


def _normalise_database_url(url: str) -> str:
    # Hosted PostgreSQL hands out postgres:// URLs; SQLAlchemy wants an explicit driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
