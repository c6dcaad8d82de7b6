from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pmcohort.assessment import services as assessments
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import limiter
from pmcohort.core.forms import service_errors
from pmcohort.domain import readiness
from pmcohort.domain.quick_check import QUICK_CHECK
from pmcohort.domain.statuses import Role
from pmcohort.quickcheck import carry
from pmcohort.quickcheck import services as quick_checks
from pmcohort.quickcheck.forms import QuickCheckForm, SaveForm

bp = Blueprint("quickcheck", __name__)


@bp.route("/check", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_PAGE_RATE_LIMIT"])  # public: no sign-in needed
def check():
    form = QuickCheckForm()
    if form.validate_on_submit():
        with service_errors(form):
            answers, estimate = quick_checks.take_check(form.answers())
            return render_template(
                "quickcheck/result.html",
                estimate=estimate,
                answers=answers,
                questions=QUICK_CHECK.questions,
                save_form=SaveForm(),
                answer_text=readiness.answer_text,
            )
    return render_template(
        "quickcheck/check.html",
        form=form,
        questions=QUICK_CHECK.questions,
        minutes=readiness.minutes_to_answer(QUICK_CHECK.questions),
    ), 400 if form.is_submitted() else 200


@bp.post("/check/save")
@limiter.limit(lambda: current_app.config["PUBLIC_PAGE_RATE_LIMIT"])
def save():
    form = SaveForm()
    if not form.validate():
        flash("The page had expired, so nothing was saved. Take the check again; it takes two minutes.", "error")
        return redirect(url_for("quickcheck.check"), 303)
    try:
        answers = quick_checks.check_answers(request.form)
    except ServiceError:
        flash("Those answers could not be read, so nothing was saved. Take the check again.", "error")
        return redirect(url_for("quickcheck.check"), 303)
    quick_checks.count_saved(answers)
    if current_user.is_authenticated:
        if current_user.has_role(Role.ENGINEER):
            assessments.start_from_answers(current_user.id, answers)
            flash("Your quick-check answers are in your assessment. Answer the rest to get your full result.", "info")
            return redirect(url_for("assessment.overview"), 303)
        return redirect(url_for("main.dashboard"), 303)
    carry.keep(answers)
    return redirect(url_for("auth.signup"), 303)
