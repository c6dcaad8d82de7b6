"""Who may see and do what: every visibility rule, in one place.

Routes load what a request names through the `..._or_404` helpers here, so a forbidden object
answers 404 exactly like a missing one and its existence is never revealed.
"""

from collections.abc import Collection
from functools import wraps

from flask import Blueprint, abort, request
from flask_login import current_user, login_required
from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, Match, MatchingRun
from pmcohort.core.extensions import db
from pmcohort.domain.statuses import MatchStatus, MemberRole, Role, SessionKind
from pmcohort.mentoring.models import ActionItem, MentoringSession
from pmcohort.mentorships.models import RematchProposal
from pmcohort.plans import services as plan_service
from pmcohort.plans.models import PlanMilestone
from pmcohort.profiles.models import AssessmentAttempt, MentorProfile
from pmcohort.writing import reviewers as writing_reviewers
from pmcohort.writing.models import Document, DocumentReview

# Flask-Login's own check, as a before-request hook: None when signed in, else the sign-in page.
_sign_in_check = login_required(lambda: None)


def signed_in_blueprint(name: str, import_name: str, *, public: Collection[str] = (), **options) -> Blueprint:
    """A blueprint whose every view asks for a signed-in user, as `login_required` would, but the
    `public` ones (view names): a page added later is private unless it says otherwise."""
    bp = Blueprint(name, import_name, **options)
    public_endpoints = {f"{name}.{view}" for view in public}

    @bp.before_request
    def require_sign_in():
        if request.endpoint not in public_endpoints:
            return _sign_in_check()
        return None

    return bp


def roles_required(*roles: str):
    """A view decorator: signed in and holding at least one of `roles` (admins pass every check)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles, Role.ADMIN):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def leads_cohort(user, cohort: Cohort) -> bool:
    return user.is_authenticated and (
        user.has_role(Role.ADMIN) or (user.has_role(Role.LEAD) and user.id in cohort.lead_ids)
    )


def cohort_for_lead_or_404(cohort_id: int) -> Cohort:
    """The cohort, if the signed-in user leads it; otherwise 404, so its existence is not revealed."""
    # The leads come in the same query: the board asks who leads the cohort (`lead_ids`).
    query = select(Cohort).options(joinedload(Cohort.leads)).where(Cohort.id == cohort_id)
    if not current_user.has_role(Role.ADMIN):
        leads = Cohort.leads.any(CohortLead.user_id == current_user.id)
        query = query.where(leads if current_user.has_role(Role.LEAD) else false())
    cohort = db.session.scalars(query).unique().first()
    if cohort is None:
        abort(404)
    return cohort


def can_view_match(user, match: Match) -> bool:
    if not user.is_authenticated:
        return False
    if match.side_of(user.id) is not None:
        return True
    return match.cohort is not None and leads_cohort(user, match.cohort)


def _sees_results_of(viewer, engineer_id: int):
    """SQL condition, for a viewer other than the engineer: their matched mentor or a lead of their cohort."""
    conditions = []
    if viewer.has_role(Role.MENTOR):
        conditions.append(
            select(Match.id)
            .where(
                Match.engineer_id == engineer_id,
                Match.mentor_id == viewer.id,
                Match.status.in_((MatchStatus.PROPOSED, MatchStatus.ACTIVE, MatchStatus.COMPLETED)),
            )
            .exists()
        )
    if viewer.has_role(Role.LEAD):
        conditions.append(_leads_member(viewer, engineer_id, MemberRole.ENGINEER))
    return or_(false(), *conditions)


def can_view_assessment(viewer, engineer_id: int) -> bool:
    """An engineer's results: the engineer, their matched mentor, the leads of their cohort."""
    if not viewer.is_authenticated:
        return False
    if viewer.id == engineer_id:
        return True
    return viewer.has_role(Role.MENTOR, Role.LEAD) and bool(
        db.session.scalar(select(_sees_results_of(viewer, engineer_id)))
    )


def _leads_member(viewer, member_id: int, role: MemberRole):
    return (
        select(CohortLead.user_id)
        .join(CohortMember, CohortMember.cohort_id == CohortLead.cohort_id)
        .where(CohortLead.user_id == viewer.id, CohortMember.user_id == member_id, CohortMember.role == role)
        .exists()
    )


def leads_cohort_of(viewer, member_id: int, role: MemberRole = MemberRole.ENGINEER) -> bool:
    """Whether `viewer` is a lead of a cohort the member is enrolled in, as `role`."""
    return viewer.has_role(Role.LEAD) and bool(db.session.scalar(select(_leads_member(viewer, member_id, role))))


def can_view_cohort_assessments(viewer, cohort: Cohort) -> bool:
    """Whether `viewer` may open the results of every engineer in `cohort`: its leads
    (the cohort case of `can_view_assessment`, without a query per engineer)."""
    return viewer.is_authenticated and viewer.has_role(Role.LEAD) and viewer.id in cohort.lead_ids


def can_view_session(user, mentoring_session: MentoringSession) -> bool:
    """Participants, the host, and the leads of the cohort the session belongs to."""
    if not user.is_authenticated:
        return False
    if mentoring_session.participant(user.id) is not None:
        return True
    cohort_id = mentoring_session.cohort_id or (
        db.session.get(Match, mentoring_session.match_id).cohort_id if mentoring_session.match_id else None
    )
    return cohort_id is not None and leads_cohort(user, db.session.get(Cohort, cohort_id))


def _or_404(found, allowed: bool):
    if found is None or not allowed:
        abort(404)
    return found


def visible_cohorts(user) -> list[Cohort]:
    """Admins see every cohort; a lead sees the ones they lead."""
    query = select(Cohort).order_by(Cohort.start_date.desc())
    if not user.has_role(Role.ADMIN):
        query = query.join(CohortLead).where(CohortLead.user_id == user.id)
    return list(db.session.scalars(query))


def run_for_lead_or_404(cohort_id: int, run_id: int) -> tuple[Cohort, MatchingRun]:
    cohort = cohort_for_lead_or_404(cohort_id)
    run = db.session.get(MatchingRun, run_id)
    return cohort, _or_404(run, run is not None and run.cohort_id == cohort.id)


def cohort_match_for_lead_or_404(cohort_id: int, match_id: int) -> tuple[Cohort, Match]:
    cohort = cohort_for_lead_or_404(cohort_id)
    match = db.session.get(Match, match_id)
    return cohort, _or_404(match, match is not None and match.cohort_id == cohort.id)


def match_for_viewer_or_404(match_id: int) -> Match:
    """A match its two sides and the cohort's leads may see."""
    match = db.session.get(Match, match_id)
    return _or_404(match, match is not None and can_view_match(current_user, match))


def match_for_side_or_404(match_id: int) -> Match:
    """A match the signed-in user is one side of."""
    match = db.session.get(Match, match_id)
    return _or_404(match, match is not None and match.side_of(current_user.id) is not None)


def match_for_engineer_or_404(match_id: int) -> Match:
    """A match whose engineer is the signed-in user."""
    match = db.session.get(Match, match_id)
    return _or_404(match, match is not None and match.engineer_id == current_user.id)


def session_for_viewer_or_404(session_id: int) -> MentoringSession:
    mentoring_session = db.session.get(MentoringSession, session_id)
    return _or_404(
        mentoring_session, mentoring_session is not None and can_view_session(current_user, mentoring_session)
    )


def action_item_for_engineer_or_404(session_id: int, item_id: int) -> ActionItem:
    """An action item of this session, for the engineer it was written for: only they tick it off."""
    item = db.session.get(ActionItem, item_id)
    return _or_404(item, item is not None and item.session_id == session_id and item.engineer_id == current_user.id)


def workshop_or_404(session_id: int) -> MentoringSession:
    """Any signed-in user may find a workshop to join; the service checks they belong to its cohort."""
    mentoring_session = db.session.get(MentoringSession, session_id)
    return _or_404(mentoring_session, mentoring_session is not None and mentoring_session.kind == SessionKind.WORKSHOP)


def attempt_for_viewer_or_404(attempt_id: int) -> AssessmentAttempt:
    attempt = db.session.get(AssessmentAttempt, attempt_id)
    return _or_404(attempt, attempt is not None and can_view_assessment(current_user, attempt.user_id))


def engineer_results_or_404(engineer_id: int) -> None:
    """An engineer's results page: refused like a missing page to anyone who may not see it."""
    _or_404(engineer_id, can_view_assessment(current_user, engineer_id))


def engineer_for_results_or_404(engineer_id: int) -> User:
    """The engineer whose results the current user opens, read in the same statement as the check."""
    query = select(User).where(User.id == engineer_id)
    if current_user.id != engineer_id:
        query = query.where(_sees_results_of(current_user, engineer_id))
    return _or_404(db.session.scalar(query), True)


def public_mentor_profile_or_404(user_id: int) -> MentorProfile:
    """Any signed-in user may read an active mentor's public profile."""
    profile = db.session.get(MentorProfile, user_id)
    return _or_404(profile, profile is not None and profile.user.active and profile.user.has_role(Role.MENTOR))


def can_view_plan(viewer, engineer_id: int) -> bool:
    """An engineer's plan: the engineer, their active mentor, the leads of their cohort."""
    return viewer.is_authenticated and (
        plan_service.may_edit(viewer.id, engineer_id) or leads_cohort_of(viewer, engineer_id)
    )


def plan_owner_or_404(engineer_id: int) -> None:
    """An engineer's plan page: refused like a missing page to anyone who may not see it."""
    _or_404(engineer_id, can_view_plan(current_user, engineer_id))


def plan_editor_or_404(engineer_id: int) -> None:
    """Adding milestones: the engineer and their active mentor."""
    _or_404(engineer_id, plan_service.may_edit(current_user.id, engineer_id))


def milestone_for_editor_or_404(milestone_id: int) -> PlanMilestone:
    """Moving a milestone: the engineer and their active mentor."""
    milestone = db.session.get(PlanMilestone, milestone_id)
    return _or_404(milestone, milestone is not None and plan_service.may_edit(current_user.id, milestone.plan.user_id))


def milestone_for_engineer_or_404(milestone_id: int) -> PlanMilestone:
    """Ticking a milestone: only the engineer whose plan it is."""
    milestone = db.session.get(PlanMilestone, milestone_id)
    return _or_404(milestone, milestone is not None and milestone.plan.user_id == current_user.id)


# --- written work


def can_read_document(user, document) -> bool:
    """The author, their active mentor, whoever reviews or reviewed it (assigned, claiming or second), and the
    leads of the author's cohorts. Nobody else, admins included: drafts are the engineer's own."""
    if not user.is_authenticated:
        return False
    if user.id in (document.author_id, document.reviewer_id):
        return True
    if writing_reviewers.active_mentor_id(document.author_id) == user.id:
        return True
    reviewed = db.session.scalar(
        select(DocumentReview.id).where(
            DocumentReview.document_id == document.id, DocumentReview.reviewer_id == user.id
        )
    )
    return reviewed is not None or user.id in writing_reviewers.lead_ids_for(document)


def document_for_reader_or_404(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    return _or_404(document, document is not None and can_read_document(current_user, document))


def document_for_author_or_404(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    return _or_404(document, document is not None and document.author_id == current_user.id)


def document_to_claim_or_404(document_id: int) -> Document:
    """A document its readers may act on, or an unclaimed submission in a shared queue of the mentor's cohort."""
    document = db.session.get(Document, document_id)
    in_my_queue = (
        document is not None
        and current_user.is_authenticated
        and document.reviewer_id is None
        and document.queue_cohort_id is not None
        and writing_reviewers.is_cohort_mentor(current_user.id, document.queue_cohort_id)
    )
    return _or_404(document, document is not None and (in_my_queue or can_read_document(current_user, document)))


def can_view_reliability(viewer, mentor_id: int) -> bool:
    """A mentor's reliability and its reasons: the mentor, admins, and leads of a cohort the mentor is in."""
    if not viewer.is_authenticated:
        return False
    if viewer.id == mentor_id or viewer.has_role(Role.ADMIN):
        return True
    return leads_cohort_of(viewer, mentor_id, MemberRole.MENTOR)


def mentor_reliability_or_404(mentor_id: int) -> None:
    _or_404(mentor_id, can_view_reliability(current_user, mentor_id))


def can_decide_rematch(user, proposal: RematchProposal) -> bool:
    """The cohort's leads (and admins) decide; outside a cohort, the engineer does."""
    if not user.is_authenticated:
        return False
    if proposal.cohort is not None:
        return leads_cohort(user, proposal.cohort)
    return user.id == proposal.engineer_id or user.has_role(Role.ADMIN)


def rematch_for_decider_or_404(proposal_id: int) -> RematchProposal:
    proposal = db.session.get(RematchProposal, proposal_id)
    return _or_404(proposal, proposal is not None and can_decide_rematch(current_user, proposal))
