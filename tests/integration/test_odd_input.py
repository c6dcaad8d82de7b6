"""Odd input gets a 4xx with a message where the user can act, never a 500, and nothing is stored."""

import pytest
from sqlalchemy import func, select

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Cohort
from pmcohort.core.extensions import db
from pmcohort.mentoring.models import MentoringSession
from pmcohort.notifications.models import Notification
from tests.conftest import csrf_token_from
from tests.factories import book, tomorrow_at

BEYOND_INTEGER = str(2**31)
TWENTY_DIGITS = "9" * 20


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("field", ["name", "email", "password"])
def test_sign_up_refuses_a_nul_byte_at_the_field_and_creates_nobody(client, form_post, field):
    data = {
        "name": "Nul Person",
        "email": "nul@example.com",
        "password": "long enough password",
        "time_zone": "UTC",
        "role": "engineer",
    }
    data[field] = data[field][:3] + "\x00" + data[field][3:]
    response = form_post("/auth/signup", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and "control character" in html
    assert _count(User) == 0


@pytest.mark.parametrize("text", ["who\x00@example.com", "who\x1b@example.com"])
def test_sign_in_refuses_control_characters_at_the_field(client, form_post, text):
    response = form_post("/auth/login", {"email": text, "password": "whatever it is"})
    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_newlines_and_tabs_are_ordinary_text(app, client, form_post, pair, login):
    engineer, _mentor, match = pair
    login(engineer)
    day = tomorrow_at(10)
    response = form_post(
        f"/sessions/propose/{match.id}",
        {
            "kind": "one_on_one",
            "day": day.date().isoformat(),
            "start": "10:00",
            "duration": "60",
            "title": "Roadmap\ttalk",
            "agenda": "First\r\nSecond",
        },
    )
    assert response.status_code == 303
    assert db.session.scalar(select(MentoringSession.agenda)) == "First\r\nSecond"


@pytest.mark.parametrize(("field", "side"), [("title", "engineer"), ("agenda", "engineer"), ("watch_for", "mentor")])
def test_a_session_proposal_with_a_nul_byte_is_refused_at_the_field(app, client, form_post, pair, login, field, side):
    engineer, mentor, match = pair
    login(engineer if side == "engineer" else mentor)
    response = form_post(
        f"/sessions/propose/{match.id}",
        {
            "kind": "one_on_one",
            "day": tomorrow_at(10).date().isoformat(),
            "start": "10:00",
            "duration": "60",
            field: "bad\x00text",
        },
    )
    assert response.status_code == 400
    assert f'id="{field}-error">This contains a control character' in response.get_data(as_text=True)
    assert _count(MentoringSession) == 0


def test_a_decline_reason_with_a_nul_byte_changes_nothing(app, client, form_post, user_factory, login):
    from pmcohort.cohorts.models import Match

    engineer, mentor = user_factory(roles=("engineer",)), user_factory(roles=("mentor",))
    match = Match(engineer_id=engineer.id, mentor_id=mentor.id, source="request", status="proposed")
    db.session.add(match)
    db.session.commit()
    login(mentor)
    response = form_post(
        f"/matches/{match.id}/decline", {"reason": "busy\x00"}, page_url=f"/matches/{match.id}", follow_redirects=True
    )
    assert "control character" in response.get_data(as_text=True)
    assert db.session.get(Match, match.id).status == "proposed"


def test_an_assessment_answer_with_a_nul_byte_is_refused_at_its_question(app, client, form_post, user_factory, login):
    from pmcohort.domain import readiness as assessment

    login(user_factory(roles=("engineer",)))
    question = assessment.PAGES[0].questions[0]
    response = form_post("/assessment/step/1", {question.key: "3\x00"})
    assert response.status_code == 400
    assert "contains a control character" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        f"/mentors/{BEYOND_INTEGER}",
        f"/sessions/{TWENTY_DIGITS}",
        f"/matches/{BEYOND_INTEGER}",
        f"/assessment/results/{TWENTY_DIGITS}",
        "/calendar/%00abc.ics",
        "/auth/reset/%00",
    ],
)
def test_ids_beyond_the_database_range_and_control_characters_in_the_path_are_not_found(
    client, user_factory, login, path
):
    login(user_factory(roles=("engineer", "mentor", "lead")))
    assert client.get(path).status_code == 404


def test_a_control_character_in_a_query_is_refused(client, user_factory, login):
    login(user_factory(roles=("admin",)))
    assert client.get("/admin/users?q=a%00b").status_code == 400


def test_form_integers_beyond_the_database_range_are_refused_at_the_field(client, form_post, user_factory, login):
    login(user_factory(roles=("lead",)))
    response = form_post("/cohorts", {"name": "Spring", "start_date": "2026-03-02", "weeks": BEYOND_INTEGER})
    assert response.status_code == 400
    assert 'id="weeks-error"' in response.get_data(as_text=True)
    assert _count(Cohort) == 0


def test_a_requested_mentor_id_beyond_the_range_is_a_bad_request(client, form_post, user_factory, login):
    login(user_factory(roles=("engineer",)))
    assert form_post("/matches/request", {"mentor_id": TWENTY_DIGITS}, page_url="/matches").status_code == 400


@pytest.mark.parametrize("page", [TWENTY_DIGITS, "0", "-5", "abc"])
def test_the_user_list_clamps_its_page_number(client, user_factory, login, page):
    admin = login(user_factory(roles=("admin",), name="Ada Admin"))
    response = client.get(f"/admin/users?page={page}")
    assert response.status_code == 200
    assert admin.name in response.get_data(as_text=True)  # the one page there is


@pytest.mark.parametrize("page", [TWENTY_DIGITS, "0", "-5", "abc"])
def test_the_inbox_clamps_its_page_number(app, client, user_factory, login, page):
    user = login(user_factory())
    db.session.add(Notification(user_id=user.id, title="A match is proposed", link="/matches"))
    db.session.commit()
    response = client.get(f"/inbox?page={page}")
    assert response.status_code == 200
    assert "A match is proposed" in response.get_data(as_text=True)  # the one page there is


def test_a_json_body_is_not_read_as_a_form(app, client, user_factory, login):
    user = login(user_factory())
    app.config["WTF_CSRF_ENABLED"] = False  # so the body itself is what the form meets
    try:
        response = client.post(
            "/auth/account/password", json={"current_password": [1, {"a": None}], "new_password": 5, "confirm": 5}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 400
    assert db.session.get(User, user.id).password_hash == user.password_hash


@pytest.mark.parametrize("action", ["cancel", "reschedule"])
def test_a_session_form_posted_without_its_reason_field_is_no_server_error(app, client, pair, login, action):
    engineer, _mentor, match = pair
    session = book(match, engineer)
    login(engineer)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    response = client.post(
        f"/sessions/{session.id}/{action}", data={"csrf_token": csrf_token_from(page)}
    )  # found by the fuzz test
    assert response.status_code < 500
