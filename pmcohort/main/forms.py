from flask_wtf import FlaskForm
from wtforms import BooleanField

from pmcohort.notifications.models import NOTIFICATION_CATEGORIES


class PreferencesForm(FlaskForm):
    """Two checkboxes per category, named `<category>-email` and `<category>-in_app`."""

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            category: (self[f"{category}-email"].data, self[f"{category}-in_app"].data)
            for category in NOTIFICATION_CATEGORIES
        }


def preferences_form(current: dict[str, tuple[bool, bool]]) -> PreferencesForm:
    class Form(PreferencesForm):
        pass

    for category, label in NOTIFICATION_CATEGORIES.items():
        setattr(Form, f"{category}-email", BooleanField(f"{label} by email", default=current[category][0]))
        setattr(Form, f"{category}-in_app", BooleanField(f"{label} in the inbox", default=current[category][1]))
    return Form()
