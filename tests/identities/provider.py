"""A small OpenID Connect provider for the tests, built on Authlib's server side and served
by werkzeug on a free 127.0.0.1 port: discovery, JWKS, authorization (auto-approved for the
person the test chooses), token endpoint with PKCE and ID tokens signed with an RSA key.

Knobs let a test make it misbehave: deny the log-in, sign with another key, claim another
issuer or audience, send a wrong nonce or an expired token, or serve a bad discovery.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, redirect, request
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "officina-test"
CLIENT_SECRET = "segreto-del-client-di-prova"
KEY = RSAKey.generate_key(2048, parameters={"kid": "chiave-1", "use": "sig"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "chiave-1", "use": "sig"})


@dataclass
class Person:
    """Who the provider says signs in; claims left None are not sent."""

    sub: str = "utente-1"
    email: str | None = "mario.rossi@comune.example"
    email_verified: bool | None = True
    given_name: str | None = "Mario"
    family_name: str | None = "Rossi"
    preferred_username: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def claims(self) -> dict[str, Any]:
        values = {"sub": self.sub, "email": self.email, "email_verified": self.email_verified,
                  "given_name": self.given_name, "family_name": self.family_name,
                  "preferred_username": self.preferred_username, **self.extra}
        return {key: value for key, value in values.items() if value is not None}


@dataclass
class Client:
    """The one registered relying party (Officina), any loopback redirect accepted."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return "http://localhost/accedi/identita-digitale/ritorno"

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri.startswith(("http://localhost/", "http://127.0.0.1:"))

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    """An issued authorization code and what it was issued for."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    person: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    """The provider's state and knobs; `url` is its issuer."""

    def __init__(self) -> None:
        self.person = Person()
        self.deny = False
        self.sign_key: RSAKey = KEY
        self.token_issuer: str | None = None  # None: the real issuer
        self.audience: str | None = None  # None: the client id
        self.nonce: str | None = None  # None: the one the client sent
        self.lifetime = 600
        self.discovery_issuer: str | None = None
        self.discovery_broken = False
        self.codes: dict[str, Code] = {}
        self.lock = threading.Lock()
        self.token_requests = 0
        self.url = ""
        self.app = self._build()

    def reset(self) -> None:
        """Back to a well-behaved provider with the default person."""
        fresh = Provider.__new__(Provider)
        Provider.__init__(fresh)
        for name in ("person", "deny", "sign_key", "token_issuer", "audience", "nonce",
                     "lifetime", "discovery_issuer", "discovery_broken"):
            setattr(self, name, getattr(fresh, name))
        self.token_requests = 0

    def _build(self) -> Flask:
        app = Flask("provider_oidc_di_prova")
        provider = self

        class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, req: Any) -> None:
                with provider.lock:
                    provider.codes[code] = Code(
                        code=code, client_id=req.client.client_id,
                        redirect_uri=req.payload.redirect_uri, scope=req.payload.scope,
                        person=req.user, nonce=req.payload.data.get("nonce"),
                        code_challenge=req.payload.data.get("code_challenge"),
                        code_challenge_method=req.payload.data.get("code_challenge_method"))

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                with provider.lock:
                    found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                with provider.lock:
                    provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> Person:
                return authorization_code.person

        class IdToken(OpenIDCode):
            def exists_nonce(self, nonce: str, req: Any) -> bool:
                return False

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.sign_key

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": "chiave-1"}

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                now = int(time.time())
                return {"iss": provider.token_issuer or provider.url,
                        "aud": [provider.audience or client.client_id],
                        "iat": now - (600 if provider.lifetime < 0 else 0),
                        "exp": now + provider.lifetime}

            def get_authorization_code_claims(self, authorization_code: Code) -> dict:
                claims = super().get_authorization_code_claims(authorization_code)
                if provider.nonce is not None:
                    claims["nonce"] = provider.nonce
                return claims

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                return UserInfo(user.claims())

        server = AuthorizationServer(
            app, query_client=lambda cid: Client() if cid == CLIENT_ID else None,
            save_token=lambda token, req: None)
        server.register_grant(AuthorizationCodeGrant,
                              [CodeChallenge(required=True), IdToken(require_nonce=True)])

        @app.get("/.well-known/openid-configuration")
        def discovery():  # type: ignore[no-untyped-def]
            if provider.discovery_broken:
                return "<html>manutenzione</html>", 200
            return jsonify({
                "issuer": provider.discovery_issuer or provider.url,
                "authorization_endpoint": provider.url + "/authorize",
                "token_endpoint": provider.url + "/token",
                "jwks_uri": provider.url + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            })

        @app.get("/jwks")
        def jwks():  # type: ignore[no-untyped-def]
            return jsonify(KeySet([KEY]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():  # type: ignore[no-untyped-def]
            if provider.deny:
                target = request.args["redirect_uri"]
                return redirect(f"{target}?error=access_denied&state={request.args['state']}")
            try:
                grant = server.get_consent_grant(end_user=provider.person)
            except OAuth2Error as error:
                return jsonify(error=error.error, description=error.description), 400
            return server.create_authorization_response(grant=grant, grant_user=provider.person)

        @app.post("/token")
        def token():  # type: ignore[no-untyped-def]
            with provider.lock:
                provider.token_requests += 1
            return server.create_token_response()

        return app


@contextmanager
def running_provider() -> Iterator[Provider]:
    """A provider served on a free loopback port for the duration of the block."""
    provider = Provider()
    httpd = make_server("127.0.0.1", 0, provider.app, threaded=True)
    provider.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        httpd.shutdown()
        thread.join(5)
        httpd.server_close()
