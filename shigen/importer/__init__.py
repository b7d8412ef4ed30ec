"""`shigen import`: existing, messy resource lists → the master catalogue, without losing anything.

``read_paths`` reads and normalises (it never writes); ``import_paths`` matches the records against the
master and applies them to the Catalogue in memory; the CLI then saves with ``master.save_catalogue``.
"""

from __future__ import annotations

from .merge import import_paths, run_import
from .records import read_paths
from .report import FileReport, ImportResult, Outcome, ReadResult, ReadRow, SheetReport

__all__ = [
    "ImportResult", "Outcome", "ReadResult", "ReadRow", "SheetReport", "FileReport",
    "read_paths", "import_paths", "run_import",
]
