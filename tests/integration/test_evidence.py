"""What mentors observe moves the gap profile, matching, re-match proposals and mentor reliability."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from pmcohort.cohorts.models import Cohort, Match
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.debriefs import DebriefDraft
from pmcohort.domain.statuses import MatchStatus, RematchStatus
from pmcohort.evidence import services as evidence
from pmcohort.evidence.models import SkillSnapshot
from pmcohort.evidence.sources import observation
from pmcohort.mentoring import after_session, changes, debriefs, practice_bank
from pmcohort.mentorships import reliability, rematch
from pmcohort.mentorships import services as matches
from pmcohort.mentorships.inputs import NOT_ASSESSED, build_inputs, reference_week_start
from pmcohort.mentorships.models import RematchProposal
from pmcohort.notifications.models import OutboxMessage
from pmcohort.profiles.models import MentorProfile
from pmcohort.writing import services as writing
from tests.conftest import csrf_token_from, sign_in
from tests.factories import (
    ALL_WEEK,
    active_match,
    as_past,
    book,
    evidence_cohort,
    mentor,
    run_now,
    score_interview,
    tomorrow_at,
)


@pytest.fixture
def cohort_pair(app, user_factory):
    return evidence_cohort(user_factory)


def test_observed_scores_move_the_top_gap_and_the_lead_approves_a_second_mentor(app, client, user_factory, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    mentor(user_factory, strong_in="interviewing", windows=ALL_WEEK, time_zone="UTC")  # not in the cohort
    assert evidence.snapshots_for([sam.id])[sam.id].largest_gap == "discovery"

    score_interview(match, sam, current, 1, day=1)  # one session: observation still counts for little
    snapshot = db.session.get(SkillSnapshot, sam.id)
    assert snapshot.largest_gap == "discovery" and snapshot.effective["interviewing"] == 48
    assert db.session.scalar(select(RematchProposal)) is None

    score_interview(match, sam, current, 1, day=2)  # a second session: observation dominates
    snapshot = db.session.get(SkillSnapshot, sam.id)
    assert snapshot.largest_gap == "interviewing" and snapshot.effective["interviewing"] < 10
    assert snapshot.observed["interviewing"]["sources"] == 2 and snapshot.rules_version == 1
    engineer_browser = app.test_client()
    sign_in(engineer_browser, sam)
    dashboard = engineer_browser.get("/dashboard").get_data(as_text=True)
    assert "Largest gap: <strong>PM interviewing</strong>" in dashboard  # the effective gap, not the self-report
    proposal = db.session.scalar(select(RematchProposal))
    assert (proposal.status, proposal.skill, proposal.previous_skill) == (
        RematchStatus.OPEN,
        "interviewing",
        "discovery",
    )
    assert proposal.mentor_strength == 2 and proposal.cohort_id == match.cohort_id
    assert [c["mentor_id"] for c in proposal.candidates] == [interviewer.id]  # the cohort's mentors only
    assert any("interviewing" in reason.lower() for reason in proposal.candidates[0]["reasons"])
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.topic == "rematch.proposed")).payload == {
        "proposal_id": proposal.id
    }
    assert match.status == MatchStatus.ACTIVE  # nothing changed on its own

    sign_in(client, lead)
    assert f"/matches/rematch/{proposal.id}" in client.get(f"/cohorts/{match.cohort_id}").get_data(as_text=True)
    page = client.get(f"/matches/rematch/{proposal.id}")
    assert page.status_code == 200 and interviewer.name in page.get_data(as_text=True)
    assert "Reliability 100/100: No missed sessions" in page.get_data(as_text=True)
    token = csrf_token_from(page.get_data(as_text=True))
    refused = client.post(f"/matches/rematch/{proposal.id}", data={"csrf_token": token, "mentor_id": interviewer.id})
    assert refused.status_code == 400 and "Choose what to do" in refused.get_data(as_text=True)
    done = client.post(
        f"/matches/rematch/{proposal.id}",
        data={"csrf_token": token, "choice": "secondary", "mentor_id": interviewer.id},
    )
    assert done.status_code == 303
    db.session.expire_all()
    second = db.session.scalar(select(Match).where(Match.mentor_id == interviewer.id))
    assert (second.status, second.focus_skill, second.cohort_id) == (
        MatchStatus.PROPOSED,
        "interviewing",
        match.cohort_id,
    )
    assert db.session.get(RematchProposal, proposal.id).status == RematchStatus.APPROVED
    matches.accept(second.id, user_id=sam.id)
    matches.accept(second.id, user_id=interviewer.id)
    assert db.session.get(Match, second.id).status == MatchStatus.ACTIVE
    assert db.session.get(Match, match.id).status == MatchStatus.ACTIVE  # the main mentor stays
    assert db.session.get(MentorProfile, interviewer.id).active_mentees == 1  # it counts against capacity


def test_a_rematch_with_a_full_mentor_names_the_capacity(app, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    score_interview(match, sam, current, 1, day=1)
    score_interview(match, sam, current, 1, day=2)
    proposal = db.session.scalar(select(RematchProposal))
    profile = db.session.get(MentorProfile, interviewer.id)
    profile.active_mentees = profile.capacity
    db.session.commit()
    with pytest.raises(ServiceError, match="full: 2 of 2 places taken"):
        rematch.approve(proposal.id, actor_id=lead.id, choice="rematch", mentor_id=interviewer.id)
    profile.active_mentees = 0
    db.session.commit()
    new = rematch.approve(proposal.id, actor_id=lead.id, choice="rematch", mentor_id=interviewer.id)
    assert new.focus_skill is None and db.session.get(Match, match.id).status == MatchStatus.ENDED


def test_the_profile_shows_self_reported_and_observed_scores_with_their_evidence(app, client, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    held = score_interview(match, sam, current, 3, day=1)
    sign_in(client, sam)
    page = client.get(f"/engineers/{sam.id}/gaps").get_data(as_text=True)
    assert 'class="chart"' in page and "80 self" in page and "67 seen" in page
    assert f"/engineers/{sam.id}/evidence/interviewing" in page and "not observed yet" in page
    detail = client.get(f"/engineers/{sam.id}/evidence/interviewing").get_data(as_text=True)
    assert f"/sessions/{held.id}" in detail and "Observed score <strong>67</strong>" in detail
    assert client.get(f"/engineers/{sam.id}/evidence/cooking").status_code == 404


def test_an_observation_of_an_unknown_skill_or_out_of_range_score_is_refused():
    with pytest.raises(ServiceError, match="not a skill"):
        observation("cooking", 3, utcnow(), "session:1", "Interview practice")
    with pytest.raises(ServiceError, match="whole number from 1 to 4"):
        observation("discovery", 7, utcnow(), "session:1", "Interview practice")
    with pytest.raises(ServiceError, match="whole number from 1 to 4"):
        observation("discovery", True, utcnow(), "session:1", "Interview practice")


def test_matching_explains_an_engineer_with_no_assessment_and_no_observations(app, user_factory):
    newcomer = user_factory(roles=("engineer",))
    inputs = build_inputs([newcomer], [], reference_week_start())
    assert inputs.skipped == {newcomer.id: NOT_ASSESSED} and "no mentor has scored" in NOT_ASSESSED


def test_matching_uses_the_effective_scores(app, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    score_interview(match, sam, current, 1, day=1)
    score_interview(match, sam, current, 1, day=2)
    (mentee,) = build_inputs([sam], [], reference_week_start()).mentees
    assert mentee.skills["interviewing"] < 10 and mentee.skills["discovery"] == 10


def test_reliability_falls_with_no_shows_and_is_shown_in_plain_words(app, client, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    assert reliability.of(current.id).factor == 1.0  # a new mentor
    for day in (1, 2):
        held = book(match, sam, start=tomorrow_at(8 + day))
        as_past(held, hours_ago=20 - day)
        after_session.report_host_no_show(held.id, engineer_id=sam.id)
    record = reliability.of(current.id)
    assert 0.7 <= record.factor < 0.9 and "2 no-shows in the last 90 days" in record.reasons
    with pytest.raises(ServiceError, match="already reported"):
        after_session.report_host_no_show(held.id, engineer_id=sam.id)
    later = reliability.factors_for([current.id], now=utcnow() + timedelta(days=60))[current.id]
    assert record.factor < later.factor < 1.0  # it recovers as the slips age
    soon = (utcnow() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    late = book(match, sam, start=soon)
    changes.cancel(late.id, actor_id=current.id, reason="Clash")
    assert "1 session cancelled with under 24 hours' notice in the last 90 days" in reliability.of(current.id).reasons

    sign_in(client, lead)
    page = client.get(f"/mentors/{current.id}/reliability").get_data(as_text=True)
    assert "2 no-shows in the last 90 days" in page
    (mentor_input,) = [m for m in build_inputs([sam], [current], reference_week_start()).mentors if m.id == current.id]
    assert mentor_input.reliability == reliability.of(current.id).factor < 1.0


def test_outside_a_cohort_the_engineer_gets_the_same_choice(app, client, form_post, user_factory):
    _, sam, current, interviewer, match = evidence_cohort(user_factory, in_cohort=False)
    score_interview(match, sam, current, 1, day=1)
    score_interview(match, sam, current, 1, day=2)
    proposal = db.session.scalar(select(RematchProposal))
    assert proposal.cohort_id is None

    sign_in(client, sam)
    assert f"/matches/rematch/{proposal.id}" in client.get("/matches").get_data(as_text=True)
    done = form_post(
        f"/matches/rematch/{proposal.id}",
        {"choice": "rematch", "mentor_id": interviewer.id},
        page_url=f"/matches/rematch/{proposal.id}",
    )
    assert done.status_code == 303
    db.session.expire_all()
    new = db.session.scalar(select(Match).where(Match.mentor_id == interviewer.id))
    assert new.source == "request" and new.engineer_accepted_at is not None and new.mentor_accepted_at is None
    assert db.session.get(Match, match.id).status == MatchStatus.ENDED
    assert db.session.get(MentorProfile, current.id).active_mentees == 0


def test_a_lead_of_another_cohort_cannot_see_or_decide_a_proposal(app, client, user_factory, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    score_interview(match, sam, current, 1, day=1)
    score_interview(match, sam, current, 1, day=2)
    proposal = db.session.scalar(select(RematchProposal))
    sign_in(client, user_factory(roles=("lead",)))
    assert client.get(f"/matches/rematch/{proposal.id}").status_code == 404
    engineer_client = app.test_client()
    sign_in(engineer_client, sam)
    assert engineer_client.get(f"/matches/rematch/{proposal.id}").status_code == 404  # the cohort's lead decides


def test_a_cohort_run_matches_an_engineer_whose_only_active_match_is_a_secondary_one(app, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    match.status = MatchStatus.ENDED
    cohort = db.session.get(Cohort, match.cohort_id)
    active_match(sam, interviewer, cohort, focus_skill="interviewing")
    db.session.commit()
    run = run_now(cohort, lead)
    assert [proposal["engineer_id"] for proposal in run.result["proposals"]] == [sam.id]


def test_a_snapshot_with_observations_is_recomputed_once_its_recency_weights_are_a_week_old(app, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    score_interview(match, sam, current, 1, day=1)
    snapshot = db.session.get(SkillSnapshot, sam.id)
    snapshot.computed_at -= timedelta(days=8)
    snapshot.effective = {**snapshot.effective, "interviewing": 99}  # what an old computation would have left
    db.session.commit()
    assert evidence.snapshots_for([sam.id])[sam.id].effective["interviewing"] == 48


def test_pitfalls_marked_in_published_debriefs_show_on_the_profile_and_confirm_on_the_second(app, client, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    seen = {"solutioning_early": "Named an SDK before the user."}
    first = score_interview(match, sam, current, 3, day=1, pitfalls=seen)
    sign_in(client, sam)
    page = client.get(f"/engineers/{sam.id}/gaps").get_data(as_text=True)
    assert f"/sessions/{first.id}" in page and "confirmed (observed twice" not in page

    score_interview(match, sam, current, 3, day=2, pitfalls=seen)
    assert db.session.get(SkillSnapshot, sam.id).confirmed_pitfalls == ["solutioning_early"]
    page = client.get(f"/engineers/{sam.id}/gaps").get_data(as_text=True)
    assert "confirmed (observed twice or more)" in page


def test_a_draft_debrief_is_not_evidence_yet(app, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    held = book(match, sam, kind="interview", interview_kind="estimation", start=tomorrow_at(9))
    as_past(held, hours_ago=3)
    rubric = practice_bank.rubric("estimation")
    debriefs.save_debrief(
        held.id,
        mentor_id=current.id,
        draft=DebriefDraft(scores=dict.fromkeys(rubric.dimension_keys, 1), pitfalls={"still_the_engineer": "Coded."}),
        publish=False,
    )
    assert evidence.evidence_of([sam.id]) == {} and evidence.pitfalls_of([sam.id]) == {}


def test_document_review_scores_are_observations_of_the_skills_their_dimensions_name(app, client, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    writing.seed_kinds()
    document = writing.create_document(sam.id, kind_key="problem_statement", title="Slow onboarding")
    writing.submit(document.id, sam.id, title="Slow onboarding", body="# Who waits\n\nNew teams wait two weeks.")
    rubric = writing.rubric_for(document)
    writing.submit_review(
        document.id,
        current.id,
        scores=dict.fromkeys(rubric.dimension_keys, 4),
        summary="Clear problem.",
        decision="approved",
    )
    observed = evidence.evidence_of([sam.id])[sam.id]
    assert {item.observation.skill for item in observed} == {d.skill for d in rubric.dimensions}
    assert {item.observation.source for item in observed} == {f"document:{document.id}"}
    assert db.session.get(SkillSnapshot, sam.id).observed["writing"]["score"] == 100  # refreshed when the review landed
    sign_in(client, sam)
    detail = client.get(f"/engineers/{sam.id}/evidence/writing").get_data(as_text=True)
    assert f"/writing/{document.id}" in detail and "Slow onboarding" in detail


def test_reviews_left_waiting_and_debriefs_never_published_cost_reliability_until_done(app, cohort_pair):
    lead, sam, current, interviewer, match = cohort_pair
    held = book(match, sam, kind="interview", interview_kind="estimation", start=tomorrow_at(9))
    as_past(held, hours_ago=3)
    after_session.record_attendance(held.id, host_id=current.id, attendance={sam.id: "attended"})
    writing.seed_kinds()
    document = writing.create_document(sam.id, kind_key="problem_statement", title="Slow onboarding")
    writing.submit(document.id, sam.id, title="Slow onboarding", body="# Who waits\n\nNew teams wait two weeks.")

    def reasons_in(days: int) -> tuple[str, ...]:
        return reliability.factors_for([current.id], now=utcnow() + timedelta(days=days))[current.id].reasons

    assert reasons_in(days=4) == reliability.of(interviewer.id).reasons  # nothing due yet: a clean record
    assert "1 review past its due date in the last 90 days" in reasons_in(days=6)
    assert "1 debrief never published in the last 90 days" in reasons_in(days=8)

    rubric = practice_bank.rubric("estimation")
    debriefs.save_debrief(
        held.id,
        mentor_id=current.id,
        draft=DebriefDraft(scores=dict.fromkeys(rubric.dimension_keys, 3), target_level="pm", overall_signal="ready"),
        publish=True,
    )
    writing.submit_review(
        document.id,
        current.id,
        scores=dict.fromkeys(writing.rubric_for(document).dimension_keys, 3),
        summary="Clear problem.",
        decision="approved",
    )
    assert reasons_in(days=8) == reliability.of(interviewer.id).reasons  # done in time: no slip left
