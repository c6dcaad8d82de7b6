"""The two-minute check, logged out: an estimate, aggregate counts only, and answers carried into a new account."""

import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pmcohort.core.extensions import db
from pmcohort.domain.quick_check import QUICK_CHECK
from pmcohort.profiles.models import AssessmentDraft
from pmcohort.quickcheck.models import QuickCheckTally
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD

SENIOR_ON_THE_APM_PATH = {
    "context_path": "apm_program",
    "context_years": "5",
    "discovery_interview_role": "listened",
    "prioritization_rationale": "technical",
    "influence_how_aligned": "presented",
    "writing_feedback": "engineers",
    "interviewing_mock_feedback": "none",
}


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def words_on_the_page(page_html: str) -> int:
    """Every word a visitor reads in the page's <main>: headings, intro, questions, options, button."""
    main = page_html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    return len(re.findall(r"[\w’'()-]+", html.unescape(re.sub(r"<[^>]+>", " ", main))))


def test_the_home_page_links_the_check_and_the_check_needs_no_account(client):
    assert 'href="/check"' in client.get("/").get_data(as_text=True)
    page = client.get("/check")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "estimate" in text and "no account" in text
    questions, words = text.count('class="question"'), words_on_the_page(text)
    print(f"/check: {questions} questions, {words} words on the page")
    assert questions == len(QUICK_CHECK.questions) <= 8
    assert 200 <= words <= 275  # about 250


def test_a_visitor_gets_an_estimate_and_only_a_count_is_stored(client, form_post):
    before = row_counts()

    response = form_post("/check", SENIOR_ON_THE_APM_PATH)

    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Your estimated readiness" in page and "An estimate from 7 answers" in page
    assert "Your two largest gaps" in page and page.count("Next step:") == 2
    assert "step back in seniority and pay" in page  # four or more years on the APM path
    assert "Save this and get a mentor" in page
    after = row_counts()
    changed = {table for table in after if after[table] != before[table]}
    assert changed == {"quick_check_tallies"}
    tally = db.session.scalar(select(QuickCheckTally))
    assert (tally.path, tally.completed, tally.saved) == ("apm_program", 1, 0)


def test_a_missing_or_out_of_range_answer_gets_a_message_at_its_question(client, form_post):
    answers = SENIOR_ON_THE_APM_PATH | {"context_years": "61", "writing_feedback": "everyone"}
    del answers["influence_how_aligned"]

    response = form_post("/check", answers)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="context_years-error"' in page and "Enter a whole number between 0 and 60." in page
    assert 'id="writing_feedback-error"' in page and 'id="influence_how_aligned-error"' in page
    assert 'value="61"' in page  # the typed text is kept
    assert db.session.scalar(select(func.count()).select_from(QuickCheckTally)) == 0


ODD = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "-1", "1e309", "NaN", "٣", "\x00", "99999999999999999999", "apm_program", "none", "5"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from([q.key for q in QUICK_CHECK.questions] + ["extra", "csrf_token"]), ODD))
def test_whatever_is_posted_the_check_answers_without_a_server_error(app, no_csrf, posted):
    client = app.test_client()
    for url in ("/check", "/check/save"):
        response = client.post(url, data=posted)
        assert response.status_code in (200, 303, 400), (url, posted, response.status_code)


def test_saving_carries_the_answers_into_a_new_engineers_assessment(client, form_post):
    result = form_post("/check", SENIOR_ON_THE_APM_PATH).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', result))
    hidden["csrf_token"] = csrf_token_from(result)

    saved = client.post("/check/save", data=hidden)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/auth/signup")
    assert db.session.scalar(select(func.count()).select_from(AssessmentDraft)) == 0  # still nothing about them
    signup = client.get("/auth/signup").get_data(as_text=True)
    assert "Your quick-check answers come with you" in signup

    created = client.post(
        "/auth/signup",
        data={
            "name": "Quinn Check",
            "email": "quinn@example.com",
            "password": "a long enough pass",
            "time_zone": "Europe/Lisbon",
            "role": "engineer",
            "csrf_token": csrf_token_from(signup),
        },
    )

    assert created.status_code == 303 and created.headers["Location"].endswith("/assessment")
    draft = db.session.scalar(select(AssessmentDraft))
    assert draft.answers == {
        key: int(value) if key == "context_years" else value for key, value in SENIOR_ON_THE_APM_PATH.items()
    }
    step = client.get("/assessment/step/1").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="apm_program"', step) and 'value="5"' in step
    assert db.session.scalar(select(QuickCheckTally.saved)) == 1


def test_tampered_answers_on_save_are_refused_and_nothing_is_kept(client, form_post):
    result = form_post("/check", SENIOR_ON_THE_APM_PATH).get_data(as_text=True)
    tampered = SENIOR_ON_THE_APM_PATH | {"context_years": "500", "csrf_token": csrf_token_from(result)}

    response = client.post("/check/save", data=tampered)

    assert response.status_code == 303 and response.headers["Location"].endswith("/check")
    assert "Your quick-check answers come with you" not in client.get("/auth/signup").get_data(as_text=True)


def test_saved_answers_also_carry_into_an_existing_engineer_who_signs_in(client, form_post, user_factory):
    engineer = user_factory()
    result = form_post("/check", SENIOR_ON_THE_APM_PATH).get_data(as_text=True)
    client.post("/check/save", data=SENIOR_ON_THE_APM_PATH | {"csrf_token": csrf_token_from(result)})

    login_page = client.get("/auth/login").get_data(as_text=True)
    signed_in = client.post(
        "/auth/login",
        data={"email": engineer.email, "password": DEFAULT_PASSWORD, "csrf_token": csrf_token_from(login_page)},
    )

    assert signed_in.status_code == 303 and signed_in.headers["Location"].endswith("/assessment")
    assert db.session.get(AssessmentDraft, engineer.id).answers["context_path"] == "apm_program"


def test_a_signed_in_engineer_saves_straight_into_the_assessment(client, form_post, login, user_factory):
    engineer = login(user_factory())
    result = form_post("/check", SENIOR_ON_THE_APM_PATH).get_data(as_text=True)

    saved = client.post("/check/save", data=SENIOR_ON_THE_APM_PATH | {"csrf_token": csrf_token_from(result)})

    assert saved.status_code == 303 and saved.headers["Location"].endswith("/assessment")
    assert db.session.get(AssessmentDraft, engineer.id).answers["context_years"] == 5


def test_the_counts_are_readable_from_the_command_line(app, client, form_post):
    form_post("/check", SENIOR_ON_THE_APM_PATH)
    form_post("/check", SENIOR_ON_THE_APM_PATH | {"context_path": "internal_transfer"})

    output = app.test_cli_runner().invoke(args=["quick-check-counts"]).output

    assert re.search(r"apm_program\s+completed\s+1\s+saved\s+0", output)
    assert re.search(r"internal_transfer\s+completed\s+1\s+saved\s+0", output)
