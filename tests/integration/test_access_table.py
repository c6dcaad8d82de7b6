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


def same_access(args: dict[str, str], who: frozenset[str], *endpoints: str) -> dict[str, Access]:
    """An entry for each of `endpoints`: they take the same arguments and are open to the same people."""
    return dict.fromkeys(endpoints, Access(args, who))


ACCESS = {
    **same_access({"item_id": "question_id"}, frozenset({"admin"}), "admin.set_retired", "admin.edit_question"),
    "admin.edit_persona": Access({"item_id": "persona_id"}, frozenset({"admin"})),
    "admin.edit_rubric": Access({"item_id": "rubric_id"}, frozenset({"admin"})),
    "admin.change_role": Access({"user_id": "engineer"}, frozenset({"admin"})),
    # The world holds a delivery that failed for good: only an admin may queue it again.
    "admin.retry_delivery": Access({"outbox_id": "outbox_id"}, frozenset({"admin"})),
    "assessment.result": Access({"attempt_id": "attempt_id"}, ASSESSMENT_READERS),
    **same_access({"user_id": "engineer"}, ASSESSMENT_READERS, "assessment.engineer_result", "evidence.gap_profile"),
    # A step number, not an object: every engineer has the steps.
    "assessment.step": Access({"number": "number"}, frozenset({"engineer", "other_engineer", "admin"})),
    # Capability links: whoever holds the token, signed in or not; a made-up token finds nothing, for anyone.
    **same_access(
        {"token": "made-up"},
        frozenset(),
        "auth.reset_password",
        "main.unsubscribe",
        "cohorts.invitation",
        "cohorts.accept_invitation",
    ),
    "sessions.calendar_feed": Access({"token": "calendar_feed"}, EVERYONE),
    # The portfolio's secret link: whoever holds it, signed in or not.
    "writing.shared_portfolio": Access({"token": "portfolio"}, EVERYONE),
    "profiles.remove_window": Access({"window_id": "window_id"}, frozenset({"engineer"})),
    "profiles.remove_away": Access({"away_id": "away_id"}, frozenset({"engineer"})),
    "profiles.mentor_public": Access({"user_id": "mentor"}, ANYONE_SIGNED_IN),
    **same_access(
        {"cohort_id": "cohort_id"},
        COHORT_STAFF,
        "cohorts.board",
        "cohorts.enroll",
        "cohorts.set_rule",
        "cohorts.start_run",
        "sessions.new_workshop",
        # The cohort lead's console: only the cohort's leads and admins.
        "cohorts.console",
        "cohorts.report",
        "cohorts.change_status",
        "cohorts.settings",
        "cohorts.add_lead",
        "cohorts.members",
        "cohorts.invite",
        "cohorts.import_form",
        "cohorts.dry_run",
        "cohorts.nudge",
        "cohorts.announcements",
        "writing.cohort",
        "writing.shared_queue",
    ),
    **same_access(
        {"cohort_id": "cohort_id", "run_id": "run_id"}, COHORT_STAFF, "cohorts.run_progress", "cohorts.publish"
    ),
    "cohorts.end_match": Access({"cohort_id": "cohort_id", "match_id": "match_id"}, COHORT_STAFF),
    "cohorts.remove_lead": Access({"cohort_id": "cohort_id", "user_id": "lead"}, COHORT_STAFF),
    "cohorts.resend_invitation": Access({"cohort_id": "cohort_id", "invitation_id": "invitation_id"}, COHORT_STAFF),
    **same_access(
        {"cohort_id": "cohort_id", "user_id": "engineer"},
        COHORT_STAFF,
        "cohorts.member",
        "cohorts.remove_member",
        "cohorts.move_member",
    ),
    **same_access(
        {"cohort_id": "cohort_id", "import_id": "import_id"},
        COHORT_STAFF,
        "cohorts.roster_import",
        "cohorts.import_progress",
        "cohorts.start_import",
    ),
    "cohorts.export": Access({"cohort_id": "cohort_id", "kind": "members"}, COHORT_STAFF),
    "matches.detail": Access({"match_id": "match_id"}, PAIR_AND_STAFF),
    **same_access({"match_id": "match_id"}, PAIR | {"admin"}, "matches.accept", "matches.decline"),
    "sessions.propose": Access({"match_id": "match_id"}, PAIR),
    "sessions.book": Access({"match_id": "match_id"}, frozenset({"engineer"})),
    **same_access(
        {"session_id": "session_id"},
        PAIR_AND_STAFF,
        "sessions.detail",
        "sessions.invite",
        "sessions.accept",
        "sessions.attendance",
        "sessions.cancel",
        "sessions.feedback",
        "sessions.observation",
        "sessions.comment",
        "sessions.reschedule",
        "sessions.host_no_show",
    ),
    # Only the host writes the debrief and swaps the question; only the engineer ticks their action items.
    **same_access({"session_id": "session_id"}, frozenset({"mentor"}), "sessions.debrief", "sessions.swap_question"),
    "sessions.tick_action_item": Access(
        {"session_id": "session_id", "item_id": "action_item_id"}, frozenset({"engineer"})
    ),
    # Only workshops can be joined; the world's session is a 1:1, so nobody finds it here.
    "sessions.join": Access({"session_id": "session_id"}, frozenset()),
    "evidence.skill_evidence": Access({"user_id": "engineer", "skill": "interviewing"}, ASSESSMENT_READERS),
    # The mentor, and the leads of a cohort they are in (admins see every mentor's).
    "evidence.mentor_reliability": Access({"user_id": "mentor"}, frozenset({"mentor", "lead", "admin"})),
    # A proposal in a cohort is decided by its lead; the engineer outside a cohort decides their own.
    **same_access(
        {"proposal_id": "proposal_id"},
        COHORT_STAFF,
        "matches.rematch_proposal",
        "matches.dismiss_rematch",
    ),
    # Written work: the author, their mentor (who reviews it here) and the cohort's lead; not even admins.
    **same_access(
        {"document_id": "document_id"},
        DOCUMENT_READERS,
        "writing.document",
        "writing.review",
        "writing.diff",
        "writing.comment",
    ),
    **same_access(
        {"document_id": "document_id", "comment_id": "comment_id"}, DOCUMENT_READERS, "writing.reply", "writing.resolve"
    ),
    "writing.claim": Access({"document_id": "document_id"}, frozenset({"mentor"})),
    "writing.second_review": Access({"document_id": "document_id"}, frozenset({"lead"})),
    **same_access(
        {"document_id": "draft_id"}, frozenset({"engineer"}), "writing.edit", "writing.autosave", "writing.withdraw"
    ),
    "writing.edit_kind": Access({"kind_id": "kind_id"}, frozenset({"admin"})),
}
ACCESS |= {
    # A plan: the engineer, their active mentor, their cohort's leads; nobody else, admins included.
    **same_access({"user_id": "engineer"}, ASSESSMENT_READERS, "plans.engineer_plan", "plans.evidence_pack"),
    "plans.add_milestone": Access({"user_id": "engineer"}, PAIR),
    "plans.move_milestone": Access({"milestone_id": "milestone_id"}, PAIR),
    **same_access(
        {"milestone_id": "milestone_id"}, frozenset({"engineer"}), "plans.tick_milestone", "plans.untick_milestone"
    ),
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
def test_each_person_reaches_exactly_what_the_table_allows(app, world, name, monkeypatch):
    client = _as(app, world, name)
    # A forged form must be stopped by access control, not by the token.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
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
    assert wrong == []


@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_everyone_reaches_the_public_pages(app, world, name, monkeypatch):
    client = _as(app, world, name)
    for endpoint, url in PUBLIC_PAGES.items():
        with app.test_request_context():
            assert url_for(endpoint) == url
        assert client.get(url).status_code == 200, f"{url} as {name}"
    # Saving a check without answers sends anyone back to the check, never to a page about someone.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    response = client.post("/check/save", data={})
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
