"""Twenty engineers try to book the same slot of one mentor at once, against a real PostgreSQL."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from pmcohort.cohorts.models import Match
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.mentoring import booking
from pmcohort.mentoring.models import MentoringSession
from tests.factories import make_user, person, tomorrow_at
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
