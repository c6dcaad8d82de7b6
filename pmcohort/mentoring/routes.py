from datetime import timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from pmcohort.cohorts.models import Match
from pmcohort.core.extensions import csrf, db, limiter
from pmcohort.core.forms import BaseForm, form_page, form_status, press, service_errors, submit
from pmcohort.core.templating import local_time
from pmcohort.core.types import utcnow
from pmcohort.domain.debriefs import ACTION_ITEM_ROWS
from pmcohort.domain.statuses import (
    DEBRIEF_SESSION_KINDS,
    PAIR_SESSION_KINDS,
    MatchStatus,
    ParticipantRole,
    Role,
    SessionStatus,
)
from pmcohort.domain.wording import counted
from pmcohort.mentoring import after_session, booking, changes, debriefs, feeds, practice_bank, workshops
from pmcohort.mentoring import services as service
from pmcohort.mentoring.calendar import session_invite, sessions_feed
from pmcohort.mentoring.forms import (
    DEFAULT_DURATION,
    BookForm,
    CancelForm,
    CommentForm,
    FeedbackForm,
    LengthForm,
    ObservationForm,
    ProposeForm,
    RescheduleForm,
    SwapQuestionForm,
    TickForm,
    WorkshopForm,
    attendance_form,
    debrief_form,
    debrief_values,
)
from pmcohort.mentoring.models import MentoringSession, SessionFeedback, ShadowingObservation
from pmcohort.policy import (
    action_item_for_engineer_or_404,
    cohort_for_lead_or_404,
    match_for_engineer_or_404,
    match_for_side_or_404,
    roles_required,
    session_for_viewer_or_404,
    signed_in_blueprint,
    workshop_or_404,
)
from pmcohort.profiles.models import EngineerProfile

# A calendar feed's secret link is the authority: calendar apps fetch it without signing in.
bp = signed_in_blueprint("sessions", __name__, public=("calendar_feed",))


def _kinds_for(match: Match) -> tuple[str, ...]:
    """The kinds of session this person may propose: the mentor also offers shadowing."""
    return PAIR_SESSION_KINDS if match.mentor_id == current_user.id else booking.BOOKABLE_BY_ENGINEER


def _mentor_runs(match: Match) -> dict[str, str]:
    """The kinds of mock interview the pair's mentor runs, {key: label}: only these can be booked."""
    kinds = practice_bank.interview_kinds()
    return {kind: kinds[kind] for kind in service.mentor_kinds(match.mentor_id) if kind in kinds}


@bp.get("/sessions")
def index():
    mine, joinable_workshops = service.sessions_page(current_user.id)
    now = utcnow()
    history = after_session.rubric_history(current_user.id) if current_user.has_role(Role.ENGINEER) else {}
    active_matches = db.session.scalars(
        select(Match).where(
            Match.status == MatchStatus.ACTIVE,
            (Match.engineer_id == current_user.id) | (Match.mentor_id == current_user.id),
        )
    ).all()
    return render_template(
        "sessions/index.html",
        upcoming=[s for s in mine if s.end_at >= now and s.status != SessionStatus.CANCELLED],
        past=[s for s in mine if s.end_at < now or s.status == SessionStatus.CANCELLED][::-1],
        active_matches=active_matches,
        feed=feeds.feed_of(current_user.id),
        workshops=joinable_workshops,
        history={
            key: [(local_time(start, "day"), scores) for start, scores in entries] for key, entries in history.items()
        },
        rubrics=practice_bank.rubrics(history) if history else {},
    )


@bp.route("/sessions/book/<int:match_id>", methods=["GET", "POST"])
@roles_required(Role.ENGINEER)
def book(match_id: int):
    match = match_for_engineer_or_404(match_id)
    form = BookForm().offer(booking.BOOKABLE_BY_ENGINEER, practice_bank.items("persona"), _mentor_runs(match))
    picker = LengthForm(formdata=request.args)
    if form.is_submitted():
        picker.duration.data = form.duration.data
    elif picker.validate():
        form.duration.data = picker.duration.data
    else:
        return _book_page(match, form, picker, 400)
    return submit(
        lambda: booking.book(
            match.id,
            engineer_id=current_user.id,
            kind=form.kind.data,
            start=form.start.data,
            end=form.start.data + form.length(),
            details=form.details(),
        ),
        "Booked. The calendar invite is on its way.",
        _session_url,
        form=form,
    ) or _book_page(match, form, picker, form_status(form))


def _book_page(match: Match, form: BookForm, picker: LengthForm, status: int):
    picker.duration.errors = [
        *picker.duration.errors,
        *form.duration.errors,
    ]  # the posted length is a hidden copy of the picker's
    length = timedelta(minutes=int(DEFAULT_DURATION)) if picker.duration.errors else form.length()
    slots = service.free_slots(match, length) if match.status == MatchStatus.ACTIVE else []
    slot_days = form.offer_slots(slots, local_time)
    return render_template("sessions/book.html", match=match, form=form, picker=picker, slot_days=slot_days), status


@bp.route("/sessions/propose/<int:match_id>", methods=["GET", "POST"])
@roles_required(Role.ENGINEER, Role.MENTOR)
def propose(match_id: int):
    match = match_for_side_or_404(match_id)
    form = (
        ProposeForm()
        .offer(_kinds_for(match), practice_bank.items("persona"), _mentor_runs(match))
        .show_zone(current_user.time_zone)
    )

    def propose_it() -> MentoringSession:
        start = form.start_utc(current_user.time_zone)
        return booking.propose(
            match.id,
            actor_id=current_user.id,
            kind=form.kind.data,
            start=start,
            end=start + form.length(),
            details=form.details(),
        )

    return submit(propose_it, "Proposed. The other side is asked to accept.", _session_url, form=form) or form_page(
        "sessions/propose.html", form, match=match
    )


def _session_url(mentoring_session: MentoringSession) -> str:
    return url_for("sessions.detail", session_id=mentoring_session.id)


def _detail_page(mentoring_session: MentoringSession, submitted: dict | None = None, status: int = 200):
    """The session page with a blank form for each action, or the one just `submitted` ({name: form}) with its errors."""
    place = mentoring_session.participant(current_user.id)
    is_host = place is not None and place.role == ParticipantRole.HOST
    question = practice_bank.find("question", mentoring_session.question_key)
    persona = practice_bank.find("persona", mentoring_session.persona_key)
    rubric = after_session.rubric_of(mentoring_session)
    observation = db.session.get(ShadowingObservation, mentoring_session.id)
    debrief = debriefs.debrief_of(mentoring_session.id)
    published = debrief is not None and debrief.published
    pitfalls = debriefs.pitfalls_of(mentoring_session.id) if debrief else []
    action_items = debriefs.action_items_of(mentoring_session.id) if debrief else []
    blank = {"formdata": None}
    forms = {
        "action": BaseForm(**blank),
        "reschedule": RescheduleForm(**blank).show_zone(current_user.time_zone),
        "cancel": CancelForm(**blank),
        "attendance": attendance_form(mentoring_session.guests(), **blank),
        "feedback": FeedbackForm(**blank),
        "observation": ObservationForm(obj=observation, **blank),
        "comment": CommentForm(comment=observation.mentor_comment if observation else "", **blank),
        "debrief": debrief_form(
            rubric,
            data=debrief_values(debrief, pitfalls, action_items) if debrief else _new_debrief_values(mentoring_session),
            **blank,
        ),
        "swap": _swap_form(mentoring_session, **blank) if is_host and question else None,
        **(submitted or {}),
    }
    # The hidden parts of the card (the strong answer, the hidden constraint) reach the engineer with the debrief.
    revealed = is_host or published
    return render_template(
        "sessions/detail.html",
        mentoring_session=mentoring_session,
        place=place,
        is_host=is_host,
        question=practice_bank.question(question) if question and revealed else None,
        persona=practice_bank.persona(persona) if persona else None,
        revealed=revealed,
        rubric=rubric,
        feedback=db.session.scalars(
            select(SessionFeedback).where(SessionFeedback.session_id == mentoring_session.id)
        ).all(),
        observation=observation,
        started=mentoring_session.start_at <= utcnow(),
        debriefed=mentoring_session.kind in DEBRIEF_SESSION_KINDS,
        debrief=debrief if debrief and (is_host or published) else None,
        pitfalls=pitfalls,
        action_items=action_items,
        carried=debriefs.carried_action_items(mentoring_session),
        interview_kinds=practice_bank.interview_kinds(),
        action_rows=ACTION_ITEM_ROWS,
        forms=forms,
    ), status


def _new_debrief_values(mentoring_session: MentoringSession) -> dict:
    """A new debrief starts at the level the engineer's path aims for: an APM program, or a PM role."""
    guests = mentoring_session.guests()
    profile = db.session.get(EngineerProfile, guests[0].user_id) if guests else None
    return {"target_level": "apm" if profile and profile.path == "apm_program" else "pm"}


def _swap_form(mentoring_session: MentoringSession, **kwargs) -> SwapQuestionForm:
    """The questions the host may swap to: of the kinds they run, not yet had by the engineer."""
    form = SwapQuestionForm(**kwargs)
    kinds = practice_bank.interview_kinds()
    runs = set(service.mentor_kinds(mentoring_session.host_id))
    guests = mentoring_session.guests()
    asked = service.asked_questions(guests[0].user_id) if guests else set()
    form.question_key.choices = [
        (question.key, f"{kinds.get(question.kind, question.kind)}: {question.prompt}")
        for question in practice_bank.questions()
        if question.kind in runs and (question.key not in asked or question.key == mentoring_session.question_key)
    ]
    form.question_key.data = form.question_key.data or mentoring_session.question_key
    return form


@bp.get("/sessions/<int:session_id>")
def detail(session_id: int):
    return _detail_page(session_for_viewer_or_404(session_id))


def _act(mentoring_session: MentoringSession, name: str, form: BaseForm, action, done: str):
    """Validate `form`, run `action()`; then back to the session, or its page with the errors at `form`'s fields."""
    return submit(action, done, _session_url(mentoring_session), form=form) or _detail_page(
        mentoring_session, {name: form}, 400
    )


def _posts_to(rule: str, done: str, form_class: type[BaseForm] = BaseForm, *, slot: str = "action"):
    """Make `save(mentoring_session, form)` the action that a form of the session's page posts to, at
    `rule` below the session's URL, for anyone who may view the session (the service decides the rest).
    Saved: back to the session with `done` flashed. Refused: the page again, with the errors at the form
    in `slot`; plain buttons, whose form holds only the CSRF token, share the slot "action"."""

    def register(save):
        def view(session_id: int):
            mentoring_session = session_for_viewer_or_404(session_id)
            form = form_class()
            return _act(mentoring_session, slot, form, lambda: save(mentoring_session, form), done)

        bp.add_url_rule(f"/sessions/<int:session_id>{rule}", save.__name__, view, methods=["POST"])
        return save

    return register


@_posts_to("/accept", "Accepted.")
def accept(mentoring_session: MentoringSession, _form: BaseForm):
    return booking.accept(mentoring_session.id, user_id=current_user.id)


@bp.post("/sessions/<int:session_id>/join")
def join(session_id: int):
    workshop_or_404(session_id)
    with service_errors():
        workshops.join_workshop(session_id, user_id=current_user.id)
        flash("You have a seat.", "success")
        return redirect(url_for("sessions.detail", session_id=session_id), 303)
    return redirect(url_for("sessions.index"), 303)


@bp.post("/sessions/<int:session_id>/reschedule")
def reschedule(session_id: int):
    mentoring_session = session_for_viewer_or_404(session_id)
    form = RescheduleForm().show_zone(current_user.time_zone)

    def move():
        start = form.start_utc(current_user.time_zone)
        changes.reschedule(
            mentoring_session.id,
            actor_id=current_user.id,
            start=start,
            end=start + form.length(),
            reason=form.reason.data or "",
        )

    return _act(mentoring_session, "reschedule", form, move, "Moved. Everyone gets the updated invite.")


@_posts_to("/cancel", "Cancelled.", CancelForm, slot="cancel")
def cancel(mentoring_session: MentoringSession, form: CancelForm):
    return changes.cancel(mentoring_session.id, actor_id=current_user.id, reason=form.reason.data or "")


@bp.post("/sessions/<int:session_id>/attendance")
def attendance(session_id: int):
    mentoring_session = session_for_viewer_or_404(session_id)
    form = attendance_form(mentoring_session.guests())
    return _act(
        mentoring_session,
        "attendance",
        form,
        lambda: after_session.record_attendance(mentoring_session.id, host_id=current_user.id, attendance=form.marks()),
        "Attendance recorded.",
    )


@_posts_to("/host-no-show", "Recorded: the mentor did not come.")
def host_no_show(mentoring_session: MentoringSession, _form: BaseForm):
    return after_session.report_host_no_show(mentoring_session.id, engineer_id=current_user.id)


@_posts_to("/feedback", "Thank you for the feedback.", FeedbackForm, slot="feedback")
def feedback(mentoring_session: MentoringSession, form: FeedbackForm):
    return after_session.submit_feedback(
        mentoring_session.id, author_id=current_user.id, rating=form.rating.data, notes=form.notes.data or ""
    )


@bp.post("/sessions/<int:session_id>/debrief")
def debrief(session_id: int):
    mentoring_session = session_for_viewer_or_404(session_id)
    rubric = after_session.rubric_of(mentoring_session)
    form = debrief_form(rubric)
    publish = bool(form.publish.data)
    return _act(
        mentoring_session,
        "debrief",
        form,
        lambda: debriefs.save_debrief(
            mentoring_session.id, mentor_id=current_user.id, draft=form.draft(rubric), publish=publish
        ),
        "Debrief published. The engineer is notified."
        if publish
        else "Draft saved. Only you see it until you publish.",
    )


@_posts_to("/question", "Question swapped.", SwapQuestionForm, slot="swap")
def swap_question(mentoring_session: MentoringSession, form: SwapQuestionForm):
    return debriefs.swap_question(
        mentoring_session.id, mentor_id=current_user.id, question_key=form.question_key.data or ""
    )


@bp.post("/sessions/<int:session_id>/actions/<int:item_id>")
@roles_required(Role.ENGINEER)
def tick_action_item(session_id: int, item_id: int):
    mentoring_session = session_for_viewer_or_404(session_id)
    action_item_for_engineer_or_404(mentoring_session.id, item_id)
    form = TickForm()
    done = form.done.data == "yes"
    if form.back.data == "dashboard":
        back = url_for("main.dashboard", _anchor="action-items")
    else:
        back = url_for("sessions.detail", session_id=mentoring_session.id, _anchor="action-items")
    return press(
        lambda: debriefs.tick_action_item(
            item_id, session_id=mentoring_session.id, engineer_id=current_user.id, done=done
        ),
        "Ticked off." if done else "Marked as not done yet.",
        back,
        form=form,
        refused="Tick the item or untick it.",
    )


@_posts_to("/observation", "Observation saved; your mentor is asked to comment.", ObservationForm, slot="observation")
def observation(mentoring_session: MentoringSession, form: ObservationForm):
    return after_session.save_observation(
        mentoring_session.id,
        engineer_id=current_user.id,
        decision=form.decision.data or "",
        who_moved_it=form.who_moved_it.data or "",
        trade_off=form.trade_off.data or "",
    )


@_posts_to("/observation/comment", "Comment saved.", CommentForm, slot="comment")
def comment(mentoring_session: MentoringSession, form: CommentForm):
    return after_session.comment_observation(
        mentoring_session.id, mentor_id=current_user.id, comment=form.comment.data or ""
    )


@bp.get("/sessions/<int:session_id>/invite.ics")
def invite(session_id: int):
    mentoring_session = session_for_viewer_or_404(session_id)
    return Response(
        session_invite(mentoring_session),
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename=pm-cohort-session-{mentoring_session.id}.ics"},
    )


@bp.get("/calendar/<token>.ics")
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
@csrf.exempt
def calendar_feed(token: str):
    user = feeds.user_for_feed(token)
    if user is None:
        abort(404)
    return Response(sessions_feed(service.sessions_for(user.id), f"PM Cohort: {user.name}"), mimetype="text/calendar")


@bp.post("/calendar/feed")
def open_feed():
    feeds.open_feed(current_user.id)
    return redirect(url_for("sessions.index", _anchor="calendar"), 303)


@bp.post("/calendar/revoke")
def revoke_feed():
    return press(
        lambda: feeds.revoke_feed(current_user.id),
        "Your old calendar link no longer works. Subscribe with the new one below.",
        url_for("sessions.index", _anchor="calendar"),
    )


@bp.route("/cohorts/<int:cohort_id>/workshops/new", methods=["GET", "POST"])
@roles_required(Role.LEAD)
def new_workshop(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = WorkshopForm().show_zone(current_user.time_zone)
    return submit(
        lambda: workshops.schedule_workshop(
            cohort.id,
            lead_id=current_user.id,
            first_start=form.start_utc(current_user.time_zone),
            duration=form.length(),
            weeks=form.weeks.data,
            seat_limit=form.seat_limit.data,
            details=form.details(),
        ),
        lambda created: f"Scheduled {counted(len(created), 'workshop session')}. Cohort members can take a seat.",
        lambda created: _session_url(created[0]),
        form=form,
    ) or form_page("sessions/workshop.html", form, cohort=cohort)
