"""Account pages."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user, login_required, login_user, logout_user

from portal import links, login_manager
from portal.accounts import forms, operations, throttle
from portal.calendars import microsoft
from portal.launch import invitations
from portal.models import Participant, Program
from portal.programme import operations as programme

blueprint = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    """The user a session or remember-me cookie names, if its session version is still the current one."""
    return operations.user_for_session(session_id)


def _safe_next(target: str | None) -> str | None:
    """Only redirect within the portal after login."""
    if not target:
        return None
    parts = urlparse(target)
    # Browsers read "//host" and "/\host" as another site.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _link_owner(read, token: str, invalid_page: str):
    """The account an emailed link belongs to; an expired or broken link, or one opened in someone else's session,
    answers with `invalid_page` saying which."""
    user = links.read_or_refuse(lambda: read(token), invalid_page)
    # The link logs its account in or sets its password: opened in another person's session (an admin following it
    # from the outbox, say) it must do neither.
    if links.opened_by_someone_else(user):
        abort(make_response(render_template(invalid_page, expired=False, someone_else=True), 404))
    return user


def _client_ip() -> str:
    # Behind `[server] proxy_hops` trusted proxies, ProxyFix has already put the client's own address here.
    return request.remote_addr or "unknown"


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = forms.LoginForm()
    status = 200
    if form.validate_on_submit():
        email = operations.normalise_email(form.email.data)
        device = throttle.known_device(request.cookies.get(throttle.DEVICE_COOKIE), email)
        try:
            user = operations.authenticate(email, form.password.data, _client_ip(), device)
        except operations.LoginThrottled as error:
            form.form_errors.append(str(error))
            page, status = _login_page(form, 429)
            return page, status, {"Retry-After": str(error.retry_after)}
        except operations.AccountError as error:
            form.form_errors.append(str(error))
            status = 401
        else:
            login_user(user, remember=form.remember.data)
            response = redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
            # This browser is now known to the account: others' failures on it never make it wait.
            response.set_cookie(
                throttle.DEVICE_COOKIE, throttle.device_token(email), max_age=throttle.device_max_age(),
                httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
            )
            return response
    elif request.method == "POST":
        status = 400
    return _login_page(form, status)


def _login_page(form=None, status: int = 200, error: str | None = None):
    form = form or forms.LoginForm(formdata=None)
    if error:
        form.form_errors.append(error)
    return render_template("accounts/login.html", form=form, microsoft_sign_in=microsoft.setup() is not None), status


@blueprint.get("/login/microsoft")
def microsoft_login():
    """Sign in with Microsoft: off to Microsoft's sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    try:
        auth_uri, flow = microsoft.start_sign_in(links.absolute_url("accounts.microsoft_login_callback"))
    except microsoft.SignInRefused as error:
        return _login_page(status=404 if microsoft.setup() is None else 503, error=str(error))
    session[microsoft.LOGIN_FLOW] = {"flow": flow, "next": _safe_next(request.args.get("next"))}
    return redirect(auth_uri)


@blueprint.get("/login/microsoft/callback")
def microsoft_login_callback():
    """Microsoft sends the browser back here: log in the account with that email address, if there is one."""
    started = session.pop(microsoft.LOGIN_FLOW, None) or {}
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    try:
        user = microsoft.sign_in(started.get("flow"), request.args)
    except microsoft.SignInRefused as error:
        return _login_page(status=400 if not started else 401, error=str(error))
    login_user(user)
    return redirect(_safe_next(started.get("next")) or url_for("home.index"))


@blueprint.post("/logout")
@login_required
def logout():
    """Log out (POST, so a link elsewhere cannot log you out): every copy of this session stops working."""
    operations.end_sessions(current_user)
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("home.index"))


@blueprint.route("/register", methods=["GET", "POST"])
def register():
    """Create an account and join the programme as mentor, mentee or both."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    program = Program.current()
    open_roles = [r for r in Participant.ROLES if program and programme.registration_open_for(program, r)]
    invited = links.read_or_refuse(invitation_prefill, "launch/link_invalid.html", kind="invitation")
    form = forms.RegisterForm(data={"name": invited.name, "email": invited.email} if invited else None)
    form.role.choices = [
        (value, label) for value, label in forms.ROLE_CHOICES if all(r in open_roles for r in operations.roles_for(value))
    ]
    status = 200
    if open_roles and form.validate_on_submit():
        try:
            operations.register(
                form.name.data, form.email.data, form.password.data, form.role.data, form.timezone.data, program
            )
        except operations.AccountError as error:
            getattr(form, error.field).errors.append(str(error)) if error.field else form.form_errors.append(str(error))
            status = 400
        else:
            # The same page whether the address was new or taken: only its owner's mailbox tells which.
            return render_template("accounts/register_sent.html", email=form.email.data)
    elif request.method == "POST":
        status = 400
    ahead = programme.registration_ahead(program) if program else {}
    return render_template("accounts/register.html", form=form, open_roles=open_roles, ahead=ahead,
                           invited=invited), status


def invitation_prefill() -> invitations.Prefill | None:
    """Who the invitation link in the address is for (its `token`), to fill in the form; none without one."""
    token = request.args.get("token")
    return invitations.prefill(token) if token else None


@blueprint.get("/register/confirm/<token>")
def confirm_email(token: str):
    """The emailed link that confirms a new account's address and logs it in."""
    user = _link_owner(operations.user_for_confirmation, token, "accounts/confirm_invalid.html")
    confirmed_now = operations.confirm_email(user)
    if not confirmed_now:
        flash("Your address is already confirmed. Log in to continue.", "info")
        return redirect(url_for("accounts.login"))
    login_user(user)
    flash("Welcome! Tell us about yourself so we can find the right match.", "success")
    return redirect(url_for("questionnaire.edit"))


@blueprint.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link by email."""
    form = forms.ForgotForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data, _client_ip())
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    return render_template("accounts/forgot.html", form=form), 400 if request.method == "POST" else 200


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from an emailed link."""
    user = _link_owner(operations.user_for_reset, token, "accounts/reset_invalid.html")
    form = forms.ResetForm()
    if form.validate_on_submit():
        operations.set_password(user, form.password.data)
        logout_user()
        flash("Your password has changed. Log in with the new one.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form), 400 if request.method == "POST" else 200
