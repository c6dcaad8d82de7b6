"""Notification preferences, one-click unsubscribe and the inbox."""

import hashlib
from collections.abc import Callable
from enum import StrEnum

from itsdangerous import BadSignature
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.core.paging import page_of
from pmcohort.core.tokens import signed_links
from pmcohort.core.types import utcnow
from pmcohort.notifications.models import (
    NOTIFICATION_CATEGORIES,
    SECURITY_CATEGORY,
    Notification,
    NotificationPreference,
    UnsubscribeUse,
)
from pmcohort.ops.models import record_audit

INBOX_PAGE_SIZE = 20


class UnsubscribeOutcome(StrEnum):
    CONFIRM = "confirm"  # a GET: asks before changing anything (link scanners follow links)
    DONE = "done"
    USED = "used"  # the token worked before
    INVALID = "invalid"


_UNSUBSCRIBE_SALT = "unsubscribe"


def _channels(category: str, preference: NotificationPreference | None) -> tuple[bool, bool]:
    if category == SECURITY_CATEGORY:
        return True, True
    if category not in NOTIFICATION_CATEGORIES:
        raise ValueError(f"unknown notification category {category!r}")
    return (preference.email, preference.in_app) if preference else (True, True)


def channels_for(user_id: int, category: str) -> tuple[bool, bool]:
    """(email, in-app) for this user and category. Security email always goes out."""
    if category == SECURITY_CATEGORY:
        return True, True
    return _channels(category, db.session.get(NotificationPreference, (user_id, category)))


def channels_of(user_ids: set[int]) -> Callable[[int, str], tuple[bool, bool]]:
    """`channels_for` over many users, with their stored choices read in one query."""
    stored = {
        (preference.user_id, preference.category): preference
        for preference in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids))
        )
    }
    return lambda user_id, category: _channels(category, stored.get((user_id, category)))


def preferences_of(user_id: int) -> dict[str, tuple[bool, bool]]:
    return {category: channels_for(user_id, category) for category in NOTIFICATION_CATEGORIES}


def set_preferences(user_id: int, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store (email, in-app) per category; unknown categories are refused before anything changes."""
    unknown = set(choices) - set(NOTIFICATION_CATEGORIES)
    if unknown:
        raise ValueError(f"unknown notification categories {sorted(unknown)}")
    changed = {}
    for category, (email, in_app) in choices.items():
        if channels_for(user_id, category) != (email, in_app):
            _store(user_id, category, email=email, in_app=in_app)
            changed[category] = {"email": email, "in_app": in_app}
    if changed:
        record_audit("notifications.preferences", "user", user_id, actor_id=user_id, changed=changed)
    db.session.commit()


def _store(user_id: int, category: str, *, email: bool, in_app: bool) -> None:
    preference = db.session.get(NotificationPreference, (user_id, category))
    if preference is None:
        preference = NotificationPreference(user_id=user_id, category=category)
        db.session.add(preference)
    preference.email, preference.in_app = email, in_app


def unsubscribe_token(user_id: int, category: str, outbox_id: int) -> str:
    """One token per email sent: it names the user and the category, and works once."""
    return signed_links(_UNSUBSCRIBE_SALT).dumps([user_id, category, outbox_id])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, category) of a valid token, else None. Does not say whether it was used."""
    try:
        user_id, category, _outbox_id = signed_links(_UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if category not in NOTIFICATION_CATEGORIES or db.session.get(User, user_id) is None:
        return None
    return user_id, category


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_used(token: str) -> bool:
    return db.session.get(UnsubscribeUse, _digest(token)) is not None


def unsubscribe(token: str) -> UnsubscribeOutcome:
    """Turn off email for the token's category, once per token."""
    found = read_unsubscribe_token(token)
    if found is None:
        return UnsubscribeOutcome.INVALID
    user_id, category = found
    try:
        with db.session.begin_nested():
            db.session.add(UnsubscribeUse(token_digest=_digest(token), user_id=user_id, category=category))
    except IntegrityError:
        db.session.rollback()
        return UnsubscribeOutcome.USED
    _, in_app = channels_for(user_id, category)
    _store(user_id, category, email=False, in_app=in_app)
    record_audit("notifications.unsubscribed", "user", user_id, category=category)
    db.session.commit()
    return UnsubscribeOutcome.DONE


def inbox_page(user_id: int, page: int):
    statement = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return page_of(statement, page, INBOX_PAGE_SIZE)


def mark_all_read(user_id: int) -> None:
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
