"""The cohort board's reads: its people with their overdue plan milestones, and its matches with the
open re-match proposals on them, one statement each."""

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import CohortMember, Match
from pmcohort.core.extensions import db
from pmcohort.domain.statuses import MatchStatus, MemberRole, RematchStatus
from pmcohort.mentorships.models import RematchProposal
from pmcohort.plans import services as plan_service
from pmcohort.plans.models import Plan, PlanMilestone


@dataclass(frozen=True)
class BoardPeople:
    engineers: list[CohortMember]  # by name, each with their user
    mentors: list[CohortMember]
    overdue: list[plan_service.Overdue]  # engineers with plan milestones past due, the most overdue first


def people_and_overdue_milestones(cohort_id: int) -> BoardPeople:
    """The cohort's members by name, and its engineers' overdue plan milestones: one statement.

    An engineer's row comes once per plan milestone they have not done (whether it is overdue depends
    on their plan's start, decided here); every other member's row comes once.
    """
    rows = db.session.execute(
        select(CohortMember, Plan, PlanMilestone)
        .join(User, User.id == CohortMember.user_id)
        .outerjoin(Plan, and_(Plan.user_id == CohortMember.user_id, CohortMember.role == MemberRole.ENGINEER))
        .outerjoin(PlanMilestone, and_(PlanMilestone.plan_id == Plan.id, PlanMilestone.done_at.is_(None)))
        # The member's user is joined once, for the sort; the plan's is the same person.
        .options(contains_eager(CohortMember.user), lazyload(Plan.user), lazyload(PlanMilestone.notes))
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(User.name, User.id, PlanMilestone.due_week, PlanMilestone.id)
    ).all()
    members = list({member.id: member for member, _, _ in rows}.values())
    return BoardPeople(
        engineers=[member for member in members if member.role == MemberRole.ENGINEER],
        mentors=[member for member in members if member.role == MemberRole.MENTOR],
        overdue=plan_service.overdue_by_engineer(
            ((member.user, plan, milestone) for member, plan, milestone in rows), plan_service.today()
        ),
    )


def matches_and_rematch_proposals(cohort_id: int) -> tuple[list[Match], list[RematchProposal]]:
    """The cohort's matches, the active ones its engineers have from elsewhere (a request, an earlier
    cohort), which matching keeps, and the open re-match proposals on the cohort's matches (at most one
    a match): one statement."""
    engineers = select(CohortMember.user_id).where(
        CohortMember.cohort_id == cohort_id, CohortMember.role == MemberRole.ENGINEER
    )
    rows = db.session.execute(
        select(Match, RematchProposal)
        .outerjoin(
            RematchProposal,
            and_(
                RematchProposal.match_id == Match.id,
                RematchProposal.cohort_id == cohort_id,
                RematchProposal.status == RematchStatus.OPEN,
            ),
        )
        # A match without a proposal keeps its row: the proposal's people join outward too.
        .options(
            joinedload(RematchProposal.engineer, innerjoin=False), joinedload(RematchProposal.mentor, innerjoin=False)
        )
        .where(
            or_(
                Match.cohort_id == cohort_id,
                (Match.status == MatchStatus.ACTIVE) & Match.engineer_id.in_(engineers),
            )
        )
        .order_by(Match.status, Match.id)
    ).all()
    proposals = sorted((proposal for _, proposal in rows if proposal is not None), key=lambda p: p.created_at)
    return [match for match, _ in rows], proposals
