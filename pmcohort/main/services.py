"""The dashboard's reads that span areas, folded into as few statements as the page allows."""

from pmcohort.accounts.models import User
from pmcohort.core.extensions import db
from pmcohort.evidence import services as evidence
from pmcohort.evidence.models import SkillSnapshot
from pmcohort.profiles import services as profiles
from pmcohort.profiles.models import AssessmentAttempt


def profiles_and_assessment(
    user_id: int, is_engineer: bool
) -> tuple[profiles.ProfileSetup, AssessmentAttempt | None, SkillSnapshot | None]:
    """The user's profiles and, for an engineer, their latest assessment and skill snapshot: one statement.

    The snapshot gives the largest gap as matching sees it: the self-report blended with what mentors observed.
    """
    if not is_engineer:
        return profiles.setup_from(db.session.execute(profiles.setup_query(user_id)).one()), None, None
    row = db.session.execute(evidence.with_assessment_and_snapshot(profiles.setup_query(user_id), User.id)).one()
    attempt, stored = row[-2:]
    snapshot = evidence.current_snapshot(user_id, attempt.id, stored) if attempt else None
    return profiles.setup_from(row), attempt, snapshot
