"""The internal-transfer evidence pack: one printable page for the ask, from what the product recorded."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from pmcohort.accounts.models import User
from pmcohort.assessment import services as assessments
from pmcohort.core.extensions import db
from pmcohort.domain import plans
from pmcohort.domain.statuses import SESSION_KIND_LABELS, Attendance, ParticipantRole, SessionStatus
from pmcohort.domain.vocabulary import SKILLS
from pmcohort.mentoring import after_session, practice_bank
from pmcohort.mentoring.models import MentoringSession, SessionParticipant
from pmcohort.plans import services as plan_service
from pmcohort.plans.models import Plan, PlanMilestone
from pmcohort.profiles.models import AssessmentAttempt, EngineerProfile
from pmcohort.writing.portfolios import ApprovedWork, approved_work


@dataclass(frozen=True)
class SessionsHeld:
    label: str
    count: int
    last: datetime


@dataclass(frozen=True)
class RubricScore:
    title: str
    sessions: int
    latest_mean: float


@dataclass(frozen=True)
class GapWork:
    skill: str
    score: int | None
    done: list[PlanMilestone]
    next: list[PlanMilestone]


@dataclass(frozen=True)
class EvidencePack:
    engineer: User
    profile: EngineerProfile | None
    plan: Plan | None
    depth: list[str]
    sessions: list[SessionsHeld]
    first_attempt: AssessmentAttempt | None
    latest_attempt: AssessmentAttempt | None
    rubric_scores: list[RubricScore]
    approved_documents: list[ApprovedWork]
    approved_by_hand: list[PlanMilestone]  # document milestones the engineer ticked with a link
    gaps: list[GapWork]


def _sessions_held(user_id: int) -> list[SessionsHeld]:
    rows = db.session.execute(
        select(
            MentoringSession.kind,
            MentoringSession.interview_kind,
            func.count(MentoringSession.id),
            func.max(MentoringSession.start_at),
        )
        .join(SessionParticipant, SessionParticipant.session_id == MentoringSession.id)
        .where(
            SessionParticipant.user_id == user_id,
            SessionParticipant.role == ParticipantRole.PARTICIPANT,
            SessionParticipant.attendance == Attendance.ATTENDED,
            MentoringSession.status == SessionStatus.COMPLETED,
        )
        .group_by(MentoringSession.kind, MentoringSession.interview_kind)
        .order_by(func.count(MentoringSession.id).desc())
    )
    kinds = practice_bank.interview_kinds()  # kinds are data: an admin may have added one
    return [
        SessionsHeld(
            SESSION_KIND_LABELS[kind]
            + (f": {kinds.get(interview_kind, interview_kind).lower()}" if interview_kind else ""),
            count,
            last,
        )
        for kind, interview_kind, count, last in rows
    ]


def _rubric_scores(user_id: int) -> list[RubricScore]:
    history = after_session.rubric_history(user_id)
    titles = {key: rubric.title for key, rubric in practice_bank.rubrics(history).items()}
    return [
        RubricScore(titles.get(key, key), len(entries), round(sum(latest.values()) / max(1, len(latest)), 1))
        for key, entries in history.items()
        for latest in [entries[-1][1]]
    ]


def evidence_pack(engineer_id: int) -> EvidencePack:
    engineer = db.session.get(User, engineer_id)
    profile = db.session.get(EngineerProfile, engineer_id)
    plan = plan_service.plan_of(engineer_id)
    history = assessments.history(engineer_id)
    latest = history[-1] if history else None
    milestones = plan.milestones if plan else []
    approved_documents = approved_work(engineer_id)
    from_reviews = {f"document:{work.document_id}" for work in approved_documents}
    approved_by_hand = [
        m
        for m in milestones
        if m.done
        and m.evidence_kind == plans.EvidenceKind.DOCUMENT_APPROVED
        and not set(m.evidence_refs) & from_reviews
    ]
    order = plan.skill_order if plan else list(SKILLS)
    gaps = [
        GapWork(
            skill,
            latest.skill_scores.get(skill) if latest else None,
            [m for m in milestones if m.skill == skill and m.done],
            [m for m in milestones if m.skill == skill and not m.done][:2],
        )
        for skill in order
        if latest is None or skill in plans.gaps_of(latest.skill_scores)
    ]
    return EvidencePack(
        engineer=engineer,
        profile=profile,
        plan=plan,
        depth=plans.depth_statements(
            profile.years_experience if profile else None, profile.target_domain if profile else None
        ),
        sessions=_sessions_held(engineer_id),
        first_attempt=history[0] if len(history) > 1 else None,
        latest_attempt=latest,
        rubric_scores=_rubric_scores(engineer_id),
        approved_documents=approved_documents,
        approved_by_hand=approved_by_hand,
        gaps=gaps,
    )
