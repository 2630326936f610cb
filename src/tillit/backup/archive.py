"""The archive's content: a tar stream, sealed by crypto.py, that can be written and read in one
pass without holding more than one batch of rows or one document in memory.

    tillit-backup.json                      format version, when, from which database, and the
                                            migrations applied (a restore needs the same)
    data/NNN-app.model/NNNNNN.jsonl.gz      up to 1000 rows of a model as JSON Lines, gzipped;
                                            models in dependency order (scope.py)
    storage/<storage name>                  a document's stored file as it is, still encrypted
                                            under DOCUMENT_KEYS
    manifest.json                           rows per model, the SHA-256 and size of each stored
                                            file, the audit chain's head; always last

Each part is checked against the manifest when the archive is read (see Contents).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tarfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from tillit.backup.crypto import ArchiveError, DecryptingReader, EncryptingWriter

FORMAT = 1
HEADER = "tillit-backup.json"
MANIFEST = "manifest.json"
_DATA = re.compile(r"data/(?P<position>\d{3})-(?P<label>[a-z0-9_]+\.[a-z0-9_]+)/\d{6}\.jsonl\.gz")
_STORAGE = "storage/"


@dataclass
class Manifest:
    counts: dict[str, int] = field(default_factory=dict)
    # Storage name: {"sha256": of the stored (encrypted) file, "size": in bytes}.
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The audit chain as verify_chain found it when the backup was made.
    audit: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def file_bytes(self) -> int:
        return sum(entry["size"] for entry in self.files.values())


@dataclass(frozen=True)
class Part:
    """One part of an archive as it is read: rows of a model, or a stored file."""

    kind: str  # "rows" or "file"
    name: str  # the model's label, or the storage name
    content: bytes  # the rows as JSON Lines, or the stored file


class ArchiveWriter:
    def __init__(self, target: IO[bytes], key: bytes) -> None:
        self._sealed = EncryptingWriter(target, key)
        # Closed by finish(), which alone makes the archive complete.
        self._tar = tarfile.open(  # noqa: SIM115
            fileobj=self._sealed, mode="w|", format=tarfile.PAX_FORMAT
        )
        self._mtime = time.time()
        self._batches: dict[str, int] = {}

    def header(self, values: dict[str, Any]) -> None:
        self._add(HEADER, _json({"format": FORMAT, **values}))

    def rows(self, position: int, label: str, text: str) -> None:
        number = self._batches[label] = self._batches.get(label, 0) + 1
        content = gzip.compress(text.encode(), compresslevel=6, mtime=0)
        self._add(f"data/{position:03d}-{label}/{number:06d}.jsonl.gz", content)

    def file(self, name: str, content: bytes) -> None:
        self._add(_STORAGE + name, content)

    def finish(self, manifest: Manifest) -> None:
        self._add(MANIFEST, _json({"format": FORMAT, **asdict(manifest)}))
        self._tar.close()
        self._sealed.finish()

    def _add(self, name: str, content: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(content), self._mtime, 0o600
        self._tar.addfile(info, io.BytesIO(content))


class Contents:
    """Read an archive: header() first, then parts(), then manifest(), which also checks that
    the parts were what the manifest lists. Any flaw raises ArchiveError."""

    def __init__(self, source: IO[bytes], key: bytes) -> None:
        self._plain = DecryptingReader(source, key)
        try:
            # Read to its end by manifest(); a failed restore just drops it with the file.
            self._tar = tarfile.open(  # noqa: SIM115
                fileobj=io.BufferedReader(self._plain), mode="r|"
            )
            self._members = iter(self._tar)
        except tarfile.TarError as exc:
            raise ArchiveError(f"the archive's content is not readable: {exc}") from None
        self._counted: dict[str, int] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._manifest: Manifest | None = None

    def header(self) -> dict[str, Any]:
        name, content = self._next()
        if name != HEADER:
            raise ArchiveError(f"the archive starts with {name}, not {HEADER}")
        values: dict[str, Any] = _parse(name, content)
        if values.get("format") != FORMAT:
            raise ArchiveError(f"the archive is in format {values.get('format')}, not {FORMAT}")
        return values

    def parts(self) -> Iterator[Part]:
        while True:
            name, content = self._next()
            if name == MANIFEST:
                values = {k: v for k, v in _parse(name, content).items() if k != "format"}
                try:
                    self._manifest = Manifest(**values)
                except TypeError as exc:
                    raise ArchiveError(f"{name} is not a manifest: {exc}") from None
                return
            if match := _DATA.fullmatch(name):
                try:
                    text = gzip.decompress(content)
                except (OSError, EOFError) as exc:
                    raise ArchiveError(f"{name} is not readable: {exc}") from None
                yield Part("rows", match["label"], text)
            elif name.startswith(_STORAGE):
                stored = name.removeprefix(_STORAGE)
                self._files[stored] = {
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "size": len(content),
                }
                yield Part("file", stored, content)
            else:
                raise ArchiveError(f"the archive holds {name}, which is no part of the format")

    def count(self, counts: dict[str, int]) -> None:
        """Add the rows the caller found in a part, to be checked against the manifest."""
        for label, number in counts.items():
            self._counted[label] = self._counted.get(label, 0) + number

    def manifest(self) -> Manifest:
        if self._manifest is None:
            raise ArchiveError("the archive has no manifest")
        # Read to the very end: only the last chunk proves that nothing was cut off.
        while self._plain.read(1024 * 1024):
            pass
        listed = {label: n for label, n in self._manifest.counts.items() if n}
        found = {label: n for label, n in self._counted.items() if n}
        if listed != found:
            wrong = sorted(set(listed.items()) ^ set(found.items()))[:5]
            raise ArchiveError(f"the rows do not match the manifest: {wrong}")
        if self._files != self._manifest.files:
            raise ArchiveError("the stored files do not match the manifest")
        return self._manifest

    def _next(self) -> tuple[str, bytes]:
        try:
            member = next(self._members, None)
            if member is None:
                raise ArchiveError("the archive ends before its manifest")
            extracted = self._tar.extractfile(member) if member.isfile() else None
            if extracted is None:
                raise ArchiveError(f"{member.name} is not a file")
            return member.name, extracted.read()
        except tarfile.TarError as exc:
            raise ArchiveError(f"the archive's content is not readable: {exc}") from None


def _json(values: dict[str, Any]) -> bytes:
    return json.dumps(values, indent=1, sort_keys=True).encode()


def _parse(name: str, content: bytes) -> dict[str, Any]:
    try:
        values = json.loads(content)
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise ArchiveError(f"{name} is not a JSON object")
    return values
