"""Files in a folder of this server (the instance folder by default): one server only."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import IO

from forum.storage.names import check_name


class LocalStorage:
    """A folder, created on the first write; writes land whole (temporary file, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        """The file behind `name` (for `send_file`, which serves a path best)."""
        return self.root / check_name(name)

    def put(self, name: str, data: bytes) -> None:
        """Write `data` to a temporary file beside the target, then rename it: a reader
        never sees half a file."""
        target = self.path(name)
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def put_file(self, name: str, source: Path) -> None:
        """Copy `source` to a temporary file beside the target, then rename it."""
        target = self.path(name)
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        os.close(handle)
        try:
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, name: str) -> IO[bytes]:
        """The file, open for reading; FileNotFoundError when missing."""
        return self.path(name).open("rb")

    def delete(self, name: str) -> None:
        """Remove the file if it is there."""
        self.path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        """Whether the file is there."""
        return self.path(name).is_file()
