"""Who may reach each object, as one table; the cross-user requests are generated from it.

Every route that takes an id or a token has an entry. `args` names, for each route argument,
the world object (or person) it points at; `who` lists the people who may see it. Everyone else,
including a visitor who is not signed in, must get 403, 404, or the sign-in page.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import url_for

from tests.integration.world import PEOPLE, build_world

ANYONE_SIGNED_IN = frozenset(PEOPLE)
EVERYONE = ANYONE_SIGNED_IN | {"visitor"}
COHORT_STAFF = frozenset({"lead", "admin"})  # the cohort's lead; admins see every cohort
PAIR = frozenset({"engineer", "mentor"})
PAIR_AND_STAFF = PAIR | COHORT_STAFF
ASSESSMENT_READERS = frozenset({"engineer", "mentor", "lead"})  # the engineer, their mentor, their cohort's lead
DOCUMENT_READERS = frozenset({"engineer", "mentor", "lead"})  # the author, their mentor, their cohort's lead


@dataclass(frozen=True)
class Access:
    args: dict[str, str]
    who: frozenset[str]


ACCESS = {
    "admin.set_retired": Access({"item_id": "question_id"}, frozenset({"admin"})),
    "admin.edit_question": Access({"item_id": "question_id"}, frozenset({"admin"})),
    "admin.edit_persona": Access({"item_id": "persona_id"}, frozenset({"admin"})),
    "admin.edit_rubric": Access({"item_id": "rubric_id"}, frozenset({"admin"})),
    "admin.change_role": Access({"user_id": "engineer"}, frozenset({"admin"})),
    "assessment.result": Access({"attempt_id": "attempt_id"}, ASSESSMENT_READERS),
    "assessment.engineer_result": Access({"user_id": "engineer"}, ASSESSMENT_READERS),
    # A step number, not an object: every engineer has the steps.
    "assessment.step": Access({"number": "number"}, frozenset({"engineer", "other_engineer", "admin"})),
    # Capability links: whoever holds the token, signed in or not; a made-up token finds nothing.
    "auth.reset_password": Access({"token": "made-up"}, frozenset()),
    "sessions.calendar_feed": Access({"token": "calendar_feed"}, EVERYONE),
    "main.unsubscribe": Access({"token": "made-up"}, frozenset()),
    # No delivery failed in this world: an admin finds no row to retry; nobody else gets that far.
    "admin.retry_delivery": Access({"outbox_id": "987654"}, frozenset()),
    "profiles.remove_window": Access({"window_id": "window_id"}, frozenset({"engineer"})),
    "profiles.remove_away": Access({"away_id": "away_id"}, frozenset({"engineer"})),
    "profiles.mentor_public": Access({"user_id": "mentor"}, ANYONE_SIGNED_IN),
    "cohorts.board": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.enroll": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.set_rule": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.start_run": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.run_progress": Access({"cohort_id": "cohort_id", "run_id": "run_id"}, COHORT_STAFF),
    "cohorts.publish": Access({"cohort_id": "cohort_id", "run_id": "run_id"}, COHORT_STAFF),
    "cohorts.end_match": Access({"cohort_id": "cohort_id", "match_id": "match_id"}, COHORT_STAFF),
    "sessions.new_workshop": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    # The cohort lead's console: only the cohort's leads and admins.
    "cohorts.console": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.report": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.change_status": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.settings": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.update_settings": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.add_lead": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.remove_lead": Access({"cohort_id": "cohort_id", "user_id": "lead"}, COHORT_STAFF),
    "cohorts.members": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.member": Access({"cohort_id": "cohort_id", "user_id": "engineer"}, COHORT_STAFF),
    "cohorts.remove_member": Access({"cohort_id": "cohort_id", "user_id": "engineer"}, COHORT_STAFF),
    "cohorts.move_member": Access({"cohort_id": "cohort_id", "user_id": "engineer"}, COHORT_STAFF),
    "cohorts.invite": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.resend_invitation": Access({"cohort_id": "cohort_id", "invitation_id": "987654"}, COHORT_STAFF),
    "cohorts.import_form": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.dry_run": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.roster_import": Access({"cohort_id": "cohort_id", "import_id": "import_id"}, COHORT_STAFF),
    "cohorts.import_progress": Access({"cohort_id": "cohort_id", "import_id": "import_id"}, COHORT_STAFF),
    "cohorts.start_import": Access({"cohort_id": "cohort_id", "import_id": "import_id"}, COHORT_STAFF),
    "cohorts.nudge": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.announcements": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.announce": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "cohorts.export": Access({"cohort_id": "cohort_id", "kind": "members"}, COHORT_STAFF),
    # A capability link like the others: a made-up token finds nothing, for anyone.
    "cohorts.invitation": Access({"token": "made-up"}, frozenset()),
    "cohorts.accept_invitation": Access({"token": "made-up"}, frozenset()),
    "matches.detail": Access({"match_id": "match_id"}, PAIR_AND_STAFF),
    "matches.accept": Access({"match_id": "match_id"}, PAIR | {"admin"}),
    "matches.decline": Access({"match_id": "match_id"}, PAIR | {"admin"}),
    "sessions.book": Access({"match_id": "match_id"}, frozenset({"engineer"})),
    "sessions.propose": Access({"match_id": "match_id"}, PAIR),
    "sessions.detail": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    "sessions.invite": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    "sessions.accept": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    "sessions.attendance": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    "sessions.cancel": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    "sessions.feedback": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    "sessions.observation": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    "sessions.comment": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    "sessions.reschedule": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    # Only the host writes the debrief and swaps the question; only the engineer ticks their action items.
    "sessions.debrief": Access({"session_id": "session_id"}, frozenset({"mentor"})),
    "sessions.swap_question": Access({"session_id": "session_id"}, frozenset({"mentor"})),
    "sessions.tick_action_item": Access(
        {"session_id": "session_id", "item_id": "action_item_id"}, frozenset({"engineer"})
    ),
    "evidence.gap_profile": Access({"user_id": "engineer"}, ASSESSMENT_READERS),
    "evidence.skill_evidence": Access({"user_id": "engineer", "skill": "interviewing"}, ASSESSMENT_READERS),
    # The mentor, and the leads of a cohort they are in (admins see every mentor's).
    "evidence.mentor_reliability": Access({"user_id": "mentor"}, frozenset({"mentor", "lead", "admin"})),
    # A proposal in a cohort is decided by its lead; the engineer outside a cohort decides their own.
    "matches.rematch_proposal": Access({"proposal_id": "proposal_id"}, COHORT_STAFF),
    "matches.approve_rematch": Access({"proposal_id": "proposal_id"}, COHORT_STAFF),
    "matches.dismiss_rematch": Access({"proposal_id": "proposal_id"}, COHORT_STAFF),
    "sessions.host_no_show": Access({"session_id": "session_id"}, PAIR_AND_STAFF),
    # Only workshops can be joined; the world's session is a 1:1, so nobody finds it here.
    "sessions.join": Access({"session_id": "session_id"}, frozenset()),
    # Written work: the author, their mentor (who reviews it here) and the cohort's lead; not even admins.
    "writing.document": Access({"document_id": "document_id"}, DOCUMENT_READERS),
    "writing.review": Access({"document_id": "document_id"}, DOCUMENT_READERS),
    "writing.diff": Access({"document_id": "document_id"}, DOCUMENT_READERS),
    "writing.comment": Access({"document_id": "document_id"}, DOCUMENT_READERS),
    "writing.reply": Access({"document_id": "document_id", "comment_id": "comment_id"}, DOCUMENT_READERS),
    "writing.resolve": Access({"document_id": "document_id", "comment_id": "comment_id"}, DOCUMENT_READERS),
    "writing.claim": Access({"document_id": "document_id"}, frozenset({"mentor"})),
    "writing.second_review": Access({"document_id": "document_id"}, frozenset({"lead"})),
    "writing.edit": Access({"document_id": "draft_id"}, frozenset({"engineer"})),
    "writing.autosave": Access({"document_id": "draft_id"}, frozenset({"engineer"})),
    "writing.withdraw": Access({"document_id": "draft_id"}, frozenset({"engineer"})),
    "writing.cohort": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "writing.shared_queue": Access({"cohort_id": "cohort_id"}, COHORT_STAFF),
    "writing.edit_kind": Access({"kind_id": "kind_id"}, frozenset({"admin"})),
    # The portfolio's secret link: whoever holds it, signed in or not.
    "writing.shared_portfolio": Access({"token": "portfolio"}, EVERYONE),
}
ACCESS |= {
    # A plan: the engineer, their active mentor, their cohort's leads; nobody else, admins included.
    "plans.engineer_plan": Access({"user_id": "engineer"}, ASSESSMENT_READERS),
    "plans.evidence_pack": Access({"user_id": "engineer"}, ASSESSMENT_READERS),
    "plans.add_milestone": Access({"user_id": "engineer"}, PAIR),
    "plans.move_milestone": Access({"milestone_id": "milestone_id"}, PAIR),
    "plans.tick_milestone": Access({"milestone_id": "milestone_id"}, frozenset({"engineer"})),
    "plans.untick_milestone": Access({"milestone_id": "milestone_id"}, frozenset({"engineer"})),
    "plans.remove_season": Access({"season_id": "season_id"}, frozenset({"admin"})),
}
NOT_OBJECTS = {"static"}  # a file name, not anyone's object
# Public pages without an id: anyone, signed in or not, reaches them (the quick check stores nothing about anyone).
PUBLIC_PAGES = {"quickcheck.check": "/check"}


def _routes_with_arguments(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in NOT_OBJECTS and rule.arguments - set(rule.defaults or {}):
            yield rule


def test_every_route_with_an_id_or_token_has_an_entry(app):
    missing = sorted({rule.endpoint for rule in _routes_with_arguments(app)} - set(ACCESS))
    assert missing == [], f"add these to ACCESS with who may see them: {missing}"
    assert set(ACCESS) <= {rule.endpoint for rule in _routes_with_arguments(app)}, (
        "ACCESS names a route that no longer exists"
    )


@pytest.fixture
def world(app, user_factory):
    return build_world(user_factory)


def _url(app, world, endpoint: str) -> str:
    values = {}
    for name, target in ACCESS[endpoint].args.items():
        values[name] = world.ids.get(target) or world.tokens.get(target) or target
    with app.test_request_context():
        return url_for(endpoint, **values)


def _as(app, world, name: str):
    from tests.conftest import sign_in

    client = app.test_client()
    if name != "visitor":
        sign_in(client, world.people[name])
    return client


def _refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    location = urlsplit(response.headers.get("Location", "")).path
    return response.status_code in (302, 303) and location in ("/auth/login", "/auth/reset")


def _methods(app, endpoint: str) -> list[str]:
    rule = next(
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint == endpoint and rule.arguments - set(rule.defaults or {})
    )
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_each_person_reaches_exactly_what_the_table_allows(app, world, name):
    client = _as(app, world, name)
    app.config["WTF_CSRF_ENABLED"] = False  # a forged form must be stopped by access control, not by the token
    wrong = []
    for endpoint, access in ACCESS.items():
        url = _url(app, world, endpoint)
        for method in _methods(app, endpoint):
            allowed = name in access.who
            if method == "POST" and allowed:
                continue  # acting is each area's own tests; here only that outsiders are kept out
            response = client.open(url, method=method, data={})
            ok = response.status_code == 200 if allowed else _refused(response)
            if not ok:
                wrong.append(f"{method} {url} ({endpoint}) as {name}: {response.status_code}")
    app.config["WTF_CSRF_ENABLED"] = True
    assert wrong == []


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_everyone_reaches_the_public_pages(app, world, name):
    client = _as(app, world, name)
    for endpoint, url in PUBLIC_PAGES.items():
        with app.test_request_context():
            assert url_for(endpoint) == url
        assert client.get(url).status_code == 200, f"{url} as {name}"
    # Saving a check without answers sends anyone back to the check, never to a page about someone.
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/check/save", data={})
    app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/check"


_HREF = re.compile(r'href="(/[^"#]*)')


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_pages_show_only_links_the_viewer_may_follow(app, world, name):
    client = _as(app, world, name)
    start = [
        "/",
        "/dashboard",
        "/sessions",
        "/matches",
        "/cohorts",
        "/assessment",
        "/inbox",
        "/auth/account",
        "/admin/users",
        "/admin/practice",
        "/availability",
        "/check",
        "/plan",
        "/admin/apm-seasons",
        "/writing",
        "/writing/portfolio",
        "/writing/kinds",
    ]
    start += [
        _url(app, world, endpoint)
        for endpoint, access in ACCESS.items()
        if name in access.who and "GET" in _methods(app, endpoint)
    ]
    links = set()
    for page in start:
        response = client.get(page)
        if response.status_code == 200 and response.mimetype == "text/html":
            links |= {
                (page, href)
                for href in _HREF.findall(response.get_data(as_text=True))
                if not href.startswith("/static/")
            }
    broken = sorted(
        f"{href} (on {page}): {status}"
        for page, href in links
        if (status := client.get(href.replace("&amp;", "&")).status_code) in (403, 404) or status >= 500
    )
    assert broken == []
