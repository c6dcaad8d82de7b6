"""Written work through the pages: drafts, submissions, two review rounds, the shared queue, blind second
reviews, the portfolio, bad input and who may read what."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pmcohort.cohorts.models import Cohort
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.limits import DOCUMENT_MAX_CHARS
from pmcohort.domain.statuses import DocumentStatus
from pmcohort.notifications.models import OutboxMessage
from pmcohort.ops.models import AuditEvent
from pmcohort.plans import services as plan_service
from pmcohort.plans.pack import evidence_pack
from pmcohort.writing import portfolios, reading
from pmcohort.writing import services as writing
from pmcohort.writing.models import Document, DocumentEvent, DocumentReview, WritingKind
from tests.factories import person
from tests.integration.writing_cast import PROBLEM_RUBRIC, Browser
from tests.mail import deliver_pending, inbox_titles

FIRST_DRAFT = "# Who waits\n\nNew teams wait two weeks for access to the build farm.\n\nWe should build a portal."
SECOND_DRAFT = (
    "# Who waits\n\nNew teams wait two weeks for access, according to 14 support tickets since May.\n\n"
    "We assume most of the wait is approvals, not set-up."
)


def _review_data(scores, summary="Clear problem; cite your evidence.", decision="changes_requested"):
    data = {f"score_{key}": str(score) for key, score in zip(PROBLEM_RUBRIC, scores, strict=True)}
    return {**data, "summary": summary, **({"decision": decision} if decision else {})}


def _start(browser) -> int:
    response = browser.post("/writing/new", {"kind": "problem_statement", "title": "Slow onboarding"})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/writing/(\d+)/edit", response.headers["Location"]).group(1))


def _submit(browser, document_id, body, title="Slow onboarding"):
    return browser.post(f"/writing/{document_id}/edit", {"title": title, "body": body, "action": "submit"})


def _topics() -> list[str]:
    return db.session.scalars(select(OutboxMessage.topic).order_by(OutboxMessage.id)).all()


# --- the whole loop


def test_two_review_rounds_to_approval(app, cast):
    engineer, mentor = Browser(app, cast.engineer), Browser(app, cast.mentor)
    document_id = _start(engineer)
    editor = engineer.get(f"/writing/{document_id}/edit").get_data(as_text=True)
    assert "## Who has the problem" in editor, "a new document starts from its kind's skeleton"

    preview = engineer.post(
        f"/writing/{document_id}/edit", {"title": "Slow onboarding", "body": FIRST_DRAFT, "action": "preview"}
    )
    assert preview.status_code == 200 and "<h2>Who waits</h2>" in preview.get_data(as_text=True)
    assert _submit(engineer, document_id, FIRST_DRAFT).status_code == 303
    document = db.session.get(Document, document_id)
    assert document.status == DocumentStatus.SUBMITTED and document.reviewer_id == cast.mentor.id
    assert "writing.review_requested" in _topics()

    queue = mentor.get("/writing").get_data(as_text=True)
    assert "Slow onboarding" in queue and "Problem statement" in queue and "Start review" in queue
    assert mentor.post(f"/writing/{document_id}/claim", {}).status_code == 303
    assert db.session.get(Document, document_id).status == DocumentStatus.IN_REVIEW
    page = mentor.get(f"/writing/{document_id}/review").get_data(as_text=True)
    for level in ("1: Opens with a solution", "2: Names a problem", "3: States the problem", "4: Describes who has"):
        assert level in page, "every level of every dimension is on the review page"
    mentor.post(
        f"/writing/{document_id}/comments", {"block": "2", "body": "A portal is a solution: what is the problem?"}
    )
    first = mentor.post(f"/writing/{document_id}/review", _review_data([1, 1, 3, 2, 3]))
    assert first.status_code == 303
    document = db.session.get(Document, document_id)
    assert document.status == DocumentStatus.CHANGES_REQUESTED

    own = engineer.get(f"/writing/{document_id}").get_data(as_text=True)
    assert "A portal is a solution" in own and "Clear problem; cite your evidence." in own
    assert re.search(r'id="block-2">\s*<p>We should build a portal.</p>\s*<aside class="comment"', own), "anchored"
    comment = db.session.scalars(select(DocumentReview)).one()
    comment_id = reading.comments_of([comment.id])[comment.id][0].id
    engineer.post(f"/writing/{document_id}/comments/{comment_id}/replies", {"body": "Fair: I cut it."})
    engineer.post(f"/writing/{document_id}/comments/{comment_id}/resolved", {"resolved": "yes"})

    same = _submit(engineer, document_id, FIRST_DRAFT)
    assert same.status_code == 400 and "same as the version you last submitted" in same.get_data(as_text=True)
    assert _submit(engineer, document_id, SECOND_DRAFT).status_code == 303
    mentor.post(f"/writing/{document_id}/claim", {})
    mentor.post(f"/writing/{document_id}/comments", {"block": "1", "body": "Good: the tickets are evidence."})
    assert (
        mentor.post(f"/writing/{document_id}/review", _review_data([4, 3, 3, 4, 4], "Ready.", "approved")).status_code
        == 303
    )

    document = db.session.get(Document, document_id)
    assert document.status == DocumentStatus.APPROVED
    assert [v.number for v in document.versions] == [1, 2]
    assert document.versions[0].body == FIRST_DRAFT, "a submitted version never changes"
    final = engineer.get(f"/writing/{document_id}").get_data(as_text=True)
    assert "Score changes: version 1 to 2" in final and '<span class="up">+3</span>' in final
    assert "Fair: I cut it." in engineer.get(f"/writing/{document_id}?version=1").get_data(as_text=True)
    diff = engineer.get(f"/writing/{document_id}/diff?from=1&to=2").get_data(as_text=True)
    assert "<del>should build a portal.</del>" in diff
    assert "<ins>assume most of the wait is approvals, not set-up.</ins>" in diff

    statuses = db.session.scalars(
        select(DocumentEvent.to_status).where(DocumentEvent.document_id == document_id).order_by(DocumentEvent.id)
    ).all()
    assert statuses == ["draft", "submitted", "in_review", "changes_requested", "submitted", "in_review", "approved"]
    reviews = db.session.scalars(select(DocumentReview).order_by(DocumentReview.id)).all()
    assert all(r.turnaround_seconds is not None and r.turnaround_seconds >= 0 for r in reviews)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "writing.status_changed")) == 6
    deliver_pending()
    assert "Your mentor asked for changes" in inbox_titles(cast.engineer)
    assert "Your document is approved" in inbox_titles(cast.engineer)
    assert inbox_titles(cast.mentor).count("A document to review") == 2


def test_autosave_keeps_the_draft_and_answers_json(app, cast):
    engineer = Browser(app, cast.engineer)
    document_id = _start(engineer)
    saved = engineer.post(f"/writing/{document_id}/autosave", {"title": "Slow onboarding", "body": "# Typed so far"})
    assert saved.status_code == 200 and saved.json["saved"] is True
    assert db.session.get(Document, document_id).body == "# Typed so far"
    refused = engineer.post(f"/writing/{document_id}/autosave", {"title": "", "body": "x"})
    assert refused.status_code == 400 and refused.json == {"saved": False, "error": "Give the document a title."}


# --- bad input: a message at the field, the typed text kept


def test_an_empty_document_cannot_be_submitted(app, cast):
    engineer = Browser(app, cast.engineer)
    document_id = _start(engineer)
    response = _submit(engineer, document_id, "   ", title="Kept title")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="body-error">Write the document first: it is empty.', page)
    assert 'value="Kept title"' in page
    assert db.session.get(Document, document_id).status == DocumentStatus.DRAFT


def test_a_document_over_the_limit_is_refused_and_kept(app, cast):
    engineer = Browser(app, cast.engineer)
    document_id = _start(engineer)
    text = "word " * (DOCUMENT_MAX_CHARS // 5) + "the very end"
    for action in ("save", "submit"):
        response = engineer.post(f"/writing/{document_id}/edit", {"title": "Long", "body": text, "action": action})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "Keep it under 50,000 characters" in page
        assert "the very end</textarea>" in page
    assert db.session.get(Document, document_id).versions == []


def test_without_a_mentor_or_a_shared_queue_nobody_can_review(app, cast, user_factory):
    loner = Browser(app, person(user_factory, ("engineer",)))
    document_id = _start(loner)
    response = _submit(loner, document_id, FIRST_DRAFT)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "you have no active mentor" in page
    assert "We should build a portal.</textarea>" in page
    assert db.session.get(Document, document_id).body == FIRST_DRAFT, "the draft itself is saved"


def test_scores_out_of_range_are_refused_at_the_dimension(app, cast):
    engineer, mentor = Browser(app, cast.engineer), Browser(app, cast.mentor)
    document_id = _start(engineer)
    _submit(engineer, document_id, FIRST_DRAFT)
    data = _review_data([5, 0, 3, 2, 3], summary="My typed summary")
    data["score_concise"] = "many"
    response = mentor.post(f"/writing/{document_id}/review", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="score_problem_first-error">Scores are whole numbers from 1 to 4', page)
    assert re.search(r'id="score_evidence-error">Scores are whole numbers from 1 to 4', page)
    assert re.search(r'id="score_concise-error">Give a score from 1 to 4', page)
    assert "My typed summary</textarea>" in page
    assert db.session.get(Document, document_id).status == DocumentStatus.SUBMITTED, "nothing half-saved"
    assert db.session.scalar(select(func.count()).select_from(DocumentReview)) == 0


def test_reviewing_what_is_not_yours(app, cast):
    engineer, lead = Browser(app, cast.engineer), Browser(app, cast.lead)
    document_id = _start(engineer)
    _submit(engineer, document_id, FIRST_DRAFT)
    response = lead.post(f"/writing/{document_id}/review", _review_data([3, 3, 3, 3, 3], decision="approved"))
    assert response.status_code == 400 and "This document is not yours to review" in response.get_data(as_text=True)
    comment = lead.post(f"/writing/{document_id}/comments", {"block": "0", "body": "Nice"})
    assert comment.status_code == 400 and "not yours to review" in comment.get_data(as_text=True)
    assert Browser(app, cast.outsider).post(f"/writing/{document_id}/review", _review_data([3] * 5)).status_code == 404
    assert db.session.get(Document, document_id).status == DocumentStatus.SUBMITTED


def test_a_comment_must_name_a_paragraph_of_the_version(app, cast):
    engineer, mentor = Browser(app, cast.engineer), Browser(app, cast.mentor)
    document_id = _start(engineer)
    _submit(engineer, document_id, FIRST_DRAFT)
    response = mentor.post(f"/writing/{document_id}/comments", {"block": "3", "body": "Where is this?"})
    assert response.status_code == 400 and "Choose a paragraph of this version" in response.get_data(as_text=True)


# --- who may read


def test_only_the_author_their_mentor_reviewers_and_leads_read_a_document(app, cast, user_factory):
    engineer = Browser(app, cast.engineer)
    document_id = _start(engineer)
    _submit(engineer, document_id, FIRST_DRAFT)
    readers = {"engineer": cast.engineer, "mentor": cast.mentor, "lead": cast.lead}
    outsiders = {
        "second mentor": cast.second_mentor,
        "outside mentor": cast.outsider,
        "another engineer": person(user_factory, ("engineer",)),
        "admin": person(user_factory, ("admin",)),
        "another lead": person(user_factory, ("lead",)),
    }
    for url in (f"/writing/{document_id}", f"/writing/{document_id}/review", f"/writing/{document_id}/diff"):
        for name, user in readers.items():
            assert Browser(app, user).get(url).status_code == 200, (url, name)
        for name, user in outsiders.items():
            assert Browser(app, user).get(url).status_code == 404, (url, name)
        assert Browser(app, None).get(url).status_code == 302
    assert Browser(app, cast.mentor).get(f"/writing/{document_id}/edit").status_code == 404


# --- the shared queue


def test_shared_queue_claims_lapse_back_to_the_queue(app, cast):
    lead, engineer = Browser(app, cast.lead), Browser(app, cast.engineer)
    first, second = Browser(app, cast.mentor), Browser(app, cast.second_mentor)
    assert lead.post(f"/writing/cohorts/{cast.cohort.id}/shared-queue", {"enabled": "yes"}).status_code == 303
    document_id = _start(engineer)
    _submit(engineer, document_id, FIRST_DRAFT)
    document = db.session.get(Document, document_id)
    assert document.reviewer_id is None and document.queue_cohort_id == cast.cohort.id
    for mentor in (first, second):
        queue = mentor.get("/writing").get_data(as_text=True)
        assert "shared queue" in queue and "Claim" in queue
    assert second.get(f"/writing/{document_id}").status_code == 404, "not readable before it is claimed"

    assert second.post(f"/writing/{document_id}/claim", {}).status_code == 303
    taken = first.post(f"/writing/{document_id}/claim", {}, follow_redirects=True)
    assert "Another mentor claimed this one first" in taken.get_data(as_text=True)
    document = db.session.get(Document, document_id)
    assert document.reviewer_id == cast.second_mentor.id
    assert document.claim_expires_at - document.claimed_at == timedelta(hours=48)

    assert writing.lapse_claims(utcnow() + timedelta(hours=47)) == 0
    assert writing.lapse_claims(utcnow() + timedelta(hours=49)) == 1
    document = db.session.get(Document, document_id)
    assert document.status == DocumentStatus.SUBMITTED and document.reviewer_id is None
    assert _topics().count("writing.claim_lapsed") == 1
    deliver_pending()
    assert "Your review claim lapsed" in inbox_titles(cast.second_mentor)
    assert "Back in your cohort's review queue" in inbox_titles(cast.mentor)
    assert first.post(f"/writing/{document_id}/claim", {}).status_code == 303
    assert db.session.get(Document, document_id).reviewer_id == cast.mentor.id


def test_the_queue_is_oldest_first_with_age_and_kind(app, cast):
    writing.set_shared_queue(cast.cohort.id, cast.lead.id, True)
    older = writing.create_document(cast.engineer.id, kind_key="release_notes", title="Older")
    newer = writing.create_document(cast.engineer.id, kind_key="product_spec", title="Newer")
    writing.submit(newer.id, cast.engineer.id, title="Newer", body="# New")
    writing.submit(older.id, cast.engineer.id, title="Older", body="# Old")
    db.session.get(Document, older.id).submitted_at = utcnow() - timedelta(days=3)
    db.session.commit()
    assert [item.document.title for item in reading.queue_for(cast.mentor.id)] == ["Older", "Newer"]
    page = Browser(app, cast.mentor).get("/writing").get_data(as_text=True)
    assert page.index("Older") < page.index("Newer")
    assert "3 days" in page and "Customer-facing release notes" in page


# --- a blind second review


def test_a_blind_second_review_gives_the_lead_agreement_figures(app, cast):
    engineer, mentor, lead = Browser(app, cast.engineer), Browser(app, cast.mentor), Browser(app, cast.lead)
    second = Browser(app, cast.second_mentor)
    document_id = _start(engineer)
    _submit(engineer, document_id, FIRST_DRAFT)
    mentor.post(f"/writing/{document_id}/comments", {"block": "1", "body": "First reviewer private note"})
    mentor.post(f"/writing/{document_id}/review", _review_data([2, 3, 3, 1, 4], "First reviewer summary"))

    same_mentor = lead.post(f"/writing/{document_id}/second-review", {"mentor_id": str(cast.mentor.id)})
    assert same_mentor.status_code == 400 and "someone other than the mentor who reviews it" in same_mentor.get_data(
        as_text=True
    )
    assert (
        lead.post(f"/writing/{document_id}/second-review", {"mentor_id": str(cast.second_mentor.id)}).status_code == 303
    )
    deliver_pending()
    assert "A second review, asked for by your cohort lead" in inbox_titles(cast.second_mentor)

    blind = second.get(f"/writing/{document_id}/review").get_data(as_text=True)
    assert "First reviewer" not in blind, "the second reviewer sees no first review before submitting theirs"
    assert "Changes requested" not in blind and "changes requested" not in blind, "nor its decision"
    assert "Save the second review" in blind and "Decision" not in blind
    assert (
        second.post(f"/writing/{document_id}/review", _review_data([2, 2, 3, 3, 1], "Second view", None)).status_code
        == 303
    )
    after = second.get(f"/writing/{document_id}").get_data(as_text=True)
    assert "First reviewer summary" in after
    assert db.session.get(Document, document_id).status == DocumentStatus.CHANGES_REQUESTED, (
        "a second review decides nothing"
    )
    assert "Second view" not in engineer.get(f"/writing/{document_id}").get_data(as_text=True)

    overview = reading.cohort_writing(cast.cohort.id)
    assert overview.double_reviewed == 1
    assert overview.agreement.overall.pairs == 5
    assert overview.agreement.overall.exact == pytest.approx(2 / 5)
    assert overview.agreement.overall.within_one == pytest.approx(3 / 5)
    page = lead.get(f"/writing/cohorts/{cast.cohort.id}").get_data(as_text=True)
    assert "Problem before solution" in page and "40%" in page and "60%" in page
    assert cast.mentor.name in page and cast.second_mentor.name in page, "each mentor's agreement rate"


# --- the portfolio and the service other features use


def _approved(cast, title="Slow onboarding", scores=(4, 3, 3, 4, 4)) -> Document:
    document = writing.create_document(cast.engineer.id, kind_key="problem_statement", title=title)
    writing.submit(document.id, cast.engineer.id, title=title, body=f"# {title}\n\nApproved text of {title}.")
    writing.submit_review(
        document.id,
        cast.mentor.id,
        scores=dict(zip(PROBLEM_RUBRIC, scores, strict=True)),
        summary=f"Summary of {title}",
        decision="approved",
    )
    return document


def test_approved_work_lists_scores_with_the_skill_each_evidences(app, cast):
    document = _approved(cast)
    draft = writing.create_document(cast.engineer.id, kind_key="release_notes", title="Not approved")
    [work] = portfolios.approved_work(cast.engineer.id)
    assert work.document_id == document.id and work.kind_key == "problem_statement" and work.version_number == 1
    assert [(s.key, s.skill, s.score) for s in work.scores] == [
        ("problem_first", "discovery", 4),
        ("evidence", "discovery", 3),
        ("plain_reader", "writing", 3),
        ("assumptions", "discovery", 4),
        ("concise", "writing", 4),
    ]
    assert draft.id not in {w.document_id for w in portfolios.approved_work(cast.engineer.id)}
    assert portfolios.approved_work(cast.mentor.id) == []


def test_the_portfolio_link_shows_only_the_chosen_approved_versions_until_revoked(app, cast):
    chosen, left_out = _approved(cast, "Chosen one"), _approved(cast, "Left out")
    draft = writing.create_document(cast.engineer.id, kind_key="release_notes", title="Secret draft")
    engineer = Browser(app, cast.engineer)
    refused = engineer.post("/writing/portfolio", {"version_ids": [str(draft.id + 1000)]})
    assert refused.status_code == 400 and "Only your approved documents" in refused.get_data(as_text=True)
    version_id = chosen.versions[0].id
    assert (
        engineer.post("/writing/portfolio", {"version_ids": [str(version_id)], "show_scores": "y"}).status_code == 303
    )
    engineer.post("/writing/portfolio/share", {})
    token = portfolios.portfolio_of(cast.engineer.id).token
    visitor = Browser(app, None)
    page = visitor.get(f"/writing/shared/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Approved text of Chosen one" in text and "Summary of Chosen one" in text and "Rubric scores" in text
    assert "Left out" not in text and "Secret draft" not in text
    assert left_out.id != chosen.id
    engineer.post("/writing/portfolio", {"version_ids": [str(version_id)]})
    assert "Rubric scores" not in visitor.get(f"/writing/shared/{token}").get_data(as_text=True)
    engineer.post("/writing/portfolio/revoke", {})
    assert visitor.get(f"/writing/shared/{token}").status_code == 404
    assert visitor.get("/writing/shared/made-up").status_code == 404


# --- admins edit kinds, prompts and rubrics


def _kind_form(kind: WritingKind, **changes) -> dict:
    data = {"title": kind.title, "prompt": kind.prompt, "skeleton": kind.skeleton}
    for row, dimension in enumerate(kind.rubric["dimensions"]):
        for name, value in dimension.items():
            data[f"dimensions-{row}-{name}"] = value
    return {**data, **changes}


def test_an_admin_edits_a_level_description_but_cannot_drop_a_dimension(app, cast, user_factory):
    admin = Browser(app, person(user_factory, ("admin",)))
    kind = writing.find_kind("release_notes")
    changed = _kind_form(kind, **{"dimensions-0-what_2_looks_like": "Says what changed, not why it matters."})
    assert admin.post(f"/writing/kinds/{kind.id}", changed).status_code == 303
    assert writing.rubric_of(writing.find_kind("release_notes")).dimensions[0].what_2_looks_like.startswith("Says what")
    dropped = _kind_form(kind, **{f"dimensions-2-{name}": "" for name in kind.rubric["dimensions"][2]})
    dropped.update({"dimensions-3-key": "tone", "dimensions-3-label": "Tone", "dimensions-3-skill": "writing"})
    dropped.update({f"dimensions-3-what_{n}_looks_like": f"Level {n}" for n in range(1, 5)})
    response = admin.post(f"/writing/kinds/{kind.id}", dropped)
    assert response.status_code == 400 and "“concise” cannot be renamed or removed" in response.get_data(as_text=True)
    missing = admin.post(f"/writing/kinds/{kind.id}", _kind_form(kind, **{"dimensions-1-what_3_looks_like": ""}))
    assert missing.status_code == 400 and "Describe what a 3 looks like." in missing.get_data(as_text=True)
    assert Browser(app, cast.engineer).get(f"/writing/kinds/{kind.id}").status_code == 403


def test_a_new_kind_needs_every_level_of_at_least_three_dimensions(app, user_factory):
    writing.seed_kinds()
    admin = Browser(app, person(user_factory, ("admin",)))
    data = {"key": "launch_plan", "title": "Launch plan", "prompt": "Who hears what, when.", "skeleton": "# Launch"}
    for row in range(3):
        data.update({f"dimensions-{row}-key": f"dim_{row}", f"dimensions-{row}-label": f"Dim {row}"})
        data.update({f"dimensions-{row}-skill": "influence"})
        data.update({f"dimensions-{row}-what_{n}_looks_like": f"Level {n} of {row}" for n in range(1, 5)})
    assert admin.post("/writing/kinds/new", data).status_code == 303
    assert [d.key for d in writing.rubric_of(writing.find_kind("launch_plan")).dimensions] == [
        "dim_0",
        "dim_1",
        "dim_2",
    ]
    assert "Launch plan" in Browser(app, person(user_factory, ("engineer",))).get("/writing/new").get_data(as_text=True)


# --- demo data


def test_the_demo_gives_mentor1_a_queue_and_the_lead_agreement_figures(app):
    from pmcohort.accounts.models import find_user_by_email
    from pmcohort.demo import DEMO_COHORT, DOMAIN, seed_demo

    seed_demo()
    count = db.session.scalar(select(func.count()).select_from(Document))
    seed_demo()
    assert db.session.scalar(select(func.count()).select_from(Document)) == count, "idempotent"
    statuses = set(db.session.scalars(select(Document.status)))
    assert statuses == {"draft", "submitted", "in_review", "approved", "withdrawn"}
    queue = reading.queue_for(find_user_by_email(f"mentor1@{DOMAIN}").id)
    assert len(queue) == 4
    assert [item.waiting_since for item in queue] == sorted(item.waiting_since for item in queue)
    cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.name == DEMO_COHORT))
    overview = reading.cohort_writing(cohort_id)
    assert overview.double_reviewed == 1 and overview.agreement.overall.pairs == 5
    assert portfolios.approved_work(find_user_by_email(f"engineer1@{DOMAIN}").id)[0].title == "New teams wait to ship"


def test_only_the_author_resolves_and_only_the_thread_replies(app, cast):
    engineer, mentor, lead = Browser(app, cast.engineer), Browser(app, cast.mentor), Browser(app, cast.lead)
    document_id = _start(engineer)
    _submit(engineer, document_id, FIRST_DRAFT)
    comment = writing.add_comment(document_id, cast.mentor.id, block=1, body="Which teams?")
    url = f"/writing/{document_id}/comments/{comment.id}"
    early = engineer.post(f"{url}/replies", {"body": "Before the review is sent"}, follow_redirects=True)
    assert "Only the author and this comment" in early.get_data(as_text=True)
    writing.submit_review(
        document_id,
        cast.mentor.id,
        scores=dict.fromkeys(PROBLEM_RUBRIC, 2),
        summary="More.",
        decision="changes_requested",
    )
    assert "Only the author and this comment" in lead.post(
        f"{url}/replies", {"body": "Me too"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Reply added." in mentor.post(
        f"{url}/replies", {"body": "The ones from May"}, follow_redirects=True
    ).get_data(as_text=True)
    refused = mentor.post(f"{url}/resolved", {"resolved": "yes"}, follow_redirects=True)
    assert "author can resolve its review comments" in refused.get_data(as_text=True)
    odd = engineer.post(f"{url}/resolved", {"resolved": "maybe"}, follow_redirects=True)
    assert "Choose to resolve the comment or open it again." in odd.get_data(as_text=True)
    assert engineer.post(f"{url}/resolved", {"resolved": "yes"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(type(comment), comment.id).resolved_at is not None
    assert Browser(app, cast.outsider).post(f"{url}/replies", {"body": "Hi"}).status_code == 404


def test_an_approved_document_ticks_its_plan_milestone_and_enters_the_evidence_pack(app, cast):
    plan = plan_service.create_plan(cast.engineer.id, path="internal_transfer", start=utcnow().date())
    [milestone] = [m for m in plan.milestones if m.key == "problem_statement"]
    changes_requested = writing.create_document(cast.engineer.id, kind_key="problem_statement", title="Not yet")
    writing.submit(changes_requested.id, cast.engineer.id, title="Not yet", body="# Not yet\n\nA first try.")
    writing.submit_review(
        changes_requested.id,
        cast.mentor.id,
        scores=dict(zip(PROBLEM_RUBRIC, (2, 2, 2, 2, 2), strict=True)),
        summary="Say who waits.",
        decision="changes_requested",
    )
    db.session.refresh(milestone)
    assert not milestone.done  # asked for changes: not evidence yet

    document = _approved(cast)
    db.session.refresh(milestone)
    assert milestone.done and milestone.evidence_refs == [f"document:{document.id}"]
    pack = evidence_pack(cast.engineer.id)
    assert [work.title for work in pack.approved_documents] == ["Slow onboarding"]
    assert pack.approved_by_hand == []  # the milestone's evidence is the document listed above
