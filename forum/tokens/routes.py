"""The member's personal access tokens: list, create (shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.errors import DomainError
from forum.models.base import utcnow
from forum.tokens import services
from forum.tokens.forms import TokenForm
from forum.views import form_error

bp = Blueprint("tokens", __name__)


def _page(form: TokenForm, status: int = 200, created: str | None = None):  # type: ignore[no-untyped-def]
    response = make_response(render_template(
        "tokens/index.html", form=form, tokens=services.tokens_of(current_user),
        created=created, now=utcnow()), status)
    # the page may carry a token in clear: never keep it in a cache
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profilo/token", methods=["GET", "POST"])
@login_required
def index():
    """List the member's tokens and create one; the new token is shown on this response only
    (never through the session or a redirect, so it is not kept in a cookie or a history)."""
    form = TokenForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _page(form, 422)
        try:
            _token, plain = services.create_token(
                current_user, name=form.name.data or "", scope=form.scope.data or "",
                days=int(form.days.data or 0))
        except DomainError as error:
            return _page(form, form_error(form, error))
        return _page(TokenForm(formdata=None), 201, created=plain)
    return _page(form)


@bp.route("/profilo/token/<int:token_id>/revoca", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke a token at once: the next request that sends it is refused."""
    token = services.revoke_token(current_user, token_id)
    flash(_("Token «%(name)s» revocato.", name=token.name), "success")
    return redirect(url_for("tokens.index"), code=303)
