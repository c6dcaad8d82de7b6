"""What mentors observed: an engineer's gap profile with its evidence, and a mentor's reliability."""

from flask import abort, render_template
from flask_login import current_user

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.domain import reliability as reliability_rules
from pmcohort.domain.evidence import EVIDENCE_RULES_VERSION
from pmcohort.domain.vocabulary import SKILLS
from pmcohort.domain.wording import possessive
from pmcohort.evidence import services as evidence
from pmcohort.mentorships import reliability
from pmcohort.policy import engineer_for_results_or_404, mentor_reliability_or_404, signed_in_blueprint
from pmcohort.profiles.models import EngineerProfile

bp = signed_in_blueprint("evidence", __name__)


def _engineer(user_id: int) -> tuple[User, str]:
    engineer = engineer_for_results_or_404(user_id)
    return engineer, "your" if engineer.id == current_user.id else possessive(engineer.first_name)


@bp.get("/engineers/<int:user_id>/gaps")
def gap_profile(user_id: int):
    engineer, whose = _engineer(user_id)
    snapshot = evidence.snapshots_for([user_id]).get(user_id)
    profile = db.session.get(EngineerProfile, user_id)
    pitfalls = evidence.pitfalls_of([user_id]).get(user_id, [])
    return render_template(
        "evidence/gap_profile.html",
        engineer=engineer,
        whose=whose,
        own=engineer.id == current_user.id,
        snapshot=snapshot,
        rows=evidence.profile_rows(snapshot),
        gaps=evidence.top_gaps(snapshot, profile.path if profile else None),
        pitfalls=pitfalls,
        rules_version=EVIDENCE_RULES_VERSION,
    )


@bp.get("/engineers/<int:user_id>/evidence/<skill>")
def skill_evidence(user_id: int, skill: str):
    engineer, whose = _engineer(user_id)
    if skill not in SKILLS:
        abort(404)
    items = [item for item in evidence.evidence_of([user_id]).get(user_id, []) if item.observation.skill == skill]
    snapshot = evidence.snapshots_for([user_id]).get(user_id)
    return render_template(
        "evidence/skill_evidence.html",
        engineer=engineer,
        whose=whose,
        skill=skill,
        items=list(reversed(items)),  # newest first
        row=next(row for row in evidence.profile_rows(snapshot) if row.skill == skill),
    )


@bp.get("/mentors/<int:user_id>/reliability")
def mentor_reliability(user_id: int):
    mentor_reliability_or_404(user_id)
    mentor = db.session.get(User, user_id)
    if mentor is None:
        abort(404)
    return render_template(
        "evidence/reliability.html",
        mentor=mentor,
        own=mentor.id == current_user.id,
        record=reliability.of(user_id),
        rules=reliability_rules,
    )
