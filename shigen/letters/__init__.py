"""`shigen letters`: the 確認依頼 to providers — what we hold, a column for corrections, the consent question.

- :mod:`.group` chooses the records (scope options) and makes one :class:`Provider` per 運営主体 + 先方担当者;
- :mod:`.content` holds the wording, the sender from 設定 and the fields of the table;
- :mod:`.docx` writes every letter into one printable Word file; :mod:`.addresses` the 宛名一覧.xlsx;
- :mod:`.followup` reads the master's sheet 照会 into one state per record (asked / answered / overdue);
- :mod:`.run` puts it together and records each letter in 照会.
"""

from .followup import FollowUp, InquiryState, follow_up, record_answer, states
from .group import Provider, group_providers, select_scope
from .run import LetterOptions, LettersResult, plan_letters, run_letters

__all__ = ["FollowUp", "InquiryState", "LetterOptions", "LettersResult", "Provider", "follow_up", "group_providers",
           "plan_letters", "record_answer", "run_letters", "select_scope", "states"]
