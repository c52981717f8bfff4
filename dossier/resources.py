"""Where the package's own data lives: templates, stylesheets, fonts (templates/) and wording (data/).

Found with importlib.resources, so an installed dossier finds them as a clone does.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .errors import RenderError


def template_folder() -> Path:
    """The templates, stylesheets and fonts shipped inside the package, as package data.

    WeasyPrint reads the fonts as files, so the folder must be on the file system (any installed wheel is).
    """
    folder = files("dossier").joinpath("templates")
    if not isinstance(folder, Path) or not folder.is_dir():
        raise RenderError(f"the package's templates are not a folder on disk ({folder}); reinstall dossier")
    return folder


def data_file(name: str) -> bytes:
    """One of the package's data files (dossier/data/NAME)."""
    return files("dossier").joinpath("data", name).read_bytes()
