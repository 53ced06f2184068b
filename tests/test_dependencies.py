"""Dependencies point one way (DESIGN.md, "Package layout"): convention <- intake <- register <- notifications <- proposals.

Checked on the modules' top-level imports: the intake imports neither the proposals nor the register,
and the register does not import the intake when loaded (a reader it needs is imported where it is
used, or passed in).
"""

from __future__ import annotations

import ast

import pytest

from .conftest import ROOT

ORDER = ["convention", "intake", "register", "notifications", "proposals"]


def _top_level_imports(path) -> set[str]:
    """Return the crc_tools packages a module imports when loaded (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.parent.name
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found.add(package)
            elif node.level == 2 and node.module:
                found.add(node.module.split(".")[0])
            elif node.module and node.module.startswith("crc_tools."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("crc_tools."))
    return found


@pytest.mark.parametrize("package", ORDER)
def test_a_package_imports_only_those_below_it(package):
    above = set(ORDER[ORDER.index(package) + 1:])
    for path in sorted((ROOT / "crc_tools" / package).glob("*.py")):
        wrong = _top_level_imports(path) & above
        assert not wrong, f"{path.relative_to(ROOT)} imports {', '.join(sorted(wrong))} when loaded (above {package})"


def test_the_intake_never_imports_the_proposals_or_the_register():
    for path in sorted((ROOT / "crc_tools" / "intake").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "..proposals" not in text and "..register" not in text, path.name


def test_shpf_keeps_every_public_name():
    """``crc_tools.shpf`` and ``crc_tools.proposals.shpf`` still give every name they gave before the split."""
    import crc_tools
    from crc_tools.proposals import shpf

    for name in ("Proposals", "read_proposals", "eligibility", "part1_items", "part2_items", "verification_status", "effects_vs_quantity", "part3_aids",
                 "assess", "conclusions", "annex_iii_coverage", "identify_formulations", "review_status", "proposal_rows", "from_intake", "with_register",
                 "STATUS_COLUMNS", "AID_LABEL", "KIND", "CATEGORY"):
        assert hasattr(shpf, name) and hasattr(crc_tools.shpf, name), name
    from crc_tools.proposals import Proposals, conclusions, from_intake, review_status  # noqa: F401  (the package's table)
