"""Atomic writes of the page and the figures (temporary file, fsync, rename)."""

import os
import tempfile

def _default_mode():
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path, writer):
    """Calls writer(binary_file) on a temporary file next to path, then renames it into place."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.splitext(path)[1])
    try:
        with os.fdopen(fd, "wb") as f:
            writer(f)
        os.chmod(tmp, _default_mode())  # mkstemp makes 0600; the page is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text_atomic(path, text):
    write_atomic(path, lambda f: f.write(text.encode("utf-8")))
