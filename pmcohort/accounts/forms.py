from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from pmcohort.core.forms import BaseForm, choices_from
from pmcohort.core.passwords import MIN_PASSWORD_LENGTH
from pmcohort.domain.statuses import Role
from pmcohort.domain.timezones import is_valid_time_zone

PASSWORD_HINT = f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one."


def valid_time_zone(form, field) -> None:
    if not is_valid_time_zone(field.data or ""):
        raise ValidationError("Choose a time zone from the list, e.g. Europe/Berlin.")


def new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(),
            Length(min=MIN_PASSWORD_LENGTH, message=f"Use at least {MIN_PASSWORD_LENGTH} characters."),
        ],
        description=PASSWORD_HINT,
    )


class SignUpForm(BaseForm):
    name = StringField("Your name", validators=[InputRequired(), Length(max=120)])
    email = EmailField(
        "Email",
        validators=[InputRequired(), Email(message="Enter an email address like name@example.com."), Length(max=254)],
    )
    password = new_password_field("Password")
    time_zone = StringField(
        "Time zone",
        validators=[InputRequired(), valid_time_zone],
        default="UTC",
        description="Where you are, e.g. Europe/Berlin. Session times are shown in it.",
    )
    role = RadioField(
        "I am joining as",
        choices=choices_from(
            {Role.ENGINEER: "An engineer moving into product management", Role.MENTOR: "A PM who mentors engineers"}
        ),
        validators=[InputRequired(message="Choose engineer or mentor.")],
        default=Role.ENGINEER,
    )


class LoginForm(BaseForm):
    email = EmailField("Email", validators=[InputRequired()])
    password = PasswordField("Password", validators=[InputRequired()])
    remember = BooleanField("Keep me signed in on this device")


class ResetRequestForm(BaseForm):
    email = EmailField(
        "Email", validators=[InputRequired(), Email(message="Enter an email address like name@example.com.")]
    )


class ResetPasswordForm(BaseForm):
    password = new_password_field("New password")
    confirm = PasswordField(
        "Repeat the new password",
        validators=[InputRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("Current password", validators=[InputRequired()])
    new_password = new_password_field("New password")
    confirm = PasswordField(
        "Repeat the new password",
        validators=[InputRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )


class ChangeEmailForm(BaseForm):
    email = EmailField(
        "New email",
        validators=[InputRequired(), Email(message="Enter an email address like name@example.com."), Length(max=254)],
    )
    current_password = PasswordField(
        "Current password",
        id="email-current-password",
        validators=[InputRequired()],
        description="Asked again so nobody at an unlocked screen can take the account over.",
    )


class SignOutEverywhereForm(BaseForm):
    """Only the CSRF token: a button."""


class TimeZoneForm(BaseForm):
    time_zone = StringField("Time zone", validators=[InputRequired(), valid_time_zone])
