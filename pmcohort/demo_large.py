"""`flask seed-demo --large`: one cohort of 2,000 engineers and 400 mentors with history, for the
console's benchmark and for trying the dashboard at scale.

History: two assessment attempts per engineer (at enrollment and now), mentor strengths, matches
(mostly active, some proposed, some declined), weekly 1:1s with attendance, no-shows and late
cancellations, and cohort workshops. Written with bulk inserts (a minute, not an hour);
deterministic and idempotent like the small demo. Written-work reviews and plan milestones are
not seeded: those features are not in the app yet.
"""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, select

from pmcohort.accounts.models import User, UserRole, find_user_by_email
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.passwords import hash_password
from pmcohort.core.types import utcnow
from pmcohort.demo import DEMO_PASSWORD, DOMAIN, FIRST_NAMES, LAST_NAMES, TIME_ZONES
from pmcohort.domain import vocabulary
from pmcohort.domain.statuses import (
    Attendance,
    CohortStatus,
    MatchSource,
    MatchStatus,
    MemberRole,
    ParticipantRole,
    Role,
    SessionKind,
    SessionStatus,
)
from pmcohort.mentoring.models import MentoringSession, SessionParticipant
from pmcohort.profiles.models import AssessmentAttempt, EngineerProfile, MentorProfile, MentorStrength

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
    db.session.execute(
        insert(EngineerProfile),
        [
            {
                "user_id": user_id,
                "years_experience": rng.randint(2, 12),
                "path": rng.choice(list(vocabulary.PATHS)),
                "target_domain": rng.choice(list(vocabulary.DOMAINS)),
            }
            for user_id in engineers
        ],
    )
    attempts = []
    for user_id in engineers:
        before = _skill_scores(rng, 0)
        after = {skill: min(100, score + rng.randint(0, 25)) for skill, score in before.items()}
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
    db.session.execute(insert(AssessmentAttempt), attempts)

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
    db.session.commit()
    return (
        f"Seeded “{LARGE_COHORT}”: {LARGE_ENGINEERS:,} engineers and {LARGE_MENTORS:,} mentors "
        f"(large-engineer1@{DOMAIN} …, large-mentor1@{DOMAIN} …), led by {LEAD_EMAIL}."
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
