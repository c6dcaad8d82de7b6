"""Demo data: an admin, a lead, 10 mentors and 40 engineers with varied profiles.

Deterministic (a fixed seed) and idempotent: running it twice changes nothing.
Engineers get one to three assessment attempts a month apart, so progress shows.
"""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from pmcohort.accounts import services as accounts
from pmcohort.accounts.models import UserRole, find_user_by_email
from pmcohort.assessment.services import attempt_from
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import practice, vocabulary
from pmcohort.domain import readiness as assessment
from pmcohort.domain.statuses import (
    Attendance,
    CohortStatus,
    DebriefStatus,
    MatchSource,
    MatchStatus,
    MemberRole,
    ParticipantRole,
    Role,
    SessionKind,
    SessionStatus,
)
from pmcohort.evidence import services as evidence
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import (
    ActionItem,
    MentoringSession,
    ObservedPitfall,
    SessionDebrief,
    SessionFeedback,
    SessionParticipant,
)
from pmcohort.notifications import reminders
from pmcohort.plans import services as plan_service
from pmcohort.plans.models import ApmSeason, Plan
from pmcohort.profiles.models import AvailabilityWindow, EngineerProfile, MentorProfile, MentorStrength
from pmcohort.writing.demo import seed_demo_writing

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


def _answers_for(rng: random.Random, levels: dict[str, float], context: dict[str, object]) -> dict[str, object]:
    """Answers a person with these per-skill levels (0..1) and this path and experience would plausibly give."""
    rules = assessment.CURRENT.rules
    answers: dict[str, object] = {}
    for question in assessment.QUESTIONS:
        if question.kind == "context":
            answers[question.key] = context[question.key]
            continue
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
        interview_kinds=rng.sample(list(practice.INTERVIEW_KINDS), k=rng.randint(2, 5)),
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
    profile = EngineerProfile(
        user_id=user_id,
        years_experience=rng.randint(2, 9),
        path=rng.choices(list(vocabulary.PATHS), weights=(6, 2, 3))[0],
        target_domain=rng.choice(list(vocabulary.DOMAINS)),
    )
    db.session.add(profile)
    rules = assessment.CURRENT.rules
    context = {rules.path_question: profile.path, rules.years_question: profile.years_experience}
    _add_windows(rng, user_id, patterns=2)
    levels = {skill: rng.uniform(0.05, 0.75) for skill in vocabulary.SKILLS}
    attempts = rng.randint(1, 3)
    for number in range(attempts):
        answers = _answers_for(rng, levels, context)
        attempt = attempt_from(user_id, answers, assessment.score(answers))
        attempt.completed_at = utcnow() - timedelta(days=30 * (attempts - number) + rng.randint(0, 5))
        db.session.add(attempt)
        levels = {skill: min(1.0, level + rng.uniform(0.0, 0.2)) for skill, level in levels.items()}


def _ensure_demo_cohort() -> None:
    """A cohort with everyone enrolled, so the lead can run matching straight away."""
    lead = find_user_by_email(f"lead@{DOMAIN}")
    if db.session.scalar(select(Cohort.id).where(Cohort.name == DEMO_COHORT)):
        return
    cohort = Cohort(
        name=DEMO_COHORT,
        start_date=utcnow().date(),
        weeks=12,
        status=CohortStatus.OPEN,
        description="Forty engineers and ten PM mentors: the guide's first three months.",
        created_by=lead.id,
    )
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
            mentoring_session.add_participant(user.id, role, accepted_at=utcnow())
    db.session.add(mentoring_session)
    return mentoring_session


def _ensure_demo_sessions() -> None:
    """engineer1 and mentor1 already work together: two past mock interviews with scores, a 1:1 coming up, and a workshop."""
    if db.session.scalar(select(MentoringSession.id).limit(1)):
        return
    engineer, mentor = find_user_by_email(f"engineer1@{DOMAIN}"), find_user_by_email(f"mentor1@{DOMAIN}")
    lead = find_user_by_email(f"lead@{DOMAIN}")
    match = Match(
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
    db.session.add(match)
    db.session.flush()
    db.session.get(MentorProfile, mentor.id).active_mentees += 1
    today = datetime.combine(utcnow().date(), time(17), tzinfo=UTC)
    for days_ago, question in (
        (17, practice.questions_of("estimation")[0]),
        (4, practice.questions_of("estimation")[1]),
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
            match_id=match.id,
        )
        past.status = SessionStatus.COMPLETED
        past.participants[1].attendance = Attendance.ATTENDED
        db.session.flush()
        db.session.add(
            SessionFeedback(
                session_id=past.id,
                author_id=mentor.id,
                rating=4,
                notes="Structured well; state assumptions before the numbers.",
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
        match_id=match.id,
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


# Demo engineers with a plan, and how many days ago each one started: some just begun, some months in.
DEMO_PLAN_STARTS = {1: 56, 2: 120, 3: 14, 4: 0, 5: 200, 6: 35}


def _ensure_demo_plans() -> None:
    """APM seasons an admin would have entered, and plans for a few engineers (engineer1's mock
    interviews count towards theirs); engineer2 has ticked two milestones by hand."""
    if not db.session.scalar(select(ApmSeason.id).limit(1)):
        today = utcnow().date()
        for program, opens_in, closes_in in (("Example APM program", 30, 75), ("Example RPM program", 150, 190)):
            db.session.add(
                ApmSeason(
                    program=f"{program} {today.year + 1}",
                    opens_on=today + timedelta(days=opens_in),
                    closes_on=today + timedelta(days=closes_in),
                )
            )
        db.session.commit()
    for number, days_ago in DEMO_PLAN_STARTS.items():
        user = find_user_by_email(f"engineer{number}@{DOMAIN}")
        if db.session.scalar(select(Plan.id).where(Plan.user_id == user.id)):
            continue
        profile = db.session.get(EngineerProfile, user.id)
        plan = plan_service.create_plan(user.id, path=profile.path, start=utcnow().date() - timedelta(days=days_ago))
        if number == 2:
            for milestone in plan.milestones[:2]:
                plan_service.tick(
                    milestone.id,
                    actor_id=user.id,
                    note="Done with my mentor's review.",
                    link="https://docs.example.com/demo-work",
                )


DEMO_ACTION_ITEMS = (
    ("Redo the CI-minutes estimate top-down and compare it with your bottom-up answer", 3, True),
    ("Before any number, say in one sentence what the estimate is for", 5, False),
    ("Write the assumptions as a list you can point at while you calculate", 10, False),
)


def _ensure_demo_debriefs() -> None:
    """engineer1's mock interviews with mentor1 end with published debriefs: scores with notes, a pitfall seen,
    and action items (one ticked off) that show on the dashboard and in the agenda of the next 1:1."""
    if db.session.scalar(select(SessionDebrief.session_id).limit(1)):
        return
    engineer, mentor = find_user_by_email(f"engineer1@{DOMAIN}"), find_user_by_email(f"mentor1@{DOMAIN}")
    if engineer is None or mentor is None:
        return
    profile = db.session.get(MentorProfile, mentor.id)
    profile.interview_kinds = sorted({*profile.interview_kinds, "estimation"})
    match = db.session.scalar(select(Match).where(Match.engineer_id == engineer.id, Match.mentor_id == mentor.id))
    pair_sessions = select(SessionParticipant.session_id).where(SessionParticipant.user_id == engineer.id)
    for earlier in db.session.scalars(  # demo data from before sessions named their match
        select(MentoringSession).where(
            MentoringSession.host_id == mentor.id,
            MentoringSession.id.in_(pair_sessions),
            MentoringSession.match_id.is_(None),
        )
    ):
        earlier.match_id = match.id if match else None
    interviews = db.session.scalars(
        select(MentoringSession)
        .join(SessionParticipant)
        .where(
            SessionParticipant.user_id == engineer.id,
            MentoringSession.host_id == mentor.id,
            MentoringSession.kind == SessionKind.INTERVIEW,
            MentoringSession.status == SessionStatus.COMPLETED,
        )
        .order_by(MentoringSession.start_at)
    ).all()
    rubric = practice.RUBRICS["estimation"]
    for number, interview in enumerate(interviews, 1):
        latest = number == len(interviews)
        level = 2 if number == 1 else 3
        db.session.add(
            SessionDebrief(
                session_id=interview.id,
                mentor_id=mentor.id,
                engineer_id=engineer.id,
                status=DebriefStatus.PUBLISHED,
                rubric_key=rubric.key,
                scores={d.key: min(4, level + (i % 2)) for i, d in enumerate(rubric.dimensions)},
                score_notes={
                    "clarifies_scope": "You asked whether CI minutes include retries: exactly the right first move.",
                    "assumptions": "Two assumptions stayed in your head; say them out loud.",
                },
                overall_notes="Structured and calm. The answer lands once you say what the number is for.",
                target_level="apm",
                overall_signal="borderline" if latest else "not_yet",
                published_at=interview.end_at + timedelta(hours=3),
            )
        )
        db.session.flush()
        if not latest:
            continue
        db.session.add(
            ObservedPitfall(
                session_id=interview.id,
                engineer_id=engineer.id,
                pitfall="still_the_engineer",
                note="Spent three minutes on how runners are scheduled before any estimate.",
            )
        )
        for text, due_in_days, done in DEMO_ACTION_ITEMS:
            db.session.add(
                ActionItem(
                    session_id=interview.id,
                    engineer_id=engineer.id,
                    match_id=interview.match_id,
                    text=text,
                    due_on=(interview.end_at + timedelta(days=due_in_days)).date(),
                    done_at=interview.end_at + timedelta(days=2) if done else None,
                )
            )


def _refresh_gap_profiles() -> None:
    """Every engineer's effective gap profile, so engineer1's shows the mock interviews' scores beside the self-report."""
    engineer_ids = db.session.scalars(select(UserRole.user_id).where(UserRole.role == Role.ENGINEER)).all()
    evidence.refresh(engineer_ids)
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
    _ensure_demo_plans()
    _ensure_demo_debriefs()

    seed_demo_writing(DOMAIN, DEMO_COHORT)

    _refresh_gap_profiles()
    # The demo's sessions are written directly, not booked: plan their reminders as a booking would.
    reminders.plan_unplanned_sessions()
    db.session.commit()
    return [
        (Role.ADMIN, f"admin@{DOMAIN}"),
        (Role.LEAD, f"lead@{DOMAIN}"),
        (Role.MENTOR, f"mentor1@{DOMAIN} … mentor{MENTOR_COUNT}@{DOMAIN}"),
        (Role.ENGINEER, f"engineer1@{DOMAIN} … engineer{ENGINEER_COUNT}@{DOMAIN}"),
    ]
