"""Small helpers shared by every area's forms."""

from collections.abc import Mapping

from wtforms.fields.choices import SelectChoice


def choices_from(labels: Mapping[str, str]) -> list[SelectChoice]:
    """Select or radio choices from a key -> label mapping, in its order."""
    return [SelectChoice(value, label) for value, label in labels.items()]
