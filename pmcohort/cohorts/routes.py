from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from pmcohort.cohorts import bp
from pmcohort.cohorts.forms import CohortForm, EndMatchForm, EnrollForm
from pmcohort.domain.statuses import MatchStatus, MemberRole, PairRuleKind, Role
from pmcohort.extensions import db
from pmcohort.forms import database_id, show_error
from pmcohort.models import Cohort, Match
from pmcohort.policy import (
    can_view_cohort_assessments,
    cohort_for_lead_or_404,
    cohort_match_for_lead_or_404,
    roles_required,
    run_for_lead_or_404,
    visible_cohorts,
)
from pmcohort.services import cohorts as cohort_service
from pmcohort.services import matching
from pmcohort.services.errors import FieldError


@bp.get("")
@roles_required(Role.LEAD)
def index():
    return render_template("cohorts/index.html", cohorts=visible_cohorts(current_user), form=CohortForm())


@bp.post("")
@roles_required(Role.LEAD)
def create():
    form = CohortForm()
    if form.validate():
        try:
            cohort = cohort_service.create_cohort(current_user.id, form.name.data, form.start_date.data, form.weeks.data)
        except FieldError as error:
            show_error(form, error)
        else:
            flash(f"Cohort “{cohort.name}” created. Enroll engineers and mentors next.", "success")
            return redirect(url_for("cohorts.board", cohort_id=cohort.id))
    return render_template("cohorts/index.html", cohorts=visible_cohorts(current_user), form=form), 400


def _board(cohort: Cohort, enroll_form=None, report=None, status: int = 200):
    run = matching.latest_run(cohort.id)
    matches = db.session.scalars(select(Match).where(Match.cohort_id == cohort.id).order_by(Match.status, Match.id)).all()
    rules = {(rule.engineer_id, rule.mentor_id): rule.kind for rule in cohort_service.pair_rules(cohort.id)}
    engineers = cohort_service.members(cohort.id, MemberRole.ENGINEER)
    return render_template(
        "cohorts/board.html",
        cohort=cohort,
        engineers=engineers,
        progress=_matching_progress(engineers, matches),
        mentors=cohort_service.members(cohort.id, MemberRole.MENTOR),
        run=run,
        matches=matches,
        rules=rules,
        enroll_form=enroll_form or EnrollForm(),
        end_form=EndMatchForm(),
        report=report,
        may_view_assessments=can_view_cohort_assessments(current_user, cohort),
    ), status


def _matching_progress(engineers, matches) -> dict[str, int]:
    """How many of the cohort's engineers are matched, waiting for answers, or not matched yet."""
    state = {}
    for match in matches:
        if match.status == MatchStatus.ACTIVE or (match.status == MatchStatus.PROPOSED and state.get(match.engineer_id) != MatchStatus.ACTIVE):
            state[match.engineer_id] = match.status
    active = sum(1 for member in engineers if state.get(member.user_id) == MatchStatus.ACTIVE)
    proposed = sum(1 for member in engineers if state.get(member.user_id) == MatchStatus.PROPOSED)
    return {"active": active, "proposed": proposed, "unmatched": len(engineers) - active - proposed}


@bp.get("/<int:cohort_id>")
@roles_required(Role.LEAD)
def board(cohort_id: int):
    return _board(cohort_for_lead_or_404(cohort_id))


@bp.post("/<int:cohort_id>/enroll")
@roles_required(Role.LEAD)
def enroll(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = EnrollForm()
    if not form.validate():
        return _board(cohort, enroll_form=form, status=400)
    try:
        report = cohort_service.enroll(cohort.id, form.role.data, form.emails.data, actor_id=current_user.id)
    except FieldError as error:
        show_error(form, error)
        return _board(cohort, enroll_form=form, status=400)
    if report.problems:
        form.emails.errors = ["Nobody was enrolled. Fix these and submit again:", *report.problems]
        return _board(cohort, enroll_form=form, status=400)
    flash(f"Enrolled {len(report.added)}; {len(report.already)} were already in the cohort.", "success")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/runs")
@roles_required(Role.LEAD)
def start_run(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    try:
        matching.start_run(cohort.id, actor_id=current_user.id)
    except matching.MatchingError as error:
        flash(str(error), "error")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matching"))



@bp.get("/<int:cohort_id>/runs/<int:run_id>/progress")
@roles_required(Role.LEAD)
def run_progress(cohort_id: int, run_id: int):
    _, run = run_for_lead_or_404(cohort_id, run_id)
    return jsonify(status=run.status, progress=run.progress, stage=run.stage, error=run.error)


@bp.post("/<int:cohort_id>/runs/<int:run_id>/publish")
@roles_required(Role.LEAD)
def publish(cohort_id: int, run_id: int):
    cohort, _ = run_for_lead_or_404(cohort_id, run_id)
    try:
        created = matching.publish_run(run_id, actor_id=current_user.id)
    except matching.MatchingError as error:
        flash(str(error), "error")
    else:
        flash(f"Published {len(created)} proposed matches. Both sides are notified and have 7 days to answer.", "success")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matches"))


@bp.post("/<int:cohort_id>/rules")
@roles_required(Role.LEAD)
def set_rule(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    kind = request.form.get("kind") or None
    try:
        engineer_id, mentor_id = database_id(request.form["engineer_id"]), database_id(request.form["mentor_id"])
        cohort_service.set_pair_rule(cohort.id, engineer_id, mentor_id, None if kind == "clear" else kind, actor_id=current_user.id)
    except (KeyError, ValueError):
        flash("Choose an engineer and a mentor.", "error")
    except FieldError as error:
        flash(error.message, "error")
    else:
        flash({PairRuleKind.PINNED: "Pair pinned for the next run.", PairRuleKind.FORBIDDEN: "Pair forbidden for the next runs."}.get(kind, "Rule removed."), "success")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matching"))


@bp.post("/<int:cohort_id>/matches/<int:match_id>/end")
@roles_required(Role.LEAD)
def end_match(cohort_id: int, match_id: int):
    cohort, match = cohort_match_for_lead_or_404(cohort_id, match_id)
    form = EndMatchForm()
    if form.validate():
        try:
            matching.end_match(match.id, actor_id=current_user.id, reason=form.reason.data or "", completed=form.outcome.data == MatchStatus.COMPLETED)
        except matching.MatchingError as error:
            flash(str(error), "error")
        else:
            flash("Match completed." if form.outcome.data == MatchStatus.COMPLETED else "Match ended; the engineer joins the next run.", "success")
    else:
        flash("Nothing changed: " + " ".join(message for messages in form.errors.values() for message in messages), "error")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matches"))
