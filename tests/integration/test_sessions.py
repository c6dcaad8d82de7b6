"""Sessions in the app: booking, proposals, changes, workshops, feedback, invites, privacy."""

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import func, select, update

from pmcohort.extensions import db
from pmcohort.models import (
    AvailabilityWindow,
    CohortMember,
    MentoringSession,
    OutboxMessage,
    SessionFeedback,
)
from pmcohort.models.types import utcnow
from pmcohort.services import cohorts, practice_bank
from pmcohort.services import sessions as service
from tests.conftest import sign_in
from tests.factories import as_past, book, person, tomorrow_at


def parse(ics: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(ics)
    return calendar, next(component for component in calendar.walk("VEVENT"))


def test_engineer_books_a_free_slot_and_gets_an_invite(client, login, pair, form_post):
    engineer, mentor, match = pair
    login(engineer)
    page = client.get(f"/sessions/book/{match.id}").get_data(as_text=True)
    slot = tomorrow_at(10).isoformat()
    assert f'value="{slot}"' in page

    response = form_post(f"/sessions/book/{match.id}", {"slot": slot, "duration": "60", "kind": "one_on_one", "title": "First 1:1"})
    assert response.status_code == 302
    session = db.session.scalar(select(MentoringSession))
    assert (session.status, session.host_id, session.sequence) == ("scheduled", mentor.id, 0)
    assert {p.user_id for p in session.participants} == {engineer.id, mentor.id}
    assert "session.scheduled" in db.session.scalars(select(OutboxMessage.topic)).all()

    calendar, event = parse(client.get(f"/sessions/{session.id}/invite.ics").data)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"session-{session.id}@pmcohort.app" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == tomorrow_at(10)
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} >= {"UTC"} or event["DTSTART"].params.get("TZID") is None


@pytest.mark.parametrize(
    ("start", "minutes", "message"),
    [
        (lambda: utcnow() - timedelta(hours=2), 60, "already passed"),
        (lambda: tomorrow_at(10), 240, "3 h"),
        (lambda: tomorrow_at(10), 10, "15 min"),
    ],
)
def test_bad_bookings_are_refused_and_nothing_is_stored(pair, start, minutes, message):
    engineer, _, match = pair
    with pytest.raises(service.SessionError, match=message):
        book(match, engineer, start=start(), minutes=minutes)
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 0


def test_booking_outside_availability_or_overlapping_is_refused(app, pair, user_factory):
    engineer, mentor, match = pair
    db.session.execute(update(AvailabilityWindow).where(AvailabilityWindow.user_id == mentor.id).values(start_minute=9 * 60, end_minute=12 * 60))
    db.session.commit()
    with pytest.raises(service.SessionError, match="outside"):
        book(match, engineer, start=tomorrow_at(14))
    book(match, engineer, start=tomorrow_at(10))
    with pytest.raises(service.SessionError, match="already in a session"):
        book(match, engineer, start=tomorrow_at(10) + timedelta(minutes=30))
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 1


def test_only_matched_engineers_can_book(app, client, pair, user_factory, login):
    _, _, match = pair
    stranger = person(user_factory, ("engineer",))
    login(stranger)
    assert client.get(f"/sessions/book/{match.id}").status_code == 404
    with pytest.raises(LookupError):
        book(match, stranger)


def test_rescheduling_bumps_the_sequence_and_asks_the_other_side(pair):
    engineer, mentor, match = pair
    session = book(match, engineer)
    service.reschedule(session.id, actor_id=mentor.id, start=tomorrow_at(15), end=tomorrow_at(16), reason="A clash came up")
    assert (session.status, session.sequence) == ("proposed", 1)
    assert session.participant(mentor.id).accepted_at is not None  # moving it is agreeing to it
    assert session.participant(engineer.id).accepted_at is None
    assert all(p.start_at == tomorrow_at(15) for p in session.participants)
    with pytest.raises(service.SessionError, match="Say briefly why"):
        service.reschedule(session.id, actor_id=mentor.id, start=tomorrow_at(17), end=tomorrow_at(18), reason=" ")
    service.accept(session.id, user_id=engineer.id)
    assert session.status == "scheduled" and session.sequence == 2


def test_cancelling_within_24_hours_is_late_and_the_invite_cancels(app, client, login, pair):
    engineer, mentor, match = pair
    soon = book(match, engineer, start=utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=3))
    later = book(match, engineer, start=tomorrow_at(10) + timedelta(days=2))
    service.cancel(soon.id, actor_id=engineer.id, reason="Sick")
    service.cancel(later.id, actor_id=engineer.id, reason="Travel")
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
        with pytest.raises(service.SessionError, match="Score every rubric dimension") as refused:
            service.submit_feedback(session.id, author_id=mentor.id, rating=4, notes="", rubric_scores={})
        assert set(refused.value.errors) == {f"score-{d.key}" for d in rubric.dimensions}
        service.submit_feedback(session.id, author_id=mentor.id, rating=4, notes="Clear structure",
                                rubric_scores={d.key: score for d in rubric.dimensions})
        service.submit_feedback(session.id, author_id=engineer.id, rating=5, notes="Useful")
    history = service.rubric_history(engineer.id)["estimation"]
    assert [scores[rubric.dimensions[0].key] for _, scores in history] == [2, 3]
    login(engineer)
    assert "Estimation scores over your sessions" in client.get("/sessions").get_data(as_text=True)


def test_feedback_and_attendance_wait_until_the_session_starts(pair):
    engineer, mentor, match = pair
    session = book(match, engineer)
    with pytest.raises(service.SessionError, match="once the session has started"):
        service.submit_feedback(session.id, author_id=engineer.id, rating=5, notes="")
    as_past(session)
    with pytest.raises(service.SessionError, match="Rate the session"):
        service.submit_feedback(session.id, author_id=engineer.id, rating=9, notes="")
    service.record_attendance(session.id, host_id=mentor.id, attendance={engineer.id: "no_show"})
    assert session.participant(engineer.id).attendance == "no_show" and session.status == "completed"
    assert db.session.scalar(select(func.count()).select_from(SessionFeedback)) == 0


def test_shadowing_is_offered_by_the_mentor_then_observed_and_commented(pair):
    engineer, mentor, match = pair
    with pytest.raises(service.SessionError, match="offered by the mentor"):
        service.propose(match.id, actor_id=engineer.id, kind="shadowing", start=tomorrow_at(10), end=tomorrow_at(11),
                        details=service.Details(agenda="x"))
    with pytest.raises(service.SessionError, match="Describe the activity"):
        service.propose(match.id, actor_id=mentor.id, kind="shadowing", start=tomorrow_at(10), end=tomorrow_at(11), details=service.Details())
    session = service.propose(match.id, actor_id=mentor.id, kind="shadowing", start=tomorrow_at(10), end=tomorrow_at(11),
                              details=service.Details(agenda="Roadmap review with the infra leads", confidentiality="Q3 numbers stay in the room"))
    assert session.status == "proposed"
    service.accept(session.id, user_id=engineer.id)
    assert session.status == "scheduled"
    as_past(session)
    with pytest.raises(service.SessionError, match="sentence"):
        service.save_observation(session.id, engineer_id=engineer.id, decision="", who_moved_it="x", trade_off="y")
    service.save_observation(session.id, engineer_id=engineer.id, decision="Ship the quota API first",
                             who_moved_it="The PM, with usage data", trade_off="Delays the dashboard a quarter")
    service.comment_observation(session.id, mentor_id=mentor.id, comment="Notice she asked for the data before the meeting")


def test_a_weekly_workshop_keeps_local_time_across_the_dst_change_and_has_a_seat_limit(app, user_factory):
    lead = person(user_factory, ("lead",), time_zone="Europe/Berlin")
    members = [person(user_factory, ("engineer",)) for _ in range(3)]
    outsider = person(user_factory, ("engineer",))
    cohort = cohorts.create_cohort(lead.id, "Autumn", utcnow().date())
    for member in members:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=member.id, role="engineer"))
    db.session.commit()
    # A Tuesday 18:00 Berlin series spanning the last Sunday of October.
    year = utcnow().year + 1
    first = datetime(year, 10, 20, 18, 0)
    first = first + timedelta(days=(1 - first.weekday()) % 7)
    from zoneinfo import ZoneInfo

    series = service.schedule_workshop(cohort.id, lead_id=lead.id, first_start=first.replace(tzinfo=ZoneInfo("Europe/Berlin")),
                                       duration=timedelta(hours=1), weeks=3, seat_limit=2, details=service.Details(title="Writing for executives"))
    local_hours = {s.start_at.astimezone(ZoneInfo("Europe/Berlin")).hour for s in series}
    utc_hours = [s.start_at.hour for s in series]
    assert local_hours == {18} and utc_hours[0] != utc_hours[-1]

    service.join_workshop(series[0].id, user_id=members[0].id)
    service.join_workshop(series[0].id, user_id=members[1].id)
    with pytest.raises(service.SessionError, match="full"):
        service.join_workshop(series[0].id, user_id=members[2].id)
    with pytest.raises(LookupError):
        service.join_workshop(series[0].id, user_id=outsider.id)


@pytest.mark.parametrize("roles", [("engineer",), ("mentor",), ("lead",)])
def test_others_cannot_see_a_session_or_its_invite(app, client, login, pair, user_factory, roles):
    engineer, _, match = pair
    session = book(match, engineer)
    login(person(user_factory, roles))
    assert client.get(f"/sessions/{session.id}").status_code == 404
    assert client.get(f"/sessions/{session.id}/invite.ics").status_code == 404


def test_reminders_and_feedback_requests_are_queued_once(pair):
    engineer, mentor, match = pair
    soon = book(match, engineer, start=utcnow().replace(second=0, microsecond=0) + timedelta(minutes=50))
    done = book(match, engineer, start=tomorrow_at(12))
    as_past(done)
    assert service.send_due_reminders() == 2  # soon: only the 1 h reminder, not two at once; done: feedback request
    assert service.send_due_reminders() == 0
    topics = db.session.scalars(select(OutboxMessage.topic).where(OutboxMessage.topic.like("session.%"))).all()
    assert topics.count("session.reminder") == 1 and topics.count("session.feedback_request") == 1
    service.reschedule(soon.id, actor_id=mentor.id, start=soon.start_at - timedelta(minutes=15), end=soon.end_at - timedelta(minutes=15), reason="Earlier")
    service.accept(soon.id, user_id=engineer.id)
    assert service.send_due_reminders() == 1  # a moved session is reminded again


def test_private_calendar_feed_lists_sessions_until_revoked(app, client, login, pair):
    engineer, _, match = pair
    book(match, engineer)
    token = service.feed_for(engineer.id).token
    calendar, event = parse(client.get(f"/calendar/{token}.ics").data)
    assert "METHOD" not in calendar and str(event["SUMMARY"]).startswith("PM Cohort:")
    service.revoke_feed(engineer.id)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{service.feed_for(engineer.id).token}.ics").status_code == 200


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
    with pytest.raises(service.SessionError, match="persona card"):
        book(match, engineer, kind="role_play")
    retired = practice_bank.items("persona")[0]
    retired.retired = True
    db.session.commit()
    with pytest.raises(service.SessionError, match="persona card"):
        book(match, engineer, kind="role_play", persona_key=retired.key)
    session = book(match, engineer, kind="role_play", persona_key=practice_bank.items("persona")[0].key)
    assert session.persona_key and service.rubric_of(session).key == "influence"


def test_only_the_lead_moves_a_workshop_and_someone_who_left_is_out_of_it(app, user_factory):
    lead = person(user_factory, ("lead",))
    member = person(user_factory, ("engineer",))
    cohort = cohorts.create_cohort(lead.id, "Spring", utcnow().date())
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=member.id, role="engineer"))
    db.session.commit()
    [workshop] = service.schedule_workshop(cohort.id, lead_id=lead.id, first_start=tomorrow_at(16), duration=timedelta(hours=1),
                                           weeks=1, seat_limit=5, details=service.Details(title="Roadmaps"))
    service.join_workshop(workshop.id, user_id=member.id)
    with pytest.raises(LookupError):
        service.reschedule(workshop.id, actor_id=member.id, start=tomorrow_at(3), end=tomorrow_at(4), reason="Suits me")
    service.cancel(workshop.id, actor_id=member.id, reason="Clash")  # leaves; the workshop goes on
    assert workshop.status == "scheduled" and service.sessions_for(member.id) == []
    with pytest.raises(LookupError):
        service.submit_feedback(workshop.id, author_id=member.id, rating=5, notes="")
    service.cancel(workshop.id, actor_id=lead.id, reason="Lead is ill")
    cancelled = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "session.cancelled")).one()
    assert cancelled.payload["user_ids"] == [lead.id]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/sessions/propose/{match}", {"kind": "interview", "interview_kind": "influence", "day": "2031-05-06", "clock": "10:00", "duration": "60"}),
        ("/sessions/propose/{match}", {"kind": "one_on_one", "day": "9999-12-31", "clock": "23:00", "duration": "60"}),
        ("/sessions/propose/{match}", {"kind": "one_on_one", "day": "2031-05-06", "clock": "10:00", "duration": "7"}),
        ("/sessions/book/{match}", {"slot": "9999-12-31T23:30:00+00:00", "duration": "60", "kind": "one_on_one"}),
        ("/sessions/{session}/feedback", {"rating": "²"}),
        ("/sessions/{session}/attendance", {"attendance-²": "attended"}),
        ("/sessions/{session}/cancel", {"reason": ""}),
    ],
)
def test_odd_input_gets_a_clear_400_not_a_500(app, client, login, pair, form_post, url, data):
    engineer, mentor, match = pair
    session = book(match, engineer)
    as_past(session)
    login(mentor if "attendance" in url else engineer)
    target = url.format(match=match.id, session=session.id)
    page = f"/sessions/{session.id}" if "{session}" in url else target
    response = form_post(target, data, page_url=page)
    assert response.status_code == 400
    assert 'class="error' in response.get_data(as_text=True)
