from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import db
from pmcohort.core.forms import form_page, press, service_errors, submit
from pmcohort.domain.statuses import MatchSource, MatchStatus, Role
from pmcohort.mentorships import rematch
from pmcohort.mentorships import services as matching
from pmcohort.mentorships.forms import DeclineForm, DismissRematchForm, RematchForm, RequestMentorForm
from pmcohort.policy import (
    can_view_assessment,
    can_view_reliability,
    match_for_viewer_or_404,
    rematch_for_decider_or_404,
    roles_required,
    signed_in_blueprint,
)
from pmcohort.profiles.models import MentorProfile

bp = signed_in_blueprint("matches", __name__, url_prefix="/matches")


@bp.get("")
@roles_required(Role.ENGINEER, Role.MENTOR)
def index():
    mine = matching.matches_for(current_user.id)
    is_engineer = current_user.has_role(Role.ENGINEER)
    has_active = any(m.status == MatchStatus.ACTIVE and m.engineer_id == current_user.id for m in mine)
    # A cohort proposal waiting for an answer comes first; asking mentors directly would compete with it.
    cohort_proposal = any(
        m.status == MatchStatus.PROPOSED and m.source == MatchSource.COHORT and m.engineer_id == current_user.id
        for m in mine
    )
    search = (
        matching.search_mentors(current_user.id) if is_engineer and not has_active and not cohort_proposal else None
    )
    return render_template(
        "matches/index.html",
        matches=mine,
        cohort_proposal=cohort_proposal,
        suggestions=search.suggestions if search else [],
        assessed=search.assessed if search else True,
        open_requests=sum(matching.is_open_request(m, current_user.id) for m in mine),
        max_requests=matching.MAX_OPEN_REQUESTS,
        has_active=has_active,
        request_form=RequestMentorForm(formdata=None),
        # A proposal exists only beside an active match.
        rematch_proposal=rematch.open_proposal_of(current_user.id) if is_engineer and has_active else None,
    )


def _detail_page(match: Match, decline_form: DeclineForm | None = None, status: int = 200):
    side = match.side_of(current_user.id)
    form = decline_form or DeclineForm(formdata=None)
    if side is not None and match.accepted_by(side):
        form.reason.label.text = "Withdraw with a reason"
    return render_template(
        "matches/detail.html",
        match=match,
        side=side,
        decline_form=form,
        mentor_profile=db.session.get(MentorProfile, match.mentor_id),
        may_view_assessment=can_view_assessment(current_user, match.engineer_id),
        may_view_reliability=can_view_reliability(current_user, match.mentor_id),
    ), status


@bp.get("/<int:match_id>")
@roles_required(Role.ENGINEER, Role.MENTOR, Role.LEAD)
def detail(match_id: int):
    return _detail_page(match_for_viewer_or_404(match_id))


@bp.post("/<int:match_id>/accept")
@roles_required(Role.ENGINEER, Role.MENTOR)
def accept(match_id: int):
    match_for_viewer_or_404(match_id)
    return press(
        lambda: matching.accept(match_id, user_id=current_user.id),
        lambda match: (
            "Match active: you both accepted."
            if match.status == MatchStatus.ACTIVE
            else "Accepted. Waiting for the other side."
        ),
        url_for("matches.detail", match_id=match_id),
    )


@bp.post("/<int:match_id>/decline")
@roles_required(Role.ENGINEER, Role.MENTOR)
def decline(match_id: int):
    match = match_for_viewer_or_404(match_id)
    form = DeclineForm()
    return submit(
        lambda: matching.decline(match_id, user_id=current_user.id, reason=form.reason.data or ""),
        "Declined. Thank you for saying why.",
        url_for("matches.index"),
        form=form,
    ) or _detail_page(match, form, 400)


@bp.post("/request")
@roles_required(Role.ENGINEER)
def request_mentor():
    form = RequestMentorForm()
    if not form.validate_on_submit():
        abort(400)
    with service_errors():
        match = matching.request_mentor(current_user.id, form.mentor_id.data)
        flash(f"Request sent to {match.mentor.name}.", "success")
        return redirect(url_for("matches.detail", match_id=match.id), 303)
    return redirect(url_for("matches.index"), 303)


@bp.route("/rematch/<int:proposal_id>", methods=["GET", "POST"])
def rematch_proposal(proposal_id: int):
    """A proposed re-match, for the lead or mentor who decides it: approving posts here; dismissing has its own URL."""
    proposal = rematch_for_decider_or_404(proposal_id)
    form = RematchForm().offer(proposal.candidates)
    return submit(
        lambda: rematch.approve(
            proposal_id, actor_id=current_user.id, choice=form.choice.data, mentor_id=form.mentor_id.data
        ),
        lambda match: f"Approved: {match.mentor.name} is proposed. Both sides are asked to accept.",
        lambda match: url_for("matches.detail", match_id=match.id),
        form=form,
    ) or form_page(
        "matches/rematch.html",
        form,
        proposal=proposal,
        dismiss_form=DismissRematchForm(formdata=None),
        mentor_strength=proposal.mentor_strength,
        may_view_gaps=can_view_assessment(current_user, proposal.engineer_id),
    )


@bp.post("/rematch/<int:proposal_id>/dismiss")
def dismiss_rematch(proposal_id: int):
    rematch_for_decider_or_404(proposal_id)
    if not DismissRematchForm().validate_on_submit():
        abort(400)
    return press(
        lambda: rematch.dismiss(proposal_id, actor_id=current_user.id),
        "Dismissed: the current match stays as it is.",
        url_for("matches.rematch_proposal", proposal_id=proposal_id),
    )
