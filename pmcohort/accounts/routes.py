from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from pmcohort.accounts import services as accounts
from pmcohort.accounts import throttle
from pmcohort.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignOutEverywhereForm,
    SignUpForm,
    TimeZoneForm,
)
from pmcohort.assessment import services as assessments
from pmcohort.core.extensions import limiter
from pmcohort.core.forms import form_page, service_errors, submit
from pmcohort.core.tokens import user_for_reset_token
from pmcohort.core.types import utcnow
from pmcohort.domain.statuses import Role
from pmcohort.domain.timezones import time_zone_names
from pmcohort.quickcheck import carry

bp = Blueprint("auth", __name__, url_prefix="/auth")

WRONG_PASSWORD = "That email and password do not match an account."
RESET_SENT = "If an account uses that email, a reset link is on its way. It works once and expires within the hour."


def _start_session(user, remember: bool = False) -> None:
    # A fresh session at login, so nothing from before sign-in (or a planted cookie) carries over.
    session.clear()
    login_user(user, remember=remember)


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _carry_into_assessment(user, carried: dict | None) -> bool:
    """Quick-check answers the visitor saved go into an engineer's assessment draft; True when some did."""
    if not carried or not user.has_role(Role.ENGINEER) or not assessments.start_from_answers(user.id, carried):
        return False
    flash("Your quick-check answers are in your assessment. Answer the rest to get your full result.", "info")
    return True


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_PAGE_RATE_LIMIT"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"), 303)
    form = SignUpForm()
    if form.validate_on_submit():
        with service_errors(form):
            user = accounts.sign_up(
                accounts.NewAccount(
                    form.email.data, form.name.data, form.password.data, form.time_zone.data, form.role.data
                )
            )
            return _signed_in(user, welcome=f"Welcome, {user.first_name}. Your account is ready.")
    return form_page("auth/signup.html", form, time_zones=time_zone_names(), carrying_quick_check=carry.pending())


def _signed_in(user, *, remember: bool = False, welcome: str = ""):
    """Start the new session and go on: to the assessment when the visitor's quick-check answers went
    into it, else where they were going."""
    carried = carry.take()  # before the fresh session clears it
    _start_session(user, remember=remember)
    if welcome:
        flash(welcome, "success")
    if _carry_into_assessment(user, carried):
        return redirect(url_for("assessment.overview"), 303)
    return redirect(_safe_next(url_for("main.dashboard")), 303)


def _limit_posts(setting: str, error_message: str | None = None):
    """Limit a form's posts (not its page) to the rate the config's `setting` names."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], error_message=error_message)


@bp.route("/login", methods=["GET", "POST"])
@_limit_posts("LOGIN_RATE_LIMIT", "Too many sign-in attempts. Wait a minute and try again.")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"), 303)
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data
        paused = throttle.is_paused(email)
        # Checked even when paused, so a paused account answers exactly like a wrong password, in time too.
        user = accounts.authenticate(email, form.password.data)
        if user is not None and not paused:
            return _signed_in(user, remember=form.remember.data)
        if not paused and throttle.count_failure(email):
            accounts.report_sign_in_throttled(email)
        form.password.errors = [WRONG_PASSWORD]
    return form_page("auth/login.html", form)


def _end_session(everywhere: bool) -> None:
    accounts.sign_out(current_user.id, everywhere=everywhere)
    logout_user()
    session.clear()


@bp.post("/logout")
@login_required
def logout():
    _end_session(everywhere=False)
    flash("You are signed out, here and on any other device.", "info")
    return redirect(url_for("auth.login"), 303)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if not SignOutEverywhereForm().validate():
        abort(400)
    _end_session(everywhere=True)
    flash("You are signed out on every device, including this one.", "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/reset", methods=["GET", "POST"])
@_limit_posts("PASSWORD_RESET_RATE_LIMIT", "Too many reset requests. Wait a minute and try again.")
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"), 303)
    return form_page("auth/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
@_limit_posts("PASSWORD_RESET_RATE_LIMIT")
def reset_password(token: str):
    user = user_for_reset_token(token)
    if user is None:
        flash("That reset link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("auth.request_reset"), 303)
    form = ResetPasswordForm()

    def reset() -> None:
        accounts.reset_password(user, form.password.data)
        throttle.forget(user.email)

    return submit(
        reset, "Your password is changed. Sign in with the new one.", url_for("auth.login"), form=form
    ) or form_page("auth/reset_password.html", form)


def _account_page(password_form=None, zone_form=None, email_form=None, status: int = 200):
    return render_template(
        "auth/account.html",
        password_form=password_form or ChangePasswordForm(),
        zone_form=zone_form or TimeZoneForm(time_zone=current_user.time_zone),
        email_form=email_form or ChangeEmailForm(),
        time_zones=time_zone_names(),
    ), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()

    def change() -> None:
        user = accounts.change_password(current_user.id, form.current_password.data, form.new_password.data)
        throttle.forget(user.email)
        _start_session(user)

    return submit(
        change, "Your password is changed. Other devices are signed out.", url_for("auth.account"), form=form
    ) or _account_page(password_form=form, status=400)


@bp.post("/account/email")
@login_required
def change_email():
    form = ChangeEmailForm()
    return submit(
        lambda: accounts.change_email(current_user.id, form.current_password.data, form.email.data),
        "Your email is changed. Sign in with the new one from now on.",
        url_for("auth.account"),
        form=form,
    ) or _account_page(email_form=form, status=400)


@bp.post("/account/time-zone")
@login_required
def change_time_zone():
    form = TimeZoneForm()
    if form.validate():
        new_zone, keep = form.time_zone.data, request.form.get("keep")
        if keep is None and new_zone != current_user.time_zone:
            # Weekly windows make the change a question: show what each answer does before saving.
            change = accounts.preview_time_zone_change(current_user.id, new_zone, now=utcnow())
            if change.windows:
                return render_template("auth/time_zone_change.html", form=form, change=change)
        with service_errors(form):
            accounts.update_time_zone(current_user.id, new_zone, keep=keep or "local", now=utcnow())
            flash("Time zone saved.", "success")
            return redirect(url_for("auth.account"), 303)
    return _account_page(zone_form=form, status=400)
