from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pmcohort.assessment import bp
from pmcohort.domain import assessment
from pmcohort.domain.statuses import Role
from pmcohort.extensions import db
from pmcohort.forms import UNSTORABLE_MESSAGE, has_unstorable_characters
from pmcohort.models import AssessmentAttempt, User
from pmcohort.policy import attempt_for_viewer_or_404, engineer_results_or_404, roles_required
from pmcohort.services import assessments
from pmcohort.services.errors import FieldError
from pmcohort.templating import local_time


@bp.get("/assessment")
@roles_required(Role.ENGINEER)
def overview():
    answers = assessments.draft_answers(current_user.id)
    return render_template(
        "assessment/overview.html",
        pages=assessment.PAGES,
        answers=answers,
        resume_at=assessments.first_incomplete_page(answers),
        allowed_from=assessments.next_attempt_allowed_at(current_user.id),
        latest=assessments.latest_attempt(current_user.id),
    )


@bp.route("/assessment/step/<int:number>", methods=["GET", "POST"])
@roles_required(Role.ENGINEER)
def step(number: int):
    if not 1 <= number <= len(assessment.PAGES):
        abort(404)
    allowed_from = assessments.next_attempt_allowed_at(current_user.id)
    if allowed_from is not None:
        return redirect(url_for("assessment.overview"))
    page = assessment.PAGES[number - 1]
    errors: dict[str, str] = {}
    answers = assessments.draft_answers(current_user.id)
    if request.method == "POST":
        errors = {q.key: UNSTORABLE_MESSAGE for q in page.questions
                  if any(has_unstorable_characters(value) for value in request.form.getlist(q.key))}
        errors = errors or assessments.save_page(current_user.id, number - 1, request.form)
        if not errors:
            if request.form.get("direction") == "back" and number > 1:
                return redirect(url_for("assessment.step", number=number - 1))
            if number < len(assessment.PAGES):
                return redirect(url_for("assessment.step", number=number + 1))
            return _finish()
        answers = {**answers, **{key: request.form.get(key, "") for key in (q.key for q in page.questions)}}
    return render_template(
        "assessment/step.html", page=page, number=number, total=len(assessment.PAGES), answers=answers, errors=errors
    ), 400 if errors else 200


def _finish():
    try:
        attempt = assessments.complete(current_user.id)
    except FieldError:
        answers = assessments.draft_answers(current_user.id)
        missing = assessments.first_incomplete_page(answers) or 0
        flash("A few questions still need an answer.", "error")
        return redirect(url_for("assessment.step", number=missing + 1))
    except assessments.RetakeTooSoon:
        return redirect(url_for("assessment.overview"))
    flash("Your readiness profile is ready.", "success")
    return redirect(url_for("assessment.result", attempt_id=attempt.id))



@bp.get("/assessment/results/<int:attempt_id>")
@login_required
def result(attempt_id: int):
    attempt = attempt_for_viewer_or_404(attempt_id)
    return _render_result(attempt)


@bp.get("/engineers/<int:user_id>/assessment")
@login_required
def engineer_result(user_id: int):
    engineer_results_or_404(user_id)
    latest = assessments.latest_attempt(user_id)
    if latest is None:
        abort(404)
    return _render_result(latest)


def _render_result(attempt: AssessmentAttempt):
    engineer = db.session.get(User, attempt.user_id)
    own = engineer.id == current_user.id
    return render_template(
        "assessment/result.html",
        attempt=attempt,
        engineer=engineer,
        own=own,
        history_points=[(local_time(past.completed_at, "day"), past.readiness) for past in assessments.history(engineer.id)],
        allowed_from=assessments.next_attempt_allowed_at(engineer.id) if own else None,
    )
