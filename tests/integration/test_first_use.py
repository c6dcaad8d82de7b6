"""First use without stumbles (issue 15): what a new user meets on every page."""

import re

import pytest
from sqlalchemy import func, select

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Cohort, Match
from pmcohort.core.extensions import db
from pmcohort.demo import DEMO_COHORT, seed_demo
from tests.factories import as_past, book


def test_the_favicon_is_served_by_the_app(client):
    response = client.get("/favicon.ico", follow_redirects=True)
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert 'rel="icon"' in client.get("/auth/login").get_data(as_text=True)


@pytest.mark.parametrize(
    "path, current, section",
    [
        ("/dashboard", "Dashboard", None),
        ("/sessions", "Sessions", None),
        ("/auth/account", "Account", None),
        ("/matches/999999", None, "Matches"),  # a 404 inside the section still marks it
    ],
)
def test_the_navigation_marks_the_current_page(client, login, user_factory, path, current, section):
    login(user_factory())
    page = client.get(path).get_data(as_text=True)
    marked = re.findall(r'aria-current="(page|true)">([^<]+)<', page)
    assert marked == ([("page", current)] if current else [("true", section)])


def test_errors_are_alerts_and_confirmations_stay_polite(client, login, user_factory, form_post):
    login(user_factory())
    saved = form_post(
        "/auth/account/time-zone", {"time_zone": "Europe/Lisbon"}, page_url="/auth/account", follow_redirects=True
    )
    assert '<p class="flash flash-success" role="status">Time zone saved.' in saved.get_data(as_text=True)
    # A failed action flashes an error: announced at once.
    with client.session_transaction() as session:
        session["_flashes"] = [("error", "Something went wrong."), ("success", "Something went right.")]
    page = client.get("/dashboard").get_data(as_text=True)
    assert '<p class="flash flash-error" role="alert">Something went wrong.' in page
    assert '<p class="flash flash-success" role="status">Something went right.' in page


def test_demo_people_have_unique_names_and_the_cohort_counts_the_kept_match(app, client, login):
    seed_demo()
    names = db.session.scalars(select(User.name)).all()
    assert len(names) == len(set(names)) == 52
    assert db.session.scalar(select(func.count()).select_from(Match).where(Match.status == "active")) == 1

    login(db.session.scalar(select(User).where(User.email == "lead@demo.example.com")), "pmcohort-demo")
    cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.name == DEMO_COHORT))
    board = client.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Matched and active: <strong>1</strong>" in board and "Not matched yet: <strong>39</strong>" in board


def test_a_session_says_it_is_in_progress_and_leaves_upcoming_once_ended(client, login, pair):
    engineer, mentor, match = pair
    session = book(match, engineer)
    as_past(session, hours_ago=0.25)  # a one-hour session that started 15 minutes ago
    login(engineer)
    assert "In progress</strong>, until" in client.get("/dashboard").get_data(as_text=True)
    upcoming = client.get("/sessions").get_data(as_text=True).split("<h2>Upcoming</h2>", 1)[1].split("</section>", 1)[0]
    assert 'status-active">in progress</span>' in upcoming

    as_past(session, hours_ago=2)
    upcoming = client.get("/sessions").get_data(as_text=True).split("<h2>Upcoming</h2>", 1)[1].split("</section>", 1)[0]
    assert "Nothing booked." in upcoming
    assert '">ended</span>' in client.get(f"/sessions/{session.id}").get_data(as_text=True)
