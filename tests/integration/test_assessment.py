import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pmcohort.assessment import services as assessments
from pmcohort.cohorts.models import Match
from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import readiness as assessment
from pmcohort.profiles.models import AssessmentAttempt, AssessmentDraft
from tests.conftest import sign_in


def page_answers(page, pick) -> dict[str, str]:
    """Form data for one page; `pick(question)` returns the raw value for each question."""
    return {question.key: str(pick(question)) for question in page.questions}


def strongest(question):
    if question.is_numeric:
        return question.maximum
    credit = assessment.CURRENT.rules.choice_credit.get(question.key, {})
    return max(question.choices, key=lambda choice: credit.get(choice.value, 0)).value


def weakest(question):
    if question.is_numeric:
        return 0
    credit = assessment.CURRENT.rules.choice_credit.get(question.key, {})
    return min(question.choices, key=lambda choice: credit.get(choice.value, 0)).value


def take_assessment(form_post, pick) -> str:
    location = None
    for number, page in enumerate(assessment.PAGES, 1):
        response = form_post(f"/assessment/step/{number}", page_answers(page, pick))
        assert response.status_code == 303, response.get_data(as_text=True)
        location = response.headers["Location"]
    return location


def test_taking_the_assessment_gives_a_result_that_moves_with_the_answers(client, login, user_factory, form_post):
    login(user_factory())
    weak_result = client.get(take_assessment(form_post, weakest)).get_data(as_text=True)
    weak = db.session.scalar(select(AssessmentAttempt))
    assert weak.readiness < 20 and len(weak.top_gaps) == 3
    assert "Top gaps and what to do next" in weak_result
    assert "Solutioning too early" in weak_result
    assert "4 skills tie at a score of 0" in html.unescape(weak_result)  # said out loud, not silently picked
    assert 'role="img"' in weak_result and "Customer discovery: " in weak_result  # chart with its numbers as text

    weak.completed_at = utcnow() - timedelta(days=2)  # a retake is allowed once a day
    db.session.commit()
    take_assessment(form_post, strongest)
    strong = db.session.scalars(select(AssessmentAttempt).order_by(AssessmentAttempt.id.desc())).first()
    assert strong.readiness > 90 and strong.top_gaps == [] and strong.pitfalls == []
    assert strong.scoring_version == assessment.SCORING_VERSION
    assert strong.answers["discovery_interviews_run"] == 50

    page = client.get(f"/assessment/results/{strong.id}").get_data(as_text=True)
    assert "Readiness over your attempts" in page  # history chart once there are two attempts


def test_a_page_with_missing_answers_is_refused_and_saves_nothing(client, login, user_factory, form_post):
    login(user_factory())
    page = assessment.PAGES[0]
    answers = page_answers(page, strongest)
    missing_key = page.questions[1].key
    del answers[missing_key]
    answers[page.questions[0].key] = "9"  # out of range for a 1-5 rating

    response = form_post("/assessment/step/1", answers)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{missing_key}-error"' in html and f'id="{page.questions[0].key}-error"' in html
    assert db.session.scalar(select(func.count()).select_from(AssessmentDraft)) == 0


def test_answers_survive_a_new_session_part_way(app, client, login, user_factory, form_post):
    user = login(user_factory())
    form_post("/assessment/step/1", page_answers(assessment.PAGES[0], strongest))
    form_post("/assessment/step/2", page_answers(assessment.PAGES[1], weakest))

    fresh_browser = app.test_client()
    sign_in(fresh_browser, user)
    overview = fresh_browser.get("/assessment").get_data(as_text=True)
    assert "Continue where you left off" in overview and "/assessment/step/3" in overview
    step_two = fresh_browser.get("/assessment/step/2").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="none"', step_two)  # the weakest rationale answer, kept


def test_retaking_within_a_day_is_refused(client, login, user_factory, form_post):
    login(user_factory())
    take_assessment(form_post, strongest)
    response = client.get("/assessment/step/1")
    assert response.status_code == 303 and response.headers["Location"].endswith("/assessment")
    assert "You can retake it from" in client.get("/assessment").get_data(as_text=True)
    with pytest.raises(ServiceError, match="once a day"):
        assessments.complete(db.session.scalar(select(AssessmentAttempt.user_id)))


@pytest.mark.parametrize("viewer_roles", [("engineer",), ("mentor",), ("lead",), ("admin",)])
def test_results_are_hidden_from_everyone_else(app, client, login, user_factory, form_post, viewer_roles):
    owner = user_factory()
    answers = {q.key: strongest(q) for q in assessment.QUESTIONS}
    db.session.add(AssessmentDraft(user_id=owner.id, answers=answers))
    db.session.commit()
    attempt = assessments.complete(owner.id)

    login(user_factory(roles=viewer_roles))
    assert client.get(f"/assessment/results/{attempt.id}").status_code == 404
    assert client.get(f"/engineers/{owner.id}/assessment").status_code == 404


def test_rescoring_keeps_raw_answers_and_records_the_version(app, user_factory):
    owner = user_factory()
    db.session.add(AssessmentDraft(user_id=owner.id, answers={q.key: weakest(q) for q in assessment.QUESTIONS}))
    db.session.commit()
    attempt = assessments.complete(owner.id)
    attempt.readiness = 99  # as if an older rule had scored it differently
    db.session.commit()

    assert assessments.rescore_all(assessment.SCORING_VERSION) == 1
    db.session.refresh(attempt)
    assert attempt.readiness == assessment.score(attempt.answers).readiness


def test_the_matched_mentor_reads_the_results_about_the_engineer_not_to_them(app, client, login, user_factory):
    owner = user_factory(name="Sam Rivera")
    db.session.add(AssessmentDraft(user_id=owner.id, answers={q.key: weakest(q) for q in assessment.QUESTIONS}))
    db.session.commit()
    assessments.complete(owner.id)
    mentor = user_factory(roles=("mentor",))
    db.session.add(
        Match(engineer_id=owner.id, mentor_id=mentor.id, source="request", status="active", activated_at=utcnow())
    )
    db.session.commit()

    login(mentor)
    page = html.unescape(client.get(f"/engineers/{owner.id}/assessment").get_data(as_text=True))
    assert "Sam Rivera's readiness" in page
    assert "Orange bars are Sam's top gaps" in page and "Start with Sam's largest gap" in page
    assert "your" not in page.split("<main", 1)[1].split("Top gaps and what to do next", 1)[0].lower()
    assert "The next steps, as Sam reads them" in page


def _scenario_order(html_text: str, key: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{key}"[^>]*value="([a-z_]+)"', html_text)


def test_scenario_options_keep_their_order_within_an_attempt_and_reshuffle_for_the_next(
    client, login, user_factory, form_post
):
    login(user_factory())
    scenario_page = next(
        number for number, page in enumerate(assessment.PAGES, 1) if any(q.kind == "scenario" for q in page.questions)
    )
    key = next(q.key for q in assessment.PAGES[scenario_page - 1].questions if q.kind == "scenario")
    first = _scenario_order(client.get(f"/assessment/step/{scenario_page}").get_data(as_text=True), key)
    assert first == _scenario_order(client.get(f"/assessment/step/{scenario_page}").get_data(as_text=True), key)

    take_assessment(form_post, strongest)
    orders = set()
    for _ in range(6):  # each completed attempt starts a new order; six attempts give more than one
        attempt = db.session.scalars(select(AssessmentAttempt).order_by(AssessmentAttempt.id.desc())).first()
        attempt.completed_at = utcnow() - timedelta(days=2)
        db.session.commit()
        orders.add(tuple(_scenario_order(client.get(f"/assessment/step/{scenario_page}").get_data(as_text=True), key)))
        take_assessment(form_post, strongest)
    assert len(orders) > 1


def test_the_result_explains_what_changed_since_the_last_attempt_and_gives_the_paths_estimate(
    client, login, user_factory, form_post
):
    owner = login(user_factory())
    answers = {q.key: weakest(q) for q in assessment.QUESTIONS} | {"context_path": "external_hire", "context_years": 7}
    db.session.add(AssessmentDraft(user_id=owner.id, answers=answers))
    db.session.commit()
    first = assessments.complete(owner.id)
    first.completed_at = utcnow() - timedelta(days=3)
    db.session.commit()
    better = answers | {
        "interviewing_mock_interviews": 12,
        "interviewing_mock_feedback": "scored",
        "prioritization_scenario_director_v2": "fix_first",
    }
    db.session.add(AssessmentDraft(user_id=owner.id, answers=better))
    db.session.commit()
    second = assessments.complete(owner.id)

    page = html.unescape(client.get(f"/assessment/results/{second.id}").get_data(as_text=True))

    assert "What changed since the last attempt" in page
    assert f"Readiness {first.readiness} on" in page and f"{second.readiness} now" in page
    assert "How many mock PM interviews have you done?" in page and "PM interviewing +" in page
    assert "Reordering work without saying so" in page  # the trust flag
    assert "Likely time to a first PM role: 18–30 months" in page and "usual 6–18 months" in page
    assert "screening filters" in page  # the external path's advice


def test_a_version_1_result_stays_readable_and_its_retake_is_compared_under_version_2(
    client, login, user_factory, form_post
):
    owner = login(user_factory())
    v1_answers = {
        q.key: q.maximum if q.is_numeric else q.choices[-1].value
        for q in assessment.VERSIONS[1].questions
        if q.kind != "scenario"
    }
    old = assessments.attempt_from(owner.id, v1_answers, assessment.score(v1_answers, version=1))
    old.completed_at = utcnow() - timedelta(days=40)
    db.session.add(old)
    db.session.commit()

    old_page = html.unescape(client.get(f"/assessment/results/{old.id}").get_data(as_text=True))
    assert "scoring version 1" in old_page and "Likely time" not in old_page

    take_assessment(form_post, strongest)
    new = db.session.scalars(select(AssessmentAttempt).order_by(AssessmentAttempt.id.desc())).first()
    page = html.unescape(client.get(f"/assessment/results/{new.id}").get_data(as_text=True))
    assert new.scoring_version == 2
    assert "The last attempt was scored with version 1; read with version 2, its answers score" in page


def test_rescore_shows_both_versions_and_keeps_each_result_under_its_own(app, user_factory):
    owner = user_factory()
    v1_answers = {q.key: weakest(q) for q in assessment.VERSIONS[1].questions}
    old = assessments.attempt_from(owner.id, v1_answers, assessment.score(v1_answers, version=1))
    old.completed_at = utcnow() - timedelta(days=40)
    db.session.add(old)
    db.session.add(AssessmentDraft(user_id=owner.id, answers={q.key: strongest(q) for q in assessment.QUESTIONS}))
    db.session.commit()
    assessments.complete(owner.id)

    output = app.test_cli_runner().invoke(args=["rescore-assessments"]).output

    assert "Re-scored with each result's own version; 0 results changed." in output
    assert re.search(r"Version 1: 1 result; mean readiness \d+ under version 1, \d+ under version 2\.", output)
    assert re.search(r"Version 2: 1 result; mean readiness \d+ under version 1, 100 under version 2\.", output)
    db.session.refresh(old)
    assert old.scoring_version == 1 and old.readiness == assessment.score(v1_answers, version=1).readiness
