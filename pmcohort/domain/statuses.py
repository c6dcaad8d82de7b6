"""Every status and kind the product stores, named once.

They are `StrEnum`s: the value is what the database holds, so a member compares equal to its
stored string and goes into a query or a template as it is.
"""

from enum import StrEnum
from typing import Self


class LabelledStrEnum(StrEnum):
    """A StrEnum whose members also carry the words pages show for them. The label is the value in words
    (`IN_REVIEW = "in_review"` reads "In review") unless the member gives its own after the value:
    `OPEN = "open", "Open for enrollment"`."""

    label: str

    def __new__(cls, value: str, label: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ").capitalize()
        return member

    @classmethod
    def labels(cls) -> dict[Self, str]:
        """{member: label}; a stored string finds its label too, as a member hashes like its value."""
        return {member: member.label for member in cls}


def sql_in(column: str, values) -> str:
    """A CHECK constraint's text: the column holds one of `values` (an enum or a tuple of members)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


# --- people and cohorts


class Role(StrEnum):
    ENGINEER = "engineer"
    MENTOR = "mentor"
    LEAD = "lead"  # runs cohorts
    ADMIN = "admin"  # gives roles, edits the content (practice bank, document kinds, APM seasons)


SELF_SERVICE_ROLES = (Role.ENGINEER, Role.MENTOR)


class MemberRole(StrEnum):
    """A person's place in a cohort, and so their side of a match."""

    ENGINEER = "engineer"
    MENTOR = "mentor"


class CohortStatus(LabelledStrEnum):
    """A cohort's lifecycle: draft → open for enrollment → matching → active → completed (read-only)."""

    DRAFT = "draft"
    OPEN = "open", "Open for enrollment"
    MATCHING = "matching"
    ACTIVE = "active"
    COMPLETED = "completed"


COHORT_STATUS_LABELS = CohortStatus.labels()


class DepartureKind(StrEnum):
    """How someone left a cohort: removed by a lead, or moved to another cohort."""

    REMOVED = "removed"
    MOVED = "moved"


class ImportStatus(StrEnum):
    """A CSV import of members: checked by the dry run, then queued and run by a worker."""

    CHECKED = "checked"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


IMPORT_IN_PROGRESS = (ImportStatus.QUEUED, ImportStatus.RUNNING)


# --- matching


class PairRuleKind(StrEnum):
    """A lead's rule for a cohort's next matching runs."""

    PINNED = "pinned"  # the run pairs them (one pin per engineer)
    FORBIDDEN = "forbidden"  # the run never pairs them


class RunStatus(StrEnum):
    """A matching run of a cohort, worked out by a worker and published by a lead."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # ready for the lead to review
    FAILED = "failed"
    PUBLISHED = "published"  # its proposals went out
    SUPERSEDED = "superseded"  # another run of the cohort was published instead


RUN_IN_PROGRESS = (RunStatus.QUEUED, RunStatus.RUNNING)


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"  # both sides accepted
    COMPLETED = "completed"  # a lead closed it as having run its course
    DECLINED = "declined"  # the engineer or the mentor said no
    ENDED = "ended"  # ended early: by a lead, by a rematch, or as one side left the cohort
    EXPIRED = "expired"  # still proposed after PROPOSAL_EXPIRES_AFTER
    WITHDRAWN = "withdrawn"  # the engineer started another match


# A match that still holds the engineer's and the mentor's attention.
MATCH_OPEN = (MatchStatus.PROPOSED, MatchStatus.ACTIVE)


class MatchSource(StrEnum):
    COHORT = "cohort"  # a cohort's matching run proposed it
    REQUEST = "request"  # the engineer asked the mentor


class RematchStatus(StrEnum):
    """A proposal to change an engineer's mentoring after their largest gap moved."""

    OPEN = "open"
    APPROVED = "approved"
    DISMISSED = "dismissed"
    SUPERSEDED = "superseded"  # the largest gap moved again before anyone decided


class RematchChoice(StrEnum):
    SECONDARY = "secondary"  # keep the mentor, add a short second match for the new gap
    REMATCH = "rematch"  # end the match, propose a new mentor


# --- mentoring sessions


class SessionKind(LabelledStrEnum):
    """The kinds of mentoring session."""

    SHADOWING = "shadowing"
    INTERVIEW = "interview", "Interview practice"
    ROLE_PLAY = "role_play", "Stakeholder role-play"
    ONE_ON_ONE = "one_on_one", "1:1 mentoring"
    WORKSHOP = "workshop", "Cohort workshop"


SESSION_KIND_LABELS = SessionKind.labels()
# Kinds held by a matched pair; a workshop belongs to a cohort instead.
PAIR_SESSION_KINDS = (SessionKind.ONE_ON_ONE, SessionKind.INTERVIEW, SessionKind.ROLE_PLAY, SessionKind.SHADOWING)


class SessionStatus(StrEnum):
    PROPOSED = "proposed"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class ParticipantRole(StrEnum):
    HOST = "host"  # runs the session: the pair's mentor, or the lead of a workshop
    PARTICIPANT = "participant"


class Attendance(StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


# Sessions that end with a debrief: practice, and shadowing (the mentor's comments and action items).
DEBRIEF_SESSION_KINDS = (SessionKind.INTERVIEW, SessionKind.ROLE_PLAY, SessionKind.SHADOWING)


class DebriefStatus(StrEnum):
    """A mentor's debrief after a practice session: the engineer sees it once published."""

    DRAFT = "draft"
    PUBLISHED = "published"


# --- written work


class DocumentStatus(LabelledStrEnum):
    """A written document's place in the review loop: draft → submitted → in review → changes requested or
    approved; withdrawn by its author at any point before approval."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


DOCUMENT_STATUS_LABELS = DocumentStatus.labels()
# The author may change the text only while it is theirs: before submitting, and after a review asked for changes.
DOCUMENT_EDITABLE = (DocumentStatus.DRAFT, DocumentStatus.CHANGES_REQUESTED)
# Waiting for, or under, a reviewer's decision.
DOCUMENT_AWAITING_REVIEW = (DocumentStatus.SUBMITTED, DocumentStatus.IN_REVIEW)


class ReviewRole(StrEnum):
    PRIMARY = "primary"  # the reviewer who decides
    SECOND = "second"  # a blind second reviewer a lead asked for, for calibration


class ReviewDecision(StrEnum):
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
