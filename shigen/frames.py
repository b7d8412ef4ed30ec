"""The catalogue as a pandas DataFrame, for analysts (an optional extra: ``pip install shigen[analysis]``).

shigen itself never needs pandas: every command reads the master with python-calamine and keeps
records as plain objects. Analysts who want to count, pivot or join the catalogue in a notebook get
one documented door instead of re-reading the workbook by hand::

    import shigen
    df = shigen.open("workbooks/catalogue.xlsx").to_dataframe()

Columns carry the Japanese headers of schema.py in the master's order (then the user's own columns);
every value is text, as in the master (dates as ISO text), so phone numbers and IDs keep their zeros.
``public=True`` keeps only the public fields (the internal ones never leave).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import schema as S
from .errors import UsageError

if TYPE_CHECKING:
    from .model import Catalogue


def to_dataframe(cat: Catalogue, *, public: bool = False) -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # the extra is not installed
        raise UsageError("表(DataFrame)にするには pandas が必要です。",
                         "pip install 'shigen[analysis]' で入れてください。") from exc
    keys = S.PUBLIC_KEYS if public else tuple(f.key for f in S.FIELDS)
    extra = [] if public else list(cat.extra_columns)
    data: dict[str, list[Any]] = {S.header(k): [r.get(k) for r in cat.records] for k in keys}
    for name in extra:
        data[name] = ["" if r.extra.get(name) is None else str(r.extra.get(name)) for r in cat.records]
    return pd.DataFrame(data, dtype="string" if cat.records else None)
