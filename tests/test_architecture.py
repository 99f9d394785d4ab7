"""The apps read bottom-up (docs/architecture.md): core ← communities ← reporting ←
evidence ← scoring ← luoshan. import-linter checks it with the contract in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "core",
    "communities",
    "reporting",
    "duties",
    "reminders",
    "evidence",
    "scoring",
    "publishing",
    "luoshan",
)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(where):
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=where, capture_output=True, text=True, check=False
    )


def test_no_app_imports_one_above_it():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("rule", "module", "upward_import"),
    [
        ("reporting may not use scoring", "reporting/views.py", "from scoring import rules"),
        ("reporting may not use evidence", "reporting/review.py", "from evidence import views"),
        ("evidence may not use scoring", "evidence/views.py", "from scoring import gather"),
        ("reporting may not use reminders", "reporting/views.py", "from reminders import due"),
        ("duties may not use reminders", "duties/models.py", "from reminders.models import Kind"),
        ("communities may not use reporting", "communities/models.py", "import reporting.periods"),
        ("core may not use an app", "core/admin.py", "from communities.access import viewer_of"),
        ("a lazy import counts too", "reporting/months.py", "def f():\n    import luoshan.admin"),
    ],
)
def test_an_upward_import_breaks_the_contract(rule, module, upward_import, tmp_path):
    """The same check on a copy of the tree with one import added against the layers."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / module, "a") as source:
        source.write(f"\n{upward_import}\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, rule
    assert "BROKEN" in result.stdout, rule
