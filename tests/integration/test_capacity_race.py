"""Capacity holds when accepts race: many threads, each its own connection, against a real PostgreSQL."""

import threading

from sqlalchemy import func, select

from pmcohort.cohorts.models import Match
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.mentorships import services as matching
from pmcohort.profiles.models import MentorProfile
from tests.factories import cohort_with, engineer, make_user, mentor
from tests.services import require_postgres

ACCEPTS = 12
CAPACITY = 3


def test_concurrent_accepts_never_exceed_capacity(committed_db, base_app):
    require_postgres()
    lead = make_user(roles=("lead",))
    pm = mentor(make_user, capacity=CAPACITY)
    engineers = [engineer(make_user) for _ in range(ACCEPTS)]
    cohort = cohort_with(lead, engineers, [pm])
    matches = []
    for person in engineers:  # proposals the engineers already accepted; the mentor accepts all at once
        match = Match(
            cohort_id=cohort.id,
            engineer_id=person.id,
            mentor_id=pm.id,
            source="cohort",
            engineer_accepted_at=matching.utcnow(),
        )
        db.session.add(match)
        matches.append(match)
    db.session.commit()
    ids = [match.id for match in matches]
    db.session.remove()

    barrier = threading.Barrier(ACCEPTS)
    outcomes: list[str] = []

    def accept(match_id: int) -> None:
        with base_app.app_context():
            barrier.wait()
            try:
                matching.accept(match_id, user_id=pm.id)
                outcomes.append("active")
            except ServiceError as error:
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(match_id,)) for match_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "a contender never finished: the race is undecided"

    assert outcomes.count("active") == CAPACITY
    assert all("no free place left" in outcome for outcome in outcomes if outcome != "active")
    assert db.session.scalar(select(func.count()).select_from(Match).where(Match.status == "active")) == CAPACITY
    assert db.session.get(MentorProfile, pm.id).active_mentees == CAPACITY
