"""The package works when installed: a wheel, installed outside the repository, validates and builds a brief.

Templates, stylesheets, fonts and wording are package data; a wheel that forgot them would build a brief
in a clone (where the files lie beside the code) and fail everywhere else. So this test builds the wheel,
installs it into a fresh virtual environment in a temporary folder, and runs the installed `dossier` there,
from a folder outside the repository, on a copy of the shipped evidence, PDF included.

Nothing is downloaded: the wheel is built without build isolation, installed without its dependencies,
and the new environment sees the project environment's dependencies through a path file (a plain path,
which does not activate the editable install of the checkout living there).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("source") / "dossier"
    # Build from a clean copy, so nothing of the checkout (build/, .venv, caches) can leak into the wheel.
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info",
                                                                  "__pycache__", ".pytest_cache", ".hypothesis",
                                                                  "node_modules"))
    done = run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, source, cwd=source)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = dist.glob("dossier-*.whl")
    return built


def test_the_wheel_carries_templates_fonts_and_wording(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("dossier/templates/brief.html.j2", "dossier/templates/finding.html.j2",
                   "dossier/templates/record.yaml.j2", "dossier/templates/brief.css", "dossier/templates/print.css",
                   "dossier/templates/fonts/SourceSerifPro-Regular.ttf", "dossier/data/wording.yaml",
                   "dossier/review/compare.py"):
        assert needed in names, needed


def test_installed_dossier_validates_and_builds_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "env"
    assert run(sys.executable, "-m", "venv", env, cwd=tmp_path).returncode == 0
    python = env / "bin" / "python"
    installed = run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).stdout.strip()
    (Path(site) / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    where = run(python, "-c", "import dossier; print(dossier.__file__)", cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(env), f"the installed package must be the wheel's, not the checkout: {where}"

    work = tmp_path / "work"
    for name in ("evidence", "seeds", "catalog"):
        shutil.copytree(REPO / name, work / name)
    shutil.copy2(REPO / "brief.yaml", work / "brief.yaml")
    dossier = env / "bin" / "dossier"
    checked = run(dossier, "validate", cwd=work)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errors" in checked.stdout
    built = run(dossier, "build", cwd=work)
    assert built.returncode == 0, built.stdout + built.stderr
    for name in ("dossier.pdf", "dossier.html", "dossier.json"):
        assert (work / "build" / name).stat().st_size > 10_000, name
    assert (work / "build" / "dossier.pdf").read_bytes().startswith(b"%PDF-")
    new = run(dossier, "new", "--source", "kyiv-independent-2023-12-nis-workers", "--id", "from-the-wheel", cwd=work)
    assert new.returncode == 0, new.stderr
    assert (work / "evidence" / "from-the-wheel.yaml").read_text().count("\n#") >= 15
