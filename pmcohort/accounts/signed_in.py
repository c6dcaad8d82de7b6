"""The signed-in user, with their roles and unread count, in one query per request."""

from flask import g
from flask_login import current_user
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.notifications.models import Notification


def _unread_count(user_id: ColumnElement[int] | int):
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the id and auth token from the session cookie, checked against the database."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    row = (
        db.session.execute(
            select(User, _unread_count(User.id)).options(joinedload(User.role_rows)).where(User.id == int(user_id))
        )
        .unique()
        .first()
    )
    if row is None or row[0].auth_token != token:
        return None
    g.unread_notifications = row[1]
    return row[0]


def unread_notifications() -> int:
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:  # signed in during this request: the loader did not run
        g.unread_notifications = db.session.scalar(select(_unread_count(current_user.id)))
    return g.unread_notifications
