"""Who may do what. Routes ask here instead of repeating role and ownership checks."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from pmcohort.extensions import db
from pmcohort.models import Cohort, CohortLead, CohortMember, Match, MentoringSession


def roles_required(*roles: str):
    """A view decorator: signed in and holding at least one of `roles` (admins pass every check)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles, "admin"):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def leads_cohort(user, cohort: Cohort) -> bool:
    return user.is_authenticated and (user.has_role("admin") or (user.has_role("lead") and user.id in cohort.lead_ids))


def cohort_for_lead_or_404(cohort_id: int) -> Cohort:
    """The cohort, if the signed-in user leads it; otherwise 404, so its existence is not revealed."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not leads_cohort(current_user, cohort):
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
    if viewer.has_role("mentor") and db.session.scalar(
        select(Match.id).where(Match.engineer_id == engineer_id, Match.mentor_id == viewer.id, Match.status.in_(("proposed", "active", "completed")))
    ):
        return True
    return viewer.has_role("lead") and db.session.scalar(
        select(CohortLead.user_id)
        .join(CohortMember, CohortMember.cohort_id == CohortLead.cohort_id)
        .where(CohortLead.user_id == viewer.id, CohortMember.user_id == engineer_id, CohortMember.role == "engineer")
    ) is not None


def can_view_cohort_assessments(viewer, cohort: Cohort) -> bool:
    """Whether `viewer` may open the results of every engineer in `cohort`: its leads
    (the cohort case of `can_view_assessment`, without a query per engineer)."""
    return viewer.is_authenticated and viewer.has_role("lead") and viewer.id in cohort.lead_ids


def can_view_session(user, session: MentoringSession) -> bool:
    """Participants, the host, and the leads of the cohort the session belongs to."""
    if not user.is_authenticated:
        return False
    if session.participant(user.id) is not None:
        return True
    cohort_id = session.cohort_id or (db.session.get(Match, session.match_id).cohort_id if session.match_id else None)
    return cohort_id is not None and leads_cohort(user, db.session.get(Cohort, cohort_id))
