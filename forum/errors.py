"""Domain exceptions raised by services, and their HTTP status codes."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused an action; `message` is already translated for the user."""

    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class Unauthenticated(DomainError):
    """No valid credentials: a missing, unknown, expired or revoked API token (401)."""

    status_code = 401


class NotAllowed(DomainError):
    """The actor may not do this (403)."""

    status_code = 403


class NotFound(DomainError):
    """The target does not exist or is not visible (404)."""

    status_code = 404


class Conflict(DomainError):
    """The action clashes with the current state, e.g. a duplicate (409)."""

    status_code = 409


class Gone(DomainError):
    """The target existed but is no longer available, e.g. an expired download (410)."""

    status_code = 410


class InvalidInput(DomainError):
    """Well-formed request, invalid content (422)."""

    status_code = 422


class InvalidRequest(DomainError):
    """A request that cannot be honoured as sent, e.g. a forged or expired sign-in (400)."""

    status_code = 400
class PersonalDataSuspected(InvalidInput):
    """The privacy guard found what looks like personal data and the writer has not yet
    confirmed it is not (422); `findings` maps each field to its text and passages."""

    def __init__(self, message: str, *, findings: dict[str, tuple[str, list[Any]]]) -> None:
        super().__init__(message)
        self.findings = findings

    def as_json(self) -> list[dict[str, Any]]:
        """The passages for scripts and the API: field, kind, offsets and text."""
        return [{"field": name, "kind": str(f.kind), "start": f.start, "end": f.end,
                 "text": f.text} for name, (_text, found) in self.findings.items()
                for f in found]


class TooManyRequests(DomainError):
    """A limit counted by a service (sign-in attempts) is reached (429, Retry-After)."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def register_error_handlers(app) -> None:  # type: ignore[no-untyped-def]
    """HTTP errors render an Italian page (or JSON for scripts); domain errors map to codes."""
    import time

    from flask import jsonify, make_response, render_template
    from flask_babel import gettext as _
    from flask_babel import ngettext
    from flask_limiter.errors import RateLimitExceeded
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    from forum.api.problems import flatten_messages, is_api_request, problem
    from forum.extensions import limiter
    from forum.negotiation import wants_json

    titles = {
        400: lambda: _("Richiesta non valida"),
        304: lambda: "",
        401: lambda: _("Accesso richiesto"),
        403: lambda: _("Operazione non consentita"),
        404: lambda: _("Pagina non trovata"),
        405: lambda: _("Metodo non consentito"),
        409: lambda: _("Conflitto"),
        413: lambda: _("Contenuto troppo grande"),
        422: lambda: _("Dati non validi"),
        429: lambda: _("Troppe richieste"),
        500: lambda: _("Errore interno"),
    }
    defaults = {
        400: lambda: _("La richiesta contiene dati non validi."),
        401: lambda: _("Serve un token di accesso valido o una sessione attiva."),
        403: lambda: _("Non hai i permessi per questa operazione."),
        404: lambda: _("La pagina che cerchi non esiste o è stata spostata."),
        405: lambda: _("Questo indirizzo non accetta questo tipo di richiesta."),
        413: lambda: _("Il contenuto inviato è troppo grande."),
        500: lambda: _("Si è verificato un errore inatteso. Riprova tra qualche minuto."),
    }

    def render(code: int, message: str | None,
               errors: dict[str, list[str]] | None = None):
        message = message or defaults.get(code, lambda: "")()
        if is_api_request():
            if code == 401:
                response = problem(code, titles[401](), message, errors=errors)
                response.headers["WWW-Authenticate"] = 'Bearer realm="officina"'
                return response, code
            return problem(code, titles.get(code, lambda: _("Errore"))(), message,
                           errors=errors), code
        if errors:
            message = " ".join([message, *(m for ms in errors.values() for m in ms)])
        if wants_json():
            return make_response(jsonify(error=message)), code
        title = titles.get(code, lambda: _("Errore"))()
        page = render_template("errors/error.html", code=code, title=title, message=message)
        return make_response(page), code

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render(400, _(
            "La sessione del modulo è scaduta o non è valida: ricarica la pagina e riprova."
        ))

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        if error.response is not None:  # the route's on_breach kept the writer's form
            return error.response
        current = limiter.current_limit
        wait = max(1, int(current.reset_at - time.time())) if current else 60
        minutes = max(1, round(wait / 60))
        response, code = render(429, ngettext(
            "Troppi tentativi in poco tempo. Riprova tra %(num)d minuto.",
            "Troppi tentativi in poco tempo. Riprova tra %(num)d minuti.",
            minutes,
        ))
        response.headers["Retry-After"] = str(wait)
        return response, code

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        if isinstance(error, PersonalDataSuspected) and is_api_request():
            return problem(422, titles[422](), error.message,
                           extra={"findings": error.as_json()}), 422
        if isinstance(error, PersonalDataSuspected) and wants_json():
            return make_response(jsonify(error=error.message, findings=error.as_json())), 422
        # no form on this page to show field errors beside: say every reason in the message
        # (the API keeps them by field)
        response, code = render(error.status_code, error.message, error.field_errors)
        if isinstance(error, TooManyRequests):
            response.headers["Retry-After"] = str(error.retry_after)
        return response, code

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code == 304:  # a conditional GET that matched (the ETag stays valid)
            return error.get_response()
        generic = error.description == type(error).description
        data = getattr(error, "data", None) or {}  # webargs' validation messages
        errors = flatten_messages(data["messages"]) if "messages" in data else None
        if errors and error.code == 422:
            return render(422, _("Controlla i campi evidenziati."), errors)
        return render(error.code or 500, None if generic else error.description, errors)

    @app.errorhandler(500)
    def _internal(error: Exception):
        return render(500, None)
