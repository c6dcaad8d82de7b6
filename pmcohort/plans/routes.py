from flask import render_template, request, url_for
from flask_login import current_user

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.core.forms import form_page, form_status, press, submit
from pmcohort.domain import plan_timeline, plans
from pmcohort.domain.statuses import Role
from pmcohort.plans import pack
from pmcohort.plans import services as plan_service
from pmcohort.plans.forms import MilestoneForm, MoveForm, PlanForm, SeasonForm, TickForm
from pmcohort.policy import (
    milestone_for_editor_or_404,
    milestone_for_engineer_or_404,
    plan_editor_or_404,
    plan_owner_or_404,
    roles_required,
    signed_in_blueprint,
)
from pmcohort.profiles.models import EngineerProfile

bp = signed_in_blueprint("plans", __name__)


def _plan_form(form: PlanForm | None = None) -> PlanForm:
    if form is not None:
        return form
    profile = db.session.get(EngineerProfile, current_user.id)
    return PlanForm(
        formdata=None, path=profile.path if profile else None, start_date=plan_service.today(), replace=False
    )


def _timeline(plan, on) -> plan_timeline.Timeline:
    return plan_timeline.layout(
        plan.start_date,
        on,
        [plan_timeline.ChartMilestone(m.title, m.due_week, m.state(plan.start_date, on)) for m in plan.milestones],
        {phase.key: phase.label for phase in plans.PHASES},
    )


def _render(engineer_id: int, *, plan_form=None, milestone_form=None, failed: dict | None = None, status=200):
    """The plan page, for the engineer and everyone who may see it. `failed` re-shows one milestone's
    form with its errors: {"move" or "tick": (milestone id, form)}."""
    engineer = db.session.get(User, engineer_id)
    plan = plan_service.plan_of(engineer_id)
    own = engineer_id == current_user.id
    on = plan_service.today()
    return render_template(
        "plans/plan.html",
        engineer=engineer,
        own=own,
        plan=plan,
        today=on,
        path_plan=plans.path_plans()[plan.path] if plan else None,
        timeline=_timeline(plan, on) if plan else None,
        by_phase=plan_service.milestones_by_phase(plan) if plan else [],
        may_edit=plan is not None and plan_service.may_edit(current_user.id, engineer_id),
        plan_form=_plan_form(plan_form) if own else None,
        milestone_form=milestone_form or MilestoneForm(formdata=None),
        move_form=lambda m: _milestone_form(MoveForm, "move", m.id, failed or {}),
        tick_form=lambda m: _milestone_form(TickForm, "tick", m.id, failed or {}),
        no_seasons=plan is not None and plan.path == "apm_program" and not plan_service.seasons(),
        plans=plans,
    ), status


def _milestone_form(form_class, action: str, milestone_id: int, failed: dict):
    """A milestone's own form (its fields prefixed with the action and id, as several share the page):
    the one that just failed, with its errors and typed text, or a blank one."""
    failed_id, form = failed.get(action, (None, None))
    return form if failed_id == milestone_id else form_class(formdata=None, prefix=f"{action}{milestone_id}")


@bp.route("/plan", methods=["GET", "POST"])
@roles_required(Role.ENGINEER)
def mine():
    form = PlanForm() if request.method == "POST" else _plan_form()
    return submit(
        lambda: plan_service.create_plan(
            current_user.id, path=form.path.data, start=form.start_date.data, replace=form.replace.data
        ),
        "Your 12-month plan is ready. Milestones with a session or a retake tick themselves.",
        url_for("plans.mine"),
        form=form,
    ) or _render(current_user.id, plan_form=form, status=form_status(form))


@bp.get("/plan/<int:user_id>")
def engineer_plan(user_id: int):
    plan_owner_or_404(user_id)
    return _render(user_id)


@bp.post("/plan/<int:user_id>/milestones")
def add_milestone(user_id: int):
    plan_editor_or_404(user_id)
    form = MilestoneForm()
    return submit(
        lambda: plan_service.add_milestone(
            user_id,
            actor_id=current_user.id,
            title=form.title.data or "",
            done_when=form.done_when.data or "",
            due=form.due.data,
            note=form.note.data or "",
        ),
        "Milestone added.",
        _plan_url(user_id),
        form=form,
    ) or _render(user_id, milestone_form=form, status=400)


@bp.post("/plan/milestones/<int:milestone_id>/move")
def move_milestone(milestone_id: int):
    milestone = milestone_for_editor_or_404(milestone_id)
    form = MoveForm(prefix=f"move{milestone_id}")

    def move() -> None:
        note = form.note.data or ""
        plan_service.move_milestone(milestone_id, actor_id=current_user.id, due=form.due.data, note=note)

    return _milestone_action(milestone, "move", form, move, f"“{milestone.title}” moved.")


@bp.post("/plan/milestones/<int:milestone_id>/tick")
def tick_milestone(milestone_id: int):
    milestone = milestone_for_engineer_or_404(milestone_id)
    form = TickForm(prefix=f"tick{milestone_id}")

    def tick() -> None:
        note, link = form.note.data or "", form.link.data or ""
        plan_service.tick(milestone_id, actor_id=current_user.id, note=note, link=link)

    return _milestone_action(milestone, "tick", form, tick, f"“{milestone.title}” is done.")


def _milestone_action(milestone, name: str, form, act, done_message: str):
    """A milestone's own small form (`name` prefixes its fields): done, back to the milestone on its
    plan; refused, the plan again with the form's errors at that milestone."""
    owner_id = milestone.plan.user_id
    return submit(act, done_message, _plan_url(owner_id, milestone.id), form=form) or _render(
        owner_id, failed={name: (milestone.id, form)}, status=400
    )


@bp.post("/plan/milestones/<int:milestone_id>/untick")
def untick_milestone(milestone_id: int):
    milestone = milestone_for_engineer_or_404(milestone_id)
    return press(
        lambda: plan_service.untick(milestone_id, actor_id=current_user.id),
        f"“{milestone.title}” is open again.",
        _plan_url(current_user.id, milestone_id),
    )


def _plan_url(engineer_id: int, milestone_id: int | None = None) -> str:
    anchor = f"milestone-{milestone_id}" if milestone_id else None
    if engineer_id == current_user.id:
        return url_for("plans.mine", _anchor=anchor)
    return url_for("plans.engineer_plan", user_id=engineer_id, _anchor=anchor)


@bp.get("/plan/<int:user_id>/evidence-pack")
def evidence_pack(user_id: int):
    plan_owner_or_404(user_id)
    return render_template("plans/evidence_pack.html", pack=pack.evidence_pack(user_id), plans=plans)


# --- APM seasons, entered by admins because the dates change every year


@bp.route("/admin/apm-seasons", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def seasons():
    form = SeasonForm()
    return submit(
        lambda: plan_service.add_season(
            current_user.id,
            program=form.program.data or "",
            opens_on=form.opens_on.data,
            closes_on=form.closes_on.data,
            link=form.link.data or "",
        ),
        lambda season: f"{season.program} added. New APM plans get a milestone for it.",
        url_for("plans.seasons"),
        form=form,
    ) or form_page("plans/seasons.html", form, seasons=plan_service.seasons())


@bp.post("/admin/apm-seasons/<int:season_id>/delete")
@roles_required(Role.ADMIN)
def remove_season(season_id: int):
    return press(
        lambda: plan_service.remove_season(season_id, actor_id=current_user.id),
        "Season removed.",
        url_for("plans.seasons"),
    )
