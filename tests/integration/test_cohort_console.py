"""The cohort lead's console: lifecycle, invitations, CSV imports, member changes, nudges,
announcements, exports and the printable report, through the real routes."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from pmcohort.accounts.models import User
from pmcohort.cohorts import roster
from pmcohort.cohorts import services as cohort_service
from pmcohort.cohorts.models import (
    Cohort,
    CohortDeparture,
    CohortInvitation,
    CohortMember,
    Match,
    RosterImport,
)
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import UPLOAD_MAX_BYTES
from pmcohort.mentoring.models import MentoringSession
from pmcohort.notifications.models import Notification, OutboxMessage
from pmcohort.ops.models import AuditEvent
from pmcohort.plans import services as plan_service
from pmcohort.writing import services as writing
from pmcohort.writing.models import Document
from tests.conftest import csrf_token_from, sign_in
from tests.factories import active_match, cohort_with, engineer, hosted, mentor, one_on_one
from tests.mail import deliver_pending, text_of

HEADER = "email,name,role,time zone,path,domain\n"


@pytest.fixture
def lead(user_factory):
    return user_factory(roles=("lead",), name="Lena Lead")


@pytest.fixture
def cohort(lead, user_factory):
    return cohort_with(lead, [engineer(user_factory)], [mentor(user_factory)])


def members_of(cohort_id: int) -> set[tuple[str, str]]:
    return set(
        db.session.execute(
            select(CohortMember.role, CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
        ).all()
    )


def cohort_match(cohort) -> Match:
    """The cohort's one engineer and one mentor, matched."""
    engineer_id, mentor_id = (
        next(user_id for role, user_id in members_of(cohort.id) if role == side) for side in ("engineer", "mentor")
    )
    return active_match(db.session.get(User, engineer_id), db.session.get(User, mentor_id), cohort)


def outbox_topics() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.topic).order_by(OutboxMessage.id)))


def post_page_form(client, page_url: str, action: str, data: dict, **kwargs):
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(action, data={**data, "csrf_token": token}, **kwargs)


def upload(client, cohort_id: int, data: bytes, filename="people.csv", **kwargs):
    url = f"/cohorts/{cohort_id}/import"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    stream, length, boundary = stream_encode_multipart(
        {"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename)}, use_tempfile=False
    )
    return client.post(
        url,
        input_stream=stream,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
        **kwargs,
    )


# --- lifecycle


def test_the_lifecycle_offers_only_sensible_steps_audits_each_and_ends_read_only(client, login, lead, cohort):
    login(lead)
    console = f"/cohorts/{cohort.id}/console"
    page = client.get(console).get_data(as_text=True)
    assert "Open for enrollment" in page and "Start the program" not in page

    def step(target):
        return post_page_form(client, console, f"/cohorts/{cohort.id}/status", {"target": target})

    assert step("active").status_code == 303
    assert db.session.get(Cohort, cohort.id).status == "draft", "skipping ahead is refused"
    for target in ("open", "matching"):
        step(target)
    step("active")
    assert db.session.get(Cohort, cohort.id).status == "matching", "no match yet: the program cannot start"
    assert "Publish a matching run first" in client.get(console).get_data(as_text=True)

    engineer_id = next(user_id for role, user_id in members_of(cohort.id) if role == "engineer")
    mentor_id = next(user_id for role, user_id in members_of(cohort.id) if role == "mentor")
    db.session.add(Match(cohort_id=cohort.id, engineer_id=engineer_id, mentor_id=mentor_id, source="cohort"))
    db.session.commit()
    step("active")
    step("completed")
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).status == "completed"
    audited = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "cohort.status_changed").order_by(AuditEvent.id)
    ).all()
    assert [(event["before"], event["after"]) for event in audited] == [
        ("draft", "open"),
        ("open", "matching"),
        ("matching", "active"),
        ("active", "completed"),
    ]

    page = client.get(console).get_data(as_text=True)
    assert "read-only" in page and "Send nudge" not in page
    refused = post_page_form(
        client, f"/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/enroll", {"role": "engineer", "emails": "x@y.z"}
    )
    assert "read-only" in refused.get_data(as_text=True)
    assert upload(client, cohort.id, (HEADER + "a@example.com,A,engineer,UTC,,\n").encode()).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0


def test_details_and_several_leads(client, login, lead, cohort, user_factory):
    other_lead = user_factory(roles=("lead",), name="Omar Other")
    db.session.commit()
    login(lead)
    settings = f"/cohorts/{cohort.id}/settings"
    response = post_page_form(
        client,
        settings,
        settings,
        {"name": "Autumn", "start_date": "2026-09-07", "weeks": "0", "description": "For platform engineers"},
    )
    assert response.status_code == 400 and "between 1 and 52" in response.get_data(as_text=True)
    assert "For platform engineers" in response.get_data(as_text=True), "the typed text is kept"
    post_page_form(
        client,
        settings,
        settings,
        {"name": "Autumn", "start_date": "2026-09-07", "weeks": "12", "description": "For platform engineers"},
    )
    db.session.expire_all()
    saved = db.session.get(Cohort, cohort.id)
    assert (saved.name, saved.weeks, saved.description, str(saved.end_date)) == (
        "Autumn",
        12,
        "For platform engineers",
        "2026-11-30",
    )
    added = post_page_form(client, settings, f"/cohorts/{cohort.id}/leads", {"email": other_lead.email})
    assert added.status_code == 303 and added.location.endswith(f"{settings}#leads")
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).lead_ids == {lead.id, other_lead.id}
    other = client.application.test_client()
    sign_in(other, other_lead)
    assert other.get(f"/cohorts/{cohort.id}/console").status_code == 200


# --- invitations


def invitation_link(message) -> str:
    return re.search(r"https?://\S+(/cohorts/invitations/\S+)", text_of(message)).group(1)


def test_an_invitation_signs_up_a_newcomer_into_the_cohort_once(app, client, login, lead, cohort, mailbox):
    login(lead)
    members = f"/cohorts/{cohort.id}/members"
    post_page_form(client, members, f"/cohorts/{cohort.id}/invitations", {"email": "New@Example.com", "role": "mentor"})
    deliver_pending()
    [message] = mailbox.to("new@example.com")
    link = invitation_link(message)

    newcomer = app.test_client()
    page = newcomer.get(link).get_data(as_text=True)
    assert "as a mentor" in page and "/auth/signup?next=" in page
    signup = newcomer.get(f"/auth/signup?next={link}")
    response = newcomer.post(
        f"/auth/signup?next={link}",
        data={
            "csrf_token": csrf_token_from(signup.get_data(as_text=True)),
            "name": "Nia Newcomer",
            "email": "new@example.com",
            "password": "a long enough password",
            "time_zone": "UTC",
            "role": "engineer",
        },
    )
    assert response.status_code == 303 and response.location.endswith(link)
    joined = post_page_form(newcomer, link, link, {})
    assert joined.status_code == 303
    user_id = db.session.scalar(
        select(CohortMember.user_id).where(CohortMember.role == "mentor").order_by(CohortMember.id.desc())
    )
    assert ("mentor", user_id) in members_of(cohort.id)
    assert "Welcome to Spring" in newcomer.get("/dashboard").get_data(as_text=True)

    again = post_page_form(newcomer, "/dashboard", link, {})
    assert again.status_code == 303
    assert "already used" in newcomer.get(link).get_data(as_text=True)
    assert newcomer.get(link).status_code == 410


def test_expired_forged_and_already_enrolled_invitations_say_so(client, login, lead, cohort, user_factory):
    login(lead)
    members = f"/cohorts/{cohort.id}/members"
    enrolled_email = db.session.scalar(
        select(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.role == "engineer")
    ).user.email
    response = post_page_form(
        client, members, f"/cohorts/{cohort.id}/invitations", {"email": enrolled_email, "role": "engineer"}
    )
    assert response.status_code == 400
    assert f"{enrolled_email} is already enrolled in this cohort as engineer" in response.get_data(as_text=True)

    invitation = roster.invite(cohort.id, "late@example.com", "engineer", actor_id=lead.id)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    link = f"/cohorts/invitations/{roster.invitation_token(invitation.id)}"
    late = user_factory(email="late@example.com")
    visitor = client.application.test_client()
    sign_in(visitor, late)
    assert "expired" in visitor.get(link).get_data(as_text=True)
    post_page_form(visitor, "/dashboard", link, {})
    assert ("engineer", late.id) not in members_of(cohort.id)
    assert visitor.get("/cohorts/invitations/made-up-token").status_code == 404
    assert visitor.get(link[:-3] + "abc").status_code == 404


def test_an_invitation_drops_off_the_waiting_list_once_its_person_is_enrolled_another_way(lead, cohort, user_factory):
    roster.invite(cohort.id, "both@example.com", "engineer", actor_id=lead.id)
    roster.invite(cohort.id, "still.waiting@example.com", "mentor", actor_id=lead.id)
    user_factory(roles=("engineer",), email="both@example.com")
    db.session.commit()
    cohort_service.enroll(cohort.id, "engineer", "both@example.com", actor_id=lead.id)
    assert [invitation.email for invitation in roster.unanswered_invitations(cohort.id)] == [
        "still.waiting@example.com"
    ]


def test_a_lead_resends_a_pending_or_expired_invitation_and_only_the_newest_link_works(
    client, login, lead, cohort, mailbox, user_factory
):
    login(lead)
    members = f"/cohorts/{cohort.id}/members"
    post_page_form(client, members, f"/cohorts/{cohort.id}/invitations", {"email": "re@example.com", "role": "mentor"})
    deliver_pending()
    first_link = invitation_link(mailbox.to("re@example.com")[-1])
    [pending] = roster.unanswered_invitations(cohort.id)

    response = post_page_form(client, members, f"/cohorts/{cohort.id}/invitations/{pending.id}/resend", {})
    assert response.status_code == 303
    assert "A new invitation went to re@example.com" in client.get(response.location).get_data(as_text=True)
    deliver_pending()
    second_link = invitation_link(mailbox.to("re@example.com")[-1])
    assert second_link != first_link
    assert "replaced by a newer invitation" in client.get(first_link).get_data(as_text=True)
    assert client.get(first_link).status_code == 410

    [newer] = roster.unanswered_invitations(cohort.id)
    newer.expires_at = utcnow() - timedelta(hours=1)  # fourteen days pass unanswered
    db.session.commit()
    page = client.get(members).get_data(as_text=True)
    assert "Expired" in page and 'Resend<span class="visually-hidden"> the invitation to re@example.com' in page
    post_page_form(client, members, f"/cohorts/{cohort.id}/invitations/{newer.id}/resend", {})
    deliver_pending()
    third_link = invitation_link(mailbox.to("re@example.com")[-1])
    [third] = roster.unanswered_invitations(cohort.id)
    assert third.expires_at > utcnow() + timedelta(days=13), "a fresh expiry"
    resent = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.invitation_resent")).all()
    assert [(event.actor_id, event.details["replaces"]) for event in resent] == [
        (lead.id, pending.id),
        (lead.id, newer.id),
    ]

    invitee = client.application.test_client()
    invited = user_factory(email="re@example.com")
    db.session.commit()  # a refused link rolls the request back: the account must be there before it
    sign_in(invitee, invited)
    for old_link in (first_link, second_link):
        post_page_form(invitee, "/dashboard", old_link, {})
        assert ("mentor", invited.id) not in members_of(cohort.id), "an old link enrolls nobody"
    post_page_form(invitee, "/dashboard", third_link, {})
    assert ("mentor", invited.id) in members_of(cohort.id)

    sent = len(outbox_topics())
    response = post_page_form(client, members, f"/cohorts/{cohort.id}/invitations/{third.id}/resend", {})
    assert "re@example.com already accepted this invitation" in client.get(response.location).get_data(as_text=True)
    assert len(outbox_topics()) == sent, "nothing is resent"


def test_an_invitation_opened_by_someone_else_does_not_enroll_them(client, lead, cohort, user_factory):
    invitation = roster.invite(cohort.id, "meant@example.com", "engineer", actor_id=lead.id)
    link = f"/cohorts/invitations/{roster.invitation_token(invitation.id)}"
    stranger = user_factory(email="stranger@example.com")
    sign_in(client, stranger)
    post_page_form(client, link, link, {})
    assert ("engineer", stranger.id) not in members_of(cohort.id)
    assert "This invitation is for meant@example.com" in client.get(link).get_data(as_text=True)
    assert db.session.get(CohortInvitation, invitation.id).used_at is None


# --- CSV import


def test_the_dry_run_lists_every_problem_and_writes_nothing_then_the_fixed_file_imports_whole(
    client, login, lead, cohort, user_factory, mailbox
):
    existing = user_factory(roles=("engineer",), email="known@example.com")
    db.session.commit()
    login(lead)
    before = members_of(cohort.id)
    enrolled = db.session.scalar(
        select(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.role == "engineer")
    ).user.email
    bad = (
        HEADER
        + "known@example.com,Kim Known,engineer,Europe/Berlin,internal_transfer,fintech\n"
        + "not-an-email,Bea Bad,engineer,UTC,,\n"
        + "ann@example.com,Ann Mentor,boss,UTC,,\n"
        + "ann@example.com,Ann Again,mentor,Mars/Base,,\n"
        + "carl@example.com,Carl,mentor,America/New_York,,\n"
        + f"{enrolled},Already Here,engineer,UTC,,\n"
    )
    response = upload(client, cohort.id, bad.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was imported" in page
    assert "Row 3, email: “not-an-email” is not an email address" in page
    assert "Row 4, role: “boss” is not a role here" in page
    assert "Row 5, email: ann@example.com is a duplicate of row 4" in page
    assert "Row 5, time zone: “Mars/Base” is not a time zone" in page
    assert f"Row 7, email: {enrolled} is already enrolled in this cohort as engineer" in page
    assert members_of(cohort.id) == before
    assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0

    fixed = (
        HEADER
        + "known@example.com,Kim Known,engineer,Europe/Berlin,internal_transfer,fintech\n"
        + "bea@example.com,Bea,engineer,UTC,,\n"
        + "ann@example.com,Ann Mentor,mentor,UTC,,\n"
        + "carl@example.com,Carl,mentor,America/New_York,,\n"
    )
    response = upload(client, cohort.id, ("\ufeff" + fixed.replace(",", ";")).encode())
    assert response.status_code == 303
    status_page = response.location
    assert "Every row passed the dry run: 4 people" in client.get(status_page).get_data(as_text=True)
    assert members_of(cohort.id) == before, "checked, not imported yet"

    staged = db.session.scalar(select(RosterImport))
    post_page_form(client, status_page, f"{status_page}/start", {})
    assert client.get(f"{status_page}/progress").get_json()["status"] == "queued"
    assert "cohort.import" in outbox_topics()
    assert roster.execute_import(staged.id) is True
    assert roster.execute_import(staged.id) is False, "a second worker finds nothing to do"
    db.session.expire_all()
    assert client.get(f"{status_page}/progress").get_json() == {
        "status": "done",
        "progress": 100,
        "stage": "Imported",
        "error": None,
    }
    assert ("engineer", existing.id) in members_of(cohort.id)
    invited = db.session.scalars(select(CohortInvitation.email).order_by(CohortInvitation.email)).all()
    assert invited == ["ann@example.com", "bea@example.com", "carl@example.com"]
    assert "1 person enrolled; 3 invitations sent" in client.get(status_page).get_data(as_text=True)
    deliver_pending()
    assert len(mailbox.to("carl@example.com")) == 1
    assert "You are enrolled in Spring" in [
        n.title for n in db.session.scalars(select(Notification).where(Notification.user_id == existing.id))
    ]


def test_an_import_refuses_whole_if_the_cohort_changed_since_the_dry_run(client, login, lead, cohort, user_factory):
    late = user_factory(roles=("engineer",), email="late@example.com")
    db.session.commit()
    login(lead)
    response = upload(
        client,
        cohort.id,
        (HEADER + "new@example.com,New,engineer,UTC,,\nlate@example.com,Late,engineer,UTC,,\n").encode(),
    )
    staged = db.session.scalar(select(RosterImport))
    post_page_form(client, response.location, f"{response.location}/start", {})
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=late.id, role="engineer"))
    db.session.commit()
    before = members_of(cohort.id)
    roster.execute_import(staged.id)
    db.session.expire_all()
    staged = db.session.get(RosterImport, staged.id)
    assert staged.status == "failed" and "late@example.com" in staged.error
    assert members_of(cohort.id) == before
    assert db.session.scalar(select(func.count()).select_from(CohortInvitation)) == 0, "nothing half-imported"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("email,name,role,time zone\nz@example.com,Zoë,engineer,UTC\n".encode("latin-1"), "not UTF-8"),
        (b"mail,who\nx,y\n", "must name the columns"),
        (b"x" * (UPLOAD_MAX_BYTES + 10), "the limit is 5 MB"),
        (b"", "Choose a CSV file"),
    ],
    ids=["wrong encoding", "wrong columns", "too big", "no file"],
)
def test_a_file_that_cannot_be_read_is_reported_at_the_field(client, login, lead, cohort, data, words):
    login(lead)
    response = upload(client, cohort.id, data, filename="people.csv" if data else "")
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0


def test_an_upload_over_the_app_limit_gets_a_page_saying_the_limit_and_nothing_changes(
    app, client, login, lead, cohort
):
    login(lead)
    before = members_of(cohort.id)
    rows = (HEADER + "big@example.com,Big,engineer,UTC,,\n" * 200_000).encode()
    assert len(rows) > app.config["MAX_CONTENT_LENGTH"]
    form_page = f"http://localhost/cohorts/{cohort.id}/import"
    response = upload(client, cohort.id, rows, headers={"Referer": form_page})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "That upload is too large" in page and "larger than 5 MB" in page and "nothing was saved" in page
    assert f'href="{form_page}">Go back to the form' in page
    assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0
    assert members_of(cohort.id) == before
    assert client.get(f"/cohorts/{cohort.id}/import").status_code == 200, "still signed in, the form there"


def test_the_editor_refuses_an_oversized_text_without_losing_the_saved_draft(client, user_factory):
    author = engineer(user_factory)
    writing.seed_kinds()
    document = writing.create_document(author.id, kind_key="problem_statement", title="Kept")
    writing.save_draft(document.id, author.id, title="Kept", body="# The saved draft")
    sign_in(client, author)
    edit = f"/writing/{document.id}/edit"
    token = csrf_token_from(client.get(edit).get_data(as_text=True))
    huge = {"csrf_token": token, "title": "Kept", "body": "x" * (6 * 1024 * 1024)}
    autosave = client.post(f"/writing/{document.id}/autosave", data=huge, headers={"Accept": "application/json"})
    assert autosave.status_code == 413 and "larger than 5 MB" in autosave.get_json()["error"]
    page = client.post(edit, data={**huge, "action": "save"})
    assert page.status_code == 413 and "Back button" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Document, document.id).body == "# The saved draft"


# --- member changes and nudges


def test_removing_and_moving_members_keeps_their_history(client, login, lead, cohort, user_factory):
    other = cohort_with(lead, [], [])
    match = cohort_match(cohort)
    engineer_id, mentor_id = match.engineer_id, match.mentor_id
    session = one_on_one(mentor_id, utcnow() - timedelta(days=2), guest_ids=(engineer_id,), match_id=match.id)
    db.session.commit()
    login(lead)

    page = f"/cohorts/{cohort.id}/members/{engineer_id}"
    response = post_page_form(
        client, page, f"{page}/move", {"user_id": engineer_id, "role": "engineer", "to_cohort_id": other.id}
    )
    assert response.status_code == 303
    assert members_of(other.id) == {("engineer", engineer_id)}
    assert ("engineer", engineer_id) not in members_of(cohort.id)
    departure = db.session.scalar(select(CohortDeparture))
    assert (departure.kind, departure.moved_to_cohort_id) == ("moved", other.id)
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == "ended"
    assert db.session.get(MentoringSession, session.id) is not None, "their sessions stay"
    assert "moved to another cohort" in client.get(f"/cohorts/{cohort.id}/members").get_data(as_text=True)

    page = f"/cohorts/{cohort.id}/members/{mentor_id}"
    post_page_form(client, page, f"{page}/remove", {"user_id": mentor_id, "role": "mentor", "reason": "Changed jobs"})
    assert members_of(cohort.id) == set()
    assert client.get(page).status_code == 404

    sent_before = len(outbox_topics())
    response = post_page_form(
        client,
        f"/cohorts/{cohort.id}/console",
        f"/cohorts/{cohort.id}/nudge",
        {"user_id": mentor_id, f"text_{mentor_id}": "Hi"},
    )
    follow = client.get(response.location).get_data(as_text=True)
    assert "left this cohort on" in follow and "nothing was sent" in follow
    assert len(outbox_topics()) == sent_before


def test_the_console_lists_people_at_risk_and_a_nudge_goes_through_the_outbox(client, login, lead, cohort):
    login(lead)
    page = client.get(f"/cohorts/{cohort.id}/console").get_data(as_text=True)
    assert "People at risk (1)" in page and "No mentor" in page
    engineer_id = next(user_id for role, user_id in members_of(cohort.id) if role == "engineer")
    response = post_page_form(
        client,
        f"/cohorts/{cohort.id}/console",
        f"/cohorts/{cohort.id}/nudge",
        {"user_id": engineer_id, f"text_{engineer_id}": "Edited: book your first session this week."},
    )
    assert "Nudge sent" in client.get(response.location).get_data(as_text=True)
    deliver_pending()
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == engineer_id)).all()
    assert note.title == "A note from Lena Lead (Spring)" and note.body == "Edited: book your first session this week."


def test_an_announcement_reaches_every_member_in_the_app(client, login, lead, cohort):
    login(lead)
    page = f"/cohorts/{cohort.id}/announcements"
    response = post_page_form(client, page, page, {"title": "Week 2", "body": ""})
    assert response.status_code == 400 and "Write the announcement" in response.get_data(as_text=True)
    post_page_form(client, page, page, {"title": "Week 2", "body": "Workshop on Thursday."})
    deliver_pending()
    recipients = set(db.session.scalars(select(Notification.user_id).where(Notification.title == "Week 2")))
    assert recipients == {user_id for _, user_id in members_of(cohort.id)}


def test_exports_stream_csv_rows(client, login, lead, cohort):
    login(lead)
    response = client.get(f"/cohorts/{cohort.id}/export/members.csv")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="cohort-{cohort.id}-members.csv"'
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "email,name,role,time_zone,enrolled_at,readiness" and len(lines) == 3
    for kind in ("matches", "sessions"):
        assert client.get(f"/cohorts/{cohort.id}/export/{kind}.csv").status_code == 200
    at_risk = client.get(f"/cohorts/{cohort.id}/export/at-risk.csv").get_data(as_text=True).splitlines()
    assert at_risk[0] == "email,name,role,reasons" and at_risk[1].endswith(",engineer,No mentor")
    assert client.get(f"/cohorts/{cohort.id}/export/secrets.csv").status_code == 404


def test_the_printable_report_has_the_dashboard_without_navigation(client, login, lead, cohort):
    login(lead)
    page = client.get(f"/cohorts/{cohort.id}/report").get_data(as_text=True)
    assert "Readiness: at enrollment and now" in page and "Sessions" in page
    assert 'aria-label="Main"' not in page and "Sign out" not in page


CONSOLE_PAGES = ("console", "report", "members", "import", "announcements", "settings", "export/members.csv")


@pytest.mark.parametrize("who", ["other_lead", "engineer", "mentor", "member_engineer", "member_mentor"])
def test_only_the_cohorts_leads_and_admins_see_the_console(client, user_factory, cohort, who):
    if who.startswith("member_"):  # someone in this very cohort
        role = who.removeprefix("member_")
        person = db.session.scalar(
            select(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.role == role)
        ).user
    else:
        person = user_factory(roles={"other_lead": ("lead",), "engineer": ("engineer",), "mentor": ("mentor",)}[who])
    sign_in(client, person)
    for page in CONSOLE_PAGES:
        assert client.get(f"/cohorts/{cohort.id}/{page}").status_code == 404, page
    admin = client.application.test_client()
    sign_in(admin, user_factory(roles=("admin",)))
    for page in CONSOLE_PAGES:
        assert admin.get(f"/cohorts/{cohort.id}/{page}").status_code == 200, page


def test_the_console_keeps_its_figures_a_minute_and_refresh_now_recomputes(client, login, lead, cohort, user_factory):
    login(lead)
    console = f"/cohorts/{cohort.id}/console"
    assert "1 engineer · 1 mentor" in client.get(f"{console}?fresh=1").get_data(as_text=True)
    late = engineer(user_factory)
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=late.id, role="engineer"))
    db.session.commit()
    assert "1 engineer · 1 mentor" in client.get(console).get_data(as_text=True), "kept figures"
    assert "2 engineers · 1 mentor" in client.get(f"{console}?fresh=1").get_data(as_text=True)

    page = f"/cohorts/{cohort.id}/members/{late.id}"
    post_page_form(client, page, f"{page}/remove", {"user_id": late.id, "role": "engineer"})
    assert "1 engineer · 1 mentor" in client.get(console).get_data(as_text=True), "the lead's change drops them"


def test_the_console_computes_its_figures_when_redis_is_down(app, client, login, lead, cohort, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    login(lead)
    response = client.get(f"/cohorts/{cohort.id}/console")
    assert response.status_code == 200 and "1 engineer · 1 mentor" in response.get_data(as_text=True)


def test_the_console_counts_reviews_debriefs_and_milestones_and_names_who_is_behind(client, login, lead, cohort):
    match = cohort_match(cohort)
    engineer_id, mentor_id = match.engineer_id, match.mentor_id
    db.session.commit()
    plan_service.create_plan(engineer_id, path="internal_transfer", start=utcnow().date() - timedelta(days=60))
    writing.seed_kinds()
    document = writing.create_document(engineer_id, kind_key="problem_statement", title="Slow onboarding")
    writing.submit(document.id, engineer_id, title="Slow onboarding", body="# Who waits\n\nNew teams wait.")
    db.session.get(Document, document.id).submitted_at = utcnow() - timedelta(days=6)
    db.session.commit()

    login(lead)
    page = client.get(f"/cohorts/{cohort.id}/console?fresh=1").get_data(as_text=True)
    assert "Written work and debriefs" in page and "Plan milestones" in page
    assert re.search(r"Waiting: over 5 days \(overdue\)</th><td>1<", page)
    assert re.search(r"plan milestones? overdue", page)
    assert "1 review waiting for over 5 days" in page

    reviews = client.get(f"/cohorts/{cohort.id}/export/reviews.csv").get_data(as_text=True).splitlines()
    assert reviews[0].startswith("document_id,kind,title,author_email,reviewer_email") and len(reviews) == 1
    writing.submit_review(
        document.id,
        mentor_id,
        scores=dict.fromkeys(writing.rubric_for(document).dimension_keys, 3),
        summary="Clear problem.",
        decision="approved",
    )
    reviews = client.get(f"/cohorts/{cohort.id}/export/reviews.csv").get_data(as_text=True).splitlines()
    assert len(reviews) == 2 and reviews[1].endswith(",approved")
    milestones = client.get(f"/cohorts/{cohort.id}/export/milestones.csv").get_data(as_text=True).splitlines()
    assert milestones[0] == "email,path,plan_start,milestone,skill,due_week,done_at_utc,done_link"
    assert len(milestones) - 1 == len(plan_service.plan_of(engineer_id).milestones)
    at_risk = client.get(f"/cohorts/{cohort.id}/export/at-risk.csv").get_data(as_text=True)
    assert "plan milestone" in at_risk  # the export gives the same reasons as the console


def risk_entry(page: str, name: str) -> str | None:
    """The console's at-risk entry of `name` (their reasons), or None when they are not listed."""
    found = re.search(
        rf"<strong>{re.escape(name)}</strong> <span class=\"tag\">\w+</span>\s*<ul>(.*?)</ul>", page, re.S
    )
    return found.group(1) if found else None


def test_a_mentor_who_misses_sessions_is_at_risk_for_low_reliability_and_gets_a_nudge(
    client, login, lead, cohort, user_factory
):
    steady_id = next(user_id for role, user_id in members_of(cohort.id) if role == "mentor")
    steady = db.session.get(User, steady_id)
    shaky = mentor(user_factory)
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=shaky.id, role="mentor"))
    for days_ago in (3, 10, 20):
        hosted(shaky.id, utcnow() - timedelta(days=days_ago), "no_show")
    hosted(steady.id, utcnow() - timedelta(days=4), "no_show")  # one missed session: a bad week, not a pattern
    hosted(steady.id, utcnow() - timedelta(days=11), "attended")
    db.session.commit()

    login(lead)
    page = client.get(f"/cohorts/{cohort.id}/console?fresh=1").get_data(as_text=True)
    entry = risk_entry(page, shaky.name)
    assert entry is not None and re.search(r"Low reliability \(\d+/100\): 3 no-shows in the last 90 days", entry)
    assert risk_entry(page, steady.name) is None
    at_risk = client.get(f"/cohorts/{cohort.id}/export/at-risk.csv").get_data(as_text=True)
    assert "3 no-shows in the last 90 days" in at_risk  # the export gives the same reasons

    suggested = re.search(rf'name="text_{shaky.id}"[^>]*>([^<]*)</textarea>', page).group(1)
    assert "low reliability (" in suggested
    response = post_page_form(
        client,
        f"/cohorts/{cohort.id}/console",
        f"/cohorts/{cohort.id}/nudge",
        {"user_id": shaky.id, f"text_{shaky.id}": "Three sessions missed lately: is something in the way?"},
    )
    assert "Nudge sent" in client.get(response.location).get_data(as_text=True)
    deliver_pending()
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == shaky.id)).all()
    assert note.body == "Three sessions missed lately: is something in the way?"
