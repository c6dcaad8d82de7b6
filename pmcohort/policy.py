"""Who may see and do what: every visibility rule, in one place.

Routes load what a request names through the `..._or_404` helpers here, so a forbidden object
answers 404 exactly like a missing one and its existence is never revealed.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import false, select
from sqlalchemy.orm import joinedload

from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, Match, MatchingRun
from pmcohort.core.extensions import db
from pmcohort.domain.statuses import MatchStatus, MemberRole, Role, SessionKind
from pmcohort.mentoring.models import MentoringSession
from pmcohort.profiles.models import AssessmentAttempt, MentorProfile


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


def can_view_assessment(viewer, engineer_id: int) -> bool:
    """An engineer's results: the engineer, their matched mentor, the leads of their cohort."""
    if not viewer.is_authenticated:
        return False
    if viewer.id == engineer_id:
        return True
    if viewer.has_role(Role.MENTOR) and db.session.scalar(
        select(Match.id).where(
            Match.engineer_id == engineer_id,
            Match.mentor_id == viewer.id,
            Match.status.in_((MatchStatus.PROPOSED, MatchStatus.ACTIVE, MatchStatus.COMPLETED)),
        )
    ):
        return True
    return (
        viewer.has_role(Role.LEAD)
        and db.session.scalar(
            select(CohortLead.user_id)
            .join(CohortMember, CohortMember.cohort_id == CohortLead.cohort_id)
            .where(
                CohortLead.user_id == viewer.id,
                CohortMember.user_id == engineer_id,
                CohortMember.role == MemberRole.ENGINEER,
            )
        )
        is not None
    )


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


def public_mentor_profile_or_404(user_id: int) -> MentorProfile:
    """Any signed-in user may read an active mentor's public profile."""
    profile = db.session.get(MentorProfile, user_id)
    return _or_404(profile, profile is not None and profile.user.active and profile.user.has_role(Role.MENTOR))
