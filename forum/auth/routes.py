"""Sign-up, sign-in, sign-out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forum.auth import services
from forum.auth.forms import LoginForm, RegisterForm
from forum.errors import DomainError
from forum.views import attach_errors, fresh_session, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/registrati", methods=["GET", "POST"])
def register():
    """Create an account, then sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
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
            attach_errors(form, error)
            flash(error.message, "danger")
            status = error.status_code
        else:
            fresh_session()
            login_user(user)
            flash(_("Benvenuta/o in Officina, %(name)s!", name=user.display_name), "success")
            return redirect(url_for("main.home"), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("auth/register.html", form=form), status


@bp.route("/accedi", methods=["GET", "POST"])
def login():
    """Sign in with username or email; the same message whatever was wrong."""
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
    return render_template("auth/login.html", form=form), status


@bp.route("/esci", methods=["POST"])
@login_required
def logout():
    """Sign out and forget the session."""
    logout_user()
    fresh_session()
    flash(_("Sei uscita/o da Officina."), "info")
    return redirect(url_for("main.home"), code=303)
