"""What a mentor's debrief after a session must hold, as rules on plain data.

A draft may be partial; a published debrief is complete: every rubric dimension scored, and for a
scored session an overall signal at the engineer's target level. Either way nothing out of range is
kept: a score outside RUBRIC_LEVEL, an unknown pitfall, an action item longer than one line.
Errors are keyed by the debrief form's field names, so each message shows at its field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pmcohort.domain.limits import ACTION_ITEM_LENGTH, PITFALL_NOTE_LENGTH
from pmcohort.domain.practice import Rubric, validate_scores
from pmcohort.domain.vocabulary import OVERALL_SIGNALS, PITFALLS, TARGET_LEVELS

NOTE_LENGTH = 1000  # a note on one dimension
OVERALL_NOTES_LENGTH = 4000
ACTION_ITEM_ROWS = 5  # the form's rows; a debrief holds at most this many action items


@dataclass(frozen=True)
class ActionItemDraft:
    text: str
    due_on: date | None = None


@dataclass(frozen=True)
class DebriefDraft:
    scores: Mapping[str, object] = field(default_factory=dict)  # dimension key -> level
    score_notes: Mapping[str, str] = field(default_factory=dict)
    overall_notes: str = ""
    target_level: str | None = None
    overall_signal: str | None = None
    pitfalls: Mapping[str, str] = field(default_factory=dict)  # observed pitfall -> its one-line note
    action_items: Sequence[ActionItemDraft] = ()


def _one_line(text: str, limit: int) -> bool:
    return "\n" not in text and "\r" not in text and len(text) <= limit


def validate_debrief(rubric: Rubric | None, draft: DebriefDraft, *, publishing: bool) -> dict[str, str]:
    """Error message per form field; empty when the draft may be saved (or, with `publishing`, published)."""
    errors: dict[str, str] = {}
    if rubric is not None:
        given = {key: value for key, value in draft.scores.items() if value is not None}
        score_errors = validate_scores(rubric, given)
        if not publishing:  # a draft may leave dimensions unscored, never score outside the scale
            score_errors = {key: message for key, message in score_errors.items() if key in given}
        errors |= {f"score_{key}": message for key, message in score_errors.items()}
        for key, note in draft.score_notes.items():
            if len(note) > NOTE_LENGTH:
                errors[f"note_{key}"] = f"Keep the note under {NOTE_LENGTH} characters."
        if draft.target_level is not None and draft.target_level not in TARGET_LEVELS:
            errors["target_level"] = "Choose the level the engineer is aiming for."
        if draft.overall_signal is not None and draft.overall_signal not in OVERALL_SIGNALS:
            errors["overall_signal"] = f"Choose one of: {', '.join(OVERALL_SIGNALS.values())}."
        if publishing and draft.target_level is None:
            errors["target_level"] = "Choose the level the engineer is aiming for."
        if publishing and draft.overall_signal is None:
            errors["overall_signal"] = "Give an overall signal at that level before publishing."
    if len(draft.overall_notes) > OVERALL_NOTES_LENGTH:
        errors["overall_notes"] = f"Keep the overall notes under {OVERALL_NOTES_LENGTH} characters."
    for pitfall, note in draft.pitfalls.items():
        if pitfall not in PITFALLS:
            errors["pitfalls"] = "Choose pitfalls from the list."
        elif not note.strip():
            errors[f"pitfall_note_{pitfall}"] = "Add a one-line note on what you saw."
        elif not _one_line(note.strip(), PITFALL_NOTE_LENGTH):
            errors[f"pitfall_note_{pitfall}"] = (
                f"Keep the note to one line of at most {PITFALL_NOTE_LENGTH} characters."
            )
    if len(draft.action_items) > ACTION_ITEM_ROWS:
        errors["action_items"] = f"Give at most {ACTION_ITEM_ROWS} action items."
    for row, item in enumerate(draft.action_items, 1):
        if not item.text.strip():
            errors[f"action_{row}"] = "Write the action item, or clear its due date."
        elif not _one_line(item.text.strip(), ACTION_ITEM_LENGTH):
            errors[f"action_{row}"] = (
                f"Keep each action item to one line of at most {ACTION_ITEM_LENGTH} characters "
                f"(this one has {len(item.text.strip())})."
            )
    return errors
