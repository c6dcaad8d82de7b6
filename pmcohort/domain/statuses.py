"""Every status and kind the product stores, named once.

They are `StrEnum`s: the value is what the database holds, so a member compares equal to its
stored string and goes into a query or a template as it is.
"""

from enum import StrEnum


class Role(StrEnum):
    ENGINEER = "engineer"
    MENTOR = "mentor"
    LEAD = "lead"
    ADMIN = "admin"


SELF_SERVICE_ROLES = (Role.ENGINEER, Role.MENTOR)


class MemberRole(StrEnum):
    """A person's place in a cohort."""

    ENGINEER = "engineer"
    MENTOR = "mentor"


class PairRuleKind(StrEnum):
    PINNED = "pinned"
    FORBIDDEN = "forbidden"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


RUN_IN_PROGRESS = (RunStatus.QUEUED, RunStatus.RUNNING)


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    COMPLETED = "completed"
    DECLINED = "declined"
    ENDED = "ended"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


# A match that still holds the engineer's and the mentor's attention.
MATCH_OPEN = (MatchStatus.PROPOSED, MatchStatus.ACTIVE)


class MatchSide(StrEnum):
    ENGINEER = "engineer"
    MENTOR = "mentor"


class MatchSource(StrEnum):
    COHORT = "cohort"
    REQUEST = "request"


class SessionKind(StrEnum):
    """The kinds of mentoring session."""

    SHADOWING = "shadowing"
    INTERVIEW = "interview"
    ROLE_PLAY = "role_play"
    ONE_ON_ONE = "one_on_one"
    WORKSHOP = "workshop"


SESSION_KIND_LABELS = {
    SessionKind.SHADOWING: "Shadowing",
    SessionKind.INTERVIEW: "Interview practice",
    SessionKind.ROLE_PLAY: "Stakeholder role-play",
    SessionKind.ONE_ON_ONE: "1:1 mentoring",
    SessionKind.WORKSHOP: "Cohort workshop",
}
# Kinds held by a matched pair; a workshop belongs to a cohort instead.
PAIR_SESSION_KINDS = (SessionKind.ONE_ON_ONE, SessionKind.INTERVIEW, SessionKind.ROLE_PLAY, SessionKind.SHADOWING)


class SessionStatus(StrEnum):
    PROPOSED = "proposed"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class DebriefStatus(StrEnum):
    """A mentor's debrief after a practice session: the engineer sees it once published."""

    DRAFT = "draft"
    PUBLISHED = "published"


# Sessions that end with a debrief: practice, and shadowing (the mentor's comments and action items).
DEBRIEF_SESSION_KINDS = (SessionKind.INTERVIEW, SessionKind.ROLE_PLAY, SessionKind.SHADOWING)


class ParticipantRole(StrEnum):
    HOST = "host"
    PARTICIPANT = "participant"


class Attendance(StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


def sql_in(column: str, values) -> str:
    """A CHECK constraint's text: the column holds one of `values` (an enum or a tuple of members)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class DocumentStatus(StrEnum):
    """A written document's place in the review loop: draft → submitted → in review → changes requested or
    approved; withdrawn by its author at any point before approval."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


DOCUMENT_STATUS_LABELS = {
    DocumentStatus.DRAFT: "Draft",
    DocumentStatus.SUBMITTED: "Submitted",
    DocumentStatus.IN_REVIEW: "In review",
    DocumentStatus.CHANGES_REQUESTED: "Changes requested",
    DocumentStatus.APPROVED: "Approved",
    DocumentStatus.WITHDRAWN: "Withdrawn",
}
# The author may change the text only while it is theirs: before submitting, and after a review asked for changes.
DOCUMENT_EDITABLE = (DocumentStatus.DRAFT, DocumentStatus.CHANGES_REQUESTED)
# Waiting for, or under, a reviewer's decision.
DOCUMENT_AWAITING_REVIEW = (DocumentStatus.SUBMITTED, DocumentStatus.IN_REVIEW)


class ReviewDecision(StrEnum):
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"


class ReviewRole(StrEnum):
    """The reviewer who decides, or a blind second reviewer a lead asked for calibration."""

    PRIMARY = "primary"
    SECOND = "second"


class RematchStatus(StrEnum):
    """A proposal to change an engineer's mentoring after their largest gap moved."""

    OPEN = "open"
    APPROVED = "approved"
    DISMISSED = "dismissed"
    SUPERSEDED = "superseded"  # the largest gap moved again before anyone decided


class RematchChoice(StrEnum):
    SECONDARY = "secondary"  # keep the mentor, add a short second match for the new gap
    REMATCH = "rematch"  # end the match, propose a new mentor


class CohortStatus(StrEnum):
    """A cohort's lifecycle: draft → open for enrollment → matching → active → completed (read-only)."""

    DRAFT = "draft"
    OPEN = "open"
    MATCHING = "matching"
    ACTIVE = "active"
    COMPLETED = "completed"


COHORT_STATUS_LABELS = {
    CohortStatus.DRAFT: "Draft",
    CohortStatus.OPEN: "Open for enrollment",
    CohortStatus.MATCHING: "Matching",
    CohortStatus.ACTIVE: "Active",
    CohortStatus.COMPLETED: "Completed",
}


class ImportStatus(StrEnum):
    """A CSV import of members: checked by the dry run, then queued and run by a worker."""

    CHECKED = "checked"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


IMPORT_IN_PROGRESS = (ImportStatus.QUEUED, ImportStatus.RUNNING)


class DepartureKind(StrEnum):
    """How someone left a cohort: removed by a lead, or moved to another cohort."""

    REMOVED = "removed"
    MOVED = "moved"
