"""Twenty engineers try to book the same slot of one mentor at once, against a real PostgreSQL."""

import threading
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Match
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.mentoring import booking
from pmcohort.mentoring.models import MentoringSession
from tests.factories import book, make_user, matched_pair, one_on_one, person, tomorrow_at
from tests.live import wait_until
from tests.services import require_postgres

CONTENDERS = 20


def test_concurrent_bookings_of_one_slot_let_exactly_one_win(committed_db, base_app):
    require_postgres()
    mentor = person(make_user, ("mentor",))
    matches = []
    for _ in range(CONTENDERS):
        engineer = person(make_user, ("engineer",))
        match = Match(
            engineer_id=engineer.id, mentor_id=mentor.id, source="request", status="active", activated_at=utcnow()
        )
        db.session.add(match)
        matches.append((match, engineer.id))
    db.session.commit()
    attempts = [(match.id, engineer_id) for match, engineer_id in matches]
    db.session.remove()
    start = tomorrow_at(10)

    barrier = threading.Barrier(CONTENDERS)
    outcomes: list[str] = []

    def book(match_id: int, engineer_id: int) -> None:
        with base_app.app_context():
            barrier.wait()
            try:
                booking.book(
                    match_id,
                    engineer_id=engineer_id,
                    kind="one_on_one",
                    start=start,
                    end=start + timedelta(hours=1),
                    details=booking.Details(),
                )
                outcomes.append("booked")
            except ServiceError as error:
                outcomes.append(error.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a contender never finished: the race is undecided"

    by_database = outcomes.count(booking.TAKEN)
    print(
        f"{CONTENDERS} concurrent bookings: {outcomes.count('booked')} booked, {by_database} refused by the exclusion constraint, "
        f"{len(outcomes) - 1 - by_database} by the app check"
    )
    assert len(outcomes) == CONTENDERS
    assert outcomes.count("booked") == 1
    refusals = [outcome for outcome in outcomes if outcome != "booked"]
    assert all(message == booking.TAKEN or "already in a session" in message for message in refusals)
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 1


def _waiting_on_a_lock(connection) -> bool:
    return bool(
        connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    )


def test_a_booking_that_deadlocks_in_the_overlap_check_is_refused_as_taken(committed_db, base_app):
    """Two transactions that each insert an overlapping place the other holds wait on each other in
    the exclusion check; PostgreSQL aborts one with a deadlock, which must read as "taken", not fail."""
    require_postgres()
    engineer, mentor, match = matched_pair(make_user)
    rival_host = person(make_user, ("mentor",))
    db.session.commit()
    match_id, engineer_id, mentor_id, rival_host_id = match.id, engineer.id, mentor.id, rival_host.id
    db.session.remove()
    start = tomorrow_at(10)

    with db.engine.connect() as rival_connection, db.engine.connect() as watcher:
        rival = Session(bind=rival_connection)
        # The rival holds the engineer's hour, uncommitted, so the booking's check of the engineer waits on it.
        one_on_one(rival_host_id, start, guest_ids=(engineer_id,), add_to=rival)
        rival.flush()

        outcome: list[str] = []

        def book_the_hour() -> None:
            with base_app.app_context():
                try:
                    book(db.session.get(Match, match_id), db.session.get(User, engineer_id), start=start)
                    outcome.append("booked")
                except ServiceError as error:
                    outcome.append(error.message)
                finally:
                    db.session.remove()

        booker = threading.Thread(target=book_the_hour)
        booker.start()
        wait_until(
            lambda: _waiting_on_a_lock(watcher),
            interval=0.05,
            message="the booking to wait on the rival's lock on the engineer's hour",
        )
        # Now the rival asks for the mentor's hour, which the waiting booking has inserted: a cycle.
        one_on_one(mentor_id, start, add_to=rival)
        rival.flush()
        booker.join(30)
        rival.rollback()
        rival.close()

    assert not booker.is_alive(), "the booking never finished"
    assert outcome == [booking.TAKEN]
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 0
