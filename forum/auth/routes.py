"""Sign-up, sign-in, sign-out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forum.admin import queries as admin_queries
from forum.auth import passwords, services
from forum.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordForgotForm,
    PasswordResetForm,
    RegisterForm,
)
from forum.errors import DomainError
from forum.extensions import limiter
from forum.identities import provider as oidc
from forum.limits import config_limit
from forum.views import form_error, fresh_session, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/registrati", methods=["GET", "POST"])
@limiter.limit(config_limit("REGISTER_LIMIT_PER_ADDRESS"), methods=["POST"])
def register():
    """Create an account, then sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if request.method == "GET" and request.args.get("email"):  # from an invitation e-mail
        form.email.data = request.args["email"][:254]
    status = 200
    if form.validate_on_submit():
        try:
            user = services.register_user(
                username=form.username.data,
                display_name=form.display_name.data,
                email=form.email.data,
                password=form.password.data,
                organisation=form.organisation.data,
                organisation_type=form.organisation_type.data,
                region_code=form.region_code.data,
            )
        except DomainError as error:
            status = form_error(form, error)
        else:
            fresh_session()
            login_user(user)
            flash(_("Benvenuta/o in Officina, %(name)s!", name=user.display_name), "success")
            if user.is_pending:
                flash(_(
                    "Il tuo account è in attesa di approvazione da parte della moderazione: "
                    "nel frattempo puoi leggere, ma non ancora scrivere. Riceverai una "
                    "notifica quando sarà approvato."
                ), "info")
            return redirect(safe_next(request.args.get("next"), url_for("main.home")), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("auth/register.html", form=form,
                           organisations=admin_queries.active_organisation_names()), status


@bp.route("/accedi", methods=["GET", "POST"])
def login():
    """Sign in with username or email; the same message whatever was wrong.

    Attempts are limited per account and per address inside `authenticate`, counted
    before the password check (`forum/auth/throttle.py`)."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            fresh_session()
            login_user(user, remember=form.remember.data)
            flash(_("Accesso effettuato."), "success")
            return redirect(safe_next(form.next.data, url_for("main.home")), code=303)
        flash(_("Nome utente, email o password non corretti."), "danger")
        status = 401
    elif request.method == "POST":
        status = 422
    oidc_label = oidc.button_label() if oidc.is_configured() else None
    return render_template("auth/login.html", form=form, oidc_label=oidc_label), status


@bp.route("/esci", methods=["POST"])
@login_required
def logout():
    """Sign out and forget the session."""
    fresh_session()
    logout_user()  # after the reset: it flags the remember cookie for deletion
    flash(_("Sei uscita/o da Officina."), "info")
    return redirect(url_for("main.home"), code=303)


@bp.route("/profilo/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; other sessions and remembered devices are signed out."""
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = passwords.change_password(
                current_user._get_current_object(), current=form.current.data,
                new=form.new.data,
            )
        except DomainError as error:
            status = form_error(form, error)
        else:
            fresh_session()
            login_user(user)
            flash(_("Password cambiata. Le altre sessioni sono state chiuse."), "success")
            return redirect(url_for("users.profile", username=user.username), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("auth/password_change.html", form=form), status


@bp.route("/password/dimenticata", methods=["GET", "POST"])
@limiter.limit(config_limit("RESET_LIMIT_PER_ADDRESS"), methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the address exists or not."""
    form = PasswordForgotForm()
    if form.validate_on_submit():
        passwords.request_password_reset(form.email.data)
        flash(_(
            "Se l'indirizzo corrisponde a un account, riceverai a breve un'email con il link "
            "per scegliere una nuova password."
        ), "info")
        return redirect(url_for("auth.login"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password_forgot.html", form=form), status


@bp.route("/password/reimposta/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from the e-mailed link (single use, expiring)."""
    if passwords.user_for_token(token) is None:
        return render_template("auth/password_reset.html", form=None), 400
    form = PasswordResetForm()
    status = 200
    if form.validate_on_submit():
        try:
            passwords.reset_password(token, form.new.data)
        except DomainError as error:
            status = form_error(form, error)
        else:
            fresh_session()
            logout_user()
            flash(_("Password aggiornata: ora puoi accedere."), "success")
            return redirect(url_for("auth.login"), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("auth/password_reset.html", form=form), status
