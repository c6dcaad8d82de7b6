"""Cohort matching end to end in the app: enrol, run, preview, pin/forbid, publish, and the lifecycle."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pmcohort.cohorts import services as cohorts
from pmcohort.cohorts.models import CohortMember, Match, MatchingRun
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import vocabulary
from pmcohort.mentorships import runs as matching_runs
from pmcohort.mentorships import services as matching
from pmcohort.notifications.models import OutboxMessage
from pmcohort.profiles.models import MentorProfile
from tests.conftest import sign_in
from tests.factories import cohort_with, engineer, mentor, run_now
from tests.integration.pages import field_errors


def test_each_engineer_gets_the_mentor_strong_in_their_gap(app, user_factory):
    lead = user_factory(roles=("lead",))
    needs_discovery, needs_writing = (
        engineer(user_factory, weakest="discovery"),
        engineer(user_factory, weakest="writing"),
    )
    discovery_pm, writing_pm = (
        mentor(user_factory, strong_in="discovery", capacity=1),
        mentor(user_factory, strong_in="writing", capacity=1),
    )
    cohort = cohort_with(lead, [needs_discovery, needs_writing], [writing_pm, discovery_pm])

    run = run_now(cohort, lead)

    pairs = {(p["engineer_id"], p["mentor_id"]) for p in run.result["proposals"]}
    assert pairs == {(needs_discovery.id, discovery_pm.id), (needs_writing.id, writing_pm.id)}
    reasons = next(p["reasons"] for p in run.result["proposals"] if p["engineer_id"] == needs_discovery.id)
    assert any("customer discovery, {engineer's} largest gap" in reason for reason in reasons)
    assert any("h a week of shared availability" in reason for reason in reasons)


def test_unmatched_engineers_come_with_a_reason(app, user_factory):
    lead = user_factory(roles=("lead",))
    night_owl = engineer(user_factory, windows=[(6, 2 * 60, 3 * 60)])
    no_assessment = user_factory(roles=("engineer",))
    cohort = cohort_with(lead, [night_owl, no_assessment], [mentor(user_factory)])

    run = run_now(cohort, lead)

    reasons = {row["engineer_id"]: row["reason"] for row in run.result["unmatched"]}
    assert reasons == {
        night_owl.id: "no mentor with shared availability",
        no_assessment.id: "has not taken the readiness assessment, and no mentor has scored their work yet",
    }
    with pytest.raises(ServiceError, match="no pairs to publish"):
        matching_runs.publish_run(run.id, actor_id=lead.id)
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0


@pytest.mark.parametrize(("engineers", "mentors", "message"), [(0, 1, "no engineers yet"), (1, 0, "no mentors yet")])
def test_a_cohort_without_people_cannot_be_matched(app, user_factory, engineers, mentors, message):
    lead = user_factory(roles=("lead",))
    cohort = cohort_with(
        lead, [engineer(user_factory) for _ in range(engineers)], [mentor(user_factory) for _ in range(mentors)]
    )
    with pytest.raises(ServiceError, match=message):
        matching_runs.start_run(cohort.id, actor_id=lead.id)
    assert db.session.scalar(select(func.count()).select_from(MatchingRun)) == 0


def test_a_second_run_while_one_is_in_progress_is_refused(client, login, user_factory, form_post):
    lead = login(user_factory(roles=("lead",)))
    cohort = cohort_with(lead, [engineer(user_factory)], [mentor(user_factory)])
    form_post(f"/cohorts/{cohort.id}/runs", {}, page_url=f"/cohorts/{cohort.id}")
    second = form_post(f"/cohorts/{cohort.id}/runs", {}, page_url=f"/cohorts/{cohort.id}", follow_redirects=True)
    assert "already in progress" in second.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MatchingRun)) == 1
    assert "refreshes by itself" in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert [m.topic for m in db.session.scalars(select(OutboxMessage))] == ["matching.run"]


def test_pins_and_forbids_shape_the_next_run(app, user_factory):
    lead = user_factory(roles=("lead",))
    ada = engineer(user_factory, weakest="discovery")
    strong, weak = mentor(user_factory, strong_in="discovery"), mentor(user_factory, strong_in="writing")
    cohort = cohort_with(lead, [ada], [strong, weak])
    assert run_now(cohort, lead).result["proposals"][0]["mentor_id"] == strong.id

    cohorts.set_pair_rule(cohort.id, ada.id, strong.id, "forbidden", actor_id=lead.id)
    assert run_now(cohort, lead).result["proposals"][0]["mentor_id"] == weak.id

    cohorts.set_pair_rule(cohort.id, ada.id, strong.id, "pinned", actor_id=lead.id)
    pinned = run_now(cohort, lead).result["proposals"][0]
    assert pinned["mentor_id"] == strong.id and pinned["reasons"][0] == "Pinned by the cohort lead"


def test_publish_then_both_accept_and_the_mentor_can_see_the_gap_profile(app, user_factory):
    lead = user_factory(roles=("lead",))
    ada, pm = engineer(user_factory), mentor(user_factory, capacity=1)
    cohort = cohort_with(lead, [ada], [pm])
    run = run_now(cohort, lead)

    [match] = matching_runs.publish_run(run.id, actor_id=lead.id)
    assert match.status == "proposed"
    assert sorted(m.topic for m in db.session.scalars(select(OutboxMessage))) == ["match.proposed", "matching.run"]

    matching.accept(match.id, user_id=ada.id)
    assert match.status == "proposed"
    matching.accept(match.id, user_id=pm.id)
    assert match.status == "active"
    assert db.session.get(MentorProfile, pm.id).active_mentees == 1

    from pmcohort.policy import can_view_assessment

    assert can_view_assessment(pm, ada.id) and can_view_assessment(lead, ada.id)
    assert not can_view_assessment(mentor(user_factory), ada.id)
    assert not can_view_assessment(user_factory(roles=("lead",)), ada.id)


def test_a_decline_frees_the_engineer_for_the_next_run_with_another_mentor(app, user_factory):
    lead = user_factory(roles=("lead",))
    ada = engineer(user_factory)
    first, second = mentor(user_factory, strong_in="discovery"), mentor(user_factory, strong_in="writing")
    cohort = cohort_with(lead, [ada], [first, second])
    [match] = matching_runs.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    assert match.mentor_id == first.id

    with pytest.raises(ServiceError, match="Say briefly why"):
        matching.decline(match.id, user_id=first.id, reason="  ")
    matching.decline(match.id, user_id=first.id, reason="I am moving teams next month")
    assert match.status == "declined" and match.close_reason == "I am moving teams next month"

    rerun = run_now(cohort, lead)
    assert [(p["engineer_id"], p["mentor_id"]) for p in rerun.result["proposals"]] == [(ada.id, second.id)]


def test_accepted_matches_are_kept_by_later_runs(app, user_factory):
    lead = user_factory(roles=("lead",))
    ada, ben = engineer(user_factory), engineer(user_factory)
    pm = mentor(user_factory, capacity=2)
    cohort = cohort_with(lead, [ada], [pm])
    [match] = matching_runs.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    matching.accept(match.id, user_id=ada.id)
    matching.accept(match.id, user_id=pm.id)
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=ben.id, role="engineer"))
    db.session.commit()

    run = run_now(cohort, lead)
    assert [p["engineer_id"] for p in run.result["proposals"]] == [ben.id]
    assert [k["engineer_id"] for k in run.result["kept"]] == [ada.id]


def test_unanswered_proposals_expire_after_seven_days(app, user_factory):
    lead = user_factory(roles=("lead",))
    cohort = cohort_with(lead, [engineer(user_factory)], [mentor(user_factory)])
    [match] = matching_runs.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    assert matching.expire_stale_proposals(utcnow() + timedelta(days=6)) == 0
    assert matching.expire_stale_proposals(utcnow() + timedelta(days=7, minutes=1)) == 1
    assert match.status == "expired"
    assert "match.expired" in db.session.scalars(select(OutboxMessage.topic)).all()


def test_ending_a_match_early_frees_the_mentors_place(app, user_factory):
    lead = user_factory(roles=("lead",))
    ada, pm = engineer(user_factory), mentor(user_factory, capacity=1)
    cohort = cohort_with(lead, [ada], [pm])
    [match] = matching_runs.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    matching.accept(match.id, user_id=ada.id)
    matching.accept(match.id, user_id=pm.id)
    matching.end_match(match.id, actor_id=lead.id, reason="Mentor on leave")
    assert match.status == "ended" and db.session.get(MentorProfile, pm.id).active_mentees == 0


@pytest.mark.parametrize("roles", [("lead",), ("engineer",), ("mentor",)])
def test_only_the_cohorts_leads_see_and_run_it(app, client, user_factory, form_post, login, roles):
    owner = user_factory(roles=("lead",))
    cohort = cohort_with(owner, [engineer(user_factory)], [mentor(user_factory)])
    login(user_factory(roles=roles))
    # Another cohort's lead, an engineer or a mentor: none learns the cohort exists.
    assert client.get(f"/cohorts/{cohort.id}").status_code == 404
    assert form_post(f"/cohorts/{cohort.id}/runs", {}, page_url="/dashboard").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(MatchingRun)) == 0


def test_only_participants_and_leads_see_a_match(app, client, user_factory, login):
    lead = user_factory(roles=("lead",))
    ada, pm = engineer(user_factory), mentor(user_factory)
    cohort = cohort_with(lead, [ada], [pm])
    [match] = matching_runs.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    login(engineer(user_factory))
    assert client.get(f"/matches/{match.id}").status_code == 404
    other = app.test_client()
    sign_in(other, ada)
    assert other.get(f"/matches/{match.id}").status_code == 200


def test_enrolment_with_an_unknown_email_enrolls_nobody(client, login, user_factory, form_post):
    lead = login(user_factory(roles=("lead",)))
    cohort = cohorts.create_cohort(lead.id, "Spring", date.today())
    known = user_factory(roles=("engineer",), email="known@example.com")
    user_factory(roles=("mentor",), email="amentor@example.com")
    response = form_post(
        f"/cohorts/{cohort.id}/enroll",
        {"role": "engineer", "emails": "known@example.com, ghost@example.com\namentor@example.com"},
        page_url=f"/cohorts/{cohort.id}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        "ghost@example.com: no account uses this email" in html
        and "amentor@example.com: this account is not an engineer" in html
    )
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0
    ok = form_post(
        f"/cohorts/{cohort.id}/enroll",
        {"role": "engineer", "emails": "KNOWN@example.com"},
        page_url=f"/cohorts/{cohort.id}",
    )
    assert ok.status_code == 303
    assert db.session.scalar(select(CohortMember.user_id)) == known.id


def test_engineer_requests_from_their_best_five_and_an_accept_withdraws_the_rest(
    app, client, login, user_factory, form_post
):
    ada = engineer(user_factory)
    for skill in vocabulary.SKILLS:
        mentor(user_factory, strong_in=skill)
    mentor(user_factory)
    mentor(user_factory, windows=[(6, 3 * 60, 4 * 60)])  # no shared time: never suggested
    login(ada)

    suggestions = matching.search_mentors(ada.id).suggestions
    assert len(suggestions) == 5
    assert suggestions[0].profile.strength_levels()["discovery"] == 5

    for suggestion in suggestions[:3]:
        assert (
            form_post("/matches/request", {"mentor_id": suggestion.mentor.id}, page_url="/matches").status_code == 303
        )
    fourth = form_post(
        "/matches/request", {"mentor_id": suggestions[3].mentor.id}, page_url="/matches", follow_redirects=True
    )
    assert "3 open requests" in fourth.get_data(as_text=True)

    chosen = db.session.scalars(select(Match).where(Match.engineer_id == ada.id)).first()
    matching.accept(chosen.id, user_id=chosen.mentor_id)
    statuses = sorted(db.session.scalars(select(Match.status).where(Match.engineer_id == ada.id)))
    assert statuses == ["active", "withdrawn", "withdrawn"]


def test_the_dashboard_shows_the_match_and_the_leads_cohorts(app, client, login, user_factory):
    lead = user_factory(roles=("lead",))
    ada, pm = engineer(user_factory), mentor(user_factory)
    cohort = cohort_with(lead, [ada], [pm])
    [match] = matching_runs.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    login(ada)
    page = client.get("/dashboard").get_data(as_text=True)
    assert pm.name in page and f"/matches/{match.id}" in page and "your mentor" in page
    lead_browser = app.test_client()
    sign_in(lead_browser, lead)
    assert f"/cohorts/{cohort.id}" in lead_browser.get("/dashboard").get_data(as_text=True)


def test_the_board_draws_how_many_engineers_are_matched(app, client, login, user_factory):
    lead = login(user_factory(roles=("lead",)))
    ada, ben, cy = engineer(user_factory), engineer(user_factory), engineer(user_factory, windows=[(6, 2 * 60, 3 * 60)])
    pm = mentor(user_factory, capacity=2)
    cohort = cohort_with(lead, [ada, ben, cy], [pm])
    created = matching_runs.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    matching.accept(created[0].id, user_id=created[0].engineer_id)
    matching.accept(created[0].id, user_id=pm.id)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Matched and active: 1; Proposed, waiting for answers: 1; Not matched yet: 1." in page


def test_a_decline_reason_is_for_the_lead_not_the_other_side(app, client, login, user_factory):
    lead = user_factory(roles=("lead",))
    ada, pm = engineer(user_factory), mentor(user_factory)
    cohort = cohort_with(lead, [ada], [pm])
    [match] = matching_runs.publish_run(run_now(cohort, lead).id, actor_id=lead.id)
    matching.decline(match.id, user_id=ada.id, reason="We clashed in a past team")
    login(pm)
    assert "We clashed" not in client.get(f"/matches/{match.id}").get_data(as_text=True)
    lead_browser = app.test_client()
    sign_in(lead_browser, lead)
    assert "We clashed" in lead_browser.get(f"/matches/{match.id}").get_data(as_text=True)


def test_the_board_pins_a_pair_and_an_unknown_rule_changes_nothing(app, client, login, user_factory, form_post):
    lead = login(user_factory(roles=("lead",)))
    ada = engineer(user_factory)
    strong = mentor(user_factory)
    cohort = cohort_with(lead, [ada], [strong])
    board = f"/cohorts/{cohort.id}"
    pinned = form_post(
        f"{board}/rules", {"engineer_id": ada.id, "mentor_id": strong.id, "kind": "pinned"}, page_url=board
    )
    assert pinned.status_code == 303
    refused = form_post(
        f"{board}/rules",
        {"engineer_id": ada.id, "mentor_id": strong.id, "kind": "adopted"},
        page_url=board,
        follow_redirects=True,
    )
    assert '<p class="flash flash-error" role="alert">Pin or forbid a pair.</p>' in refused.get_data(as_text=True)
    assert [(rule.mentor_id, rule.kind) for rule in cohorts.pair_rules(cohort.id)] == [(strong.id, "pinned")]
    with pytest.raises(ServiceError, match="Pin or forbid"):
        cohorts.set_pair_rule(cohort.id, ada.id, strong.id, "adopted", actor_id=lead.id)
    assert [(rule.mentor_id, rule.kind) for rule in cohorts.pair_rules(cohort.id)] == [(strong.id, "pinned")]


def test_a_decline_without_a_reason_is_marked_at_the_reason(app, client, login, user_factory, form_post):
    lead = user_factory(roles=("lead",))
    ada, pm = engineer(user_factory), mentor(user_factory)
    [match] = matching_runs.publish_run(run_now(cohort_with(lead, [ada], [pm]), lead).id, actor_id=lead.id)
    login(ada)
    response = form_post(f"/matches/{match.id}/decline", {"reason": "  "}, page_url=f"/matches/{match.id}")
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True)) == {
        "reason": "Say briefly why, so the lead can find a better match."
    }
    assert db.session.get(Match, match.id).status == "proposed"
