"""The Whoosh engine behind ``search_index.SearchBackend``: ``WhooshBackend``.

Every Whoosh call of the project stays inside this package. Indexes live in a folder of
generations (``storage.py``); the names Whoosh pickles into them are stable ones from
``search_index.persisted``, so the modules here can be moved or renamed without making an
existing index unreadable.
"""

from .. import persisted
from .indexer import WhooshBackend

persisted.install_legacy_modules()  # indexes written when these modules sat flat

__all__ = ["WhooshBackend"]
