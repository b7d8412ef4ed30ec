"""What a 確認依頼 says: the sender (from 設定), the wording, the fields of the table, the consent question.

Kept apart from the file format so the Word file and any other rendering say exactly the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import schema as S
from ..errors import UsageError
from ..model import Record, Settings
from ..text import parse_date, to_wareki
from ..xlsx_style import wrapped_lines

TITLE = "社会資源情報の確認と掲載についてのお願い"
RESEND_MARK = "再送"
DEFAULT_TEXT = (
    "日頃より、高齢者の地域での暮らしを支える取り組みにご協力いただき、誠にありがとうございます。\n"
    "{自治体名}では、地域の生活支援サービスや集いの場の情報を「社会資源一覧」にまとめ、ケアマネジャーや"
    "地域包括支援センター、住民の皆さまにご案内しています。\n"
    "つきましては、貴事業所について現在お預かりしている内容を別紙のとおりお送りします。お手数をおかけしますが、"
    "内容をご確認いただき、変更や誤りがあるところは右の欄にご記入のうえ、掲載についてのご意向とあわせて、"
    "{返信期限}までにご返送くださいますようお願い申し上げます。"
)
RESEND_TEXT = ("先日({前回}付)お送りした確認のお願いについて、まだご返送をいただいていないため、改めてお送りします。"
               "行き違いでご返送いただいている場合は、ご容赦ください。")
PAUSED_TEXT = "休止中と伺っているサービスがあります。その後、再開されているかどうかも、あわせてお知らせください。"

# the fields of the table "what we hold": the public fields a provider can check (not ours: ID, 区分, 地区, 状態,
# 最終確認日, 更新日). 内部メモ, 確認者, 出典, 公開範囲, 掲載同意 are never printed.
LETTER_KEYS: tuple[str, ...] = tuple(
    k for k in S.PUBLIC_KEYS if k not in ("id", "category", "district", "status", "last_confirmed", "updated_at"))
LETTER_LABELS = {"genre": "掲載の分類", "kana": "ふりがな", "content": "サービス内容"}

CONSENT_QUESTION = "この情報の掲載について、あてはまるものを一つ選んで ☑ をつけてください。"
PAUSED_QUESTION = "現在の運営の状況について、あてはまるものに ☑ をつけてください。"
PAUSED_CHOICES = ("再開している(再開日:　　　年　　月　　日)", "休止している", "やめた(廃止)")
BOX = "□"


def consent_choices(municipality: str) -> list[tuple[str, str]]:
    """(answer, explanation) in the order printed; the answers are exactly the update workbook's choices."""
    where = f"{municipality}の" if municipality else ""
    return [
        (S.CONSENT_ANSWER_PUBLIC, f"{where}ホームページや冊子など、どなたでも見られる一覧に掲載します"),
        (S.CONSENT_ANSWER_STAFF, "ケアマネジャーや地域包括支援センターなど、支援者向けの一覧にだけ掲載します"),
        (S.CONSENT_ANSWER_NONE, "一覧には掲載しません"),
    ]


def label(key: str) -> str:
    return LETTER_LABELS.get(key) or S.header(key)


@dataclass(frozen=True)
class Sender:
    municipality: str
    department: str
    address: str
    phone: str
    fax: str
    deadline: dt.date
    text: str
    person: str = ""  # the coordinator (--coordinator), printed as 担当

    @property
    def name(self) -> str:
        return f"{self.municipality} {self.department}".strip()

    @property
    def deadline_text(self) -> str:
        return to_wareki(self.deadline)

    def body(self) -> list[str]:
        text = self.text or DEFAULT_TEXT
        text = text.replace("{自治体名}", self.municipality or "当市").replace("{返信期限}", self.deadline_text)
        return [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]

    def return_text(self) -> str:
        ways = []
        if self.fax:
            ways.append(f"FAX({self.fax})")
        ways.append("郵送" + (f"({self.address})" if self.address else ""))
        return "別紙にご記入のうえ、" + "または".join(ways) + "でお送りください。"


REMINDER_DEADLINE_DAYS = 14


def sender_from(settings: Settings, as_of: dt.date, person: str = "", *, reminder: bool = False) -> Sender:
    """The sender of the letters; one Japanese line naming every empty or unreadable 設定 row otherwise.

    A 返信期限 already past on the sending day is refused for first letters; a reminder sent after it gets
    :data:`REMINDER_DEADLINE_DAYS` days from the sending day (shown in the summary)."""
    values = settings.values
    missing = [k for k in S.LETTER_REQUIRED_SETTINGS if not (values.get(k) or "").strip()]
    deadline = None
    raw = (values.get(S.SETTING_LETTER_DEADLINE) or "").strip()
    if raw:
        deadline = parse_date(raw)
        if deadline is None:
            try:
                days = int(float(raw.rstrip("日")))
            except ValueError:
                days = -1
            if days > 0:
                deadline = as_of + dt.timedelta(days=days)
            else:
                missing.append(f"{S.SETTING_LETTER_DEADLINE}(『{raw}』は日付としても日数としても読めません)")
    if missing:
        raise UsageError(
            f"確認依頼の差出人が台帳のシート『{S.SHEET_SETTINGS}』に足りません: {'、'.join(missing)}。",
            f"シート『{S.SHEET_SETTINGS}』の『項目』列にこの名前の行を作り(あれば使い)、『値』に入れてから、もう一度実行してください。",
        )
    assert deadline is not None
    if deadline <= as_of:
        if not reminder:
            raise UsageError(
                f"返信期限『{raw}』が発送日({as_of.isoformat()})より前です。",
                f"台帳のシート『{S.SHEET_SETTINGS}』の『{S.SETTING_LETTER_DEADLINE}』を先の日付か日数(例: 14)に直してください。")
        deadline = as_of + dt.timedelta(days=REMINDER_DEADLINE_DAYS)  # a reminder after the first deadline
    return Sender(values.get(S.SETTING_MUNICIPALITY, "").strip(), values.get(S.SETTING_LETTER_DEPT, "").strip(),
                  values.get(S.SETTING_LETTER_ADDRESS, "").strip(), values.get(S.SETTING_LETTER_PHONE, "").strip(),
                  values.get(S.SETTING_LETTER_FAX, "").strip(), deadline,
                  values.get(S.SETTING_LETTER_TEXT, "").strip(), person)


# --- how many pages a letter takes (for the FAX cover line and the FAX list) -------------------------------
@dataclass(frozen=True)
class Layout:
    """Heights in mm of a service sheet as laid out, fitted to LibreOffice's (Word file) and Typst's (PDF) pages
    for contents from one line to a page and more (see tests/test_letters.py)."""

    body: float  # usable page height
    head: float  # the sheet's heading, the addressee line and the introduction
    row: float  # a one-line table row (the header row is repeated on every page)
    line: float  # each further line of a row
    consent: float  # the consent block (kept on one page)
    width: int  # display units (full-width = 2) per line of the 「いまの内容」 column
    rows_split: bool  # a row taller than the space left starts a new page (Word: rows never split) or splits (Typst)


LAYOUTS = {
    "docx": Layout(body=250, head=22, row=7.0, line=5.0, consent=45, width=38, rows_split=False),
    "pdf": Layout(body=255, head=18, row=6.5, line=4.5, consent=45, width=42, rows_split=True),
}
PAUSED_MM = 12  # the question about resuming


def value_lines(text: str, width: int) -> int:
    if len(text) * 2 <= width and "\n" not in text:  # fits on one line even if every character is wide
        return 1
    return wrapped_lines(text, width)


def service_pages(record: Record, value_of: dict[str, str], fmt: str = "docx") -> int:
    """Pages one service sheet takes (1 unless long texts push the table or the consent block over)."""
    m = LAYOUTS[fmt]
    consent = m.consent + (PAUSED_MM if record.get("status") == S.STATUS_PAUSED else 0)
    extra = 0  # lines beyond the first of every row
    for key in LETTER_KEYS:
        value = value_of.get(key)
        if value and (len(value) * 2 > m.width or "\n" in value):
            extra += wrapped_lines(value, m.width) - 1
    table = m.head + m.row * (1 + len(LETTER_KEYS)) + m.line * extra  # (heights are halves of a mm: exact sums)
    if table <= m.body:  # the whole table on the first page: no row moved, none split
        return 1 if table + consent <= m.body else 2
    return _pages_laid_out(value_of, m, consent)


def _pages_laid_out(value_of: dict[str, str], m: Layout, consent: float) -> int:
    """:func:`service_pages` row by row (a table longer than a page)."""
    pages, used = 1, m.head + m.row
    for key in LETTER_KEYS:
        h = m.row + m.line * (value_lines(value_of.get(key, ""), m.width) - 1)
        if not m.rows_split and used + h > m.body and used > m.row and h <= m.body - m.row:
            pages, used = pages + 1, m.row  # the row moves whole to the next page, under the repeated header
        used += h
        while used > m.body:  # (a row taller than a page is split anyway)
            pages, used = pages + 1, used - m.body + m.row
    return pages + 1 if used + consent > m.body else pages
