"""``shigen find``: which services fit a need. Three modules, each owning one thing:

- :mod:`.days` — the 営業日 / 定休日 parser (DayInfo, parse_days, parse_day_option);
- :mod:`.search` — the search itself (find, FindResult, Hit, is_free);
- :mod:`.handout` — the A4 handout of the publishable hits (write_handout).

The names below are re-exported so ``from shigen.find import find, parse_days, write_handout`` keeps working.
"""

from .days import ALL_WEEK, DAY_LABELS, HOLIDAY, WEEKDAYS, DayInfo, parse_day_option, parse_days, readable_days
from .handout import HANDOUT_PAGE_UNITS, HandoutResult, write_handout
from .search import SEARCH_KEYS, FindResult, Hit, find, is_free, phone_text, resolve_district

__all__ = [
    "ALL_WEEK", "DAY_LABELS", "HANDOUT_PAGE_UNITS", "HOLIDAY", "SEARCH_KEYS", "WEEKDAYS", "DayInfo", "FindResult",
    "HandoutResult", "Hit", "find", "is_free", "parse_day_option", "parse_days", "phone_text", "readable_days",
    "resolve_district", "write_handout",
]
