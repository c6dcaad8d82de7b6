from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pmcohort.accounts.models import User
from pmcohort.assessment import services as assessments
from pmcohort.assessment.forms import step_form
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.forms import form_page, service_errors
from pmcohort.core.templating import local_time
from pmcohort.domain import readiness as assessment
from pmcohort.domain.statuses import Role
from pmcohort.domain.wording import possessive
from pmcohort.evidence.services import latest_attempt
from pmcohort.policy import attempt_for_viewer_or_404, engineer_results_or_404, roles_required, signed_in_blueprint
from pmcohort.profiles.models import AssessmentAttempt

bp = signed_in_blueprint("assessment", __name__)


@bp.get("/assessment")
@roles_required(Role.ENGINEER)
def overview():
    shown = assessments.overview(current_user.id)
    return render_template(
        "assessment/overview.html",
        pages=assessment.PAGES,
        minutes=assessment.minutes_to_answer(assessment.QUESTIONS),
        answers=shown.answers,
        resume_at=assessments.first_incomplete_page(shown.answers),
        allowed_from=shown.allowed_from,
        latest=shown.latest,
    )


@bp.route("/assessment/step/<int:number>", methods=["GET", "POST"])
@roles_required(Role.ENGINEER)
def step(number: int):
    if not 1 <= number <= len(assessment.PAGES):
        abort(404)
    if assessments.next_attempt_allowed_at(current_user.id) is not None:
        return redirect(url_for("assessment.overview"), 303)
    page = assessment.PAGES[number - 1]
    saved = None if request.method == "POST" else assessments.draft_answers(current_user.id)
    form = step_form(
        page, saved, last=number == len(assessment.PAGES), attempt_seed=assessments.attempt_seed(current_user.id)
    )
    if form.validate_on_submit():
        with service_errors(form):
            assessments.save_page(current_user.id, number - 1, form.answers())
            if form.back.data and number > 1:
                return redirect(url_for("assessment.step", number=number - 1), 303)
            if number < len(assessment.PAGES):
                return redirect(url_for("assessment.step", number=number + 1), 303)
            return _finish()
    return form_page("assessment/step.html", form, page=page, number=number, total=len(assessment.PAGES))


def _finish():
    try:
        attempt = assessments.complete(current_user.id)
    except ServiceError as error:
        flash(error.message, "error")
        if error.field is None:  # taken too recently
            return redirect(url_for("assessment.overview"), 303)
        missing = assessments.first_incomplete_page(assessments.draft_answers(current_user.id)) or 0
        return redirect(url_for("assessment.step", number=missing + 1), 303)
    flash("Your readiness profile is ready.", "success")
    return redirect(url_for("assessment.result", attempt_id=attempt.id), 303)


@bp.get("/assessment/results/<int:attempt_id>")
def result(attempt_id: int):
    attempt = attempt_for_viewer_or_404(attempt_id)
    return _render_result(attempt)


@bp.get("/engineers/<int:user_id>/assessment")
def engineer_result(user_id: int):
    engineer_results_or_404(user_id)
    latest = latest_attempt(user_id)
    if latest is None:
        abort(404)
    return _render_result(latest)


def _render_result(attempt: AssessmentAttempt):
    engineer = db.session.get(User, attempt.user_id)
    own = engineer.id == current_user.id
    previous = assessments.previous_attempt(attempt)
    change = (
        assessment.explain_change(previous.answers, previous.scoring_version, attempt.answers, attempt.scoring_version)
        if previous is not None and previous.scoring_version <= attempt.scoring_version
        else None
    )
    return render_template(
        "assessment/result.html",
        attempt=attempt,
        # The stored columns are what lists and matching read; the rest of a result is re-derived from the answers.
        result=assessment.score(
            assessment.readable_answers(attempt.answers, attempt.scoring_version), attempt.scoring_version
        ),
        previous=previous,
        change=change,
        answer_text=assessment.answer_text,
        engineer=engineer,
        own=own,
        whose="your" if own else possessive(engineer.first_name),
        history_points=[
            (local_time(past.completed_at, "day"), past.readiness) for past in assessments.history(engineer.id)
        ],
        allowed_from=assessments.next_attempt_allowed_at(engineer.id) if own else None,
    )
