"""Failed sign-ins counted per account, whatever address they come from.

The counts live in the rate limiter's storage (Redis, or this process's memory while Redis is
down), next to the per-address limits Flask-Limiter keeps.
"""

import hashlib
import logging

from flask import current_app
from limits import RateLimitItem, parse_many

from pmcohort.core.extensions import limiter

log = logging.getLogger(__name__)
NAMESPACE = "failed-sign-in"


def _limits() -> list[RateLimitItem]:
    return parse_many(current_app.config["ACCOUNT_SIGN_IN_LIMIT"])


def _account_key(email: str) -> str:
    # A digest, so the store holds no email addresses.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def is_paused(email: str) -> bool:
    """True once the account has had its allowance of failed sign-ins in the current window."""
    try:
        return not all(limiter.limiter.test(item, NAMESPACE, _account_key(email)) for item in _limits())
    except Exception:  # noqa: BLE001 - the store failed between checks: the per-address limit still holds
        log.warning("rate-limit store unreachable; per-account sign-in limit not checked", exc_info=True)
        return False


def count_failure(email: str) -> bool:
    """Count one failed sign-in; True when this one used up the allowance (time to tell the owner)."""
    key = _account_key(email)
    try:
        for item in _limits():
            limiter.limiter.hit(item, NAMESPACE, key)
    except Exception:  # noqa: BLE001
        log.warning("rate-limit store unreachable; failed sign-in not counted", exc_info=True)
        return False
    return is_paused(email)


def forget(email: str) -> None:
    """A new password starts the count again."""
    try:
        for item in _limits():
            limiter.limiter.clear(item, NAMESPACE, _account_key(email))
    except Exception:  # noqa: BLE001
        log.warning("rate-limit store unreachable; failed sign-ins not cleared", exc_info=True)
