"""Log-in through an OpenID Connect provider (SPID/CIE proxy): start, and the provider's return.

Both are GET: the provider sends the browser back with a redirect. The return writes (a
link, or a new account) only after the state in the member's session matched and the ID
token was verified, so a forged request changes nothing. Not configured: both are 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from forum.identities import provider, services
from forum.identities.services import Outcome
from forum.views import fresh_session, safe_next

bp = Blueprint("identities", __name__)
NEXT_KEY = "oidc_next"


@bp.route("/accedi/identita-digitale")
def start():
    """Send the browser to the provider, remembering where to go after the log-in."""
    if not provider.is_configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"), code=303)
    session[NEXT_KEY] = safe_next(request.args.get("next"), "")
    return provider.redirect_to_provider(callback_url())


def callback_url() -> str:
    """The address the provider sends the browser back to, as registered there: built on
    SITE_URL (behind a TLS proxy the request itself may say http and the wrong host)."""
    explicit = current_app.config.get("OIDC_REDIRECT_URI")
    if explicit:
        return str(explicit)
    return current_app.config["SITE_URL"].rstrip("/") + url_for("identities.callback")


@bp.route("/accedi/identita-digitale/ritorno")
def callback():
    """The provider's answer: check it, find or create the account, sign in."""
    verified = provider.finish_login()
    result = services.sign_in_with_identity(verified.issuer, verified.claims)
    target = safe_next(session.get(NEXT_KEY), url_for("main.home"))
    fresh_session()
    login_user(result.user)
    flash(_("Accesso effettuato."), "success")
    if result.outcome is Outcome.LINKED:
        flash(_("La tua identità digitale è ora collegata al tuo account Officina."), "info")
    if result.email_ignored:
        flash(_(
            "Il servizio di accesso non ha confermato il tuo indirizzo email: per sicurezza "
            "non lo abbiamo usato per cercare un account esistente. Se hai già un account, "
            "scrivi alla moderazione per unirli."
        ), "warning")
    if result.outcome is Outcome.CREATED:  # the pending banner of base.html says the rest
        flash(_(
            "Abbiamo creato il tuo account Officina: completa il profilo con il tuo ente "
            "per facilitare l'approvazione da parte della moderazione."
        ), "info")
    return redirect(target, code=303)
