from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from pmcohort.calendar import session_invite, sessions_feed
from pmcohort.domain import practice
from pmcohort.domain.statuses import SESSION_KIND_LABELS, MatchStatus, ParticipantRole, Role, SessionStatus
from pmcohort.domain.vocabulary import INTERVIEW_KINDS
from pmcohort.extensions import csrf, db, limiter
from pmcohort.forms import DATABASE_INT_MAX, form_text
from pmcohort.models import Match, MentoringSession, SessionFeedback, ShadowingObservation
from pmcohort.models.types import utcnow
from pmcohort.policy import (
    cohort_for_lead_or_404,
    match_for_engineer_or_404,
    match_for_side_or_404,
    roles_required,
    session_for_viewer_or_404,
    workshop_or_404,
)
from pmcohort.services import practice_bank
from pmcohort.services import sessions as service
from pmcohort.sessions import bp
from pmcohort.templating import local_time

DURATIONS = (30, 45, 60, 90, 120)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_user.time_zone)


PLANNING_HORIZON_YEARS = 2


def _local_to_utc(day: str, clock: str) -> datetime:
    """A date and wall-clock time typed in the viewer's zone, as UTC; ValueError if unreadable or too far ahead."""
    chosen = date.fromisoformat(day)
    if chosen.year > utcnow().year + PLANNING_HORIZON_YEARS:  # also keeps date arithmetic off the calendar's edge
        raise ValueError(day)
    return datetime.combine(chosen, time.fromisoformat(clock), tzinfo=_zone()).astimezone(ZoneInfo("UTC"))


def _duration(raw: str | None) -> timedelta:
    minutes = int(raw or 60)
    if minutes not in DURATIONS:
        raise ValueError(minutes)
    return timedelta(minutes=minutes)


def _text(name: str) -> str:
    return form_text(request.form, name, service.SessionError)


def _details() -> service.Details:
    return service.Details(
        title=_text("title"), agenda=_text("agenda"), watch_for=_text("watch_for"),
        confidentiality=_text("confidentiality"), interview_kind=_text("interview_kind") or None,
        persona_key=_text("persona_key") or None,
    )



def _form_context() -> dict:
    return {
        "kinds": SESSION_KIND_LABELS,
        "interview_kinds": INTERVIEW_KINDS,
        "personas": practice_bank.items("persona"),
        "durations": DURATIONS,
    }


@bp.get("/sessions")
@login_required
def index():
    mine = service.sessions_for(current_user.id)
    now = utcnow()
    active_matches = db.session.scalars(
        select(Match).where(Match.status == MatchStatus.ACTIVE, (Match.engineer_id == current_user.id) | (Match.mentor_id == current_user.id))
    ).all()
    return render_template(
        "sessions/index.html",
        upcoming=[s for s in mine if s.end_at >= now and s.status != SessionStatus.CANCELLED],
        past=[s for s in mine if s.end_at < now or s.status == SessionStatus.CANCELLED][::-1],
        active_matches=active_matches,
        feed=service.feed_for(current_user.id),
        workshops=service.open_workshops(current_user.id),
        history={
            key: [(local_time(start, "day"), scores) for start, scores in entries]
            for key, entries in (service.rubric_history(current_user.id) if current_user.has_role(Role.ENGINEER) else {}).items()
        },
        rubrics={key: practice_bank.rubric(key) for key in practice.RUBRICS},
    )


@bp.route("/sessions/book/<int:match_id>", methods=["GET", "POST"])
@roles_required(Role.ENGINEER)
def book(match_id: int):
    match = match_for_engineer_or_404(match_id)
    errors: dict[str, str] = {}
    try:
        length = _duration(request.values.get("duration"))
    except ValueError:
        length, errors["duration"] = timedelta(hours=1), "Choose one of the lengths offered."
    if request.method == "POST" and not errors:
        try:
            start = datetime.fromisoformat(request.form.get("slot", ""))
            if start.tzinfo is None:
                raise ValueError
            end = start + length
        except (ValueError, OverflowError):
            errors["slot"] = "Choose one of the free slots."
        else:
            try:
                session = service.book(match.id, engineer_id=current_user.id, kind=_text("kind"),
                                       start=start, end=end, details=_details())
            except LookupError:
                abort(404)
            except service.SessionError as error:
                errors[error.field or "slot"] = error.message
            else:
                flash("Booked. The calendar invite is on its way.", "success")
                return redirect(url_for("sessions.detail", session_id=session.id))
    slots = service.free_slots(match, length) if match.status == MatchStatus.ACTIVE else []
    slot_days: dict[str, list] = {}
    for slot in slots:
        slot_days.setdefault(local_time(slot.start, "weekday_and_date"), []).append(slot)
    return render_template("sessions/book.html", match=match, slot_days=slot_days, length=length, errors=errors,
                           values=request.form, **_form_context()), 400 if errors else 200


@bp.route("/sessions/propose/<int:match_id>", methods=["GET", "POST"])
@roles_required(Role.ENGINEER, Role.MENTOR)
def propose(match_id: int):
    match = match_for_side_or_404(match_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            start = _local_to_utc(request.form.get("day", ""), request.form.get("clock", ""))
            length = _duration(request.form.get("duration"))
        except ValueError:
            errors["day"] = f"Enter a date within {PLANNING_HORIZON_YEARS} years and a start time."
        else:
            try:
                session = service.propose(match.id, actor_id=current_user.id, kind=_text("kind"),
                                          start=start, end=start + length, details=_details())
            except LookupError:
                abort(404)
            except service.SessionError as error:
                errors[error.field or "day"] = error.message
            else:
                flash("Proposed. The other side is asked to accept.", "success")
                return redirect(url_for("sessions.detail", session_id=session.id))
    return render_template("sessions/propose.html", match=match, errors=errors, values=request.form,
                           **_form_context()), 400 if errors else 200



def _detail_page(session: MentoringSession, errors: dict[str, str] | None = None, status: int = 200):
    place = session.participant(current_user.id)
    is_host = place is not None and place.role == ParticipantRole.HOST
    question = practice_bank.find("question", session.question_key)
    persona = practice_bank.find("persona", session.persona_key)
    return render_template(
        "sessions/detail.html",
        session=session,
        place=place,
        is_host=is_host,
        question=practice_bank.question(question) if question and is_host else None,
        persona=practice_bank.persona(persona) if persona else None,
        rubric=service.rubric_of(session),
        feedback=db.session.scalars(select(SessionFeedback).where(SessionFeedback.session_id == session.id)).all(),
        observation=db.session.get(ShadowingObservation, session.id),
        started=session.start_at <= utcnow(),
        errors=errors or {},
        values=request.form,
        durations=DURATIONS,
    ), status


@bp.get("/sessions/<int:session_id>")
@login_required
def detail(session_id: int):
    return _detail_page(session_for_viewer_or_404(session_id))


def _act(session_id: int, action, done: str):
    session = session_for_viewer_or_404(session_id)
    try:
        action(session)
    except LookupError:
        abort(404)
    except service.SessionError as error:
        db.session.rollback()
        return _detail_page(db.session.get(MentoringSession, session_id), {**error.errors, error.field or "form": error.message}, 400)
    flash(done, "success")
    return redirect(url_for("sessions.detail", session_id=session_id))


@bp.post("/sessions/<int:session_id>/accept")
@login_required
def accept(session_id: int):
    return _act(session_id, lambda s: service.accept(s.id, user_id=current_user.id), "Accepted.")


@bp.post("/sessions/<int:session_id>/join")
@login_required
def join(session_id: int):
    workshop_or_404(session_id)
    try:
        service.join_workshop(session_id, user_id=current_user.id)
    except LookupError:
        abort(404)
    except service.SessionError as error:
        flash(error.message, "error")
        return redirect(url_for("sessions.index"))
    flash("You have a seat.", "success")
    return redirect(url_for("sessions.detail", session_id=session_id))


@bp.post("/sessions/<int:session_id>/reschedule")
@login_required
def reschedule(session_id: int):
    def move(session):
        try:
            start = _local_to_utc(request.form.get("day", ""), request.form.get("clock", ""))
            length = _duration(request.form.get("duration"))
        except ValueError:
            raise service.SessionError(f"Enter a date within {PLANNING_HORIZON_YEARS} years and a start time.", "day") from None
        service.reschedule(session.id, actor_id=current_user.id, start=start, end=start + length, reason=_text("reason"))

    return _act(session_id, move, "Moved. Everyone gets the updated invite.")


@bp.post("/sessions/<int:session_id>/cancel")
@login_required
def cancel(session_id: int):
    return _act(session_id, lambda s: service.cancel(s.id, actor_id=current_user.id, reason=_text("reason")), "Cancelled.")


def _int_or_none(raw: str | None) -> int | None:
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return int(raw) if raw and raw.isascii() and raw.isdecimal() and int(raw) <= DATABASE_INT_MAX else None


@bp.post("/sessions/<int:session_id>/attendance")
@login_required
def attendance(session_id: int):
    marks = {
        user_id: value for key, value in request.form.items()
        if key.startswith("attendance-") and (user_id := _int_or_none(key.split("-", 1)[1])) is not None
    }
    return _act(session_id, lambda s: service.record_attendance(s.id, host_id=current_user.id, attendance=marks), "Attendance recorded.")


@bp.post("/sessions/<int:session_id>/feedback")
@login_required
def feedback(session_id: int):
    form = request.form

    def give(session):
        rating = _int_or_none(form.get("rating"))
        if rating is None:
            raise service.SessionError("Rate the session from 1 to 5.", "rating")
        rubric = service.rubric_of(session)
        scores = notes = None
        if rubric is not None:
            scores = {d.key: _int_or_none(form.get(f"score-{d.key}")) for d in rubric.dimensions}
            scores = {key: value for key, value in scores.items() if value is not None}
            notes = {d.key: _text(f"note-{d.key}") for d in rubric.dimensions}
        service.submit_feedback(session.id, author_id=current_user.id, rating=rating, notes=_text("notes"),
                                rubric_scores=scores, rubric_notes=notes)

    return _act(session_id, give, "Thank you for the feedback.")


@bp.post("/sessions/<int:session_id>/observation")
@login_required
def observation(session_id: int):
    return _act(session_id, lambda s: service.save_observation(
        s.id, engineer_id=current_user.id, decision=_text("decision"), who_moved_it=_text("who_moved_it"),
        trade_off=_text("trade_off")), "Observation saved; your mentor is asked to comment.")


@bp.post("/sessions/<int:session_id>/observation/comment")
@login_required
def comment(session_id: int):
    return _act(session_id, lambda s: service.comment_observation(s.id, mentor_id=current_user.id, comment=_text("comment")),
                "Comment saved.")


@bp.get("/sessions/<int:session_id>/invite.ics")
@login_required
def invite(session_id: int):
    session = session_for_viewer_or_404(session_id)
    return Response(session_invite(session), mimetype="text/calendar",
                    headers={"Content-Disposition": f"attachment; filename=pm-cohort-session-{session.id}.ics"})


@bp.get("/calendar/<token>.ics")
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
@csrf.exempt
def calendar_feed(token: str):
    user = service.user_for_feed(token)
    if user is None:
        abort(404)
    return Response(sessions_feed(service.sessions_for(user.id), f"PM Cohort: {user.name}"), mimetype="text/calendar")


@bp.post("/calendar/revoke")
@login_required
def revoke_feed():
    service.revoke_feed(current_user.id)
    flash("Your old calendar link no longer works. Subscribe with the new one below.", "success")
    return redirect(url_for("sessions.index", _anchor="calendar"))


@bp.route("/cohorts/<int:cohort_id>/workshops/new", methods=["GET", "POST"])
@roles_required(Role.LEAD)
def new_workshop(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.form
        try:
            start = _local_to_utc(form.get("day", ""), form.get("clock", ""))
            length = _duration(form.get("duration"))
            weeks, seats = int(form.get("weeks", "1")), int(form.get("seat_limit", "0"))
        except ValueError:
            errors["day"] = f"Enter a date within {PLANNING_HORIZON_YEARS} years, a start time, the number of weeks and a seat limit."
        else:
            try:
                created = service.schedule_workshop(cohort.id, lead_id=current_user.id, first_start=start, duration=length,
                                                    weeks=weeks, seat_limit=seats, details=_details())
            except service.SessionError as error:
                errors[error.field or "day"] = error.message
            else:
                flash(f"Scheduled {len(created)} workshop session{'s' if len(created) > 1 else ''}. Cohort members can take a seat.", "success")
                return redirect(url_for("sessions.detail", session_id=created[0].id))
    return render_template("sessions/workshop.html", cohort=cohort, errors=errors, values=request.form, durations=DURATIONS), 400 if errors else 200
