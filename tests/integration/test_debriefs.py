"""Debriefs after practice sessions: drafts and publishing, what the engineer sees, action items, bad input,
question draws and swaps, kinds as data, role-play cards and shadowing."""

from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from pmcohort.assessment.services import attempt_from
from pmcohort.cohorts.models import Cohort, CohortLead
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain import readiness as assessment
from pmcohort.domain.debriefs import ActionItemDraft, DebriefDraft
from pmcohort.mentoring import debriefs, practice_bank
from pmcohort.mentoring.models import ActionItem, MentoringSession, ObservedPitfall, PracticeItem, SessionDebrief
from pmcohort.notifications.models import OutboxMessage
from pmcohort.profiles.models import EngineerProfile, MentorProfile
from tests.conftest import sign_in
from tests.factories import as_past, book, person, tomorrow_at
from tests.integration.pages import field_errors


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _complete(rubric, score=3, **overrides) -> DebriefDraft:
    values = dict(
        scores=dict.fromkeys(rubric.dimension_keys, score),
        score_notes={rubric.dimension_keys[0]: "Asked what 'onboarded' means before anything else."},
        overall_notes="Strong framing; the metric came late.",
        target_level="pm",
        overall_signal="borderline",
        pitfalls={"solutioning_early": "Proposed SDKs before naming the user."},
        action_items=[
            ActionItemDraft("Write a one-page problem statement for the onboarding case", date.today()),
            ActionItemDraft("Practise stating a metric with a guardrail in one sentence"),
        ],
    )
    return DebriefDraft(**(values | overrides))


def test_draft_then_published_debrief_reaches_the_engineer_with_action_items(app, client, login, pair, form_post):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="interview", interview_kind="estimation")
    question = practice_bank.question(practice_bank.find("question", session.question_key))
    rubric = practice_bank.rubric("estimation")
    as_past(session)
    debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric), publish=False)

    engineer_page = app.test_client()
    sign_in(engineer_page, engineer)
    page = engineer_page.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Debrief coming" in page
    assert escape(question.strong_answer) not in page and "Proposed SDKs before naming the user" not in page
    assert "Write a one-page problem statement" not in engineer_page.get("/dashboard").get_data(as_text=True)
    assert "session.debrief_published" not in db.session.scalars(select(OutboxMessage.topic)).all()

    login(mentor)
    response = form_post(
        f"/sessions/{session.id}/debrief",
        {
            **{f"score_{key}": "3" for key in rubric.dimension_keys},
            f"note_{rubric.dimension_keys[0]}": "Pinned the unit first.",
            "overall_notes": "Clear structure.",
            "target_level": "pm",
            "overall_signal": "ready",
            "pitfall_still_the_engineer": "y",
            "pitfall_note_still_the_engineer": "Spent five minutes on the CI architecture.",
            "action_1": "Redo the estimate with a top-down cross-check",
            "due_1": (date.today() + timedelta(days=7)).isoformat(),
            "action_2": "Say what the number means for the business",
            "publish": "Publish to the engineer",
        },
        page_url=f"/sessions/{session.id}",
    )
    assert response.status_code == 303
    debrief = db.session.get(SessionDebrief, session.id)
    assert debrief.published and debrief.overall_signal == "ready"
    assert [(p.pitfall, p.engineer_id) for p in debriefs.pitfalls_of(session.id)] == [
        ("still_the_engineer", engineer.id)
    ]
    assert db.session.scalars(select(OutboxMessage.topic)).all().count("session.debrief_published") == 1

    page = engineer_page.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Debrief coming" not in page
    for text in (question.prompt, question.strong_answer, "Pinned the unit first.", "Clear structure.", "Ready"):
        assert escape(text) in page
    assert "Spent five minutes on the CI architecture." in page
    level_3 = rubric.dimensions[0].levels[2][1]
    assert level_3 in page  # the score with what that level looks like
    dashboard = engineer_page.get("/dashboard").get_data(as_text=True)
    assert "Redo the estimate with a top-down cross-check" in dashboard

    first, second = debriefs.action_items_of(session.id)
    ticked = engineer_page.post(
        f"/sessions/{session.id}/actions/{first.id}",
        data={"done": "yes", "csrf_token": _token(engineer_page, f"/sessions/{session.id}")},
    )
    assert ticked.status_code == 303
    db.session.expire_all()
    assert db.session.get(ActionItem, first.id).done_at is not None

    next_session = book(match, engineer, start=tomorrow_at(15))
    agenda = engineer_page.get(f"/sessions/{next_session.id}").get_data(as_text=True)
    assert "Carried over" in agenda and second.text in agenda and first.text not in agenda
    mentor_view = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "done</span> Redo the estimate" in mentor_view  # the mentor sees what was done


def _token(client, url: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"scores": {"clarifies_scope": 5}}, "score_clarifies_scope", "Scores are whole numbers from 1 to 4."),
        ({"scores": {"clarifies_scope": 0}}, "score_clarifies_scope", "Scores are whole numbers from 1 to 4."),
        ({"action_items": [ActionItemDraft("x" * 301)]}, "action_1", "at most 300 characters (this one has 301)"),
        ({"pitfalls": {"solutioning_early": ""}}, "pitfall_note_solutioning_early", "Add a one-line note"),
        ({"overall_signal": "superb"}, "overall_signal", "Choose one of: Not yet, Borderline, Ready."),
    ],
)
def test_bad_debriefs_are_refused_at_their_field_and_nothing_is_saved(pair, change, field, message):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="interview", interview_kind="estimation")
    as_past(session)
    rubric = practice_bank.rubric("estimation")
    draft = _complete(rubric)
    if "scores" in change:
        change = {"scores": {**draft.scores, **change["scores"]}}
    for publish in (False, True):
        with pytest.raises(ServiceError) as refused:
            debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric, **change), publish=publish)
        assert message in refused.value.errors[field]
    assert (_count(SessionDebrief), _count(ActionItem), _count(ObservedPitfall)) == (0, 0, 0)


def test_an_out_of_range_level_posted_by_hand_is_refused_at_its_input(app, client, login, pair, form_post):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="interview", interview_kind="estimation")
    as_past(session)
    login(mentor)
    response = form_post(
        f"/sessions/{session.id}/debrief",
        {"score_structure": "7", "action_1": "y" * 400, "save_draft": "Save draft"},
        page_url=f"/sessions/{session.id}",
    )
    assert response.status_code == 400
    errors = field_errors(response.get_data(as_text=True))
    assert errors["score_structure"] == "Scores are whole numbers from 1 to 4."
    assert "at most 300 characters" in errors["action_1"]
    assert 'value="' + "y" * 400 + '"' in response.get_data(as_text=True)  # the typed text is kept
    assert _count(SessionDebrief) == 0


def test_a_debrief_cannot_be_published_before_the_session_happened_nor_changed_after(pair):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="interview", interview_kind="estimation")
    rubric = practice_bank.rubric("estimation")
    with pytest.raises(ServiceError, match="has not happened yet"):
        debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric), publish=True)
    assert _count(SessionDebrief) == 0
    debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric), publish=False)  # prepared early
    as_past(session)
    debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric), publish=True)
    with pytest.raises(ServiceError, match="published; it can no longer change"):
        debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric, score=1), publish=True)
    assert db.session.get(SessionDebrief, session.id).scores == dict.fromkeys(rubric.dimension_keys, 3)
    assert _count(ActionItem) == 2


def test_only_the_host_writes_and_only_the_engineer_ticks(pair):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="interview", interview_kind="estimation")
    as_past(session)
    rubric = practice_bank.rubric("estimation")
    with pytest.raises(ServiceError):
        debriefs.save_debrief(session.id, mentor_id=engineer.id, draft=_complete(rubric), publish=False)
    debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric), publish=False)
    item = debriefs.action_items_of(session.id)[0]
    with pytest.raises(ServiceError):  # a draft's items are not the engineer's yet
        debriefs.tick_action_item(item.id, session_id=session.id, engineer_id=engineer.id, done=True)
    with pytest.raises(ServiceError):
        debriefs.tick_action_item(item.id, session_id=session.id, engineer_id=mentor.id, done=True)


def test_a_cohort_lead_sees_the_published_debrief_but_not_a_draft(app, pair, user_factory):
    engineer, mentor, match = pair
    lead = person(user_factory, ("lead",))
    cohort = Cohort(name="Autumn", start_date=date.today(), weeks=12, created_by=lead.id)
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortLead(cohort_id=cohort.id, user_id=lead.id))
    match.cohort_id = cohort.id
    db.session.commit()
    session = book(match, engineer, kind="interview", interview_kind="estimation")
    as_past(session)
    rubric = practice_bank.rubric("estimation")
    lead_browser = app.test_client()
    sign_in(lead_browser, lead)
    debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric), publish=False)
    assert "Strong framing" not in lead_browser.get(f"/sessions/{session.id}").get_data(as_text=True)
    debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric), publish=True)
    assert "Strong framing" in lead_browser.get(f"/sessions/{session.id}").get_data(as_text=True)


def test_the_question_comes_from_the_target_domain_then_the_largest_gap_never_one_had(pair):
    engineer, mentor, match = pair
    db.session.add(
        EngineerProfile(user_id=engineer.id, years_experience=6, path="apm_program", target_domain="fintech")
    )
    scores = assessment.score({})
    attempt = attempt_from(engineer.id, {}, scores)
    attempt.skill_scores = {"discovery": 80, "prioritization": 30, "influence": 70, "writing": 75, "interviewing": 60}
    db.session.add(attempt)
    db.session.commit()
    fintech = [q for q in practice_bank.questions() if q.kind == "execution" and q.domain == "fintech"]
    drawn = [
        book(match, engineer, kind="interview", interview_kind="execution", start=tomorrow_at(8 + hour)).question_key
        for hour in range(len(fintech) + 1)
    ]
    assert len(set(drawn)) == len(drawn)  # never one they had
    assert set(drawn[: len(fintech)]) == {q.key for q in fintech}
    by_key = {q.key: q for q in practice_bank.questions()}
    assert by_key[drawn[0]].skill == "prioritization"  # the largest gap first among the fintech questions
    assert by_key[drawn[-1]].domain != "fintech"


def test_only_kinds_the_mentor_runs_can_be_booked_or_swapped_to(pair):
    engineer, mentor, match = pair
    db.session.get(MentorProfile, mentor.id).interview_kinds = ["estimation", "strategy"]
    db.session.commit()
    with pytest.raises(ServiceError, match="runs Estimation, Strategy interviews") as refused:
        book(match, engineer, kind="interview", interview_kind="behavioral")
    assert refused.value.field == "interview_kind"
    assert _count(MentoringSession) == 0

    session = book(match, engineer, kind="interview", interview_kind="estimation")
    behavioral = next(q for q in practice_bank.questions() if q.kind == "behavioral")
    with pytest.raises(ServiceError, match="You do not run Behavioral and project deep-dive interviews") as refused:
        debriefs.swap_question(session.id, mentor_id=mentor.id, question_key=behavioral.key)
    assert refused.value.field == "question_key"
    db.session.expire_all()
    assert db.session.get(MentoringSession, session.id).interview_kind == "estimation"

    strategy = next(q for q in practice_bank.questions() if q.kind == "strategy")
    debriefs.swap_question(session.id, mentor_id=mentor.id, question_key=strategy.key)
    assert (session.interview_kind, session.question_key) == ("strategy", strategy.key)
    as_past(session)
    other = next(q for q in practice_bank.questions() if q.kind == "strategy" and q.key != strategy.key)
    with pytest.raises(ServiceError, match="only before the session starts"):
        debriefs.swap_question(session.id, mentor_id=mentor.id, question_key=other.key)


def test_an_admin_adds_a_kind_without_a_code_change(app, client, login, pair, user_factory, form_post):
    engineer, mentor, match = pair
    login(user_factory(roles=("admin",)))
    dimensions = {}
    for index, key in enumerate(("framing", "trade_offs", "clarity")):
        dimensions |= {
            f"dimensions-{index}-key": key,
            f"dimensions-{index}-label": key.title(),
            f"dimensions-{index}-skill": "prioritization",
            **{f"dimensions-{index}-what_{level}_looks_like": f"Level {level} of {key}" for level in (1, 2, 3, 4)},
        }
    response = form_post(
        "/admin/practice/rubrics/new",
        {"key": "system_design", "title": "System design", "interview_label": "System design", **dimensions},
    )
    assert response.status_code == 303
    assert practice_bank.interview_kinds()["system_design"] == "System design"
    response = form_post(
        "/admin/practice/questions/new",
        {
            "key": "sd_rate_limiter",
            "kind": "system_design",
            "prompt": "Design a rate limiter for a public API, as the PM.",
            "follow_ups": "Who is hurt by a limit?",
            "strong_answer": "Starts from the developers who hit the limit.",
        },
    )
    assert response.status_code == 303
    db.session.get(MentorProfile, mentor.id).interview_kinds = ["system_design"]
    db.session.commit()
    session = book(match, engineer, kind="interview", interview_kind="system_design")
    assert session.question_key == "sd_rate_limiter"
    assert practice_bank.rubric("system_design").missing_levels == []


def test_a_discovery_role_play_hides_the_real_need_until_the_debrief(app, client, login, pair):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="role_play", persona_key="discovery_fintech_export")
    card = practice_bank.persona(practice_bank.find("persona", "discovery_fintech_export"))
    login(engineer)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert escape(card.wants) in page
    assert escape(card.hidden_constraint) not in page and escape(card.reveals) not in page
    as_past(session)
    rubric = practice_bank.rubric("discovery")
    assert {d.key for d in rubric.dimensions} == {
        "open_questions",
        "past_behaviour",
        "follow_ups_first",
        "insight_statement",
    }
    debriefs.save_debrief(session.id, mentor_id=mentor.id, draft=_complete(rubric), publish=True)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert escape(card.hidden_constraint) in page and escape(card.reveals) in page
    assert "What they actually need" in page
    assert db.session.get(SessionDebrief, session.id).rubric_key == "discovery"


def test_shadowing_is_tagged_with_its_skill_and_action_items_sit_beside_the_observation(app, client, login, pair):
    from pmcohort.mentoring import after_session, booking

    engineer, mentor, match = pair
    start = tomorrow_at(11)
    session = booking.propose(
        match.id,
        actor_id=mentor.id,
        kind="shadowing",
        start=start,
        end=start + timedelta(hours=1),
        details=booking.Details(agenda="Roadmap review with sales", skill="prioritization"),
    )
    booking.accept(session.id, user_id=engineer.id)
    as_past(session)
    after_session.save_observation(
        session.id, engineer_id=engineer.id, decision="Cut SSO", who_moved_it="Sales lead", trade_off="Speed"
    )
    after_session.comment_observation(session.id, mentor_id=mentor.id, comment="Notice how the data moved it.")
    debriefs.save_debrief(
        session.id,
        mentor_id=mentor.id,
        draft=DebriefDraft(action_items=[ActionItemDraft("Ask the sales lead how they rank deals")]),
        publish=True,
    )
    login(engineer)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Prioritization" in page and "Notice how the data moved it." in page
    observation = page[page.index('id="observation"') :]
    assert "Ask the sales lead how they rank deals" in observation[: observation.index("</section>")]


def test_seeding_describes_every_level_of_a_rubric_stored_before_levels_2_and_3(app):
    practice_bank.seed_starter_set()
    item = practice_bank.find("rubric", "product_sense")
    item.body = {
        "dimensions": [
            {k: v for k, v in d.items() if k not in ("what_2_looks_like", "what_3_looks_like")}
            for d in item.body["dimensions"]
        ]
    }
    db.session.commit()
    assert practice_bank.rubric("product_sense").missing_levels
    assert "product_sense" not in practice_bank.interview_kinds()
    practice_bank.seed_starter_set()
    assert practice_bank.rubric("product_sense").missing_levels == []
    assert "product_sense" in practice_bank.interview_kinds()
    assert _count(PracticeItem) == db.session.scalar(select(func.count(PracticeItem.id.distinct())))


def test_the_demo_engineer_has_a_published_debrief_with_action_items_carried_into_the_next_1_1(app, client, login):
    from pmcohort.accounts.models import User
    from pmcohort.demo import DEMO_ACTION_ITEMS, seed_demo

    seed_demo()
    seed_demo()  # idempotent
    assert _count(SessionDebrief) == 2 and _count(ActionItem) == len(DEMO_ACTION_ITEMS)
    engineer = db.session.scalar(select(User).where(User.email == "engineer1@demo.example.com"))
    login(engineer, "pmcohort-demo")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    open_items = [text for text, _, done in DEMO_ACTION_ITEMS if not done]
    assert all(text in dashboard for text in open_items) and DEMO_ACTION_ITEMS[0][0] not in dashboard
    upcoming = db.session.scalar(select(MentoringSession).where(MentoringSession.kind == "one_on_one"))
    agenda = client.get(f"/sessions/{upcoming.id}").get_data(as_text=True)
    assert "Carried over" in agenda and all(text in agenda for text in open_items)
    debriefed = db.session.scalar(select(ObservedPitfall.session_id))
    page = client.get(f"/sessions/{debriefed}").get_data(as_text=True)
    assert "Still being the engineer" in page and "Borderline" in page
