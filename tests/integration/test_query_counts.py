"""Pages must not slide into one query per row: the count stays flat as the rows grow."""

from datetime import timedelta

from pmcohort.extensions import db
from pmcohort.models import CohortMember
from pmcohort.services import matching
from tests.factories import book, cohort_with, engineer, mentor, run_now, tomorrow_at


def queries_for(client, count_queries, url: str) -> int:
    # A first visit reloads what the test's own commits expired (the signed-in user, the calendar feed).
    client.get(url)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_cohort_board_queries_do_not_grow_with_members(app, client, login, user_factory, count_queries):
    lead = login(user_factory(roles=("lead",)))
    cohort = cohort_with(lead, [engineer(user_factory) for _ in range(2)], [mentor(user_factory)])
    matching.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    small = queries_for(client, count_queries, f"/cohorts/{cohort.id}")

    for _ in range(10):
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=engineer(user_factory).id, role="engineer"))
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=mentor(user_factory, capacity=10).id, role="mentor"))
    db.session.commit()
    matching.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    assert queries_for(client, count_queries, f"/cohorts/{cohort.id}") == small


def test_sessions_page_queries_do_not_grow_with_sessions(client, login, pair, count_queries):
    ada, _, match = pair
    login(ada)
    book(match, ada)
    few = queries_for(client, count_queries, "/sessions")
    for hour in range(12, 20):
        book(match, ada, start=tomorrow_at(hour) + timedelta(days=1))
    assert queries_for(client, count_queries, "/sessions") == few


def test_admin_user_list_queries_do_not_grow_with_users(app, client, login, user_factory, count_queries):
    login(user_factory(roles=("admin",)))
    user_factory()
    few = queries_for(client, count_queries, "/admin/users")
    for _ in range(15):
        user_factory(roles=("engineer", "mentor"))
    assert queries_for(client, count_queries, "/admin/users") == few
