"""shigen (社会資源): keep a municipality's catalogue of local resources current and hand it out.

As a library: ``shigen.open(path)`` reads a master workbook into a :class:`shigen.model.Catalogue`
(``.records``, ``.districts``, ``.genres`` …; ``.to_dataframe()`` with the ``analysis`` extra).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Catalogue

__version__ = "0.1.0"


def open(path: str | Path) -> Catalogue:  # noqa: A001 - `shigen.open(path)` reads like the builtin on purpose
    """Read a master workbook (read only: nothing is written)."""
    from .master import load_catalogue

    return load_catalogue(Path(path))
