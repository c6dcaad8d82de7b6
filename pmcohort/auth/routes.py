from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from pmcohort.auth import bp
from pmcohort.auth.forms import ChangePasswordForm, LoginForm, ResetPasswordForm, ResetRequestForm, SignUpForm, TimeZoneForm
from pmcohort.domain.timezones import time_zone_names
from pmcohort.extensions import limiter
from pmcohort.forms import service_errors
from pmcohort.models.types import utcnow
from pmcohort.services import accounts
from pmcohort.tokens import user_for_reset_token

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


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"), 303)
    form = SignUpForm()
    status = 200
    if form.validate_on_submit():
        with service_errors(form):
            user = accounts.sign_up(
                accounts.NewAccount(form.email.data, form.name.data, form.password.data, form.time_zone.data, form.role.data)
            )
            _start_session(user)
            flash(f"Welcome, {user.first_name}. Your account is ready.", "success")
            return redirect(url_for("main.dashboard"), 303)
    if form.is_submitted():
        status = 400
    return render_template("auth/signup.html", form=form, time_zones=time_zone_names()), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               error_message="Too many sign-in attempts. Wait a minute and try again.")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"), 303)
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("main.dashboard")), 303)
        form.password.errors = ["That email and password do not match an account."]
    if form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"],
               error_message="Too many reset requests. Wait a minute and try again.")
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str):
    user = user_for_reset_token(token)
    if user is None:
        flash("That reset link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("auth.request_reset"), 303)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with service_errors(form):
            accounts.reset_password(user, form.password.data)
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("auth.login"), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form), status


def _account_page(password_form=None, zone_form=None, status: int = 200):
    return render_template(
        "auth/account.html",
        password_form=password_form or ChangePasswordForm(),
        zone_form=zone_form or TimeZoneForm(time_zone=current_user.time_zone),
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
    if form.validate():
        with service_errors(form):
            user = accounts.change_password(current_user.id, form.current_password.data, form.new_password.data)
            _start_session(user)
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("auth.account"), 303)
    return _account_page(password_form=form, status=400)


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
