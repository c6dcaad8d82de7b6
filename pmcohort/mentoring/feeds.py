"""Each user's private calendar feed: made on first request, revocable, looked up by its token."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.mentoring.models import (
    CalendarFeed,
    new_feed_token,
)
from pmcohort.ops.models import record_audit


def feed_of(user_id: int) -> CalendarFeed | None:
    """The user's calendar feed, if they asked for one; reading never creates it."""
    return db.session.get(CalendarFeed, user_id)


def open_feed(user_id: int) -> CalendarFeed:
    """The user's feed, made when they first ask for it.

    Two tabs asking at once both insert: the second insert is ignored (ON CONFLICT DO NOTHING)
    and both read the one row, so neither breaks on the primary key.
    """
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    created = db.session.execute(
        insert(CalendarFeed)
        .values(user_id=user_id, token=new_feed_token(), created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id"])
        .returning(CalendarFeed.user_id)
    ).scalar()
    if created is not None:
        record_audit("calendar.feed_created", "user", user_id, actor_id=user_id)
    db.session.commit()
    return db.session.get(CalendarFeed, user_id, populate_existing=True)


def revoke_feed(user_id: int) -> CalendarFeed:
    feed = open_feed(user_id)
    feed.token = new_feed_token()
    record_audit("calendar.feed_revoked", "user", user_id, actor_id=user_id)
    db.session.commit()
    return feed


def user_for_feed(token: str) -> User | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    return db.session.get(User, feed.user_id) if feed else None
