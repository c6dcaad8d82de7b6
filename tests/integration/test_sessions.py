"""Sessions in the app: booking, proposals, changes, workshops, feedback, invites, privacy."""

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import func, select, update

from pmcohort.cohorts import services as cohorts
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.debriefs import DebriefDraft
from pmcohort.mentoring import after_session, booking, changes, debriefs, feeds, practice_bank, workshops
from pmcohort.mentoring import services as service
from pmcohort.mentoring.models import MentoringSession, SessionFeedback, ShadowingObservation
from pmcohort.notifications.models import OutboxMessage
from pmcohort.profiles.models import AvailabilityWindow
from tests.conftest import sign_in
from tests.factories import as_past, book, cohort_with, person, tomorrow_at
from tests.integration.pages import field_errors, repeated_ids


def new_workshop(cohort, lead, *, start=None, weeks=1, seat_limit=5, title="Roadmaps"):
    """A one-hour cohort workshop (a weekly series when `weeks` > 1) led by `lead`."""
    return workshops.schedule_workshop(
        cohort.id,
        lead_id=lead.id,
        first_start=start or tomorrow_at(16),
        duration=timedelta(hours=1),
        weeks=weeks,
        seat_limit=seat_limit,
        details=booking.Details(title=title),
    )


def parse(ics: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(ics)
    return calendar, next(component for component in calendar.walk("VEVENT"))


def test_engineer_books_a_free_slot_and_gets_an_invite(client, login, pair, form_post):
    engineer, mentor, match = pair
    mentor.time_zone = "Europe/Berlin"  # the invite is written in the host's zone
    db.session.commit()
    login(engineer)
    page = client.get(f"/sessions/book/{match.id}").get_data(as_text=True)
    slot = tomorrow_at(10).isoformat()
    assert f'value="{slot}"' in page

    response = form_post(
        f"/sessions/book/{match.id}", {"start": slot, "duration": "60", "kind": "one_on_one", "title": "First 1:1"}
    )
    assert response.status_code == 303
    session = db.session.scalar(select(MentoringSession))
    assert (session.status, session.host_id, session.sequence) == ("scheduled", mentor.id, 0)
    assert {p.user_id for p in session.participants} == {engineer.id, mentor.id}
    assert "session.scheduled" in db.session.scalars(select(OutboxMessage.topic)).all()

    calendar, event = parse(client.get(f"/sessions/{session.id}/invite.ics").data)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"session-{session.id}@pmcohort.app" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == tomorrow_at(10)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


@pytest.mark.parametrize(
    ("start", "minutes", "field", "message"),
    [
        (lambda: utcnow() - timedelta(hours=2), 60, "start", "already passed"),
        (lambda: tomorrow_at(10), 240, "duration", "3 h"),
        (lambda: tomorrow_at(10), 10, "duration", "15 min"),
    ],
)
def test_bad_bookings_are_refused_at_their_field_and_nothing_is_stored(pair, start, minutes, field, message):
    engineer, _, match = pair
    with pytest.raises(ServiceError, match=message) as refused:
        book(match, engineer, start=start(), minutes=minutes)
    assert refused.value.field == field
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 0


def test_booking_outside_availability_or_overlapping_is_refused(app, pair, user_factory):
    engineer, mentor, match = pair
    db.session.execute(
        update(AvailabilityWindow)
        .where(AvailabilityWindow.user_id == mentor.id)
        .values(start_minute=9 * 60, end_minute=12 * 60)
    )
    db.session.commit()
    with pytest.raises(ServiceError, match="outside"):
        book(match, engineer, start=tomorrow_at(14))
    book(match, engineer, start=tomorrow_at(10))
    with pytest.raises(ServiceError, match="already in a session"):
        book(match, engineer, start=tomorrow_at(10) + timedelta(minutes=30))
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 1


def test_only_matched_engineers_can_book(app, client, pair, user_factory, login):
    _, _, match = pair
    stranger = person(user_factory, ("engineer",))
    login(stranger)
    assert client.get(f"/sessions/book/{match.id}").status_code == 404
    with pytest.raises(NotFoundError):
        book(match, stranger)


def test_rescheduling_bumps_the_sequence_and_asks_the_other_side(pair):
    engineer, mentor, match = pair
    session = book(match, engineer)
    changes.reschedule(
        session.id, actor_id=mentor.id, start=tomorrow_at(15), end=tomorrow_at(16), reason="A clash came up"
    )
    assert (session.status, session.sequence) == ("proposed", 1)
    assert session.participant(mentor.id).accepted_at is not None  # moving it is agreeing to it
    assert session.participant(engineer.id).accepted_at is None
    assert all(p.start_at == tomorrow_at(15) for p in session.participants)
    with pytest.raises(ServiceError, match="Say briefly why"):
        changes.reschedule(session.id, actor_id=mentor.id, start=tomorrow_at(17), end=tomorrow_at(18), reason=" ")
    booking.accept(session.id, user_id=engineer.id)
    assert session.status == "scheduled" and session.sequence == 2


def test_cancelling_within_24_hours_is_late_and_the_invite_cancels(app, client, login, pair):
    engineer, mentor, match = pair
    soon = book(match, engineer, start=utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=3))
    later = book(match, engineer, start=tomorrow_at(10) + timedelta(days=2))
    changes.cancel(soon.id, actor_id=engineer.id, reason="Sick")
    changes.cancel(later.id, actor_id=engineer.id, reason="Travel")
    assert (soon.cancelled_late, later.cancelled_late) == (True, False)
    login(engineer)
    calendar, event = parse(client.get(f"/sessions/{soon.id}/invite.ics").data)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED" and int(event["SEQUENCE"]) == 1
    book(match, engineer, start=soon.start_at)  # the freed time can be booked again


def test_mock_interview_question_is_new_for_the_engineer_and_only_the_interviewer_sees_it(app, client, login, pair):
    engineer, mentor, match = pair
    first = book(match, engineer, kind="interview", interview_kind="estimation")
    second = book(match, engineer, kind="interview", interview_kind="estimation", start=tomorrow_at(14))
    assert first.question_key and second.question_key and first.question_key != second.question_key
    prompt = str(escape(practice_bank.find("question", first.question_key).title))  # as Jinja renders it

    login(engineer)
    assert prompt not in client.get(f"/sessions/{first.id}").get_data(as_text=True)
    mentor_browser = app.test_client()
    sign_in(mentor_browser, mentor)
    assert prompt in mentor_browser.get(f"/sessions/{first.id}").get_data(as_text=True)


def test_interviewer_scores_the_rubric_and_the_engineer_sees_scores_over_time(app, client, login, pair):
    engineer, mentor, match = pair
    rubric = practice_bank.rubric("estimation")
    for day, score in ((1, 2), (2, 3)):
        session = book(match, engineer, kind="interview", interview_kind="estimation", start=tomorrow_at(9 + day))
        as_past(session, hours_ago=10 - 3 * day)
        with pytest.raises(ServiceError, match="Give a score") as refused:
            debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=DebriefDraft(), publish=True)
        assert {f"score_{d.key}" for d in rubric.dimensions} <= set(refused.value.errors)
        debriefs.save_debrief(
            session.id,
            mentor_id=mentor.id,
            draft=DebriefDraft(
                scores={d.key: score for d in rubric.dimensions}, target_level="pm", overall_signal="borderline"
            ),
            publish=True,
        )
        after_session.submit_feedback(session.id, author_id=mentor.id, rating=4, notes="Clear structure")
        after_session.submit_feedback(session.id, author_id=engineer.id, rating=5, notes="Useful")
    history = after_session.rubric_history(engineer.id)["estimation"]
    assert [scores[rubric.dimensions[0].key] for _, scores in history] == [2, 3]
    login(engineer)
    assert "Estimation scores over your sessions" in client.get("/sessions").get_data(as_text=True)


def test_feedback_and_attendance_wait_until_the_session_starts(pair):
    engineer, mentor, match = pair
    session = book(match, engineer)
    with pytest.raises(ServiceError, match="once the session has started"):
        after_session.submit_feedback(session.id, author_id=engineer.id, rating=5, notes="")
    as_past(session)
    with pytest.raises(ServiceError, match="Rate the session"):
        after_session.submit_feedback(session.id, author_id=engineer.id, rating=9, notes="")
    after_session.record_attendance(session.id, host_id=mentor.id, attendance={engineer.id: "no_show"})
    assert session.participant(engineer.id).attendance == "no_show" and session.status == "completed"
    assert db.session.scalar(select(func.count()).select_from(SessionFeedback)) == 0


def test_shadowing_is_offered_by_the_mentor_then_observed_and_commented(pair):
    engineer, mentor, match = pair

    def offer_shadowing(by, **details):
        return booking.propose(
            match.id,
            actor_id=by.id,
            kind="shadowing",
            start=tomorrow_at(10),
            end=tomorrow_at(11),
            details=booking.Details(**details),
        )

    with pytest.raises(ServiceError, match="offered by the mentor"):
        offer_shadowing(engineer, agenda="x")
    with pytest.raises(ServiceError, match="Describe the activity"):
        offer_shadowing(mentor)
    session = offer_shadowing(
        mentor, agenda="Roadmap review with the infra leads", confidentiality="Q3 numbers stay in the room"
    )
    assert session.status == "proposed"
    booking.accept(session.id, user_id=engineer.id)
    assert session.status == "scheduled"
    as_past(session)
    with pytest.raises(ServiceError, match="sentence"):
        after_session.save_observation(
            session.id, engineer_id=engineer.id, decision="", who_moved_it="x", trade_off="y"
        )
    after_session.save_observation(
        session.id,
        engineer_id=engineer.id,
        decision="Ship the quota API first",
        who_moved_it="The PM, with usage data",
        trade_off="Delays the dashboard a quarter",
    )
    after_session.comment_observation(
        session.id, mentor_id=mentor.id, comment="Notice she asked for the data before the meeting"
    )
    observation = db.session.get(ShadowingObservation, session.id)
    assert (observation.author_id, observation.decision, observation.mentor_comment) == (
        engineer.id,
        "Ship the quota API first",
        "Notice she asked for the data before the meeting",
    )
    assert db.session.scalars(
        select(OutboxMessage.topic).where(OutboxMessage.topic == "session.observation")
    ).all() == ["session.observation"]
    with pytest.raises(NotFoundError):  # only the host comments
        after_session.comment_observation(session.id, mentor_id=engineer.id, comment="My own comment")


def test_a_weekly_workshop_keeps_local_time_across_the_dst_change_and_has_a_seat_limit(app, user_factory):
    lead = person(user_factory, ("lead",), time_zone="Europe/Berlin")
    members = [person(user_factory, ("engineer",)) for _ in range(3)]
    outsider = person(user_factory, ("engineer",))
    cohort = cohort_with(lead, members, [])
    # A Tuesday 18:00 Berlin series spanning the last Sunday of October.
    year = utcnow().year + 1
    first = datetime(year, 10, 20, 18, 0)
    first = first + timedelta(days=(1 - first.weekday()) % 7)
    from zoneinfo import ZoneInfo

    series = new_workshop(
        cohort,
        lead,
        start=first.replace(tzinfo=ZoneInfo("Europe/Berlin")),
        weeks=3,
        seat_limit=2,
        title="Writing for executives",
    )
    local_hours = {s.start_at.astimezone(ZoneInfo("Europe/Berlin")).hour for s in series}
    utc_hours = [s.start_at.hour for s in series]
    assert local_hours == {18} and utc_hours[0] != utc_hours[-1]

    workshops.join_workshop(series[0].id, user_id=members[0].id)
    workshops.join_workshop(series[0].id, user_id=members[1].id)
    with pytest.raises(ServiceError, match="full"):
        workshops.join_workshop(series[0].id, user_id=members[2].id)
    with pytest.raises(NotFoundError):
        workshops.join_workshop(series[0].id, user_id=outsider.id)


@pytest.mark.parametrize("roles", [("engineer",), ("mentor",), ("lead",)])
def test_others_cannot_see_a_session_or_its_invite(app, client, login, pair, user_factory, roles):
    engineer, _, match = pair
    session = book(match, engineer)
    login(person(user_factory, roles))
    assert client.get(f"/sessions/{session.id}").status_code == 404
    assert client.get(f"/sessions/{session.id}/invite.ics").status_code == 404


def test_private_calendar_feed_lists_sessions_until_revoked(app, client, login, pair):
    engineer, _, match = pair
    book(match, engineer)
    token = feeds.open_feed(engineer.id).token
    calendar, event = parse(client.get(f"/calendar/{token}.ics").data)
    assert "METHOD" not in calendar and str(event["SUMMARY"]).startswith("PM Cohort:")
    feeds.revoke_feed(engineer.id)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{feeds.feed_of(engineer.id).token}.ics").status_code == 200


def test_the_cohorts_lead_can_see_its_sessions(app, client, login, pair, user_factory):
    engineer, _, match = pair
    lead = person(user_factory, ("lead",))
    match.cohort_id = cohorts.create_cohort(lead.id, "Winter", utcnow().date()).id
    db.session.commit()
    session = book(match, engineer)
    login(lead)
    assert client.get(f"/sessions/{session.id}").status_code == 200


def test_a_role_play_needs_a_persona_card_in_use(pair):
    engineer, _, match = pair
    with pytest.raises(ServiceError, match="persona card"):
        book(match, engineer, kind="role_play")
    retired = practice_bank.items("persona")[0]
    retired.retired = True
    db.session.commit()
    with pytest.raises(ServiceError, match="persona card"):
        book(match, engineer, kind="role_play", persona_key=retired.key)
    session = book(match, engineer, kind="role_play", persona_key=practice_bank.items("persona")[0].key)
    assert session.persona_key and after_session.rubric_of(session).key == "influence"


def test_only_the_lead_moves_a_workshop_and_someone_who_left_is_out_of_it(app, user_factory):
    lead = person(user_factory, ("lead",))
    member = person(user_factory, ("engineer",))
    cohort = cohort_with(lead, [member], [])
    [workshop] = new_workshop(cohort, lead)
    workshops.join_workshop(workshop.id, user_id=member.id)
    with pytest.raises(NotFoundError):
        changes.reschedule(workshop.id, actor_id=member.id, start=tomorrow_at(3), end=tomorrow_at(4), reason="Suits me")
    changes.cancel(workshop.id, actor_id=member.id, reason="Clash")  # leaves; the workshop goes on
    assert workshop.status == "scheduled" and service.sessions_for(member.id) == []
    with pytest.raises(NotFoundError):
        after_session.submit_feedback(workshop.id, author_id=member.id, rating=5, notes="")
    changes.cancel(workshop.id, actor_id=lead.id, reason="Lead is ill")
    cancelled = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "session.cancelled")).one()
    assert cancelled.payload["user_ids"] == [lead.id]


def in_days(days: int) -> str:
    return (utcnow() + timedelta(days=days)).date().isoformat()


ON_TIME = {"kind": "one_on_one", "day": in_days(3), "start": "10:00", "duration": "60"}


@pytest.mark.parametrize(
    ("url", "data", "field", "message"),
    [
        (
            "/sessions/propose/{match}",
            {**ON_TIME, "kind": "interview", "interview_kind": "influence"},
            "interview_kind",
            "Choose the kind of mock interview.",
        ),
        ("/sessions/propose/{match}", {**ON_TIME, "kind": "workshop"}, "kind", "Choose a kind of session."),
        ("/sessions/propose/{match}", {**ON_TIME, "day": "9999-12-31"}, "day", "Choose a date within 2 years."),
        ("/sessions/propose/{match}", {**ON_TIME, "day": "31/12/2030"}, "day", "Enter a date like 2030-05-06."),
        ("/sessions/propose/{match}", {**ON_TIME, "start": "25:99"}, "start", "Enter a start time like 14:30."),
        ("/sessions/propose/{match}", {**ON_TIME, "duration": "7"}, "duration", "Choose one of the lengths offered."),
        ("/sessions/propose/{match}", {**ON_TIME, "day": in_days(-2)}, "start", "already passed"),
        ("/sessions/propose/{match}", {**ON_TIME, "title": "A" * 161}, "title", "Keep the title under 160 characters."),
        (
            "/sessions/book/{match}",
            {"start": "9999-12-31T23:30:00+00:00", "duration": "60", "kind": "one_on_one"},
            "start",
            "Choose one of the free slots.",
        ),
        (
            "/sessions/book/{match}",
            {"start": in_days(3) + "T10:00:00", "duration": "60", "kind": "one_on_one"},
            "start",
            "Choose one of the free slots.",
        ),
        (
            "/sessions/book/{match}",
            {"start": in_days(3) + "T03:00:00+00:00", "duration": "60", "kind": "role_play"},
            "persona_key",
            "Choose a persona card",
        ),
        ("/sessions/{session}/feedback", {"rating": "²"}, "rating", "Rate the session from 1 to 5."),
        (
            "/sessions/{session}/attendance",
            {"attendance_{engineer}": "maybe"},
            "attendance_{engineer}",
            "as attended or no-show.",
        ),
        ("/sessions/{session}/cancel", {"reason": " "}, "reason", "Say briefly why you cancel."),
        (
            "/sessions/{session}/reschedule",
            {**ON_TIME, "start": "14:00", "reason": "Clash"},
            "start",
            "already in a session",
        ),
        (
            "/sessions/{session}/reschedule",
            {**ON_TIME, "day": in_days(1), "reason": ""},
            "reason",
            "Say briefly why the time changes.",
        ),
    ],
)
def test_odd_input_gets_a_400_with_the_message_at_its_own_input(
    app, client, login, pair, form_post, url, data, field, message
):
    engineer, mentor, match = pair
    session = book(match, engineer)
    as_past(session)
    book(match, engineer, start=datetime.fromisoformat(f"{in_days(3)}T14:00:00+00:00"))  # what the clashing move meets
    login(mentor if "attendance" in url or "reschedule" in url else engineer)
    target = url.format(match=match.id, session=session.id)
    page = f"/sessions/{session.id}" if "{session}" in url else target
    response = form_post(
        target, {key.format(engineer=engineer.id): value for key, value in data.items()}, page_url=page
    )
    assert response.status_code == 400
    errors = field_errors(response.get_data(as_text=True))
    assert (
        list(errors) == [field.format(engineer=engineer.id)] and message in errors[field.format(engineer=engineer.id)]
    )


def _post_workshop_series(user_factory, login, form_post, *, weeks: str, seat_limit: str):
    """A lead posts the workshop form of a cohort of theirs, and follows where it leads."""
    lead = person(user_factory, ("lead",))
    cohort = cohorts.create_cohort(lead.id, "Summer", utcnow().date())
    login(lead)
    when = {"day": in_days(3), "start": "16:00", "duration": "60"}
    return form_post(
        f"/cohorts/{cohort.id}/workshops/new",
        {"title": "Roadmaps", **when, "weeks": weeks, "seat_limit": seat_limit},
        follow_redirects=True,
    )


def test_a_workshop_with_odd_weeks_and_seats_is_refused_at_those_inputs(app, client, login, user_factory, form_post):
    response = _post_workshop_series(user_factory, login, form_post, weeks="99", seat_limit="0")
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == {
        "weeks": "Repeat between 1 and 12 weeks.",
        "seat_limit": "Set a seat limit between 1 and 500.",
    }
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 0


def test_scheduling_a_workshop_series_says_how_many_sessions_it_made(app, client, login, user_factory, form_post):
    response = _post_workshop_series(user_factory, login, form_post, weeks="3", seat_limit="20")
    assert response.status_code == 200
    assert "Scheduled 3 workshop sessions. Cohort members can take a seat." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 3


def test_a_missing_rating_and_rubric_score_are_each_marked_at_their_own_input(app, client, login, pair, form_post):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="interview", interview_kind="estimation")
    as_past(session)
    rubric = practice_bank.rubric("estimation")
    first, *others = rubric.dimensions
    login(mentor)
    response = form_post(f"/sessions/{session.id}/feedback", {"notes": "Good"}, page_url=f"/sessions/{session.id}")
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == {"rating": "Rate the session from 1 to 5."}
    response = form_post(
        f"/sessions/{session.id}/debrief",
        {
            **{f"score_{d.key}": "3" for d in others},
            "target_level": "pm",
            "overall_signal": "ready",
            "publish": "Publish to the engineer",
        },
        page_url=f"/sessions/{session.id}",
    )
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == {f"score_{first.key}": "Give a score from 1 to 4."}
    assert db.session.scalar(select(func.count()).select_from(SessionFeedback)) == 0


def test_attendance_is_recorded_for_every_guest_or_for_none(app, user_factory):
    lead = person(user_factory, ("lead",))
    members = [person(user_factory, ("engineer",)) for _ in range(2)]
    cohort = cohort_with(lead, members, [])
    [workshop] = new_workshop(cohort, lead)
    for member in members:
        workshops.join_workshop(workshop.id, user_id=member.id)
    as_past(workshop)
    with pytest.raises(ServiceError) as refused:
        after_session.record_attendance(workshop.id, host_id=lead.id, attendance={members[0].id: "attended"})
    assert set(refused.value.errors) == {f"attendance_{members[1].id}"}
    assert [guest.attendance for guest in workshop.guests()] == [None, None] and workshop.status == "scheduled"


def test_a_weekly_series_with_one_clashing_week_saves_no_week(app, user_factory):
    lead = person(user_factory, ("lead",))
    cohort = cohorts.create_cohort(lead.id, "Winter", utcnow().date())
    [clash] = new_workshop(cohort, lead, start=tomorrow_at(16) + timedelta(days=14), title="Existing")
    with pytest.raises(ServiceError, match="already in a session") as refused:
        new_workshop(cohort, lead, weeks=3, title="Series")
    assert refused.value.field == "start"
    assert db.session.scalars(select(MentoringSession.id)).all() == [clash.id]


def test_the_session_pages_forms_each_use_their_own_ids(app, client, login, pair):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="interview", interview_kind="estimation")
    as_past(session)
    login(mentor)
    detail = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert all(action in detail for action in ("/reschedule", "/cancel", "/attendance", "/feedback", "/debrief"))
    assert repeated_ids(detail) == []
    engineer_browser = app.test_client()
    sign_in(engineer_browser, engineer)
    assert repeated_ids(engineer_browser.get(f"/sessions/book/{match.id}").get_data(as_text=True)) == []
    assert repeated_ids(engineer_browser.get(f"/sessions/propose/{match.id}").get_data(as_text=True)) == []


def test_a_time_off_the_quarter_hour_grid_is_refused_at_the_field_with_the_nearest_choices(
    app, client, login, pair, form_post
):
    engineer, mentor, match = pair
    login(engineer)
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    response = form_post(
        f"/sessions/propose/{match.id}", {"kind": "one_on_one", "day": day, "start": "14:20", "duration": "60"}
    )
    assert response.status_code == 400
    assert "14:20 is not one. Pick 14:15 or 14:30." in field_errors(response.get_data(as_text=True))["start"]
    assert db.session.scalar(select(MentoringSession.id)) is None

    session = book(match, engineer)
    response = form_post(
        f"/sessions/{session.id}/reschedule",
        {"day": day, "start": "09:50", "duration": "60", "reason": "Clash"},
        page_url=f"/sessions/{session.id}",
    )
    assert response.status_code == 400
    assert "09:50 is not one. Pick 09:45 or 10:00." in field_errors(response.get_data(as_text=True))["start"]
    db.session.expire_all()
    assert db.session.get(MentoringSession, session.id).start_at == tomorrow_at(10)
