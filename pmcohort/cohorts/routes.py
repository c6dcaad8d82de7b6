from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from pmcohort.cohorts import services as cohort_service
from pmcohort.cohorts.forms import CohortForm, EndMatchForm, EnrollForm, PairRuleForm, PinForm
from pmcohort.cohorts.models import Cohort
from pmcohort.core.forms import choices_from, service_errors
from pmcohort.domain.statuses import MatchStatus, MemberRole, PairRuleKind, Role
from pmcohort.domain.wording import counted
from pmcohort.mentorships import rematch
from pmcohort.mentorships import runs as matching_runs
from pmcohort.mentorships import services as matching
from pmcohort.plans import services as plan_service
from pmcohort.policy import (
    can_view_cohort_assessments,
    cohort_for_lead_or_404,
    cohort_match_for_lead_or_404,
    roles_required,
    run_for_lead_or_404,
    visible_cohorts,
)

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


@bp.get("")
@roles_required(Role.LEAD)
def index():
    return render_template("cohorts/index.html", cohorts=visible_cohorts(current_user), form=CohortForm())


@bp.post("")
@roles_required(Role.LEAD)
def create():
    form = CohortForm()
    if form.validate():
        with service_errors(form):
            cohort = cohort_service.create_cohort(
                current_user.id, form.name.data, form.start_date.data, form.weeks.data
            )
            flash(f"Cohort “{cohort.name}” created. Enroll engineers and mentors next.", "success")
            return redirect(url_for("cohorts.board", cohort_id=cohort.id), 303)
    return render_template("cohorts/index.html", cohorts=visible_cohorts(current_user), form=form), 400


def _board(cohort: Cohort, enroll_form=None, report=None, status: int = 200):
    run = matching_runs.latest_run(cohort.id)
    counted_matches = matching_runs.board_matches(cohort.id)
    matches = [match for match in counted_matches if match.cohort_id == cohort.id]
    rules = {(rule.engineer_id, rule.mentor_id): rule.kind for rule in cohort_service.pair_rules(cohort.id)}
    members = cohort_service.members(cohort.id)
    engineers, mentors = members[MemberRole.ENGINEER], members[MemberRole.MENTOR]
    pin_form = PinForm(formdata=None)
    pin_form.mentor_id.choices = choices_from({member.user_id: member.user.name for member in mentors})
    return render_template(
        "cohorts/board.html",
        cohort=cohort,
        engineers=engineers,
        progress=_matching_progress(engineers, counted_matches),
        mentors=mentors,
        run=run,
        matches=matches,
        rules=rules,
        enroll_form=enroll_form or EnrollForm(),
        end_form=EndMatchForm(),
        rule_form=PairRuleForm(formdata=None),
        pin_form=pin_form,
        report=report,
        may_view_assessments=can_view_cohort_assessments(current_user, cohort),
        overdue_milestones=plan_service.overdue_in_cohort(cohort.id),
        rematch_proposals=rematch.open_proposals_in(cohort.id),
    ), status


def _matching_progress(engineers, matches) -> dict[str, int]:
    """How many of the cohort's engineers are matched, waiting for answers, or not matched yet.

    `matches` holds the cohort's own and the active ones kept from before, which count as matched too.
    """
    state = {}
    for match in matches:
        if match.status == MatchStatus.ACTIVE or (
            match.status == MatchStatus.PROPOSED and state.get(match.engineer_id) != MatchStatus.ACTIVE
        ):
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
    with service_errors(form):
        report = cohort_service.enroll(cohort.id, form.role.data, form.emails.data, actor_id=current_user.id)
    if form.errors:
        return _board(cohort, enroll_form=form, status=400)
    if report.problems:
        form.emails.errors = ["Nobody was enrolled. Fix these and submit again:", *report.problems]
        return _board(cohort, enroll_form=form, status=400)
    flash(
        f"Enrolled {counted(len(report.added), 'person', 'people')}; {len(report.already)} {'was' if len(report.already) == 1 else 'were'} already in the cohort.",
        "success",
    )
    return redirect(url_for("cohorts.board", cohort_id=cohort.id), 303)


@bp.post("/<int:cohort_id>/runs")
@roles_required(Role.LEAD)
def start_run(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    with service_errors():
        matching_runs.start_run(cohort.id, actor_id=current_user.id)
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matching"), 303)


@bp.get("/<int:cohort_id>/runs/<int:run_id>/progress")
@roles_required(Role.LEAD)
def run_progress(cohort_id: int, run_id: int):
    _, run = run_for_lead_or_404(cohort_id, run_id)
    return jsonify(status=run.status, progress=run.progress, stage=run.stage, error=run.error)


@bp.post("/<int:cohort_id>/runs/<int:run_id>/publish")
@roles_required(Role.LEAD)
def publish(cohort_id: int, run_id: int):
    cohort, _ = run_for_lead_or_404(cohort_id, run_id)
    with service_errors():
        created = matching_runs.publish_run(run_id, actor_id=current_user.id)
        flash(
            f"Published {counted(len(created), 'proposed match', 'proposed matches')}. Both sides are notified and have 7 days to answer.",
            "success",
        )
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matches"), 303)


@bp.post("/<int:cohort_id>/rules")
@roles_required(Role.LEAD)
def set_rule(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = PairRuleForm()
    if not form.validate():
        flash("Choose an engineer and a mentor.", "error")
    else:
        with service_errors():
            cohort_service.set_pair_rule(
                cohort.id, form.engineer_id.data, form.mentor_id.data, form.rule(), actor_id=current_user.id
            )
            done = {
                PairRuleKind.PINNED: "Pair pinned for the next run.",
                PairRuleKind.FORBIDDEN: "Pair forbidden for the next runs.",
            }
            flash(done.get(form.rule(), "Rule removed."), "success")
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matching"), 303)


@bp.post("/<int:cohort_id>/matches/<int:match_id>/end")
@roles_required(Role.LEAD)
def end_match(cohort_id: int, match_id: int):
    cohort, match = cohort_match_for_lead_or_404(cohort_id, match_id)
    form = EndMatchForm()
    if form.validate():
        with service_errors():
            matching.end_match(
                match.id,
                actor_id=current_user.id,
                reason=form.reason.data or "",
                completed=form.outcome.data == MatchStatus.COMPLETED,
            )
            flash(
                "Match completed."
                if form.outcome.data == MatchStatus.COMPLETED
                else "Match ended; the engineer joins the next run.",
                "success",
            )
    else:
        flash(
            "Nothing changed: " + " ".join(message for messages in form.errors.values() for message in messages),
            "error",
        )
    return redirect(url_for("cohorts.board", cohort_id=cohort.id, _anchor="matches"), 303)
