"""The main pages run at most six SQL statements, and the count stays flat as the rows grow.

Each page is measured for the role that sees the most on it, once with a few rows and once
with several times more: more sessions, matches, cohort members, assessment attempts,
workshops, rubric scores and mentors to suggest.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from pmcohort.cohorts import services as cohorts
from pmcohort.cohorts.models import Cohort, CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import vocabulary
from pmcohort.domain.plans import NoteAction
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import MentoringSession, SessionFeedback, SessionParticipant
from pmcohort.mentorships import services as matching
from pmcohort.plans.models import MilestoneNote, Plan, PlanMilestone
from pmcohort.profiles.models import AssessmentAttempt
from tests.conftest import sign_in
from tests.factories import engineer, mentor

MAX_QUERIES = 6
SMALL, LARGE = 1, 6


def queries_for(client, count_queries, url: str) -> int:
    client.get(url)
    # The test's requests share one database session; on a server each request starts with an empty
    # one. Expiring everything makes the measured visit load every row it reads, as it would there.
    db.session.expire_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@dataclass
class World:
    """The people whose pages are measured, and the cohort around them."""

    user_factory: object
    lead: object = None
    engineer: object = None  # matched with `mentor`, with sessions, scores and past attempts
    mentor: object = None
    seeker: object = None  # assessed, unmatched: /matches suggests mentors to them
    admin: object = None
    cohort: Cohort = None
    match: Match = None
    rows: int = 0
    extra_engineers: list = field(default_factory=list)

    def build(self):
        practice_bank.seed_starter_set()
        self.lead = self.user_factory(roles=("lead",))
        self.engineer, self.mentor = engineer(self.user_factory), mentor(self.user_factory, capacity=10)
        self.seeker = engineer(self.user_factory)
        self.admin = self.user_factory(roles=("admin",))
        self.cohort = cohorts.create_cohort(self.lead.id, "Spring", utcnow().date())
        for person, role in ((self.engineer, "engineer"), (self.mentor, "mentor"), (self.seeker, "engineer")):
            db.session.add(CohortMember(cohort_id=self.cohort.id, user_id=person.id, role=role))
        self.match = self._match(self.engineer, self.mentor, "active")
        self._backdate_attempts()
        db.session.commit()
        return self

    def grow(self, rows: int):
        """Add `rows` more of everything the measured pages list."""
        for _ in range(rows):
            self.rows += 1
            start = utcnow() + timedelta(days=self.rows, hours=1)
            other_engineer, other_mentor = engineer(self.user_factory), mentor(self.user_factory)
            self.extra_engineers.append(other_engineer)
            for person, role in ((other_engineer, "engineer"), (other_mentor, "mentor")):
                db.session.add(CohortMember(cohort_id=self.cohort.id, user_id=person.id, role=role))
            self._match(other_engineer, self.mentor, "active")
            self._match(self.engineer, other_mentor, "declined")
            self._match(self.seeker, other_mentor, "declined")
            upcoming = self._session(self.mentor, [self.engineer], start)
            past = self._session(self.mentor, [self.engineer], start - timedelta(days=60), kind="interview")
            db.session.add(
                SessionFeedback(
                    session_id=past.id,
                    author_id=self.mentor.id,
                    subject_id=self.engineer.id,
                    rating=4,
                    rubric_key="product_sense",
                    rubric_scores={"structure": 3},
                )
            )
            self._session(self.mentor, [other_engineer], start + timedelta(hours=3))
            self._session(self.lead, [other_engineer], start + timedelta(hours=5), kind="workshop")
            db.session.add(
                AssessmentAttempt(
                    user_id=self.engineer.id,
                    scoring_version=1,
                    answers={},
                    readiness=60,
                    skill_scores=dict.fromkeys(vocabulary.SKILLS, 50),
                    top_gaps=[],
                    pitfalls=[],
                    completed_at=utcnow() - timedelta(days=30 + self.rows),
                )
            )
            assert upcoming.id
            for planner in (self.engineer, other_engineer):
                self._overdue_milestone(planner)
        self._backdate_attempts()
        db.session.commit()

    def _match(self, engineer_user, mentor_user, status: str) -> Match:
        match = Match(
            cohort_id=self.cohort.id,
            engineer_id=engineer_user.id,
            mentor_id=mentor_user.id,
            source="cohort",
            status=status,
            activated_at=utcnow() if status == "active" else None,
        )
        db.session.add(match)
        db.session.flush()
        return match

    def _session(self, host, guests, start, kind: str = "one_on_one") -> MentoringSession:
        session = MentoringSession(
            kind=kind,
            host_id=host.id,
            start_at=start,
            end_at=start + timedelta(hours=1),
            time_zone="UTC",
            title=vocabulary.SKILLS["discovery"],
            status="scheduled",
            cohort_id=self.cohort.id if kind == "workshop" else None,
            seat_limit=20 if kind == "workshop" else None,
        )
        for person, role in [(host, "host"), *[(guest, "participant") for guest in guests]]:
            session.participants.append(
                SessionParticipant(user_id=person.id, role=role, start_at=start, end_at=session.end_at)
            )
        db.session.add(session)
        db.session.flush()
        return session

    def _overdue_milestone(self, person) -> None:
        """An open milestone past its week, with the note a mentor left when adding it."""
        plan = db.session.scalar(db.select(Plan).where(Plan.user_id == person.id))
        if plan is None:
            plan = Plan(user_id=person.id, path="internal_transfer", start_date=utcnow().date() - timedelta(weeks=10))
            db.session.add(plan)
        milestone = PlanMilestone(title=f"Milestone {self.rows}", done_when="Done.", due_week=1)
        milestone.notes.append(MilestoneNote(author_id=self.mentor.id, action=NoteAction.ADDED, text="Why."))
        plan.milestones.append(milestone)

    def _backdate_attempts(self):
        # Past the retake interval, so the assessment steps open instead of redirecting.
        for attempt in db.session.scalars(db.select(AssessmentAttempt)):
            attempt.completed_at = min(attempt.completed_at, utcnow() - timedelta(days=2))

    def latest_attempt_id(self) -> int:
        return db.session.scalar(
            db.select(AssessmentAttempt.id)
            .where(AssessmentAttempt.user_id == self.engineer.id)
            .order_by(AssessmentAttempt.completed_at.desc())
            .limit(1)
        )


PAGES = [
    ("engineer", "/dashboard"),
    ("mentor", "/dashboard"),
    ("lead", "/dashboard"),
    ("admin", "/dashboard"),
    ("engineer", "/sessions"),
    ("mentor", "/sessions"),
    ("lead", "/sessions"),
    ("engineer", "/matches"),
    ("seeker", "/matches"),
    ("mentor", "/matches"),
    ("engineer", "/assessment"),
    ("engineer", "/assessment/step/1"),
    ("engineer", "/assessment/results/{attempt}"),
    ("mentor", "/engineers/{engineer}/assessment"),
    ("lead", "/engineers/{engineer}/assessment"),
    ("lead", "/cohorts/{cohort}"),
    ("lead", "/cohorts"),
    ("engineer", "/engineers/{engineer}/gaps"),
    ("lead", "/engineers/{engineer}/gaps"),
    ("mentor", "/engineers/{engineer}/evidence/interviewing"),
]


@pytest.mark.parametrize(("role", "page"), PAGES, ids=[f"{role} {page}" for role, page in PAGES])
def test_page_runs_a_few_queries_whatever_the_rows(client, login, user_factory, count_queries, role, page):
    world = World(user_factory).build()
    world.grow(SMALL)
    login(getattr(world, role))

    def url():
        return page.format(attempt=world.latest_attempt_id(), engineer=world.engineer.id, cohort=world.cohort.id)

    few = queries_for(client, count_queries, url())
    world.grow(LARGE - SMALL)
    many = queries_for(client, count_queries, url())

    assert few <= MAX_QUERIES and many <= MAX_QUERIES, (
        f"{page} as {role}: {few} queries with few rows, {many} with many"
    )
    assert many == few, f"{page} as {role}: {few} queries grew to {many} with more rows"


def test_the_pages_show_what_the_world_holds(app, client, login, user_factory):
    """The worlds above are not empty: the measured pages list the grown rows."""
    world = World(user_factory).build()
    world.grow(LARGE)
    login(world.seeker)
    assert client.get("/matches").get_data(as_text=True).count("Ask ") == matching.SUGGESTION_COUNT
    lead = app.test_client()
    sign_in(lead, world.lead)
    board = lead.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert all(person.name in board for person in world.extra_engineers)


def test_admin_user_list_queries_do_not_grow_with_users(app, client, login, user_factory, count_queries):
    login(user_factory(roles=("admin",)))
    user_factory()
    few = queries_for(client, count_queries, "/admin/users")
    for _ in range(15):
        user_factory(roles=("engineer", "mentor"))
    assert queries_for(client, count_queries, "/admin/users") == few
