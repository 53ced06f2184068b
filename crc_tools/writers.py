"""The one writer of output files: every command that writes a file goes through here.

Rules (SECURITY.md, "Writing files"):

* An existing path is replaced only with ``force`` (``--force``), or, for a document, when
  it is that document's own earlier version (same subject); and never unless it is a
  regular file: a symbolic link, a folder, a FIFO, a socket or a device node is left
  alone even with ``--force``.
* No symbolic link is followed inside the output folder: every file is opened relative to
  the folder's descriptor with ``O_NOFOLLOW``/``O_EXCL``, and replaced by ``rename``, which
  replaces a directory entry, never what a link points to.
* The formats of one document (HTML, DOCX, …) are written as a set: each is written in
  full beside its target first; then all are put in place, and if one cannot be, those
  already replaced are put back. A full disk, a permission error or a folder in the way
  leaves the earlier set as it was and is reported as ``PATH: message`` (exit 1).
* A name is reserved for its subject atomically (a claim file created with ``link``,
  which fails when the name exists), in the hidden folder ``.crc-names`` of the output
  folder; two renders at once whose names sanitise alike (``Foo/Bar``, ``Foo-Bar``) get
  ``name`` and ``name-2``, and a later render of either finds its own name again.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import stat
from pathlib import Path

from .errors import CrcError, UsageError
from .text import safe_filename

CLAIMS = ".crc-names"
"""Hidden folder, inside an output folder, holding one claim file per reserved name."""
MAX_STEM = 120
"""Longest file-name stem written (the file system allows 255 bytes; room is left for ``-N.failed.ipynb``)."""
MAX_NAMES = 999
SUBJECT_META = "crc-subject"
"""Name of the HTML ``<meta>`` (and the DOCX identifier) that says whose document a file is."""
UNKNOWN = "\x00unknown"
"""The owner of a file whose subject cannot be told (made by hand, or by another program)."""
_READ_LIMIT = 64 * 1024


class OutputError(CrcError):
    """A file could not be written (full disk, permission, something in the way): ``PATH: message``, exit 1."""

    def __init__(self, path, message: str):
        super().__init__(message, source=str(path))


# --------------------------------------------------------------------------- names


def subject_tag(subject: str) -> str:
    """Return the short, stable form of a document's subject recorded in its files and claim.

    A subject longer than 200 characters is cut and followed by a digest of the whole, so
    two long subjects never share a tag and the tag of one subject never changes.
    """
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]", "", " ".join(str(subject).split()))
    if len(text) <= 200:
        return text
    digest = hashlib.sha256(str(subject).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{text[:160]} … sha256:{digest}"


def fit_stem(stem: str, *, subject: str = "", keep_end: str = "", default: str = "document", max_length: int = MAX_STEM) -> str:
    """Return a safe file-name stem that keeps its start (the document kind) and ``keep_end`` (the category).

    A stem too long is cut in the middle; a digest of ``subject`` (or of the stem) takes the
    cut part's place, so two long names cut alike still get names of their own.
    """
    safe = safe_filename(stem, default=default, max_length=10 * max_length)
    if len(safe) <= max_length:
        return safe
    end = safe_filename(keep_end, default="") if keep_end else ""
    if not (end and safe.endswith("-" + end)):
        end = ""
    digest = hashlib.sha256((subject or stem).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    room = max_length - len(digest) - (len(end) + 2 if end else 1)
    head = safe[:room].rstrip("-._")
    return "-".join(p for p in (head, digest, end) if p)


# --------------------------------------------------------------------------- low level


def _kind(mode: int) -> str:
    for test, word in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return word
    return "not a regular file"


def _lstat(name: str, dfd: int):
    try:
        return os.stat(name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_fd(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (a write may be partial)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _write_temp(dfd: int, name: str, data: bytes, mode: int) -> str:
    """Write ``data`` in full to a new hidden file beside ``name``; return the temporary name."""
    tmp = f".{name[:150]}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dfd)
    try:
        os.fchmod(fd, mode)
        _write_fd(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dfd)
        raise
    os.close(fd)
    return tmp


def _read_head(dfd: int, name: str, limit: int = _READ_LIMIT) -> bytes | None:
    """Return the first bytes of a regular file in the folder, never through a link; ``None`` if it cannot be read."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, limit)
    except OSError:
        return None
    finally:
        os.close(fd)


@contextlib.contextmanager
def _folder(path: Path, *, create: bool = True):
    """Yield a descriptor of the output folder (created if need be); everything inside is reached through it."""
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise OutputError(path, "not a folder but an existing file; give a folder for the results") from None
        except OSError as exc:
            raise OutputError(path, f"cannot create the folder: {exc.strerror or exc}") from None
    try:
        dfd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UsageError(f"folder {path} does not exist") from None
    except NotADirectoryError:
        raise OutputError(path, "not a folder") from None
    except OSError as exc:
        raise OutputError(path, f"cannot open the folder: {exc.strerror or exc}") from None
    try:
        yield dfd
    finally:
        os.close(dfd)


def _fail(path, exc: OSError, what: str = "cannot write") -> OutputError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        reason += " (the disk or the file-size limit is full)"
    return OutputError(path, f"{what}: {reason}; nothing was replaced")


# --------------------------------------------------------------------------- one file


def write_file(path: str | os.PathLike, data: bytes | str, *, force: bool = False, parents: bool = False) -> Path:
    """Write one file at a path the user named (``--out FILE``); return the path.

    Parameters
    ----------
    path : path
        The file to write. Its folder must exist.
    data : bytes or str
        The content (text is written as UTF-8).
    force : bool
        Replace an existing regular file (``--force``). Anything but a regular file is
        never replaced.
    parents : bool
        Create the folder (and its parents) when missing.

    Raises
    ------
    UsageError
        The file exists and ``force`` is not given, or its folder does not exist.
    OutputError
        It cannot be written (not a regular file, full disk, permission denied).
    """
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise UsageError(f"{path}: give the name of a file to write")
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    with _folder(path.parent, create=parents) as dfd:
        _put(dfd, path.parent, {path.name: payload}, replace=force)
    return path


def _put(dfd: int, folder: Path, files: dict[str, bytes], *, replace) -> None:
    """Write ``files`` (name → bytes) in ``folder`` (descriptor ``dfd``) as a set: all put in place, or none.

    ``replace`` is a bool, or a callable ``replace(name, existing_head) -> bool`` deciding
    whether an existing regular file may be replaced.
    """
    for name in files:  # refuse what is in the way before writing anything
        st = _lstat(name, dfd)
        if st is None:
            continue
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(folder / name, f"{_kind(st.st_mode)} is in the way; it is never replaced, not even with --force: remove it or write elsewhere")
        allowed = replace(name, _read_head(dfd, name)) if callable(replace) else replace
        if not allowed:
            raise UsageError(f"{folder / name} exists; choose another name or add --force to replace it")
    temps: dict[str, str] = {}
    new_mode = 0o666 & ~_umask()
    try:
        for name, data in files.items():
            st = _lstat(name, dfd)
            mode = stat.S_IMODE(st.st_mode) & 0o666 if st is not None and stat.S_ISREG(st.st_mode) else new_mode
            try:
                temps[name] = _write_temp(dfd, name, data, mode)
            except OSError as exc:
                raise _fail(folder / name, exc) from None
        _swap(dfd, folder, temps)
    finally:
        for tmp in temps.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dfd)
    with contextlib.suppress(OSError):
        os.fsync(dfd)


def _swap(dfd: int, folder: Path, temps: dict[str, str]) -> None:
    """Put every temporary file in place of its target; on a failure put the earlier files back."""
    backups: dict[str, str | None] = {}
    current = next(iter(temps), "")
    try:
        for current, tmp in temps.items():
            st = _lstat(current, dfd)
            if st is not None and not stat.S_ISREG(st.st_mode):  # appeared since the check
                raise OutputError(folder / current, f"{_kind(st.st_mode)} is in the way; it is never replaced")
            backup = None
            if st is not None:
                backup = f".{current[:150]}.{secrets.token_hex(4)}.bak"
                os.link(current, backup, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
            backups[current] = backup
            _rename(tmp, current, dfd)
    except OSError as exc:
        _restore(dfd, backups)
        raise _fail(folder / current, exc) from None
    except BaseException:
        _restore(dfd, backups)
        raise
    for backup in backups.values():
        if backup:
            with contextlib.suppress(OSError):
                os.unlink(backup, dir_fd=dfd)


def _rename(src: str, dst: str, dfd: int) -> None:
    """Rename inside the folder (replaces the directory entry ``dst``, never what a link there points to)."""
    os.rename(src, dst, src_dir_fd=dfd, dst_dir_fd=dfd)


def _restore(dfd: int, backups: dict[str, str | None]) -> None:
    for name, backup in backups.items():
        with contextlib.suppress(OSError):
            if backup:
                os.rename(backup, name, src_dir_fd=dfd, dst_dir_fd=dfd)
            else:
                os.unlink(name, dir_fd=dfd)
        if backup:  # renaming a link onto the same file does nothing: the backup may remain
            with contextlib.suppress(OSError):
                os.unlink(backup, dir_fd=dfd)


# --------------------------------------------------------------------------- claims


def _claims_folder(dfd: int, folder: Path) -> int:
    """Return a descriptor of the output folder's ``.crc-names`` (created if need be, never a link)."""
    try:
        os.mkdir(CLAIMS, 0o755, dir_fd=dfd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise _fail(folder / CLAIMS, exc, "cannot create the folder of name claims") from None
    try:
        return os.open(CLAIMS, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dfd)
    except OSError as exc:
        raise OutputError(folder / CLAIMS, f"not a folder of name claims ({exc.strerror or exc}); remove it") from None


def _claim(cfd: int, stem: str, tag: str) -> tuple[str, bool]:
    """Claim ``stem`` for ``tag`` atomically; return the name's owner and whether this call claimed it."""
    tmp = _write_temp(cfd, stem, tag.encode("utf-8", "surrogatepass"), 0o644)
    try:
        os.link(tmp, stem, src_dir_fd=cfd, dst_dir_fd=cfd, follow_symlinks=False)
        return tag, True
    except FileExistsError:
        head = _read_head(cfd, stem, 4096)
        return (head.decode("utf-8", "replace") if head is not None else UNKNOWN), False
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=cfd)


def _set_claim(cfd: int, stem: str, owner: str) -> None:
    tmp = _write_temp(cfd, stem, owner.encode("utf-8", "surrogatepass"), 0o644)
    os.rename(tmp, stem, src_dir_fd=cfd, dst_dir_fd=cfd)


def recorded_subject(head: bytes | None, ext: str) -> str | None:
    """Return the subject an existing document file records (HTML ``<meta>``, DOCX identifier); ``None`` when it records none."""
    if not head:
        return None
    if ext == "html":
        m = re.search(rb'<meta name="' + SUBJECT_META.encode() + rb'" content="([^"]*)"', head[:20_000])
        if m:
            import html

            return html.unescape(m.group(1).decode("utf-8", "replace"))
    return None


def _docx_subject(dfd: int, name: str) -> str | None:
    """Return the identifier in a DOCX's core properties (read without following links), or ``None``."""
    import zipfile

    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or os.fstat(fd).st_size > 200 * 1024 * 1024:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh, zipfile.ZipFile(fh) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1_000_000:
                return None
            m = re.search(rb"<dc:identifier>([^<]*)</dc:identifier>", zf.read(info))
        if m:
            import html

            return html.unescape(m.group(1).decode("utf-8", "replace"))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return None
    finally:
        os.close(fd)
    return None


# --------------------------------------------------------------------------- a set of files under a reserved name


DOCUMENT_EXTS = ("html", "docx", "ipynb", "pdf", "failed.ipynb")
"""The files a document's name may carry: consulted to tell whose an unclaimed name is."""


def _first_line(data: bytes | None) -> bytes:
    return (data or b"")[:4096].split(b"\n", 1)[0]


def _file_owner(dfd: int, name: str, ext: str, new: bytes | None) -> str | None:
    """Return whose an existing file is: a subject, :data:`UNKNOWN`, or ``None`` when there is no file."""
    st = _lstat(name, dfd)
    if st is None:
        return None
    if not stat.S_ISREG(st.st_mode):
        return UNKNOWN
    if ext == "docx":
        return _docx_subject(dfd, name) or UNKNOWN
    head = _read_head(dfd, name)
    if ext == "html":
        return recorded_subject(head, ext) or UNKNOWN
    if ext in ("csv", "json") and new is not None and _first_line(head) == _first_line(new) and _first_line(new):
        return ""  # the same table as the one about to be written: an earlier output of the same command
    return UNKNOWN


def _unclaimed_owner(dfd: int, stem: str, files: dict[str, bytes], tag: str, subject: str) -> str | None:
    """Return whose the files already at ``stem`` are (a name made before claims, or by hand); ``None`` when there are none."""
    owners = set()
    for ext in dict.fromkeys([*files, *DOCUMENT_EXTS]):
        owner = _file_owner(dfd, f"{stem}.{ext}", ext, files.get(ext))
        if owner is not None:
            owners.add(tag if owner in ("", tag, subject, subject[:250], subject.strip()) else owner)
    if not owners:
        return None
    others = owners - {tag, UNKNOWN}
    if others:
        return sorted(others)[0]
    return tag if tag in owners else UNKNOWN


def _reserve(dfd: int, folder: Path, stem: str, files: dict[str, bytes], subject: str, *, force: bool, rename: bool) -> str:
    """Return the name ``stem`` (or ``stem-2``, ``stem-3`` … with ``rename``) reserved for ``subject``."""
    tag = subject_tag(subject)
    cfd = _claims_folder(dfd, folder)
    try:
        for n in range(1, MAX_NAMES + 1):
            name = stem if n == 1 else f"{stem}-{n}"
            try:
                owner, new = _claim(cfd, name, tag)
                if new:
                    found = _unclaimed_owner(dfd, name, files, tag, subject)
                    if found not in (None, tag) and not (force and (found == UNKNOWN or not rename)):
                        _set_claim(cfd, name, found)  # the name is the earlier files'
                        owner = found
                elif owner != tag and force and (owner == UNKNOWN or not rename):
                    _set_claim(cfd, name, tag)
                    owner = tag
            except OSError as exc:
                raise _fail(folder / CLAIMS / name, exc, "cannot reserve the name") from None
            if owner == tag:
                return name
            if not rename:
                whose = "files not written by this command" if owner == UNKNOWN else f"another document ({owner})"
                raise UsageError(f"{folder / name}.*: the name belongs to {whose}; add --force to replace them, or write elsewhere")
        raise OutputError(folder / stem, f"more than {MAX_NAMES} documents take this name in {folder}")
    finally:
        os.close(cfd)


def write_set(folder: str | os.PathLike, stem: str, files: dict[str, bytes | str], *, subject: str, force: bool = False, rename: bool = True) -> tuple[str, dict[str, Path]]:
    """Write the formats of one document as a set, under a name reserved for its subject.

    Parameters
    ----------
    folder : path
        The output folder (created if need be).
    stem : str
        The file name without extension (made safe by :func:`fit_stem` beforehand).
    files : dict
        Extension (``html``, ``docx``, ``csv`` …) → content.
    subject : str
        What the document is about: its earlier version (same subject) is replaced; a
        document of another subject is never replaced.
    force : bool
        Take over a name held by files whose subject cannot be told (and, without
        ``rename``, by another subject).
    rename : bool
        When the name belongs to another subject, use ``stem-2``, ``stem-3`` …; otherwise refuse.

    Returns
    -------
    tuple
        The name used and the path of each format.
    """
    folder = Path(folder)
    payloads = {ext: (d.encode("utf-8") if isinstance(d, str) else bytes(d)) for ext, d in files.items()}
    with _folder(folder) as dfd:
        name = _reserve(dfd, folder, stem, payloads, subject, force=force, rename=rename)
        _put(dfd, folder, {f"{name}.{ext}": data for ext, data in payloads.items()}, replace=True)
    where = folder.resolve()
    return name, {ext: where / f"{name}.{ext}" for ext in payloads}


def remove_own(folder: str | os.PathLike, name: str) -> None:
    """Remove a regular file of the output folder (a superseded ``.failed.ipynb``); links and the rest are left alone."""
    with contextlib.suppress(OSError), _folder(Path(folder), create=False) as dfd:
        st = _lstat(name, dfd)
        if st is not None and stat.S_ISREG(st.st_mode):
            os.unlink(name, dir_fd=dfd)


__all__ = ["OutputError", "write_file", "write_set", "remove_own", "subject_tag", "fit_stem", "recorded_subject", "SUBJECT_META", "CLAIMS", "MAX_STEM"]
