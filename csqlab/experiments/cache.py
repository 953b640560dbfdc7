"""The on-disk result cache: one checked entry per configuration, written atomically.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from csqlab.experiments.config import Experiment, cache_key, config_hash


class CacheCorruptionWarning(UserWarning):
    """A :class:`ResultCache` entry failed to parse or verify: it is not used, and
    :func:`sweep` recomputes the run and overwrites the entry."""


class CacheDirectoryError(ValueError):
    """A :class:`ResultCache` directory cannot take new files (missing parent, a regular
    file in the way, no permission, full disk); the message names the directory."""


def _records_checksum(records) -> str:
    """SHA-256 (hex) of records as canonical JSON (sorted keys, no spaces): the same for
    the records stored and for the records parsed back from the file."""
    text = json.dumps(records, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """Finished runs on disk, one JSON file per configuration, keyed by :func:`cache_key`
    (configuration hash + package version).

    Files are written atomically (a temporary file in the same directory, flushed to disk,
    then ``os.replace``), so an interrupted sweep never leaves a half-written result: a run
    is either fully cached or absent, and re-running the sweep resumes from the missing
    ones. Each entry holds the configuration, its hash, the package version, the records
    and ``records_sha256``, the SHA-256 of the records (:func:`_records_checksum`).
    :meth:`load` uses an entry only when it parses, is for this configuration and its
    records match the checksum; anything else (a number edited by hand, invalid UTF-8,
    ``null``, no records, an entry written before checksums existed, a directory in the
    entry's place) is reported with a :class:`CacheCorruptionWarning` and treated as
    absent, so :func:`sweep` recomputes it and :meth:`store` overwrites it.
    """

    def __init__(self, directory):
        if not isinstance(directory, (str, os.PathLike)):
            raise TypeError(f"directory must be a path, got {type(directory).__name__}")
        self.directory = Path(directory)

    def path(self, config: Experiment) -> Path:
        return self.directory / f"{cache_key(config)}.json"

    def __contains__(self, config: Experiment) -> bool:
        """True when ``config`` has an entry that verifies (checked quietly)."""
        records, _ = self._read(config)
        return records is not None

    def _read(self, config: Experiment) -> tuple[list[dict] | None, str | None]:
        """``(records, None)`` for an entry that verifies, ``(None, None)`` when absent,
        ``(None, reason)`` when the entry is damaged or not this configuration's."""
        path = self.path(config)
        if path.is_dir():
            return None, "a directory, not a file"
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None, None  # absent (a directory that cannot exist: check_writable says)
        except OSError as error:
            return None, f"unreadable: {error.strerror or error}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return None, f"not valid UTF-8 at byte {error.start}"
        try:
            content = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            return None, f"not valid JSON: {getattr(error, 'msg', error)}"
        if not isinstance(content, dict):
            kind = ("null" if content is None else "an array" if isinstance(content, list)
                    else "a string" if isinstance(content, str) else "a bare value")
            return None, f"not a JSON object but {kind}"
        if "config_hash" not in content:
            return None, "no configuration hash"
        if content["config_hash"] != config_hash(config):
            return None, "written for another configuration"
        records = content.get("records")
        if records is None:
            return None, "no records"
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            return None, "records are not a list of objects"
        checksum = content.get("records_sha256")
        if checksum is None:
            return None, "no checksum: written by an older csqlab"
        if checksum != _records_checksum(records):
            return None, "checksum of the records does not match: edited or damaged"
        if any(row.get("config_hash") != content["config_hash"] for row in records):
            return None, "records of another configuration"
        return records, None

    def load(self, config: Experiment) -> list[dict] | None:
        """The cached records of ``config``; None when absent, or when the entry fails to
        parse or verify — then reported once with a :class:`CacheCorruptionWarning`
        (``cache entry PATH is corrupt (REASON); recomputing``) and never used."""
        records, reason = self._read(config)
        if reason is not None:
            warnings.warn(f"cache entry {self.path(config)} is corrupt ({reason}); recomputing",
                          CacheCorruptionWarning, stacklevel=2)
        return records

    def _refuse(self, error: OSError) -> CacheDirectoryError:
        reason = error.strerror or str(error)
        return CacheDirectoryError(
            f"cache directory {self.directory} cannot take new files ({reason}): choose "
            "another directory (--cache DIR on the command line, cache_dir= in Python) or "
            "make this one writable")

    def check_writable(self) -> None:
        """Create the directory if needed and a probe file in it, then delete the probe;
        :class:`CacheDirectoryError` (a ValueError naming the directory and what to do)
        when that fails. :func:`sweep` calls this before any training."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(dir=self.directory, prefix=".probe-")
            os.close(handle)
            os.unlink(probe)
        except OSError as error:
            raise self._refuse(error) from error

    def store(self, config: Experiment, records: list[dict]) -> Path:
        """Write ``records`` for ``config`` atomically, with their checksum; returns the
        file's path. A directory in the entry's place is removed first (the cache owns
        its entries' names); :class:`CacheDirectoryError` when the directory cannot take
        the file."""
        from csqlab import __version__

        path = self.path(config)
        content = {"config": config.as_dict(), "config_hash": config_hash(config),
                   "version": __version__, "records_sha256": _records_checksum(records),
                   "records": records}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            _write_atomically(path, json.dumps(content).encode())
        except OSError as error:
            raise self._refuse(error) from error
        return path


def _write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same directory,
    flushed to disk, and ``os.replace``: readers see the old file or the new one, never
    half of one (not even after a crash of the machine)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; results are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
