"""The app's access log: one line per request, in a file rotated at midnight and kept
ACCESS_LOG_RETENTION_DAYS days (the standard library's TimedRotatingFileHandler deletes
older files). IP addresses are personal data: they are kept no longer than that. Off
unless ACCESS_LOG_PATH is set. Under several gunicorn workers put "{pid}" in the path (one
file per process: two processes must not rotate one file), or use gunicorn's access log
rotated by logrotate with the same number of days (README, "Privacy e GDPR")."""

from __future__ import annotations

import logging
import os
import time
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path

from flask import Flask, Response, g, request

LOGGER = "officina.access"


def handler_for(path: str, retention_days: int) -> TimedRotatingFileHandler:
    """A handler rotating at midnight (UTC) that keeps `retention_days` old files."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = TimedRotatingFileHandler(path, when="midnight", backupCount=max(1, retention_days),
                                       encoding="utf-8", utc=True, delay=True)
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def init_access_log(app: Flask) -> None:
    """Log each request to ACCESS_LOG_PATH, if configured."""
    configured = app.config.get("ACCESS_LOG_PATH")
    if not configured:
        return
    path = str(configured).replace("{pid}", str(os.getpid()))
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if not any(getattr(h, "baseFilename", None) == str(Path(path).resolve())
               for h in logger.handlers):
        logger.addHandler(handler_for(path, int(app.config["ACCESS_LOG_RETENTION_DAYS"])))

    @app.before_request
    def _start() -> None:
        g.access_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        took = time.perf_counter() - g.get("access_started", time.perf_counter())
        logger.info('%s - [%s] "%s %s" %s %s %.3f', request.remote_addr or "-",
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), request.method,
                    request.path, response.status_code, response.calculate_content_length()
                    or "-", took)
        return response
