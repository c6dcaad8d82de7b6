"""A delivery task takes a batch of outbox rows: they share their commits, each email's `sent` still
commits on its own before the next email goes, and a row that cannot be delivered does not hold
up the others. Committed for real (on PostgreSQL, `sent` is written by a connection of its own)."""

from sqlalchemy import event, select

from pmcohort.core.extensions import db
from pmcohort.notifications import outbox
from pmcohort.notifications.models import EmailDelivery, Notification, OutboxMessage
from tests.factories import make_user
from tests.services import ON_POSTGRES

ROWS = 12


def _welcome_rows(count: int, poison_at: int | None = None) -> list[int]:
    users = [make_user() for _ in range(count)]
    db.session.flush()
    rows = [
        outbox.enqueue("account.welcome", **({"user": user.id} if n == poison_at else {"user_id": user.id}))
        for n, user in enumerate(users)
    ]
    db.session.commit()
    return [row.id for row in rows]


def test_a_batch_delivers_every_row_with_a_few_statements_per_email_and_records_each_sent(committed_db, mailbox):
    ids = _welcome_rows(ROWS)
    statements = []

    def count(_connection, _cursor, statement, *_):
        if not statement.startswith("BEGIN"):  # SQLite's explicit BEGIN IMMEDIATE (core/sqlite.py)
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert outbox.deliver_batch(ids) == ROWS
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    db.session.remove()

    assert len(mailbox.messages) == ROWS
    if ON_POSTGRES:  # SQLite inserts row by row and commits each `sent` through the session
        # Per email: its person and their roles (the welcome handler and its template read them) and
        # its `sent`; the rest (claim, load, delivery states, inbox, preferences, inserts, completion)
        # once per batch.
        assert len(statements) <= 3 * ROWS + 12, "\n".join(statements)
    with db.engine.connect() as other:  # what any other process sees
        states = other.execute(select(EmailDelivery.status, EmailDelivery.sent_at)).all()
        inbox = other.execute(select(Notification.id)).all()
        processed = other.execute(select(OutboxMessage.processed_at)).scalars().all()
    assert len(states) == ROWS and all(status == "sent" and sent_at for status, sent_at in states)
    assert len(inbox) == ROWS and all(processed)
    assert outbox.deliver_batch(ids) == 0, "a second delivery of the batch finds nothing to do"
    assert len(mailbox.messages) == ROWS


def test_a_row_that_cannot_be_delivered_fails_alone_and_the_rest_of_its_batch_goes_out(committed_db, mailbox):
    ids = _welcome_rows(6, poison_at=2)

    assert outbox.deliver_batch(ids) == 5
    db.session.remove()
    assert len(mailbox.messages) == 5
    poison = db.session.get(OutboxMessage, ids[2])
    assert poison.failed_at is not None and poison.processed_at is None and poison.attempts == 1
    assert all(db.session.get(OutboxMessage, outbox_id).processed_at for outbox_id in ids if outbox_id != ids[2])
