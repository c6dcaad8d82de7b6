"""A GET never writes: every page the app serves, visited by every role, runs only reads.

Writes on GET race when one person opens two tabs (issue 17: the calendar feed made on first
view of /sessions broke its primary key), and make pages slower than they need to be.
"""

import re

from pmcohort.cohorts.models import MatchingRun, RosterImport
from pmcohort.core.extensions import db
from pmcohort.mentoring import feeds
from pmcohort.mentoring import services as session_service
from pmcohort.mentoring.models import PracticeItem
from pmcohort.mentorships.models import RematchProposal
from pmcohort.writing import services as writing
from pmcohort.writing.models import WritingKind
from tests.conftest import sign_in
from tests.integration.test_query_counts import World

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
ROLES = ("engineer", "mentor", "lead", "seeker", "admin")


def _arguments(
    world: World, run: MatchingRun, feed_token: str, proposal: RematchProposal, staged_import: RosterImport
) -> dict[str, object]:
    session = next(iter(session_service.sessions_for(world.engineer.id)))
    return {
        "token": feed_token,
        "item_id": db.session.scalar(db.select(PracticeItem.id).limit(1)),
        "user_id": world.mentor.id,
        "number": 1,
        "attempt_id": world.latest_attempt_id(),
        "cohort_id": world.cohort.id,
        "run_id": run.id,
        "match_id": world.match.id,
        "session_id": session.id,
        "document_id": _written_document(world),
        "kind_id": db.session.scalar(db.select(WritingKind.id).limit(1)),
        "proposal_id": proposal.id,
        "skill": "interviewing",
        "import_id": staged_import.id,
        "kind": "members",
    }


def _written_document(world: World) -> int:
    writing.seed_kinds()
    document = writing.create_document(world.engineer.id, kind_key="problem_statement", title="Slow onboarding")
    writing.submit(document.id, world.engineer.id, title="Slow onboarding", body="# Who waits\n\nNew teams wait.")
    return document.id


def _get_urls(app, arguments: dict[str, object]) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        with app.test_request_context():
            urls.append(
                app.url_for(
                    rule.endpoint,
                    **{name: arguments[name] for name in rule.arguments if name not in (rule.defaults or {})},
                )
            )
    return sorted(set(urls))


def test_no_page_writes_on_get_for_any_role(app, user_factory, count_queries):
    world = World(user_factory).build()
    world.grow(2)
    run = MatchingRun(cohort_id=world.cohort.id, status="done", progress=100, started_by=world.lead.id)
    staged_import = RosterImport(cohort_id=world.cohort.id, rows=[], total=0)
    db.session.add_all([run, staged_import])
    feed_token = feeds.open_feed(world.engineer.id).token
    proposal = RematchProposal(
        engineer_id=world.engineer.id,
        cohort_id=world.cohort.id,
        match_id=world.match.id,
        mentor_id=world.mentor.id,
        skill="interviewing",
        skill_score=20,
        mentor_strength=2,
        candidates=[],
    )
    db.session.add(proposal)
    db.session.commit()
    urls = _get_urls(app, _arguments(world, run, feed_token, proposal, staged_import))
    assert len(urls) > 30

    visited = 0
    found: list[str] = []
    for role in ROLES:
        client = app.test_client()
        sign_in(client, getattr(world, role))
        for url in urls:
            with count_queries() as counter:
                status = client.get(url).status_code
            visited += status == 200
            found += [
                f"{role} GET {url}: {statement.split()[0]} {statement.split()[2]}"
                for statement in counter.statements
                if WRITE.match(statement)
            ]
    assert found == []
    assert visited > 50  # most pages answered 200 to someone, so they were really rendered
