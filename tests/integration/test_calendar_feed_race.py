"""One person opens /sessions in many tabs at once, against a real PostgreSQL: nothing breaks, one feed at most."""

import threading

from sqlalchemy import func, select

from pmcohort.core.extensions import db
from pmcohort.mentoring.models import CalendarFeed
from pmcohort.ops.models import AuditEvent
from tests.conftest import FreshGlobalsClient, csrf_token_from, sign_in
from tests.factories import make_user
from tests.services import require_postgres

TABS = 20


def _signed_in_tabs(base_app, user) -> list[FreshGlobalsClient]:
    first = base_app.test_client()
    sign_in(first, user)
    tabs = [first]
    for _ in range(TABS - 1):
        tab = base_app.test_client()
        tab.set_cookie("session", first.get_cookie("session").value)
        tabs.append(tab)
    return tabs


def _all_at_once(tabs, request) -> list:
    barrier = threading.Barrier(len(tabs))
    outcomes = []

    def run(tab):
        barrier.wait(30)
        outcomes.append(request(tab))

    threads = [threading.Thread(target=run, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def _feed_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(CalendarFeed))


def test_first_views_of_sessions_at_once_all_succeed_and_write_nothing(committed_db, base_app):
    require_postgres()
    user = make_user()
    db.session.commit()
    tabs = _signed_in_tabs(base_app, user)
    db.session.remove()

    statuses = _all_at_once(tabs, lambda tab: tab.get("/sessions").status_code)

    assert statuses == [200] * TABS
    assert _feed_rows() == 0


def test_asking_for_the_calendar_link_twice_at_once_makes_one_feed(committed_db, base_app):
    require_postgres()
    user = make_user()
    db.session.commit()
    user_id = user.id
    tabs = _signed_in_tabs(base_app, user)
    tokens = [csrf_token_from(tab.get("/sessions").get_data(as_text=True)) for tab in tabs]
    db.session.remove()

    statuses = _all_at_once(
        list(zip(tabs, tokens, strict=False)),
        lambda tab_and_token: (
            tab_and_token[0].post("/calendar/feed", data={"csrf_token": tab_and_token[1]}).status_code
        ),
    )

    assert statuses == [303] * TABS
    assert _feed_rows() == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "calendar.feed_created")
        )
        == 1
    )
    page = tabs[0].get("/sessions").get_data(as_text=True)
    assert db.session.get(CalendarFeed, user_id).token in page
