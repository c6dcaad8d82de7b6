"""Every range and duration the product enforces, named once.

Forms, services, database CHECK constraints and templates all read these, so a bound
changes in one place.
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Bounds:
    """An inclusive range of whole numbers."""

    low: int
    high: int

    def __contains__(self, value: int) -> bool:
        return self.low <= value <= self.high

    def sql(self, column: str) -> str:
        """The CHECK constraint's text."""
        return f"{column} BETWEEN {self.low} AND {self.high}"

    @property
    def values(self) -> range:
        return range(self.low, self.high + 1)


MENTOR_CAPACITY = Bounds(0, 10)  # 0 pauses new matches
YEARS_OF_EXPERIENCE = Bounds(0, 60)
COHORT_WEEKS = Bounds(1, 52)
DEFAULT_COHORT_WEEKS = 12  # the guide's first three months
STRENGTH_LEVEL = Bounds(1, 5)  # a mentor's self-rated strength in a skill
FEEDBACK_RATING = Bounds(1, 5)  # "how useful was it?"
RUBRIC_LEVEL = Bounds(1, 4)  # every rubric dimension, anchored at each level
RUBRIC_DIMENSIONS = Bounds(3, 5)  # mentors score every dimension after each session
FOLLOW_UPS = Bounds(0, 5)  # per practice question
PUSHBACK_LINES = Bounds(1, 6)  # per persona card
PERCENT = Bounds(0, 100)
ACTION_ITEM_LENGTH = 300  # one line: what to do before the next session
ACTION_ITEMS_PER_DEBRIEF = 8
PITFALL_NOTE_LENGTH = 300  # one line per observed pitfall
WORKSHOP_WEEKS = Bounds(1, 12)  # a weekly workshop series
WORKSHOP_SEATS = Bounds(1, 500)

# A skill scoring below this is a gap: the results page, the charts and match reasons all use it.
GAP_THRESHOLD = 70

# What a readiness score means, from the top band down: (lowest score in the band, what it says).
READINESS_BANDS = (
    # {engineer's} is filled for the reader (wording.addressed): "your" for the engineer, "Sam's" for others.
    (75, "Close to ready: the gaps left are specific, and a mentor can help close them fast."),
    (50, "A solid base with clear gaps; the largest ones below decide how long the move takes."),
    (0, "Early days. Start with {engineer's} largest gap below; the first three months are about exactly this."),
)


def readiness_summary(readiness: int) -> str:
    return next(text for lowest, text in READINESS_BANDS if readiness >= lowest)


PROPOSAL_EXPIRES_AFTER = timedelta(days=7)
CANCELLATION_NOTICE = timedelta(hours=24)  # cancelling with less notice is recorded as late

DOCUMENT_MAX_CHARS = 50_000  # a written document's Markdown
WRITING_RUBRIC_DIMENSIONS = Bounds(3, 7)  # per document kind
REVIEW_CLAIM_LASTS = timedelta(hours=48)  # a shared-queue claim without a decision goes back to the queue
# A mentor's review is overdue this long after the submission, a debrief this long after the session.
REVIEW_DUE_WITHIN = timedelta(days=5)
REVIEW_NUDGE_AFTER = timedelta(days=3)  # the reviewer is reminded then, and again when the review is due
REVIEW_LEAD_AFTER = timedelta(days=7)  # the cohort's leads hear of a review still not done
DEBRIEF_DUE_WITHIN = timedelta(days=7)
# The cohort lead's console.
# The largest file anyone may upload (today: a CSV import). The app refuses a larger request with a
# page that says so (413), before reading it; a file just under it gets the form's own message.
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_LIMIT_IN_WORDS = f"{UPLOAD_MAX_BYTES // 1024 // 1024} MB"
ROSTER_MAX_ROWS = 10_000
INVITATION_EXPIRES_AFTER = timedelta(days=14)
NO_SESSION_RISK_AFTER = timedelta(weeks=3)  # an engineer with no session held for this long is at risk
PROPOSAL_UNANSWERED_RISK_AFTER = timedelta(days=3)  # a proposal waiting this long puts its side at risk
NUDGE_TEXT = Bounds(1, 2000)  # characters
ANNOUNCEMENT_TEXT = Bounds(1, 5000)
SESSION_TEXT_MAX = 4000  # characters of a session's agenda, notes or feedback
STRONG_MENTOR_LEVEL = 4  # a mentor's strength from which they cover a skill
