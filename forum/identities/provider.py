"""The OpenID Connect client (Authlib): discovery, redirect with state, nonce and PKCE, and the
callback that checks the ID token. Every failure becomes a clear `InvalidRequest` (400).

One client per application and configuration, kept in `app.extensions`; it is rebuilt after
OIDC_METADATA_SECONDS so a provider's new endpoints or keys are picked up without a restart
(Authlib itself caches the discovery document forever, and fetches the JWKS again only for
an unknown key id).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Flask, current_app
from flask_babel import gettext as _
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from forum.errors import InvalidRequest, NotFound

log = logging.getLogger(__name__)
CLIENT_NAME = "officina_oidc"
DISCOVERY_PATH = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Settings:
    """What the client is built from; a change in the configuration builds a new one."""

    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    timeout: float
    auth_method: str


@dataclass
class _Cached:
    settings: Settings
    client: FlaskOAuth2App
    born: float


def settings(app: Flask | None = None) -> Settings | None:
    """The provider settings, or None when OIDC log-in is not configured (the default)."""
    config = (app or current_app).config
    issuer = (config.get("OIDC_ISSUER") or "").strip().rstrip("/")
    client_id = (config.get("OIDC_CLIENT_ID") or "").strip()
    secret = config.get("OIDC_CLIENT_SECRET") or ""
    if not (issuer and client_id and secret):
        return None
    scopes = " ".join((config.get("OIDC_SCOPES") or "openid").split())
    if "openid" not in scopes.split():
        scopes = "openid " + scopes  # without it there is no ID token to check
    method = config.get("OIDC_TOKEN_AUTH_METHOD") or "client_secret_basic"
    if method not in ("client_secret_basic", "client_secret_post"):
        method = "client_secret_basic"
    return Settings(issuer, client_id, secret, scopes, float(config["OIDC_TIMEOUT_SECONDS"]),
                    method)


def is_configured() -> bool:
    """Whether the log-in page shows the provider's button and its routes answer."""
    return settings() is not None


def button_label() -> str:
    """The label of the button on the log-in page (configurable, translated by default)."""
    return current_app.config.get("OIDC_BUTTON_LABEL") or _("Entra con SPID o CIE")


def _client(conf: Settings) -> FlaskOAuth2App:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cached: _Cached | None = app.extensions.get("oidc_client")
    ttl = float(app.config["OIDC_METADATA_SECONDS"])
    if cached and cached.settings == conf and time.monotonic() - cached.born < ttl:
        return cached.client
    oauth = OAuth()
    oauth.init_app(app)
    client: FlaskOAuth2App = oauth.register(
        CLIENT_NAME,
        client_id=conf.client_id,
        client_secret=conf.client_secret,
        server_metadata_url=conf.issuer + DISCOVERY_PATH,
        client_kwargs={"scope": conf.scopes, "code_challenge_method": "S256",
                       "default_timeout": conf.timeout,
                       "token_endpoint_auth_method": conf.auth_method},
    )
    app.extensions["oidc_client"] = _Cached(conf, client, time.monotonic())
    return client


def _unreachable() -> InvalidRequest:
    return InvalidRequest(_(
        "Il servizio di accesso con identità digitale non risponde o è configurato in modo "
        "errato. Riprova tra qualche minuto oppure accedi con nome utente e password."
    ))


def _metadata(client: FlaskOAuth2App, conf: Settings) -> dict[str, Any]:
    """The discovery document, checked: it must name the configured issuer and endpoints."""
    try:
        metadata = client.load_server_metadata()
    except (RequestException, ValueError, AuthlibBaseError) as error:
        log.warning("OIDC discovery failed for %s: %s", conf.issuer, error)
        raise _unreachable() from None
    issuer = metadata.get("issuer")
    endpoints = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if (not isinstance(issuer, str) or issuer.rstrip("/") != conf.issuer
            or not all(isinstance(metadata.get(key), str) for key in endpoints)):
        log.warning("OIDC discovery document of %s is not valid", conf.issuer)
        client.server_metadata.pop("_loaded_at", None)  # try again next time
        raise _unreachable()
    return metadata


def _require() -> tuple[Settings, FlaskOAuth2App]:
    conf = settings()
    if conf is None:
        raise NotFound(_("La pagina che cerchi non esiste o è stata spostata."))
    client = _client(conf)
    _metadata(client, conf)
    return conf, client


def redirect_to_provider(callback_url: str) -> Response:
    """Send the browser to the provider; state, nonce and PKCE verifier go in the session."""
    from flask import session

    _conf, client = _require()
    # Only the latest attempt stays valid: each one keeps ~600 bytes in the signed cookie,
    # and a few dozen clicks would push it past the 4 KB browsers keep.
    for key in [key for key in session if key.startswith(f"_state_{CLIENT_NAME}_")]:
        session.pop(key)
    try:
        return client.authorize_redirect(callback_url)
    except (RequestException, ValueError, AuthlibBaseError, RuntimeError) as error:
        log.warning("OIDC authorization redirect failed: %s", error)
        raise _unreachable() from None


@dataclass(frozen=True)
class VerifiedClaims:
    """The checked ID token: who the provider says this is, and the issuer saying it."""

    issuer: str
    claims: dict[str, Any]


def finish_login() -> VerifiedClaims:
    """Exchange the code and validate the ID token (signature by the JWKS, issuer, audience,
    expiry, nonce); any failure is a 400 with a message the member can act on."""
    from flask import request

    conf, client = _require()
    if request.args.get("error"):
        denied = request.args["error"] == "access_denied"
        raise InvalidRequest(_(
            "Accesso annullato: il servizio di identità digitale non ha confermato la tua "
            "identità. Puoi riprovare o accedere con nome utente e password."
        ) if denied else _(
            "Il servizio di identità digitale ha rifiutato l'accesso. Riprova oppure accedi "
            "con nome utente e password."
        ))
    if not request.args.get("state") or not request.args.get("code"):
        raise _expired()
    try:
        token = client.authorize_access_token()
    except MismatchingStateError:
        raise _expired() from None
    except OAuthError as error:  # the token endpoint refused: replayed or expired code
        log.info("OIDC token request refused: %s", error)
        raise _expired() from None
    except RequestException as error:
        log.warning("OIDC token request failed: %s", error)
        raise _unreachable() from None
    except (JoseError, AuthlibBaseError, ValueError, KeyError, RuntimeError) as error:
        log.warning("OIDC ID token refused: %s", error)
        raise _bad_token() from None
    userinfo = token.get("userinfo")
    if not userinfo:  # no ID token in the answer: nothing was proven
        raise _bad_token()
    return VerifiedClaims(issuer=conf.issuer, claims=dict(userinfo))


def _expired() -> InvalidRequest:
    return InvalidRequest(_(
        "La richiesta di accesso non è valida o è già stata usata (per esempio dopo aver "
        "ricaricato la pagina o usato il tasto indietro). Ricomincia l'accesso dalla pagina "
        "Accedi."
    ))


def _bad_token() -> InvalidRequest:
    return InvalidRequest(_(
        "Non è stato possibile verificare l'identità ricevuta dal servizio di accesso: "
        "l'accesso non è avvenuto. Riprova oppure accedi con nome utente e password."
    ))
