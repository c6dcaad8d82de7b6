"""People around a cohort for the written-work tests, and a signed-in client that posts forms as a browser does."""

from dataclasses import dataclass
from datetime import date

import pytest

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.writing import services as writing
from tests.conftest import csrf_token_from, sign_in
from tests.factories import person

PROBLEM_RUBRIC = ("problem_first", "evidence", "plain_reader", "assumptions", "concise")


@dataclass
class Cast:
    engineer: User
    mentor: User
    second_mentor: User
    lead: User
    outsider: User
    cohort: Cohort


@pytest.fixture
def cast(app, user_factory) -> Cast:
    writing.seed_kinds()
    engineer = person(user_factory, ("engineer",))
    mentor = person(user_factory, ("mentor",))
    second_mentor = person(user_factory, ("mentor",))
    lead = person(user_factory, ("lead",))
    outsider = person(user_factory, ("mentor",))
    cohort = Cohort(name="Writers", start_date=date.today(), weeks=12, created_by=lead.id)
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all(
        [
            CohortLead(cohort_id=cohort.id, user_id=lead.id),
            CohortMember(cohort_id=cohort.id, user_id=engineer.id, role="engineer"),
            CohortMember(cohort_id=cohort.id, user_id=mentor.id, role="mentor"),
            CohortMember(cohort_id=cohort.id, user_id=second_mentor.id, role="mentor"),
            Match(
                cohort_id=cohort.id,
                engineer_id=engineer.id,
                mentor_id=mentor.id,
                source="cohort",
                status="active",
                activated_at=utcnow(),
            ),
        ]
    )
    db.session.commit()
    return Cast(engineer, mentor, second_mentor, lead, outsider, cohort)


class Browser:
    """One signed-in person's client, posting forms with their CSRF token as a browser does."""

    def __init__(self, app, user):
        self.client = app.test_client()
        if user is not None:
            sign_in(self.client, user)
        self.user = user

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data, **kwargs):
        token = csrf_token_from(self.client.get("/writing").get_data(as_text=True))
        return self.client.post(url, data={**data, "csrf_token": token}, **kwargs)
