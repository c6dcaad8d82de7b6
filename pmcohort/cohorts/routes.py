from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from pmcohort.cohorts import board_reads, dashboard, exports, roster
from pmcohort.cohorts import services as cohort_service
from pmcohort.cohorts.forms import (
    AnnouncementForm,
    ButtonForm,
    CohortDetailsForm,
    CohortForm,
    EndMatchForm,
    EnrollForm,
    ImportForm,
    InviteForm,
    LeadForm,
    MemberForm,
    MoveForm,
    PairRuleForm,
    PinForm,
    StatusForm,
)
from pmcohort.cohorts.models import Cohort
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import limiter
from pmcohort.core.forms import choices_from, form_page, form_status, press, service_errors, submit
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import UPLOAD_MAX_BYTES
from pmcohort.domain.statuses import COHORT_STATUS_LABELS, MatchStatus, MemberRole, PairRuleKind, Role
from pmcohort.domain.wording import counted
from pmcohort.mentorships import runs as matching_runs
from pmcohort.mentorships import services as matching
from pmcohort.policy import (
    can_view_cohort_assessments,
    cohort_for_lead_or_404,
    cohort_match_for_lead_or_404,
    roles_required,
    run_for_lead_or_404,
    signed_in_blueprint,
    visible_cohorts,
)

# A cohort's own pages ask only for a signed-in user: `cohort_for_lead_or_404` answers 404 to all but
# its leads and admins, engineers and mentors included, so nobody else learns the cohort exists.
# An invitation's page is for whoever holds its link.
bp = signed_in_blueprint("cohorts", __name__, url_prefix="/cohorts", public=("invitation",))


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.LEAD)
def index():
    form = CohortForm()
    return submit(
        lambda: cohort_service.create_cohort(current_user.id, form.name.data, form.start_date.data, form.weeks.data),
        lambda cohort: f"Cohort “{cohort.name}” created. Enroll engineers and mentors next.",
        lambda cohort: url_for("cohorts.board", cohort_id=cohort.id),
        form=form,
    ) or form_page("cohorts/index.html", form, cohorts=visible_cohorts(current_user))


def _board(cohort: Cohort, enroll_form=None, report=None, status: int = 200):
    run = matching_runs.latest_run(cohort.id)
    counted_matches, rematch_proposals = board_reads.matches_and_rematch_proposals(cohort.id)
    matches = [match for match in counted_matches if match.cohort_id == cohort.id]
    rules = {(rule.engineer_id, rule.mentor_id): rule.kind for rule in cohort_service.pair_rules(cohort.id)}
    people = board_reads.people_and_overdue_milestones(cohort.id)
    engineers, mentors = people.engineers, people.mentors
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
        overdue_milestones=people.overdue,
        rematch_proposals=rematch_proposals,
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
def board(cohort_id: int):
    return _board(cohort_for_lead_or_404(cohort_id))


@bp.post("/<int:cohort_id>/enroll")
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
    dashboard.forget(cohort)
    flash(
        f"Enrolled {counted(len(report.added), 'person', 'people')}; {len(report.already)} {'was' if len(report.already) == 1 else 'were'} already in the cohort.",
        "success",
    )
    return redirect(url_for("cohorts.board", cohort_id=cohort.id), 303)


@bp.post("/<int:cohort_id>/runs")
def start_run(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)

    def start() -> None:
        cohort_service.ensure_editable(cohort)
        matching_runs.start_run(cohort.id, actor_id=current_user.id)

    return press(start, message=None, to=url_for("cohorts.board", cohort_id=cohort.id, _anchor="matching"))


@bp.get("/<int:cohort_id>/runs/<int:run_id>/progress")
def run_progress(cohort_id: int, run_id: int):
    _, run = run_for_lead_or_404(cohort_id, run_id)
    return jsonify(status=run.status, progress=run.progress, stage=run.stage, error=run.error)


@bp.post("/<int:cohort_id>/runs/<int:run_id>/publish")
def publish(cohort_id: int, run_id: int):
    cohort, _ = run_for_lead_or_404(cohort_id, run_id)

    def publish_proposals():
        cohort_service.ensure_editable(cohort)
        created = matching_runs.publish_run(run_id, actor_id=current_user.id)
        dashboard.forget(cohort)
        return created

    return press(
        publish_proposals,
        lambda created: (
            f"Published {counted(len(created), 'proposed match', 'proposed matches')}. "
            "Both sides are notified and have 7 days to answer."
        ),
        url_for("cohorts.board", cohort_id=cohort.id, _anchor="matches"),
    )


@bp.post("/<int:cohort_id>/rules")
def set_rule(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = PairRuleForm()
    said = {
        PairRuleKind.PINNED: "Pair pinned for the next run.",
        PairRuleKind.FORBIDDEN: "Pair forbidden for the next runs.",
    }
    return press(
        lambda: cohort_service.set_pair_rule(
            cohort.id, form.engineer_id.data, form.mentor_id.data, form.rule(), actor_id=current_user.id
        ),
        lambda _: said.get(form.rule(), "Rule removed."),
        url_for("cohorts.board", cohort_id=cohort.id, _anchor="matching"),
        form=form,
        refused="Choose an engineer and a mentor.",
    )


@bp.post("/<int:cohort_id>/matches/<int:match_id>/end")
def end_match(cohort_id: int, match_id: int):
    cohort, match = cohort_match_for_lead_or_404(cohort_id, match_id)
    form = EndMatchForm()
    back = url_for("cohorts.board", cohort_id=cohort.id, _anchor="matches")
    if not form.validate():
        flash(
            "Nothing changed: " + " ".join(message for messages in form.errors.values() for message in messages),
            "error",
        )
        return redirect(back, 303)
    completed = form.outcome.data == MatchStatus.COMPLETED

    def end() -> None:
        matching.end_match(match.id, actor_id=current_user.id, reason=form.reason.data or "", completed=completed)
        dashboard.forget(cohort)

    return press(end, "Match completed." if completed else "Match ended; the engineer joins the next run.", back)


# --- the cohort lead's console


def _dashboard_view(cohort: Cohort) -> dashboard.Dashboard:
    def render(view: dashboard.Dashboard) -> tuple[str, str]:
        return (
            render_template("cohorts/_dashboard_sections.html", view=view),
            render_template("cohorts/_at_risk.html", view=view, cohort=cohort),
        )

    return dashboard.current(cohort, render, fresh=request.args.get("fresh") == "1")


@bp.get("/<int:cohort_id>/console")
def console(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    view = _dashboard_view(cohort)
    return render_template("cohorts/console.html", cohort=cohort, view=view)


@bp.get("/<int:cohort_id>/report")
def report(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    return render_template("cohorts/report.html", cohort=cohort, view=_dashboard_view(cohort))


@bp.post("/<int:cohort_id>/status")
def change_status(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = StatusForm()

    def change() -> None:
        cohort_service.change_status(cohort.id, form.target.data, actor_id=current_user.id)
        dashboard.forget(cohort)

    return press(
        change,
        lambda _: f"The cohort is now {COHORT_STATUS_LABELS[cohort.status].lower()}.",
        url_for("cohorts.console", cohort_id=cohort.id),
        form=form,
    )


def _settings(cohort: Cohort, details_form=None, lead_form=None, status: int = 200):
    if details_form is None:
        details_form = CohortDetailsForm(formdata=None, obj=cohort)
    return render_template(
        "cohorts/settings.html",
        cohort=cohort,
        details_form=details_form,
        lead_form=lead_form or LeadForm(formdata=None),
        button_form=ButtonForm(formdata=None),
        leads=cohort_service.lead_users(cohort.id),
    ), status


@bp.route("/<int:cohort_id>/settings", methods=["GET", "POST"])
def settings(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    # The stored details to start from; a post's form holds what was posted, nothing else.
    form = CohortDetailsForm(obj=cohort if request.method == "GET" else None)
    return submit(
        lambda: cohort_service.update_details(
            cohort.id,
            name=form.name.data,
            start_date=form.start_date.data,
            weeks=form.weeks.data,
            description=form.description.data or "",
            actor_id=current_user.id,
        ),
        "Cohort details saved.",
        url_for("cohorts.settings", cohort_id=cohort.id),
        form=form,
    ) or _settings(cohort, details_form=form, status=form_status(form))


@bp.post("/<int:cohort_id>/leads")
def add_lead(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = LeadForm()
    return submit(
        lambda: cohort_service.add_lead(cohort.id, form.email.data, actor_id=current_user.id),
        lambda user: f"{user.name} now leads this cohort too.",
        url_for("cohorts.settings", cohort_id=cohort.id, _anchor="leads"),
        form=form,
    ) or _settings(cohort, lead_form=form, status=400)


@bp.post("/<int:cohort_id>/leads/<int:user_id>/remove")
def remove_lead(cohort_id: int, user_id: int):
    cohort_for_lead_or_404(cohort_id)
    return press(
        lambda: cohort_service.remove_lead(cohort_id, user_id, actor_id=current_user.id),
        "Lead removed from this cohort.",
        url_for("cohorts.settings", cohort_id=cohort_id, _anchor="leads"),
        form=ButtonForm(),
    )


MEMBERS_PER_PAGE = 100


def _members_page(cohort: Cohort, invite_form=None, status: int = 200):
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    members = cohort_service.members(cohort.id)
    everyone = [*members[MemberRole.ENGINEER], *members[MemberRole.MENTOR]]
    shown = everyone[(page - 1) * MEMBERS_PER_PAGE : page * MEMBERS_PER_PAGE]
    return render_template(
        "cohorts/members.html",
        cohort=cohort,
        members=shown,
        engineers=len(members[MemberRole.ENGINEER]),
        mentors=len(members[MemberRole.MENTOR]),
        page=page,
        pages=max((len(everyone) + MEMBERS_PER_PAGE - 1) // MEMBERS_PER_PAGE, 1),
        invite_form=invite_form or InviteForm(formdata=None),
        invitations=roster.unanswered_invitations(cohort.id),
        resend_form=ButtonForm(formdata=None),
        now=utcnow(),
        departures=cohort_service.departures(cohort.id),
    ), status


@bp.get("/<int:cohort_id>/members")
def members(cohort_id: int):
    return _members_page(cohort_for_lead_or_404(cohort_id))


def _member_or_404(cohort: Cohort, user_id: int):
    member = cohort_service.membership(cohort.id, user_id)
    if member is None:
        abort(404)
    return member


@bp.get("/<int:cohort_id>/members/<int:user_id>")
def member(cohort_id: int, user_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    return _member_page(cohort, _member_or_404(cohort, user_id))


def _member_page(cohort: Cohort, member, remove_form=None, move_form=None, status: int = 200):
    move_form = move_form or MoveForm(formdata=None, user_id=member.user_id, role=member.role)
    move_form.to_cohort_id.choices = _cohorts_to_move_to(cohort)
    return render_template(
        "cohorts/member.html",
        cohort=cohort,
        member=member,
        remove_form=remove_form or MemberForm(formdata=None, user_id=member.user_id, role=member.role),
        move_form=move_form,
    ), status


def _cohorts_to_move_to(cohort: Cohort) -> list:
    """The choices of the move form: the other cohorts the signed-in lead may move a member to."""
    allowed = cohort_service.cohorts_movable_to(cohort.id, current_user.id, is_admin=current_user.has_role(Role.ADMIN))
    return choices_from({other.id: other.name for other in allowed})


def _change_member(cohort: Cohort, member, form_name: str, form, change, message: str):
    """A change to a member from their page (`form_name`: "remove_form" or "move_form"): done, back to
    the members list with the console's figures refreshed; refused, their page with the errors at `form`."""

    def change_and_forget() -> None:
        change()
        dashboard.forget(cohort)

    return submit(
        change_and_forget, message, url_for("cohorts.members", cohort_id=cohort.id), form=form
    ) or _member_page(cohort, member, status=400, **{form_name: form})


@bp.post("/<int:cohort_id>/members/<int:user_id>/remove")
def remove_member(cohort_id: int, user_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    member = _member_or_404(cohort, user_id)
    form = MemberForm()
    left = f"{member.user.name} left the cohort. Their sessions and history stay."

    def remove() -> None:
        reason = form.reason.data or ""
        cohort_service.remove_member(cohort.id, user_id, member.role, actor_id=current_user.id, reason=reason)

    return _change_member(cohort, member, "remove_form", form, remove, left)


@bp.post("/<int:cohort_id>/members/<int:user_id>/move")
def move_member(cohort_id: int, user_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    member = _member_or_404(cohort, user_id)
    form = MoveForm()
    form.to_cohort_id.choices = _cohorts_to_move_to(cohort)
    moved = f"{member.user.name} moved to another cohort. Their history here stays."

    def move() -> None:
        to_cohort_id, reason = form.to_cohort_id.data, form.reason.data or ""
        cohort_service.move_member(
            cohort.id, user_id, member.role, to_cohort_id, actor_id=current_user.id, reason=reason
        )

    return _change_member(cohort, member, "move_form", form, move, moved)


def _valid_until(invitation) -> str:
    return f"valid until {invitation.expires_at:%d %b %Y}"


@bp.post("/<int:cohort_id>/invitations")
def invite(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = InviteForm()
    return submit(
        lambda: roster.invite(
            cohort.id, form.email.data, form.role.data, actor_id=current_user.id, name=form.name.data or ""
        ),
        lambda invitation: f"Invitation sent to {invitation.email}, {_valid_until(invitation)}.",
        url_for("cohorts.members", cohort_id=cohort.id),
        form=form,
    ) or _members_page(cohort, invite_form=form, status=400)


@bp.post("/<int:cohort_id>/invitations/<int:invitation_id>/resend")
def resend_invitation(cohort_id: int, invitation_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    return press(
        lambda: roster.resend_invitation(cohort.id, invitation_id, actor_id=current_user.id),
        lambda invitation: (
            f"A new invitation went to {invitation.email}, {_valid_until(invitation)}. "
            "The link in the earlier email no longer works."
        ),
        url_for("cohorts.members", cohort_id=cohort.id, _anchor="invitations"),
        form=ButtonForm(),
        refused="Nothing was sent: the form expired. Press the button again.",
    )


def _import_page(cohort: Cohort, form, check=None, status: int = 200):
    return render_template("cohorts/import.html", cohort=cohort, form=form, check=check), status


@bp.get("/<int:cohort_id>/import")
def import_form(cohort_id: int):
    return _import_page(cohort_for_lead_or_404(cohort_id), ImportForm(formdata=None))


@bp.post("/<int:cohort_id>/import")
def dry_run(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = ImportForm()
    if not form.validate():
        return _import_page(cohort, form, status=400)
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        form.file.errors = ["Choose a CSV file to check."]
        return _import_page(cohort, form, status=400)
    data = upload.read(UPLOAD_MAX_BYTES + 1)
    check = None
    with service_errors(form):
        check, staged = roster.stage_import(cohort.id, data, upload.filename, actor_id=current_user.id)
        if staged is not None:
            return redirect(url_for("cohorts.roster_import", cohort_id=cohort.id, import_id=staged.id), 303)
    return _import_page(cohort, form, check=check, status=400)


@bp.get("/<int:cohort_id>/imports/<int:import_id>")
def roster_import(cohort_id: int, import_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    staged = roster.roster_import(cohort.id, import_id)
    return render_template(
        "cohorts/import_status.html", cohort=cohort, staged=staged, button_form=ButtonForm(formdata=None)
    )


@bp.get("/<int:cohort_id>/imports/<int:import_id>/progress")
def import_progress(cohort_id: int, import_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    staged = roster.roster_import(cohort.id, import_id)
    return jsonify(status=staged.status, progress=staged.progress, stage=staged.stage, error=staged.error)


@bp.post("/<int:cohort_id>/imports/<int:import_id>/start")
def start_import(cohort_id: int, import_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    return press(
        lambda: roster.start_import(cohort.id, import_id, actor_id=current_user.id),
        message=None,
        to=url_for("cohorts.roster_import", cohort_id=cohort.id, import_id=import_id),
        form=ButtonForm(),
    )


@bp.post("/<int:cohort_id>/nudge")
def nudge(cohort_id: int):
    """The console's people at risk are one form: the button pressed names the person, and their
    box (`text_<user id>`) holds the message as the lead left it."""
    cohort = cohort_for_lead_or_404(cohort_id)
    user_id = request.form.get("user_id", type=int)
    if user_id is None:
        abort(404)
    text = request.form.get(f"text_{user_id}", "")
    return press(
        lambda: cohort_service.nudge(cohort.id, user_id, text, actor_id=current_user.id),
        lambda user: f"Nudge sent to {user.name}.",
        url_for("cohorts.console", cohort_id=cohort.id, _anchor="at-risk"),
        form=ButtonForm(),
        refused="Nothing was sent: the form expired. Send it again.",
    )


@bp.route("/<int:cohort_id>/announcements", methods=["GET", "POST"])
def announcements(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = AnnouncementForm()
    return submit(
        lambda: cohort_service.announce(cohort.id, form.title.data, form.body.data, actor_id=current_user.id),
        lambda announcement: (
            f"Announcement sent to {counted(announcement.recipients, 'person', 'people')}, in the app and by email."
        ),
        url_for("cohorts.announcements", cohort_id=cohort.id),
        form=form,
    ) or form_page(
        "cohorts/announcements.html", form, cohort=cohort, announcements=cohort_service.announcements(cohort.id)
    )


@bp.get("/<int:cohort_id>/export/<kind>.csv")
def export(cohort_id: int, kind: str):
    cohort = cohort_for_lead_or_404(cohort_id)
    if kind not in exports.EXPORTS:
        abort(404)
    lines = exports.EXPORTS[kind](cohort.id)
    filename = f"cohort-{cohort.id}-{kind}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _invitation_or_404(token: str):
    invitation_id = roster.invitation_id_from(token)
    if invitation_id is None:
        abort(404)
    try:
        return roster.invitation_state(invitation_id)
    except NotFoundError:
        abort(404)


@bp.get("/invitations/<token>")
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
def invitation(token: str):
    state = _invitation_or_404(token)
    return render_template(
        "cohorts/invitation.html", state=state, token=token, button_form=ButtonForm(formdata=None)
    ), (410 if state.problem else 200)


@bp.post("/invitations/<token>")
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
def accept_invitation(token: str):
    state = _invitation_or_404(token)
    if not ButtonForm().validate():
        flash("The form expired. Press the button again.", "error")
        return redirect(url_for("cohorts.invitation", token=token), 303)
    try:
        cohort, joined = roster.accept_invitation(state.invitation.id, user_id=current_user.id)
    except NotFoundError:
        abort(404)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("cohorts.invitation", token=token), 303)
    role = state.invitation.role
    flash(
        f"Welcome to {cohort.name}: you joined as {'an engineer' if role == MemberRole.ENGINEER else 'a mentor'}."
        if joined
        else f"You are already enrolled in {cohort.name} as {role}.",
        "success" if joined else "info",
    )
    return redirect(url_for("main.dashboard"), 303)
