import pytest
from sqlalchemy import func, select

from pmcohort.core.extensions import db
from pmcohort.domain import vocabulary
from pmcohort.profiles.models import AvailabilityWindow, AwayPeriod, EngineerProfile, MentorProfile
from tests.conftest import csrf_token_from, sign_in

MENTOR_FORM = {
    "headline": "Group PM, developer tools",
    "former_engineer": "y",
    "paths": ["internal_transfer"],
    "domains": ["developer_tools", "infrastructure"],
    "interview_kinds": ["product_sense", "behavioral"],
    "capacity": "3",
    **{f"strength_{skill}": "3" for skill in vocabulary.SKILLS},
    **{f"evidence_{skill}": "" for skill in vocabulary.SKILLS},
    "strength_discovery": "5",
    "evidence_discovery": "Ran 200 customer interviews",
}


def test_mentor_fills_a_profile_others_can_read(app, client, login, user_factory, form_post):
    mentor = login(user_factory(roles=("mentor",), name="Maya Mentor"))
    response = form_post("/profile/mentor", MENTOR_FORM)
    assert response.status_code == 303

    profile = db.session.get(MentorProfile, mentor.id)
    assert (
        profile.capacity == 3 and profile.former_engineer and profile.domains == ["developer_tools", "infrastructure"]
    )
    assert profile.strength_levels()["discovery"] == 5

    engineer_browser = app.test_client()
    sign_in(engineer_browser, user_factory(roles=("engineer",)))
    page = engineer_browser.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    assert "Maya Mentor" in page and "Ran 200 customer interviews" in page and "up to 3 at once" in page


def test_mentor_profile_is_not_public_to_signed_out_visitors(client, user_factory, app):
    mentor = user_factory(roles=("mentor",))
    db.session.add(MentorProfile(user_id=mentor.id, capacity=1))
    db.session.flush()
    assert client.get(f"/mentors/{mentor.id}").status_code == 302


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"capacity": "11"}, "capacity", "between 0 and 10"),
        ({"capacity": "-1"}, "capacity", "between 0 and 10"),
        ({"strength_writing": "6"}, "strength_writing", "Not a valid choice"),
        ({"evidence_influence": "x" * 201}, "evidence_influence", "200 characters"),
        ({"domains": ["space"]}, "domains", "valid choice"),
    ],
)
def test_mentor_profile_bad_input_saves_nothing(form_post, login, user_factory, change, field, message):
    login(user_factory(roles=("mentor",)))
    response = form_post("/profile/mentor", {**MENTOR_FORM, **change})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and f'id="{field}' in html
    assert db.session.scalar(select(func.count()).select_from(MentorProfile)) == 0


def test_engineer_profile_records_path_and_domain(form_post, login, user_factory):
    engineer = login(user_factory())
    bad = form_post(
        "/profile/engineer", {"years_experience": "99", "path": "internal_transfer", "target_domain": "fintech"}
    )
    assert bad.status_code == 400 and "between 0 and 60" in bad.get_data(as_text=True)
    good = form_post("/profile/engineer", {"years_experience": "4", "path": "apm_program", "target_domain": "fintech"})
    assert good.status_code == 303
    profile = db.session.get(EngineerProfile, engineer.id)
    assert (profile.years_experience, profile.path, profile.target_domain) == (4, "apm_program", "fintech")


def windows(user_id):
    return db.session.execute(
        select(AvailabilityWindow.weekday, AvailabilityWindow.start_minute, AvailabilityWindow.end_minute).where(
            AvailabilityWindow.user_id == user_id
        )
    ).all()


# Each posted on the day where the person already has a window, 18:00-20:00.
@pytest.mark.parametrize(
    ("times", "message"),
    [
        ({"start": "19:00", "end": "21:00"}, "overlaps a window you already have"),
        ({"start": "20:00", "end": "18:00"}, "the end must be after the start"),
        ({"start": "18:00", "end": "18:00"}, "the end must be after the start"),
        ({"start": "18:10", "end": "19:00"}, "quarter hour"),
        ({"start": "", "end": "19:00"}, "Enter a start time"),
    ],
)
def test_bad_windows_are_refused_at_the_field(form_post, login, user_factory, times, message):
    user = login(user_factory(roles=("mentor",)))
    assert (
        form_post(
            "/availability/windows", {"weekday": "1", "start": "18:00", "end": "20:00"}, page_url="/availability"
        ).status_code
        == 303
    )

    response = form_post("/availability/windows", {"weekday": "1", **times}, page_url="/availability")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert windows(user.id) == [(1, 18 * 60, 20 * 60)]


def test_windows_touching_and_until_midnight_are_fine(form_post, login, user_factory):
    user = login(user_factory())
    form_post("/availability/windows", {"weekday": "4", "start": "20:00", "end": "22:00"}, page_url="/availability")
    form_post("/availability/windows", {"weekday": "4", "start": "22:00", "end": "00:00"}, page_url="/availability")
    assert sorted(windows(user.id)) == [(4, 1200, 1320), (4, 1320, 1440)]


def test_away_periods_and_removal_only_by_the_owner(app, client, form_post, login, user_factory):
    owner = login(user_factory())
    bad = form_post(
        "/availability/away", {"first_day": "2026-12-20", "last_day": "2026-12-10"}, page_url="/availability"
    )
    assert bad.status_code == 400 and "cannot be before the first" in bad.get_data(as_text=True)
    form_post("/availability/away", {"first_day": "2026-12-20", "last_day": "2027-01-02"}, page_url="/availability")
    period = db.session.scalar(select(AwayPeriod))
    assert period.user_id == owner.id

    other = app.test_client()
    sign_in(other, user_factory())
    page = other.get("/availability").get_data(as_text=True)
    assert (
        other.post(f"/availability/away/{period.id}/delete", data={"csrf_token": csrf_token_from(page)}).status_code
        == 404
    )
    assert db.session.get(AwayPeriod, period.id) is not None
