"""Fixtures shared by the integration tests."""

import pytest

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.mentoring import practice_bank
from tests.factories import person
from tests.integration.writing_cast import cast  # noqa: F401 - people around a cohort, for the written-work tests


@pytest.fixture
def pair(app, user_factory):
    practice_bank.seed_starter_set()
    engineer = person(user_factory, ("engineer",))
    mentor = person(user_factory, ("mentor",))
    match = Match(
        engineer_id=engineer.id, mentor_id=mentor.id, source="request", status="active", activated_at=utcnow()
    )
    db.session.add(match)
    db.session.commit()
    return engineer, mentor, match
