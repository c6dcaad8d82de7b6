"""`flask seed-demo --large`: one cohort of 2,000 engineers and 400 mentors with history, for the
console's benchmark and for trying the dashboard at scale.

History: two assessment attempts per engineer (at enrollment and now), mentor strengths, matches
(mostly active, some proposed, some declined), weekly 1:1s with attendance, no-shows and late
cancellations, cohort workshops, 12-month plans whose milestones are done, to do or overdue, and
written work: drafts, submissions waiting for review (some overdue), reviews under way and
decided reviews with rubric scores. Written with bulk inserts (a minute, not an hour);
deterministic and idempotent like the small demo.
"""

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, select

from pmcohort.accounts.models import User, UserRole, find_user_by_email
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.passwords import hash_password
from pmcohort.core.types import utcnow
from pmcohort.demo import DEMO_PASSWORD, DOMAIN, FIRST_NAMES, LAST_NAMES, TIME_ZONES
from pmcohort.domain import plans, vocabulary
from pmcohort.domain.statuses import (
    Attendance,
    CohortStatus,
    DocumentStatus,
    MatchSource,
    MatchStatus,
    MemberRole,
    ParticipantRole,
    ReviewDecision,
    ReviewRole,
    Role,
    SessionKind,
    SessionStatus,
)
from pmcohort.mentoring.models import MentoringSession, SessionParticipant
from pmcohort.plans import services as plan_service
from pmcohort.plans.models import Plan, PlanMilestone
from pmcohort.profiles.models import AssessmentAttempt, EngineerProfile, MentorProfile, MentorStrength
from pmcohort.writing import services as writing_service
from pmcohort.writing.models import Document, DocumentEvent, DocumentReview, DocumentVersion, WritingKind

LARGE_COHORT = "Large demo cohort: 2,000 engineers"
LARGE_ENGINEERS = 2000
LARGE_MENTORS = 400
LARGE_SEED = 20261201
MENTEES_PER_MENTOR = 5
PAST_WEEKS = 6  # weekly 1:1s already held for an active pair
LEAD_EMAIL = f"lead@{DOMAIN}"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _insert_users(rng: random.Random, prefix: str, count: int, role: str, password_hash: str) -> list[int]:
    ids = list(
        db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"{prefix}{number}@{DOMAIN}",
                    "name": _name(rng),
                    "password_hash": password_hash,
                    "time_zone": rng.choice(TIME_ZONES),
                }
                for number in range(1, count + 1)
            ],
        )
    )
    db.session.execute(insert(UserRole), [{"user_id": user_id, "role": role} for user_id in ids])
    return ids


def _skill_scores(rng: random.Random, shift: int) -> dict[str, int]:
    return {skill: max(0, min(100, rng.randint(15, 85) + shift)) for skill in vocabulary.SKILLS}


def seed_large_demo() -> str:
    """Seed the large cohort unless it exists; returns what was done, in words."""
    if db.session.scalar(select(Cohort.id).where(Cohort.name == LARGE_COHORT)):
        return f"“{LARGE_COHORT}” is already there."
    lead = find_user_by_email(LEAD_EMAIL)
    if lead is None:
        raise RuntimeError("Run `flask seed-demo` first: the large cohort belongs to its lead.")
    writing_service.seed_kinds()  # commits: first, so a failure below leaves no half cohort
    rng = random.Random(LARGE_SEED)
    now = utcnow()
    started = now.date() - timedelta(weeks=PAST_WEEKS + 1)
    password_hash = hash_password(DEMO_PASSWORD)  # once: every large-demo account shares it

    engineers = _insert_users(rng, "large-engineer", LARGE_ENGINEERS, Role.ENGINEER, password_hash)
    mentors = _insert_users(rng, "large-mentor", LARGE_MENTORS, Role.MENTOR, password_hash)
    cohort = Cohort(
        name=LARGE_COHORT,
        start_date=started,
        weeks=12,
        status=CohortStatus.ACTIVE,
        description="A program at scale, for trying the console and measuring it.",
        created_by=lead.id,
    )
    cohort.leads.append(CohortLead(user_id=lead.id))
    db.session.add(cohort)
    db.session.flush()
    enrolled_at = datetime.combine(started, time(9), tzinfo=UTC)
    db.session.execute(
        insert(CohortMember),
        [
            {"cohort_id": cohort.id, "user_id": user_id, "role": role, "enrolled_at": enrolled_at}
            for role, ids in ((MemberRole.ENGINEER, engineers), (MemberRole.MENTOR, mentors))
            for user_id in ids
        ],
    )
    paths = {user_id: rng.choice(list(vocabulary.PATHS)) for user_id in engineers}
    db.session.execute(
        insert(EngineerProfile),
        [
            {
                "user_id": user_id,
                "years_experience": rng.randint(2, 12),
                "path": paths[user_id],
                "target_domain": rng.choice(list(vocabulary.DOMAINS)),
            }
            for user_id in engineers
        ],
    )
    attempts, latest_scores = [], {}
    for user_id in engineers:
        before = _skill_scores(rng, 0)
        after = {skill: min(100, score + rng.randint(0, 25)) for skill, score in before.items()}
        latest_scores[user_id] = after
        for scores, completed_at in ((before, enrolled_at - timedelta(days=2)), (after, now - timedelta(days=3))):
            attempts.append(
                {
                    "user_id": user_id,
                    "scoring_version": 1,
                    "answers": {},
                    "readiness": round(sum(scores.values()) / len(scores)),
                    "skill_scores": scores,
                    "top_gaps": [],
                    "pitfalls": [],
                    "completed_at": completed_at,
                }
            )
    attempt_ids = list(
        db.session.scalars(
            insert(AssessmentAttempt).returning(AssessmentAttempt.id, sort_by_parameter_order=True), attempts
        )
    )
    latest_attempts = dict(zip(engineers, attempt_ids[1::2], strict=True))  # each engineer's second attempt

    pairs = [(engineer_id, mentors[index // MENTEES_PER_MENTOR]) for index, engineer_id in enumerate(engineers)]
    states = [rng.choices(("active", "proposed", "declined"), weights=(80, 8, 12))[0] for _ in pairs]
    active_mentees = dict.fromkeys(mentors, 0)
    for (_, mentor_id), state in zip(pairs, states, strict=True):
        active_mentees[mentor_id] += state == "active"
    db.session.execute(
        insert(MentorProfile),
        [
            {
                "user_id": mentor_id,
                "headline": "PM mentor",
                "former_engineer": rng.random() < 0.6,
                "paths": [rng.choice(list(vocabulary.PATHS))],
                "domains": [rng.choice(list(vocabulary.DOMAINS))],
                "interview_kinds": [],
                "capacity": MENTEES_PER_MENTOR,
                "active_mentees": active_mentees[mentor_id],
            }
            for mentor_id in mentors
        ],
    )
    db.session.execute(
        insert(MentorStrength),
        [
            {"mentor_id": mentor_id, "skill": skill, "level": rng.choices((1, 2, 3, 4, 5), weights=(1, 3, 4, 2, 1))[0]}
            for mentor_id in mentors
            for skill in vocabulary.SKILLS
        ],
    )
    match_ids = list(
        db.session.scalars(
            insert(Match).returning(Match.id, sort_by_parameter_order=True),
            [
                {
                    "cohort_id": cohort.id,
                    "engineer_id": engineer_id,
                    "mentor_id": mentor_id,
                    "source": MatchSource.COHORT,
                    "status": MatchStatus(state),
                    "score": round(rng.uniform(0.4, 0.95), 2),
                    "reasons": ["Seeded for the large demo"],
                    "created_at": now - timedelta(days=rng.randint(1, 40)),
                    "engineer_accepted_at": now - timedelta(days=30) if state == "active" else None,
                    "mentor_accepted_at": now - timedelta(days=30) if state == "active" else None,
                    "activated_at": now - timedelta(days=30) if state == "active" else None,
                    "closed_at": now - timedelta(days=20) if state == "declined" else None,
                    "close_reason": "Not a fit for my schedule" if state == "declined" else None,
                }
                for (engineer_id, mentor_id), state in zip(pairs, states, strict=True)
            ],
        )
    )
    _seed_sessions(rng, now, pairs, states, match_ids)
    _seed_workshops(cohort.id, lead, now)
    plan_count = _seed_plans(rng, now, engineers, paths, latest_scores, latest_attempts)
    mentored = [pair for pair, state in zip(pairs, states, strict=True) if state == "active"]
    document_count = _seed_writing(rng, now, mentored)
    db.session.commit()
    return (
        f"Seeded “{LARGE_COHORT}”: {LARGE_ENGINEERS:,} engineers and {LARGE_MENTORS:,} mentors "
        f"(large-engineer1@{DOMAIN} …, large-mentor1@{DOMAIN} …), led by {LEAD_EMAIL}; "
        f"{plan_count:,} plans and {document_count:,} documents."
    )


def _seed_sessions(rng: random.Random, now: datetime, pairs, states, match_ids) -> None:
    """Weekly 1:1s for active pairs. A mentor's mentees take two-hour slots apart, so nobody is in
    two sessions at once (the database refuses that)."""
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time(7), tzinfo=UTC)
    sessions, places = [], []
    for index, ((engineer_id, mentor_id), state, match_id) in enumerate(zip(pairs, states, match_ids, strict=True)):
        if state != "active":
            continue
        slot = timedelta(hours=2 * (index % MENTEES_PER_MENTOR))
        # Some pairs stopped meeting a while ago: the console lists them at risk.
        quiet_weeks = rng.choices((0, 1, 4), weights=(80, 12, 8))[0]
        for week in range(-PAST_WEEKS, 2):
            if week < 0 and -week <= quiet_weeks:
                continue
            start = monday + timedelta(weeks=week) + slot
            if start + timedelta(hours=1) > now and week < 0:
                continue
            upcoming = start > now
            cancelled = not upcoming and rng.random() < 0.06
            sessions.append(
                {
                    "kind": SessionKind.ONE_ON_ONE,
                    "status": SessionStatus.CANCELLED
                    if cancelled
                    else (SessionStatus.SCHEDULED if upcoming else SessionStatus.COMPLETED),
                    "title": "1:1 mentoring",
                    "host_id": mentor_id,
                    "match_id": match_id,
                    "start_at": start,
                    "end_at": start + timedelta(hours=1),
                    "time_zone": "UTC",
                    "cancelled_at": start - timedelta(hours=3) if cancelled else None,
                    "cancel_reason": "Something came up" if cancelled else None,
                    "cancelled_late": cancelled and rng.random() < 0.5,
                }
            )
            attendance = (
                None
                if upcoming or cancelled
                else rng.choices((Attendance.ATTENDED, Attendance.NO_SHOW, None), weights=(85, 5, 10))[0]
            )
            places.append((engineer_id, mentor_id, start, not cancelled, attendance))
    session_ids = list(
        db.session.scalars(
            insert(MentoringSession).returning(MentoringSession.id, sort_by_parameter_order=True), sessions
        )
    )
    rows = []
    for session_id, (engineer_id, mentor_id, start, active, attendance) in zip(session_ids, places, strict=True):
        for user_id, role, seen in (
            (mentor_id, ParticipantRole.HOST, None),
            (engineer_id, ParticipantRole.PARTICIPANT, attendance),
        ):
            rows.append(
                {
                    "session_id": session_id,
                    "user_id": user_id,
                    "role": role,
                    "start_at": start,
                    "end_at": start + timedelta(hours=1),
                    "active": active,
                    "accepted_at": start - timedelta(days=7),
                    "attendance": seen,
                }
            )
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(SessionParticipant), rows[start : start + 5000])


def _seed_workshops(cohort_id: int, lead: User, now: datetime) -> None:
    evening = datetime.combine(now.date(), time(19), tzinfo=UTC)
    for week in (-3, -1, 1, 3):
        start = evening + timedelta(weeks=week, days=1)
        workshop = MentoringSession(
            kind=SessionKind.WORKSHOP,
            status=SessionStatus.COMPLETED if week < 0 else SessionStatus.SCHEDULED,
            title="Workshop: influence without authority",
            host_id=lead.id,
            cohort_id=cohort_id,
            start_at=start,
            end_at=start + timedelta(minutes=90),
            time_zone=lead.time_zone,
            seat_limit=500,
        )
        workshop.participants.append(
            SessionParticipant(
                user_id=lead.id, role=ParticipantRole.HOST, start_at=start, end_at=workshop.end_at, accepted_at=now
            )
        )
        db.session.add(workshop)


# --- plans: most engineers have one, started before or with the cohort; how far along they are
# depends on the engineer, so a few are behind on many milestones and most on none or one.

PLAN_SHARE = 0.8
PLAN_STARTED_WEEKS_AGO = (PAST_WEEKS + 1, 30)  # with the cohort, or up to seven months before it
# How likely an engineer is to have done a milestone whose week has passed: most keep up, some fall behind.
DILIGENCE = ((1.0, 70), (0.93, 20), (0.5, 10))
DONE_AHEAD = 0.1  # a milestone done before its week


def _seed_plans(rng: random.Random, now: datetime, engineers, paths, latest_scores, latest_attempts) -> int:
    today = now.date()
    planners = [user_id for user_id in engineers if rng.random() < PLAN_SHARE]
    starts = {user_id: today - timedelta(weeks=rng.randint(*PLAN_STARTED_WEEKS_AGO)) for user_id in planners}
    plan_ids = list(
        db.session.scalars(
            insert(Plan).returning(Plan.id, sort_by_parameter_order=True),
            [
                {
                    "user_id": user_id,
                    "path": paths[user_id],
                    "start_date": starts[user_id],
                    "skill_order": list(plans.skill_order(paths[user_id], latest_scores[user_id])),
                    "attempt_id": latest_attempts[user_id],
                    "created_at": datetime.combine(starts[user_id], time(9), tzinfo=UTC),
                }
                for user_id in planners
            ],
        )
    )
    seasons = [season.as_domain() for season in plan_service.seasons()]
    templates = plans.path_plans()
    milestones = []
    for plan_id, user_id in zip(plan_ids, planners, strict=True):
        start, path = starts[user_id], paths[user_id]
        begun = datetime.combine(start, time(9), tzinfo=UTC)
        diligence = rng.choices([share for share, _ in DILIGENCE], weights=[weight for _, weight in DILIGENCE])[0]
        planned = plans.generate(
            templates[path], start, latest_scores[user_id], seasons if path == "apm_program" else ()
        )
        for milestone in planned:
            due = datetime.combine(plans.week_ends(start, milestone.due_week), time(17), tzinfo=UTC)
            done = rng.random() < (diligence if due < now else DONE_AHEAD)
            done_at = due - timedelta(days=rng.randint(-6, 10))
            done_at = min(now - timedelta(hours=1), max(begun, done_at)) if done else None
            milestones.append(
                {
                    "plan_id": plan_id,
                    **plan_service.milestone_columns(milestone),
                    "done_at": done_at,
                    "done_by": user_id if done else None,
                    "done_note": "Done; notes in my journal." if done else "",
                    "created_at": begun,
                }
            )
    for first in range(0, len(milestones), 5000):
        db.session.execute(insert(PlanMilestone), milestones[first : first + 5000])
    return len(plan_ids)


# --- written work: each mentored engineer writes none to a few documents, reviewed by their mentor.

DOCUMENTS_PER_ENGINEER = ((0, 30), (1, 35), (2, 25), (3, 10))
# Where a document is now; "waiting" is submitted and not started, "changes" has changes asked for.
DOCUMENT_STATES = (
    ("draft", 12),
    ("waiting", 16),
    ("in_review", 8),
    ("changes", 16),
    ("approved", 44),
    ("withdrawn", 4),
)
STATUS_OF_STATE = {
    "draft": DocumentStatus.DRAFT,
    "waiting": DocumentStatus.SUBMITTED,
    "in_review": DocumentStatus.IN_REVIEW,
    "changes": DocumentStatus.CHANGES_REQUESTED,
    "approved": DocumentStatus.APPROVED,
    "withdrawn": DocumentStatus.WITHDRAWN,
}
SLOW_MENTORS = 0.1  # their submissions wait longer: the console lists them behind on reviews
SECOND_REVIEW_SHARE = 0.04  # approved documents a lead asked a second mentor to review blind
TURNAROUND_MEDIAN_HOURS = 30
TURNAROUND_LONGEST_HOURS = 10 * 24
TOPICS = (
    "Self-service onboarding",
    "Billing by usage",
    "Search relaunch",
    "Deploy pipeline speed",
    "Admin permissions",
    "Data retention",
    "Mobile offline mode",
    "Alerting noise",
)
SUMMARIES = {
    ReviewDecision.APPROVED: "Clear and grounded in evidence. Approved.",
    ReviewDecision.CHANGES_REQUESTED: "A good start: lead with the problem, and say how you know.",
}


@dataclass
class Round:
    """One submitted version and what became of it."""

    submitted_at: datetime
    started_at: datetime | None = None  # the mentor opened the review
    decided_at: datetime | None = None
    decision: ReviewDecision | None = None


def _turnaround(rng: random.Random, slow: bool) -> timedelta:
    hours = rng.lognormvariate(math.log(TURNAROUND_MEDIAN_HOURS), 0.7) * (2.5 if slow else 1)
    return timedelta(hours=min(TURNAROUND_LONGEST_HOURS, max(1.0, hours)))


def _timeline(rng: random.Random, now: datetime, state: str, slow: bool) -> tuple[datetime, list[Round]]:
    """When the document was created and its review rounds, oldest first, built back from now."""
    if state in ("draft", "withdrawn"):
        return now - timedelta(days=rng.uniform(2, 30)), []
    rounds: list[Round] = []
    if state in ("waiting", "in_review"):
        waited = timedelta(days=rng.uniform(2, 14) if slow else rng.uniform(0.05, 5.5))
        last = Round(now - waited)
        if state == "in_review":
            last.started_at = last.submitted_at + waited * rng.uniform(0.1, 0.9)
        earlier = rng.random() < 0.3
    else:
        decided = now - timedelta(days=rng.uniform(0.5, 25))
        took = _turnaround(rng, slow)
        approved = state == "approved"
        last = Round(
            decided - took,
            decided - took * rng.uniform(0.2, 0.8),
            decided,
            ReviewDecision.APPROVED if approved else ReviewDecision.CHANGES_REQUESTED,
        )
        earlier = approved and rng.random() < 0.4
    rounds.append(last)
    if earlier:  # a first version that came back with changes asked for
        decided = last.submitted_at - timedelta(days=rng.uniform(1, 3))
        took = _turnaround(rng, slow)
        rounds.insert(
            0,
            Round(decided - took, decided - took * rng.uniform(0.2, 0.8), decided, ReviewDecision.CHANGES_REQUESTED),
        )
    return rounds[0].submitted_at - timedelta(days=rng.uniform(1, 4)), rounds


def _event(document_id: int, actor_id: int, from_status: str | None, to_status: str, at: datetime, note: str = ""):
    return {
        "document_id": document_id,
        "actor_id": actor_id,
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
        "created_at": at,
    }


def _seed_writing(rng: random.Random, now: datetime, mentored: list[tuple[int, int]]) -> int:
    kinds = {kind.key: kind for kind in db.session.scalars(select(WritingKind).order_by(WritingKind.key))}
    mentor_ids = sorted({mentor_id for _, mentor_id in mentored})
    slow = {mentor_id for mentor_id in mentor_ids if rng.random() < SLOW_MENTORS}
    counts, count_weights = zip(*DOCUMENTS_PER_ENGINEER, strict=True)
    states, state_weights = zip(*DOCUMENT_STATES, strict=True)
    documents, histories = [], []  # per document: (author, mentor, first draft, state, created, rounds)
    for engineer_id, mentor_id in mentored:
        for _ in range(rng.choices(counts, weights=count_weights)[0]):
            kind = kinds[rng.choice(list(kinds))]
            state = rng.choices(states, weights=state_weights)[0]
            created, rounds = _timeline(rng, now, state, mentor_id in slow)
            first_draft = body = kind.skeleton.replace("<", "").replace(">", "") + "\nA first draft.\n"
            if len(rounds) > 1:  # each version differs from the one before, as a resubmission must
                body += "\nRevised after the review: the problem first, then the evidence.\n"
            documents.append(
                {
                    "author_id": engineer_id,
                    "kind_key": kind.key,
                    "title": f"{rng.choice(TOPICS)}: {kind.title.lower()}",
                    "body": body,
                    "status": STATUS_OF_STATE[state],
                    "reviewer_id": mentor_id if rounds else None,
                    "submitted_at": rounds[-1].submitted_at if rounds else None,
                    "draft_saved_at": rounds[-1].submitted_at if rounds else created,
                    "created_at": created,
                }
            )
            histories.append((engineer_id, mentor_id, first_draft, state, created, rounds))
    document_ids = list(
        db.session.scalars(insert(Document).returning(Document.id, sort_by_parameter_order=True), documents)
    )
    versions, events, placed = [], [], []
    for document_id, document, (engineer_id, mentor_id, first_draft, state, created, rounds) in zip(
        document_ids, documents, histories, strict=True
    ):
        events.append(_event(document_id, engineer_id, None, DocumentStatus.DRAFT, created))
        status = DocumentStatus.DRAFT
        for number, round_ in enumerate(rounds, start=1):
            versions.append(
                {
                    "document_id": document_id,
                    "number": number,
                    "title": document["title"],
                    "body": document["body"] if number == len(rounds) else first_draft,
                    "submitted_at": round_.submitted_at,
                }
            )
            placed.append((document_id, mentor_id, round_, document["kind_key"]))
            steps = [(DocumentStatus.SUBMITTED, engineer_id, round_.submitted_at)]
            if round_.started_at:
                steps.append((DocumentStatus.IN_REVIEW, mentor_id, round_.started_at))
            if round_.decision:
                steps.append((DocumentStatus(round_.decision), mentor_id, round_.decided_at))
            for to_status, actor_id, at in steps:
                events.append(_event(document_id, actor_id, status, to_status, at, f"version {number}"))
                status = to_status
        if state == "withdrawn":
            events.append(
                _event(document_id, engineer_id, status, DocumentStatus.WITHDRAWN, created + timedelta(days=1))
            )
    version_ids = list(
        db.session.scalars(
            insert(DocumentVersion).returning(DocumentVersion.id, sort_by_parameter_order=True), versions
        )
    )
    reviews = []
    for version_id, (document_id, mentor_id, round_, kind_key) in zip(version_ids, placed, strict=True):
        if round_.started_at is None:
            continue
        dimensions = [dimension["key"] for dimension in kinds[kind_key].rubric.get("dimensions", ())]
        reviewers = [(mentor_id, ReviewRole.PRIMARY)]
        if round_.decision == ReviewDecision.APPROVED and rng.random() < SECOND_REVIEW_SHARE:
            reviewers.append((mentor_ids[(mentor_ids.index(mentor_id) + 1) % len(mentor_ids)], ReviewRole.SECOND))
        for reviewer_id, role in reviewers:
            decided = round_.decided_at is not None
            good = round_.decision == ReviewDecision.APPROVED
            reviews.append(
                {
                    "document_id": document_id,
                    "version_id": version_id,
                    "reviewer_id": reviewer_id,
                    "role": role,
                    "scores": {key: rng.randint(3, 4) if good else rng.randint(1, 3) for key in dimensions}
                    if decided
                    else {},
                    "summary": SUMMARIES[round_.decision] if decided else "",
                    "decision": round_.decision if decided and role == ReviewRole.PRIMARY else None,
                    "created_at": round_.started_at,
                    "submitted_at": round_.decided_at,
                    "turnaround_seconds": int((round_.decided_at - round_.submitted_at).total_seconds())
                    if decided
                    else None,
                }
            )
    db.session.execute(insert(DocumentReview), reviews)
    for first in range(0, len(events), 5000):
        db.session.execute(insert(DocumentEvent), events[first : first + 5000])
    return len(document_ids)
