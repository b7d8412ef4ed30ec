"""宛名一覧.xlsx: the address list (a Word 差し込み印刷 source, window envelopes) and the FAX sending list.

Sheet 『宛名一覧』 has its headers on row 1 and one row per letter (Word's mail merge reads it as it is);
『FAX送信』 lists every provider with a FAX number and the pages to send; 『送付先なし』 the providers with
neither an address nor a FAX (hand delivery, or find their address first).
"""

from __future__ import annotations

from pathlib import Path

from ..xlsx_style import xw_table_sheet
from ..xlsx_write import atomic_close, new_workbook, tmp_path
from .followup import METHOD_FAX, METHOD_HAND
from .group import Provider

SHEET_ADDRESSES = "宛名一覧"
SHEET_FAX = "FAX送信"
SHEET_NONE = "送付先なし"
ADDRESS_HEADERS = ("No.", "郵便番号", "住所", "名称", "担当者", "敬称", "送付方法", "枚数", "サービス", "ID", "備考")
FAX_HEADERS = ("No.", "FAX番号", "名称", "担当者", "枚数", "送付方法", "送信日", "済")
NONE_HEADERS = ("No.", "名称", "担当者", "電話番号", "サービス", "ID")
HONORIFIC = "様"
NOTE_NO_ADDRESS = "住所なし: FAX で送付"
NOTE_NOWHERE = "住所・FAXなし: 手渡しか、住所を調べてから"


def address_rows(providers: list[Provider], pages_of: dict[int, int]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for p in providers:
        note = NOTE_NOWHERE if p.method == METHOD_HAND else NOTE_NO_ADDRESS if p.method == METHOD_FAX else ""
        postal = f"〒{p.postal_code}" if p.postal_code else ""
        rows.append((p.number, postal, p.address, p.name, p.contact or "ご担当者", HONORIFIC, p.method,
                     pages_of.get(p.number, 1), p.services, "、".join(p.ids), note))
    return rows


def fax_rows(providers: list[Provider], pages_of: dict[int, int]) -> list[tuple[object, ...]]:
    return [(p.number, p.fax, p.name, p.contact, pages_of.get(p.number, 1), p.method, "", "")
            for p in providers if p.fax]


def none_rows(providers: list[Provider]) -> list[tuple[object, ...]]:
    return [(p.number, p.name, p.contact, p.phone, p.services or p.name, "、".join(p.ids))
            for p in providers if p.unreachable]


def write_address_list(path: Path, providers: list[Provider], pages_of: dict[int, int]) -> None:
    tmp = tmp_path(path)
    wb = new_workbook(tmp)
    xw_table_sheet(wb, SHEET_ADDRESSES, ADDRESS_HEADERS, address_rows(providers, pages_of),
                   widths=[5, 11, 36, 28, 14, 5, 8, 5, 30, 16, 24])
    xw_table_sheet(wb, SHEET_FAX, FAX_HEADERS, fax_rows(providers, pages_of) or [("", "(FAX番号のある相手はいません)")],
                   widths=[5, 15, 30, 14, 6, 8, 12, 5], landscape=False)
    xw_table_sheet(wb, SHEET_NONE, NONE_HEADERS, none_rows(providers) or [("", "(ありません)")],
                   widths=[5, 30, 14, 15, 36, 16])
    atomic_close(wb, tmp, path)
