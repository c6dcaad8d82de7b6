"""Demo data: an admin, a lead, 10 mentors and 40 engineers with varied profiles.

Deterministic (a fixed seed) and idempotent: running it twice changes nothing.
Engineers get one to three assessment attempts a month apart, so progress shows.
"""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from pmcohort.accounts import services as accounts
from pmcohort.accounts.models import find_user_by_email
from pmcohort.assessment.services import attempt_from
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import practice, vocabulary
from pmcohort.domain import readiness as assessment
from pmcohort.domain.statuses import (
    Attendance,
    MatchSource,
    MatchStatus,
    MemberRole,
    ParticipantRole,
    Role,
    SessionKind,
    SessionStatus,
)
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import MentoringSession, SessionFeedback, SessionParticipant
from pmcohort.notifications import reminders
from pmcohort.profiles.models import AvailabilityWindow, EngineerProfile, MentorProfile, MentorStrength

DEMO_PASSWORD = "pmcohort-demo"
DEMO_SEED = 20261126
MENTOR_COUNT = 10
ENGINEER_COUNT = 40
DOMAIN = "demo.example.com"
DEMO_COHORT = "Demo cohort: first three months"

TIME_ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Chicago",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
    "Europe/Madrid",
    "America/Sao_Paulo",
]
FIRST_NAMES = [
    "Ada",
    "Ben",
    "Chioma",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Luca",
    "Maya",
    "Nikhil",
    "Olga",
    "Pedro",
    "Qin",
    "Rosa",
    "Sami",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Adeyemi",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Gupta",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
]
MENTOR_HEADLINES = [
    "Group PM, developer tools; backend engineer for six years before that",
    "Senior PM for ML platforms; ran discovery for three 0-to-1 products",
    "Principal PM in payments; moved over from SRE via an internal transfer",
    "PM lead for infrastructure products; interviews PM candidates every week",
    "Product director; writes the strategy docs and coaches others to",
]
EVIDENCE = {
    "discovery": "Ran 200+ customer interviews and taught synthesis workshops",
    "prioritization": "Owns quarterly planning for a 40-person org with RICE and judgment",
    "influence": "Shipped a cross-org migration with no team reporting to me",
    "writing": "Writes the exec one-pagers and release notes for my product area",
    "interviewing": "Sits on PM interview loops; has run 100+ mock interviews",
}
# Local weekly windows people pick: (weekday, start, end) in minutes.
WINDOW_PATTERNS = [
    [(1, 18 * 60, 20 * 60), (3, 18 * 60, 20 * 60)],
    [(0, 12 * 60, 13 * 60), (2, 12 * 60, 13 * 60), (4, 12 * 60, 13 * 60)],
    [(5, 9 * 60, 12 * 60)],
    [(1, 7 * 60, 8 * 60 + 30), (3, 7 * 60, 8 * 60 + 30)],
    [(0, 17 * 60, 19 * 60), (2, 17 * 60, 19 * 60), (5, 10 * 60, 12 * 60)],
    [(1, 19 * 60, 21 * 60), (4, 16 * 60, 18 * 60)],
]


def _unique_names(rng: random.Random, count: int) -> list[str]:
    """Full names no two people share, so a lead can tell everyone apart."""
    return [
        f"{first} {last}"
        for first, last in rng.sample([(given, family) for given in FIRST_NAMES for family in LAST_NAMES], k=count)
    ]


def _ensure_user(email: str, name: str, time_zone: str, roles: tuple[str, ...]):
    user = find_user_by_email(email)
    created = user is None
    if created:
        user = accounts.create_user(accounts.NewAccount(email, name, DEMO_PASSWORD, time_zone, roles[0]), roles=roles)
    return user, created


def _add_windows(rng: random.Random, user_id: int, patterns: int = 1) -> None:
    windows = sorted({window for pattern in rng.sample(WINDOW_PATTERNS, k=patterns) for window in pattern})
    kept: list[tuple[int, int, int]] = []
    for weekday, start, end in windows:  # two patterns may overlap on a day: keep the first window
        if not any(day == weekday and start < other_end and other_start < end for day, other_start, other_end in kept):
            kept.append((weekday, start, end))
    for weekday, start, end in kept:
        db.session.add(AvailabilityWindow(user_id=user_id, weekday=weekday, start_minute=start, end_minute=end))


def _answers_for(rng: random.Random, levels: dict[str, float]) -> dict[str, object]:
    """Answers a person with these per-skill levels (0..1) would plausibly give."""
    rules = assessment.CURRENT.rules
    answers: dict[str, object] = {}
    for question in assessment.QUESTIONS:
        level = min(1.0, max(0.0, levels[question.skills[0]] + rng.uniform(-0.15, 0.15)))
        if question.is_numeric:
            target = rules.full_credit_count.get(question.key, question.maximum)
            answers[question.key] = min(question.maximum, round(level * target * 1.3))
        else:
            credit = rules.choice_credit.get(question.key, {})
            ranked = sorted(question.choices, key=lambda choice: credit.get(choice.value, 0.0))
            answers[question.key] = ranked[min(len(ranked) - 1, int(level * len(ranked)))].value
    return answers


def _seed_mentor(rng: random.Random, user_id: int) -> None:
    standout = rng.sample(list(vocabulary.SKILLS), k=2)
    profile = MentorProfile(
        user_id=user_id,
        headline=rng.choice(MENTOR_HEADLINES),
        former_engineer=rng.random() < 0.6,
        paths=rng.sample(list(vocabulary.PATHS), k=rng.randint(1, 2)),
        domains=rng.sample([d for d in vocabulary.DOMAINS if d != "other"], k=rng.randint(1, 3)),
        interview_kinds=rng.sample(list(vocabulary.INTERVIEW_KINDS), k=rng.randint(1, 3)),
        capacity=rng.randint(3, 5),
    )
    for skill in vocabulary.SKILLS:
        level = rng.choice((4, 5)) if skill in standout else rng.randint(2, 3)
        profile.strengths.append(
            MentorStrength(skill=skill, level=level, evidence=EVIDENCE[skill] if level >= 4 else "")
        )
    db.session.add(profile)
    _add_windows(rng, user_id, patterns=3)  # mentors offer more hours than any one engineer


def _seed_engineer(rng: random.Random, user_id: int) -> None:
    db.session.add(
        EngineerProfile(
            user_id=user_id,
            years_experience=rng.randint(2, 9),
            path=rng.choices(list(vocabulary.PATHS), weights=(6, 2, 3))[0],
            target_domain=rng.choice(list(vocabulary.DOMAINS)),
        )
    )
    _add_windows(rng, user_id, patterns=2)
    levels = {skill: rng.uniform(0.05, 0.75) for skill in vocabulary.SKILLS}
    attempts = rng.randint(1, 3)
    for number in range(attempts):
        answers = _answers_for(rng, levels)
        attempt = attempt_from(user_id, answers, assessment.score(answers))
        attempt.completed_at = utcnow() - timedelta(days=30 * (attempts - number) + rng.randint(0, 5))
        db.session.add(attempt)
        levels = {skill: min(1.0, level + rng.uniform(0.0, 0.2)) for skill, level in levels.items()}


def _ensure_demo_cohort() -> None:
    """A cohort with everyone enrolled, so the lead can run matching straight away."""
    lead = find_user_by_email(f"lead@{DOMAIN}")
    if db.session.scalar(select(Cohort.id).where(Cohort.name == DEMO_COHORT)):
        return
    cohort = Cohort(name=DEMO_COHORT, start_date=utcnow().date(), weeks=12, created_by=lead.id)
    cohort.leads.append(CohortLead(user_id=lead.id))
    for number in range(1, ENGINEER_COUNT + 1):
        cohort.members.append(
            CohortMember(user_id=find_user_by_email(f"engineer{number}@{DOMAIN}").id, role=MemberRole.ENGINEER)
        )
    for number in range(1, MENTOR_COUNT + 1):
        cohort.members.append(
            CohortMember(user_id=find_user_by_email(f"mentor{number}@{DOMAIN}").id, role=MemberRole.MENTOR)
        )
    db.session.add(cohort)


def _session(kind: str, host, guest, start: datetime, minutes: int, **columns) -> MentoringSession:
    mentoring_session = MentoringSession(
        kind=kind,
        host_id=host.id,
        start_at=start,
        end_at=start + timedelta(minutes=minutes),
        time_zone=host.time_zone,
        status=SessionStatus.SCHEDULED,
        **columns,
    )
    for user, role in ((host, ParticipantRole.HOST), (guest, ParticipantRole.PARTICIPANT)):
        if user is not None:
            mentoring_session.participants.append(
                SessionParticipant(
                    user_id=user.id,
                    role=role,
                    start_at=mentoring_session.start_at,
                    end_at=mentoring_session.end_at,
                    accepted_at=utcnow(),
                )
            )
    db.session.add(mentoring_session)
    return mentoring_session


def _ensure_demo_sessions() -> None:
    """engineer1 and mentor1 already work together: two past mock interviews with scores, a 1:1 coming up, and a workshop."""
    if db.session.scalar(select(MentoringSession.id).limit(1)):
        return
    engineer, mentor = find_user_by_email(f"engineer1@{DOMAIN}"), find_user_by_email(f"mentor1@{DOMAIN}")
    lead = find_user_by_email(f"lead@{DOMAIN}")
    db.session.add(
        Match(
            engineer_id=engineer.id,
            mentor_id=mentor.id,
            source=MatchSource.REQUEST,
            status=MatchStatus.ACTIVE,
            engineer_accepted_at=utcnow(),
            mentor_accepted_at=utcnow(),
            activated_at=utcnow() - timedelta(days=21),
            score=0.7,
            reasons=["Matched for the demo"],
        )
    )
    db.session.get(MentorProfile, mentor.id).active_mentees += 1
    today = datetime.combine(utcnow().date(), time(17), tzinfo=UTC)
    rubric = practice.RUBRICS["estimation"]
    for days_ago, level, question in (
        (17, 2, practice.questions_of("estimation")[0]),
        (4, 3, practice.questions_of("estimation")[1]),
    ):
        past = _session(
            SessionKind.INTERVIEW,
            mentor,
            engineer,
            today - timedelta(days=days_ago),
            60,
            title="Mock interview: estimation",
            interview_kind="estimation",
            question_key=question.key,
        )
        past.status = SessionStatus.COMPLETED
        past.participants[1].attendance = Attendance.ATTENDED
        db.session.flush()
        scores = {d.key: min(4, level + (i % 2)) for i, d in enumerate(rubric.dimensions)}
        db.session.add(
            SessionFeedback(
                session_id=past.id,
                author_id=mentor.id,
                subject_id=engineer.id,
                rating=4,
                notes="Structured well; state assumptions before the numbers.",
                rubric_key=rubric.key,
                rubric_scores=scores,
            )
        )
    _session(
        SessionKind.ONE_ON_ONE,
        mentor,
        engineer,
        today + timedelta(days=2),
        60,
        title="1:1: your prioritization rationale",
        agenda="Walk through the rationale for your team's top three backlog items, in business terms.",
    )
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    for week in range(4):
        _session(
            SessionKind.WORKSHOP,
            lead,
            None,
            today + timedelta(days=7 * (week + 1)),
            90,
            title="Workshop: writing for executives",
            agenda="Turn a design doc into a one-page summary for a VP.",
            cohort_id=cohort.id,
            seat_limit=20,
        )
    db.session.commit()


def seed_demo() -> list[tuple[str, str]]:
    rng = random.Random(DEMO_SEED)
    _ensure_user(f"admin@{DOMAIN}", "Avery Admin", "UTC", (Role.ADMIN,))
    _ensure_user(f"lead@{DOMAIN}", "Lena Lead", "Europe/Berlin", (Role.LEAD,))
    names = iter(_unique_names(rng, MENTOR_COUNT + ENGINEER_COUNT))
    for number in range(1, MENTOR_COUNT + 1):
        user, created = _ensure_user(
            f"mentor{number}@{DOMAIN}", next(names), rng.choice(TIME_ZONES[:6]), (Role.MENTOR,)
        )
        if created:
            _seed_mentor(rng, user.id)
    for number in range(1, ENGINEER_COUNT + 1):
        user, created = _ensure_user(
            f"engineer{number}@{DOMAIN}", next(names), rng.choice(TIME_ZONES[:6]), (Role.ENGINEER,)
        )
        if created:
            _seed_engineer(rng, user.id)
    _ensure_demo_cohort()
    db.session.commit()
    practice_bank.seed_starter_set()
    _ensure_demo_sessions()
    # The demo's sessions are written directly, not booked: plan their reminders as a booking would.
    reminders.plan_unplanned_sessions()
    db.session.commit()
    return [
        (Role.ADMIN, f"admin@{DOMAIN}"),
        (Role.LEAD, f"lead@{DOMAIN}"),
        (Role.MENTOR, f"mentor1@{DOMAIN} … mentor{MENTOR_COUNT}@{DOMAIN}"),
        (Role.ENGINEER, f"engineer1@{DOMAIN} … engineer{ENGINEER_COUNT}@{DOMAIN}"),
    ]
