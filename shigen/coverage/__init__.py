"""``shigen coverage``: where resources are missing. Two modules, each owning one thing:

- :mod:`.matrix` — the counting: the district × genre matrix, the gaps and their nearest resources (no I/O);
- :mod:`.workbook` — the Excel workbook of that result (heat-map and 『不足の一覧』).

The names below are re-exported so ``from shigen.coverage import coverage, write_coverage_xlsx`` keeps working.
"""

from .matrix import (
    GAP_NONE,
    GAP_STALE_ONLY,
    NEAREST_PER_GAP,
    NO_GENRE_COLUMN,
    Cell,
    CoverageResult,
    Gap,
    Nearby,
    coverage,
    resolve_genres,
    row_districts,
)
from .workbook import AUDIENCES, write_coverage_xlsx

__all__ = [
    "AUDIENCES", "GAP_NONE", "GAP_STALE_ONLY", "NEAREST_PER_GAP", "NO_GENRE_COLUMN", "Cell", "CoverageResult", "Gap",
    "Nearby", "coverage", "resolve_genres", "row_districts", "write_coverage_xlsx",
]
