"""`mockserver serve --ready-file`: the URL, written where a CI script waits for it.

The path is checked before anything is loaded or bound, so a folder, or a file that cannot
be written (/proc/version), is one line at start-up rather than a traceback once serving.
Nothing is left there until the fake answers (a stale URL is removed at start-up); then the
URL is written to a file beside it and renamed into place, so a script polling for the file
never reads half a line.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..spec.errors import ConfigError


class ReadyFile:
    """Where the URL goes; checked on construction, written by `write` once the fake answers."""

    def __init__(self, path: Path) -> None:
        self.label = f"--ready-file {path}"
        if not path.parent.is_dir():
            self.refuse("its folder does not exist", "create the folder first")
        if path.is_dir():
            self.refuse("is a folder", f"name a file in it, e.g. {path / 'url'}")
        self.path = path.resolve()  # a link is followed, not replaced
        self.direct = path.exists() and not path.is_file()  # a pipe or a device: written in place
        if path.exists() and not os.access(self.path, os.W_OK):
            self.refuse("cannot be written (permission denied)", "name a file you may write")
        try:
            if not self.direct:
                self._probe()
        except OSError as exc:
            self.refuse(
                f"cannot be written ({exc.strerror or exc} in {self.path.parent})",
                "name a file in a folder you may write",
            )

    def refuse(self, problem: str, fix: str) -> None:
        raise ConfigError(self.label, "", problem, fix)

    def write(self, url: str) -> None:
        if self.direct:
            self.path.write_text(url + "\n")
        else:
            self._replace(url + "\n")

    def _probe(self) -> None:
        """Prove the folder takes new files, leaving none behind, and remove a stale URL: the file
        appears only once the fake answers, so `until [ -f F ]` waits as well as `until [ -s F ]`."""
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        os.close(fd)
        Path(temp).unlink()
        self.path.unlink(missing_ok=True)

    def _replace(self, text: str) -> None:
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w") as out:
                out.write(text)
            os.chmod(temp, 0o666 & ~_umask())  # as open() would make it, not mkstemp's 0600
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def _umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
