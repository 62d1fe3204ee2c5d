"""The app served for real on a free local port, for tests that drive it from outside
(the browser, schemathesis)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

from forum.extensions import db


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` with werkzeug (threaded) and yield its base URL; afterwards stop the
    server and release the app's database connections and search index."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="officina-live", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()
        index = app.extensions.pop("search_index", None)
        if index is not None:
            index.close()
