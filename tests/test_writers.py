"""The one writer (crc_tools.writers): nothing replaced without --force, nothing but regular files, sets written whole.

Issue 16: `crc register export --out` overwrote files without --force and replaced links, FIFOs
and devices; a link in the output folder made `crc dgd` write over another file; two renders at
once whose names sanitise alike wrote to one path; long names lost their category; a full disk or
a folder in the way gave `internal error` and left a new HTML beside an old DOCX.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crc_tools import writers
from crc_tools.writers import OutputError, fit_stem, subject_tag, write_file, write_set

from .conftest import run_crc, write_bulk

CRC = [sys.executable, "-m", "crc_tools.cli.main"]


def _device(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("creating a device node needs root")


IN_THE_WAY = {
    "symlink": lambda p: p.symlink_to(p.with_name("precious.txt")),
    "dangling-symlink": lambda p: p.symlink_to(p.with_name("not-yet.txt")),
    "fifo": lambda p: os.mkfifo(p),
    "device": _device,
    "folder": lambda p: p.mkdir(),
}


def _own_folder(tmp_path: Path) -> Path:
    """A folder holding only what the test puts there (tmp_path also holds the test's register)."""
    folder = tmp_path / "w"
    folder.mkdir()
    return folder


def _snapshot(folder: Path) -> dict:
    return {p.name: (stat.S_IFMT(os.lstat(p).st_mode), p.read_bytes() if p.is_file() and not p.is_symlink() else os.readlink(p) if p.is_symlink() else None) for p in folder.iterdir()}


# --------------------------------------------------------------------------- one file (--out FILE)


def test_register_export_never_replaces_a_file_without_force(tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("keep me", encoding="utf-8")
    r = run_crc("register", "export", "--out", target)
    assert r.code == 2 and f"{target} exists; choose another name or add --force" in r.err
    assert target.read_text(encoding="utf-8") == "keep me"
    r = run_crc("register", "export", "--out", target, "--force")
    assert r.code == 0, r.err
    assert target.read_text(encoding="utf-8").startswith("entry_id,")


@pytest.mark.parametrize("kind", sorted(IN_THE_WAY))
@pytest.mark.parametrize("command", [("register", "export", "--out"), ("template", "notifications", "--out")], ids=["register-export", "template"])
def test_only_a_regular_file_is_ever_replaced_even_with_force(tmp_path, kind, command):
    tmp_path = _own_folder(tmp_path)
    (tmp_path / "precious.txt").write_text("precious", encoding="utf-8")
    target = tmp_path / "out.csv"
    IN_THE_WAY[kind](target)
    before = _snapshot(tmp_path)
    r = run_crc(*command, target, "--force")
    assert r.code == 1 and "internal error" not in r.err and "Traceback" not in r.err, r.err
    assert f"{target}: " in r.err and "is in the way; it is never replaced" in r.err
    assert _snapshot(tmp_path) == before


def test_dev_null_stays_a_device(tmp_path):
    """As root, `--out /dev/null --force` turned the device into a regular 0666 file."""
    node = tmp_path / "null"
    _device(node)
    r = subprocess.run([*CRC, "register", "export", "--out", str(node), "--force"], capture_output=True, text=True)
    assert r.returncode == 1 and "a device is in the way" in r.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_new_file_gets_the_umask_mode_and_a_replaced_one_keeps_its_mode_without_special_bits(tmp_path):
    path = write_file(tmp_path / "a.csv", "x\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()
    os.chmod(path, 0o4755)
    write_file(path, "y\n", force=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644 and path.read_text() == "y\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- sets under reserved names


def test_a_set_is_written_whole_or_not_at_all_on_a_full_disk(tmp_path, monkeypatch):
    tmp_path = _own_folder(tmp_path)
    write_set(tmp_path, "doc", {"html": "old html", "docx": b"old docx"}, subject="dgd A")
    real = writers._write_fd

    def full(fd, data):
        if bytes(data) == b"new docx":
            real(fd, data[:3])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)

    monkeypatch.setattr(writers, "_write_fd", full)
    with pytest.raises(OutputError) as err:
        write_set(tmp_path, "doc", {"html": "new html", "docx": b"new docx"}, subject="dgd A")
    assert str(err.value) == f"{tmp_path / 'doc.docx'}: cannot write: No space left on device (the disk or the file-size limit is full); nothing was replaced"
    assert (tmp_path / "doc.html").read_text() == "old html" and (tmp_path / "doc.docx").read_bytes() == b"old docx"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".crc-names", "doc.docx", "doc.html"], "a temporary file was left behind"


def test_a_failure_while_putting_the_set_in_place_puts_the_earlier_files_back(tmp_path, monkeypatch):
    tmp_path = _own_folder(tmp_path)
    write_set(tmp_path, "doc", {"html": "old html", "docx": b"old docx", "pdf": b"old pdf"}, subject="dgd A")
    real = writers._rename
    done = []

    def failing(src, dst, dfd):
        if dst == "doc.pdf":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        done.append(dst)
        real(src, dst, dfd)

    monkeypatch.setattr(writers, "_rename", failing)
    with pytest.raises(OutputError, match="doc.pdf: cannot write: Permission denied"):
        write_set(tmp_path, "doc", {"html": "new", "docx": b"new", "pdf": b"new"}, subject="dgd A")
    assert done == ["doc.html", "doc.docx"]
    assert [(tmp_path / f"doc.{e}").read_bytes() for e in ("html", "docx", "pdf")] == [b"old html", b"old docx", b"old pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".crc-names", "doc.docx", "doc.html", "doc.pdf"]


def test_a_name_is_reserved_per_subject_and_found_again(tmp_path):
    a, _ = write_set(tmp_path, "dgd-Foo-Bar-industrial", {"html": "A"}, subject="dgd | Foo/Bar | industrial")
    b, _ = write_set(tmp_path, "dgd-Foo-Bar-industrial", {"html": "B"}, subject="dgd | Foo-Bar | industrial")
    again, _ = write_set(tmp_path, "dgd-Foo-Bar-industrial", {"html": "A2", "docx": b"A2"}, subject="dgd | Foo/Bar | industrial")
    assert (a, b, again) == ("dgd-Foo-Bar-industrial", "dgd-Foo-Bar-industrial-2", "dgd-Foo-Bar-industrial")
    assert (tmp_path / f"{b}.html").read_text() == "B" and (tmp_path / f"{a}.html").read_text() == "A2"


@pytest.mark.parametrize("kind", sorted(IN_THE_WAY))
def test_a_link_or_anything_odd_at_a_new_name_is_left_alone(tmp_path, kind):
    (tmp_path / "precious.txt").write_text("precious", encoding="utf-8")
    IN_THE_WAY[kind](tmp_path / "doc.html")
    before = _snapshot(tmp_path)
    name, paths = write_set(tmp_path, "doc", {"html": "new", "docx": b"new"}, subject="dgd A")
    assert name == "doc-2" and paths["html"].read_text() == "new"
    after = _snapshot(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before


def test_a_folder_in_the_way_of_a_documents_own_name_is_reported_and_nothing_replaced(tmp_path):
    write_set(tmp_path, "doc", {"html": "old html", "docx": b"old docx"}, subject="dgd A")
    (tmp_path / "doc.docx").unlink()
    (tmp_path / "doc.docx").mkdir()
    with pytest.raises(OutputError) as err:
        write_set(tmp_path, "doc", {"html": "new html", "docx": b"new docx"}, subject="dgd A")
    assert str(err.value).startswith(f"{tmp_path / 'doc.docx'}: a folder is in the way")
    assert (tmp_path / "doc.html").read_text() == "old html"


def test_unmarked_files_are_not_replaced_without_force(tmp_path):
    (tmp_path / "review-status.csv").write_text("hand,made\n", encoding="utf-8")
    with pytest.raises(Exception, match="belongs to files not written by this command; add --force"):
        write_set(tmp_path, "review-status", {"csv": "chemical,category\n"}, subject="crc demo: review-status", rename=False)
    assert (tmp_path / "review-status.csv").read_text() == "hand,made\n"
    write_set(tmp_path, "review-status", {"csv": "chemical,category\n"}, subject="crc demo: review-status", rename=False, force=True)
    assert (tmp_path / "review-status.csv").read_text() == "chemical,category\n"


def test_an_earlier_table_of_the_same_header_is_the_commands_own(tmp_path):
    """A table written before names were claimed (same header) is replaced: `make demo` keeps working in an old reports/."""
    (tmp_path / "review-status.csv").write_text("chemical,category\nold,row\n", encoding="utf-8")
    write_set(tmp_path, "review-status", {"csv": "chemical,category\nnew,row\n"}, subject="crc demo: review-status", rename=False)
    assert (tmp_path / "review-status.csv").read_text() == "chemical,category\nnew,row\n"


def test_long_names_keep_kind_and_category_and_differ_by_subject():
    long_a = "dgd-" + "Polychlorinated-biphenyls-" * 8 + "A-industrial"
    stem_a = fit_stem(long_a, subject="dgd | " + "x" * 300 + "A | industrial", keep_end="industrial")
    stem_b = fit_stem(long_a, subject="dgd | " + "x" * 300 + "B | industrial", keep_end="industrial")
    assert stem_a.startswith("dgd-Polychlorinated") and stem_a.endswith("-industrial") and len(stem_a) <= writers.MAX_STEM
    assert stem_a != stem_b
    assert fit_stem("dgd-Endosulfan-pesticide", keep_end="pesticide") == "dgd-Endosulfan-pesticide"
    assert subject_tag("x" * 300) == subject_tag("x" * 300) != subject_tag("x" * 299 + "y")
    assert len(subject_tag("x" * 300)) < 200


def _race(args):
    folder, stem, subject, barrier = args
    barrier.wait()
    name, _ = write_set(folder, stem, {"html": subject, "docx": subject.encode()}, subject=subject)
    return name


def test_two_processes_writing_names_that_sanitise_alike_never_share_one(tmp_path):
    """The free name was checked and then written in separate steps: two renders at once wrote one path."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        for i in range(20):
            folder = tmp_path / f"round{i}"
            barrier = manager.Barrier(2)
            with ctx.Pool(2) as pool:
                names = pool.map(_race, [(folder, "dgd-Foo-Bar-industrial", "dgd | Foo/Bar", barrier), (folder, "dgd-Foo-Bar-industrial", "dgd | Foo-Bar", barrier)])
            assert sorted(names) == ["dgd-Foo-Bar-industrial", "dgd-Foo-Bar-industrial-2"]
            for name, subject in zip(names, ("dgd | Foo/Bar", "dgd | Foo-Bar"), strict=True):
                assert (folder / f"{name}.html").read_text() == subject and (folder / f"{name}.docx").read_text() == subject


# --------------------------------------------------------------------------- real documents


def _two_alike(tmp_path, names):
    rows = []
    for n, chem in enumerate(names):
        for i, party in enumerate(("Canada", "Kenya")):
            rows.append({"notification_id": f"N-{n}-{i}", "chemical": chem, "category": "industrial", "notifying_party": party, "annex_i_verified": "true", "annex_ii_conclusion": "met"})
    return write_bulk(tmp_path / "alike.csv", rows, ["notification_id", "chemical", "category", "notifying_party", "annex_i_verified", "annex_ii_conclusion"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "names",
    [pytest.param(("Хлорфос", "Фосфамидон"), id="sanitise-alike"), pytest.param(("Tetra" * 30 + " alpha", "Tetra" * 30 + " beta"), id="long-names-cut-alike")],
)
def test_two_crc_dgd_at_once_keep_both_documents(tmp_path, names):
    data = _two_alike(tmp_path, names)
    out = tmp_path / "out"
    procs = [subprocess.Popen([*CRC, "dgd", name, "--data", str(data), "--out", str(out), "--format", "html,docx"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in names]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    htmls = sorted(p for p in out.glob("*.html") if not p.name.endswith(".notes.html"))  # the drafting notes beside each draft
    assert len(htmls) == 2 and len(list(out.glob("*.docx"))) == 2
    text = " ".join(p.read_text(encoding="utf-8") for p in htmls)
    for name in names:
        assert name in text
    for p in htmls:
        assert p.name.startswith("dgd-") and p.stem.removesuffix("-2").endswith("-industrial"), p.name
    assert len({p.name for p in htmls}) == 2


@pytest.mark.slow
def test_a_long_names_docx_rendered_alone_keeps_its_name_across_runs(tmp_path):
    name = "Tetra" * 30 + " alpha"
    data = _two_alike(tmp_path, (name,))
    out = tmp_path / "out"
    first = run_crc("dgd", name, "--data", data, "--out", out, "--format", "docx")
    second = run_crc("dgd", name, "--data", data, "--out", out, "--format", "docx")
    assert first.code == second.code == 0, second.err
    (docx,) = out.glob("*.docx")
    assert docx.name.startswith("dgd-Tetra") and docx.name.endswith("-industrial.docx")


@pytest.mark.slow
def test_crc_dgd_writes_beside_a_link_never_through_it(tmp_path):
    """A link in the output folder pointing to another file there made crc dgd write over that file."""
    data = _two_alike(tmp_path, ("Foo",))
    out = tmp_path / "out"
    out.mkdir()
    (out / "minutes.docx").write_bytes(b"the meeting's minutes")
    (out / "dgd-Foo-industrial.docx").symlink_to("minutes.docx")
    r = run_crc("dgd", "Foo", "--data", data, "--out", out)
    assert r.code == 0, r.err
    assert (out / "minutes.docx").read_bytes() == b"the meeting's minutes"
    assert os.readlink(out / "dgd-Foo-industrial.docx") == "minutes.docx"
    assert (out / "dgd-Foo-industrial-2.docx").is_file() and (out / "dgd-Foo-industrial-2.html").is_file()


@pytest.mark.slow
def test_crc_dgd_on_a_full_disk_or_a_folder_in_the_way_reports_the_path_and_keeps_the_old_set(tmp_path, monkeypatch):
    data = _two_alike(tmp_path, ("Foo",))
    out = tmp_path / "out"
    assert run_crc("dgd", "Foo", "--data", data, "--out", out).code == 0
    html, docx = out / "dgd-Foo-industrial.html", out / "dgd-Foo-industrial.docx"
    old = (html.read_bytes(), docx.read_bytes())
    real = writers._write_fd

    def full(fd, payload):
        if payload[:2] == b"PK":  # the DOCX: the disk fills up
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, payload)

    monkeypatch.setattr(writers, "_write_fd", full)
    r = run_crc("dgd", "Foo", "--data", data, "--out", out)
    assert r.code == 1 and "internal error" not in r.err, r.err
    assert f"{docx}: cannot write: No space left on device" in r.err
    assert (html.read_bytes(), docx.read_bytes()) == old
    monkeypatch.undo()
    docx.unlink()
    docx.mkdir()
    r = run_crc("dgd", "Foo", "--data", data, "--out", out)
    assert r.code == 1 and f"{docx}: a folder is in the way" in r.err and "internal error" not in r.err
    assert html.read_bytes() == old[0]


def _unshare_ro() -> bool:
    return shutil.which("unshare") is not None and subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare_ro(), reason="needs a mount namespace (unshare -m) to make a read-only folder")
def test_a_read_only_folder_is_reported_as_path_message(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    exe = Path(sys.executable).parent / "crc"
    script = f"mount --bind -o ro {folder} {folder} && exec {exe} template notifications --out {folder / 'x.csv'}"
    r = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    assert r.returncode == 1 and f"{folder / 'x.csv'}: cannot write: Read-only file system" in r.stderr and "internal error" not in r.stderr


def test_crc_demo_tables_replace_their_own_earlier_run_but_not_a_stranger(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "annex-i-verification.csv").write_text("somebody,else\n", encoding="utf-8")
    from crc_tools import demo

    monkeypatch.setattr(demo, "STEPS", [("tables", demo._tables_step)])
    r = run_crc("demo", "--out", out)
    assert r.code == 2 and "annex-i-verification.*: the name belongs to files not written by this command; add --force" in r.err
    assert (out / "annex-i-verification.csv").read_text() == "somebody,else\n"
    assert run_crc("demo", "--out", out, "--force").code == 0
    assert run_crc("demo", "--out", out).code == 0
    assert json.loads((out / "review-status.json").read_text())


def test_files_of_a_name_whose_claim_is_gone_are_recognised_by_the_subject_they_record(tmp_path):
    """Documents rendered before claims existed (or whose .crc-names was deleted) keep their name."""
    page = f'<html><head><meta name="crc-subject" content="{subject_tag("dgd | fra | Foo | industrial | ")}"></head></html>'
    name, _ = write_set(tmp_path, "dgd-Foo-industrial", {"html": page}, subject="dgd | fra | Foo | industrial | ")
    shutil.rmtree(tmp_path / ".crc-names")
    again, _ = write_set(tmp_path, "dgd-Foo-industrial", {"html": page}, subject="dgd | fra | Foo | industrial | ")
    other, _ = write_set(tmp_path, "dgd-Foo-industrial", {"html": "x"}, subject="dgd | fra | Bar | industrial | ")
    assert (name, again, other) == ("dgd-Foo-industrial", "dgd-Foo-industrial", "dgd-Foo-industrial-2")
