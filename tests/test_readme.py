"""The README's walkthrough runs: its shell blocks are executed in a fresh folder, as a reader would type them.

Blocks are fenced code marked with a title (Markdown renderers show the title, or ignore it):

* ```` ```sh title="walkthrough" ```` — commands, run in order with ``bash -e`` (each block in the
  folder the previous one ended in); every command must succeed;
* ```` ```yaml title="walkthrough: PATH" ```` — a file the reader writes (their editor), written to PATH;
* ```` ```text title="output" ```` — what the block before printed (stdout and stderr). Every line
  must appear in what was really printed (runs of spaces compared as one); ``…`` marks an elision:
  a line ending in ``…`` is compared up to it, a line that is only ``…`` stands for lines left out.

``docs/*.md`` blocks marked ```` ```sh title="runnable" ```` are run the same way, each in a fresh folder.

The file names are parameters (README.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

README_FILES = ["README.md"]
FENCE = re.compile(r'^```(\w+)(?:\s+title="([^"]*)")?\s*\n(.*?)^```\s*$', re.M | re.S)
pytestmark = [pytest.mark.slow]


@dataclass
class Block:
    lang: str
    title: str
    text: str


def blocks(path: Path) -> list[Block]:
    """Return the titled fenced blocks of a Markdown file, in order."""
    return [Block(m.group(1), m.group(2) or "", m.group(3)) for m in FENCE.finditer(path.read_text(encoding="utf-8"))]


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CRC_DATABASE_URL", "CRC_REPORTS_DIR", "CRC_WORKSPACE", "CRC_DEBUG")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",  # the suite's crc, as after set-up
        HOME=str(home),
        CRC_REGION_OVERRIDES="none",
        CRC_JOBS="1",
        COLUMNS="200",
    )
    return env


def run_block(script: str, cwd: Path, env: dict) -> tuple[subprocess.CompletedProcess, Path]:
    """Run one shell block with ``bash -e`` in ``cwd``; return the process and the folder it ended in."""
    where = Path(env["HOME"]) / ".readme-pwd"
    where.unlink(missing_ok=True)
    full = f"set -e\n{script}\npwd > '{where}'\n"
    proc = subprocess.run(["bash", "-c", full], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    ended = Path(where.read_text().strip()) if proc.returncode == 0 and where.exists() else cwd
    return proc, ended


def _squash(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


def missing_lines(expected: str, printed: str) -> list[str]:
    """Return the lines of an ``output`` block that do not appear in what was printed."""
    seen = [_squash(x) for x in printed.splitlines()]
    out = []
    for line in expected.splitlines():
        want = _squash(line)
        if not want or want == "…":
            continue
        if "…" in want:
            want = want.split("…", 1)[0].rstrip()
            if not any(s.startswith(want) or want in s for s in seen):
                out.append(line)
        elif not any(want == s or want in s for s in seen):
            out.append(line)
    return out


def walk(path: Path, tmp: Path, kind: str = "walkthrough") -> list[str]:
    """Run the blocks of one file; return what went wrong (empty when every command and output held)."""
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = _env(home)
    cwd = tmp
    last = None
    failures = []
    ran = 0
    for b in blocks(path):
        if b.lang in ("sh", "bash") and b.title == kind:
            proc, cwd = run_block(b.text, cwd, env)
            ran += 1
            last = proc.stdout + proc.stderr
            if proc.returncode != 0:
                failures.append(f"exit {proc.returncode} from:\n{b.text}\n--- printed:\n{last[-3000:]}")
                break
        elif b.title.startswith(f"{kind}: "):
            target = cwd / b.title.split(": ", 1)[1]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(b.text, encoding="utf-8")
        elif b.title == "output" and kind == "walkthrough" and last is not None:
            gone = missing_lines(b.text, last)
            if gone:
                failures.append("not printed:\n" + "\n".join(gone) + f"\n--- printed:\n{last[-4000:]}")
            last = None
    if ran == 0:
        failures.append(f"no ```sh title=\"{kind}\"``` block in {path.name}")
    return failures


@pytest.mark.parametrize("name", README_FILES)
def test_the_readme_walkthrough_runs_in_a_fresh_folder(name, tmp_path):
    readme = ROOT / name
    failures = walk(readme, tmp_path)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("name", README_FILES)
def test_the_readme_stays_short_and_links_its_reference(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 180
    for link in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (ROOT / link).is_file(), link
    for doc in ("commands", "data-formats", "register", "documents", "dashboard", "security", "benchmarks"):
        assert f"docs/{doc}.md" in text, doc


RUNNABLE = sorted(p for p in (ROOT / "docs").glob("*.md") if 'title="runnable"' in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda p: p.name)
def test_runnable_blocks_in_docs_run(path, tmp_path):
    failures = walk(path, tmp_path, kind="runnable")
    assert not failures, "\n\n".join(failures)


def test_the_output_check_fails_on_a_line_not_printed():
    assert missing_lines("a  b\n…\nc …", "a b\nc d e") == []
    assert missing_lines("never printed", "a b") == ["never printed"]


if __name__ == "__main__":  # print what each walkthrough block prints, to paste real output into the README
    import tempfile

    target = ROOT / (sys.argv[1] if len(sys.argv) > 1 else README_FILES[0])
    with tempfile.TemporaryDirectory() as d:
        home = Path(d) / "home"
        home.mkdir()
        env, cwd = _env(home), Path(d)
        for b in blocks(target):
            if b.title == "walkthrough":
                proc, cwd = run_block(b.text, cwd, env)
                print(f"$ {b.text.strip()}\n[exit {proc.returncode}]\n{proc.stdout}{proc.stderr}\n" + "=" * 60)
            elif b.title.startswith("walkthrough: "):
                (cwd / b.title.split(": ", 1)[1]).write_text(b.text, encoding="utf-8")
