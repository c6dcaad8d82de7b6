from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from pmcohort.cohorts import bp
from pmcohort.cohorts.forms import CohortForm, EndMatchForm, EnrollForm
from pmcohort.extensions import db
from pmcohort.forms import database_id, show_error
from pmcohort.models import Cohort, Match, MatchingRun
from pmcohort.policy import can_view_cohort_assessments, cohort_for_lead_or_404, roles_required
from pmcohort.services import cohorts as cohort_service
from pmcohort.services import matching
from pmcohort.services.errors import FieldError


def _visible_cohorts() -> list[Cohort]:
    """Admins see every cohort; a lead sees the ones they lead."""
    if current_user.has_role("admin"):
        return list(db.session.scalars(select(Cohort).order_by(Cohort.start_date.desc())))
    return cohort_service.cohorts_led_by(current_user.id)


@bp.get("")
@roles_required("lead")
def index():
    return render_template("cohorts/index.html", cohorts=_visible_cohorts(), form=CohortForm())


@bp.post("")
@roles_required("lead")
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
    return render_template("cohorts/index.html", cohorts=_visible_cohorts(), form=form), 400


def _board(cohort: Cohort, enroll_form=None, report=None, status: int = 200):
    run = matching.latest_run(cohort.id)
    matches = db.session.scalars(select(Match).where(Match.cohort_id == cohort.id).order_by(Match.status, Match.id)).all()
    rules = {(rule.engineer_id, rule.mentor_id): rule.kind for rule in cohort_service.pair_rules(cohort.id)}
    engineers = cohort_service.members(cohort.id, "engineer")
    return render_template(
        "cohorts/board.html",
        cohort=cohort,
        engineers=engineers,
        progress=_matching_progress(engineers, matches),
        mentors=cohort_service.members(cohort.id, "mentor"),
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
        if match.status == "active" or (match.status == "proposed" and state.get(match.engineer_id) != "active"):
            state[match.engineer_id] = match.status
    active = sum(1 for member in engineers if state.get(member.user_id) == "active")
    proposed = sum(1 for member in engineers if state.get(member.user_id) == "proposed")
    return {"active": active, "proposed": proposed, "unmatched": len(engineers) - active - proposed}


@bp.get("/<int:cohort_id>")
@roles_required("lead")
def board(cohort_id: int):
    return _board(cohort_for_lead_or_404(cohort_id))


@bp.post("/<int:cohort_id>/enroll")
@roles_required("lead")
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
@roles_required("lead")
def start_run(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    try:
        matching.start_run(cohort.id, actor_id=current_user.id)
    except matching.MatchingError as error:
        flash(str(error), "error")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matching"))


def _run_of(cohort: Cohort, run_id: int) -> MatchingRun:
    run = db.session.get(MatchingRun, run_id)
    if run is None or run.cohort_id != cohort.id:
        abort(404)
    return run


@bp.get("/<int:cohort_id>/runs/<int:run_id>/progress")
@roles_required("lead")
def run_progress(cohort_id: int, run_id: int):
    run = _run_of(cohort_for_lead_or_404(cohort_id), run_id)
    return jsonify(status=run.status, progress=run.progress, stage=run.stage, error=run.error)


@bp.post("/<int:cohort_id>/runs/<int:run_id>/publish")
@roles_required("lead")
def publish(cohort_id: int, run_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    _run_of(cohort, run_id)
    try:
        created = matching.publish_run(run_id, actor_id=current_user.id)
    except matching.MatchingError as error:
        flash(str(error), "error")
    else:
        flash(f"Published {len(created)} proposed matches. Both sides are notified and have 7 days to answer.", "success")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matches"))


@bp.post("/<int:cohort_id>/rules")
@roles_required("lead")
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
        flash({"pinned": "Pair pinned for the next run.", "forbidden": "Pair forbidden for the next runs."}.get(kind, "Rule removed."), "success")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matching"))


@bp.post("/<int:cohort_id>/matches/<int:match_id>/end")
@roles_required("lead")
def end_match(cohort_id: int, match_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    match = db.session.get(Match, match_id)
    if match is None or match.cohort_id != cohort.id:
        abort(404)
    form = EndMatchForm()
    if form.validate():
        try:
            matching.end_match(match.id, actor_id=current_user.id, reason=form.reason.data or "", completed=form.outcome.data == "completed")
        except matching.MatchingError as error:
            flash(str(error), "error")
        else:
            flash("Match completed." if form.outcome.data == "completed" else "Match ended; the engineer joins the next run.", "success")
    else:
        flash("Nothing changed: " + " ".join(message for messages in form.errors.values() for message in messages), "error")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matches"))
