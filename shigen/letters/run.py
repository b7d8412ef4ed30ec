"""The whole `shigen letters`: choose, group, write the letters and the address list, record the 照会."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema as S
from ..errors import UsageError
from ..model import Catalogue, Inquiry, Record
from ..workspace import Workspace, safe_filename
from .content import LETTER_KEYS, RESEND_MARK, Sender, sender_from, service_pages
from .followup import RESEND_CELL, InquiryState, states
from .group import Provider, Scope, group_providers, select_scope

FOLDER = "確認依頼"
FORMATS = ("docx", "pdf")


@dataclass
class LetterOptions:
    only_due: bool = False
    districts: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    coordinator: str | None = None
    format: str = "docx"
    output: Path | None = None  # a folder
    reminder: bool = False
    as_of: dt.date | None = None
    dry_run: bool = False  # count and check only: no file, nothing recorded


@dataclass
class LettersResult:
    as_of: dt.date
    reminder: bool
    providers: list[Provider]
    pages: dict[int, int]
    closed: int
    document: Path | None = None
    address_list: Path | None = None
    recorded: int = 0  # 照会 rows added to the master
    backup: Path | None = None
    dry_run: bool = False
    seconds: float = 0.0
    awaiting: int = 0  # (first letters) records already asked and not yet answered, included again
    notes: list[str] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(len(p.records) for p in self.providers)

    @property
    def unreachable(self) -> list[Provider]:
        return [p for p in self.providers if p.unreachable]

    @property
    def without_address(self) -> list[Provider]:
        return [p for p in self.providers if not p.address and p.fax]

    @property
    def paused(self) -> int:
        return sum(len(p.paused) for p in self.providers)

    def unreachable_rows(self) -> list[tuple[str, ...]]:
        return [(str(p.number), p.name, p.contact, p.phone, "、".join(p.ids)) for p in self.unreachable]

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(), "reminder": self.reminder, "dry_run": self.dry_run,
            "letters": len(self.providers), "records": self.records, "pages": sum(self.pages.values()),
            "paused": self.paused, "closed_left_out": self.closed, "awaiting": self.awaiting,
            "document": str(self.document) if self.document else None,
            "address_list": str(self.address_list) if self.address_list else None,
            "recorded": self.recorded,
            "without_address": [{"no": p.number, "name": p.name, "fax": p.fax} for p in self.without_address],
            "unreachable": [{"no": p.number, "name": p.name, "ids": p.ids} for p in self.unreachable],
            "notes": self.notes,
        }


def letter_values(record: Record, area_code: str = "") -> dict[str, str]:
    """The values printed in a service's table: its public fields as a public list would print them (a placeholder
    such as 要確認 or an invalid phone number is left blank, for the provider to fill in)."""
    from ..export.select import public_values

    return public_values(record, LETTER_KEYS, area_code=area_code)


def file_stem(as_of: dt.date, options: LetterOptions) -> str:
    parts = [FOLDER, as_of.strftime("%Y%m%d")]
    if options.reminder:
        parts.append(RESEND_MARK)
    if options.coordinator:
        parts.append(options.coordinator)
    parts.extend(options.districts)
    parts.extend(options.genres)
    return safe_filename("_".join(parts))


@dataclass
class LetterPlan:
    """Everything the letters are made from (no file written yet)."""

    sender: Sender
    scope: Scope
    providers: list[Provider]
    pages: dict[int, int]  # letter number → pages (cover + sheets)
    values_of: dict[str, dict[str, str]]  # record ID → the values its table prints
    known: dict[str, InquiryState]  # the 照会 state of every record asked before


def plan_letters(cat: Catalogue, options: LetterOptions) -> LetterPlan:
    as_of = options.as_of or dt.date.today()
    sender = sender_from(cat.settings, as_of, options.coordinator or "", reminder=options.reminder)
    known = states(cat)
    scope = select_scope(cat, as_of=as_of, only_due=options.only_due, districts=list(options.districts),
                         genres=list(options.genres), coordinator=options.coordinator,
                         reminder_of=known if options.reminder else None, resend_days=cat.settings.resend_days)
    providers = group_providers(scope.records, cat.genre_names())
    values_of = {r.id: letter_values(r, cat.settings.area_code) for r in scope.records}
    fmt = "pdf" if (options.format or "").strip().lower() == "pdf" else "docx"
    pages = {p.number: 1 + sum(service_pages(r, values_of[r.id], fmt) for r in p.records) for p in providers}
    return LetterPlan(sender, scope, providers, pages, values_of, known)


def run_letters(ws: Workspace, options: LetterOptions) -> LettersResult:
    """One transaction: the master is locked from reading it to recording the 照会 (``--dry-run`` only reads)."""
    from ..master import master_transaction

    started = time.perf_counter()
    fmt = (options.format or "docx").strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format『{options.format}』は使えません。", "docx(Word)か pdf を指定してください。")
    options.as_of = options.as_of or dt.date.today()
    with master_transaction(ws.catalogue, write=not options.dry_run) as cat:
        return _run_letters(ws, cat, options, fmt, started)


def _run_letters(ws: Workspace, cat: Catalogue, options: LetterOptions, fmt: str, started: float) -> LettersResult:
    from ..master import save_catalogue

    as_of = options.as_of or dt.date.today()
    plan = plan_letters(cat, options)
    sender, scope, providers, pages, values_of, known = (plan.sender, plan.scope, plan.providers, plan.pages,
                                                          plan.values_of, plan.known)
    result = LettersResult(as_of, options.reminder, providers, pages, scope.closed, dry_run=options.dry_run,
                           notes=list(scope.notes))
    if options.reminder and sender.deadline.isoformat() != (cat.settings.values.get(S.SETTING_LETTER_DEADLINE) or ""):
        result.notes.append(f"再送の返信期限は {sender.deadline_text} です。")
    if not options.reminder:
        result.awaiting = sum(1 for r in scope.records if (st := known.get(r.id)) is not None and st.open(r))
    if options.dry_run or not providers:
        result.seconds = time.perf_counter() - started
        return result

    folder = Path(options.output) if options.output else ws.exports / FOLDER
    if folder.suffix.lower() in (".docx", ".pdf", ".xlsx"):
        raise UsageError(f"--output にはフォルダーを指定してください(『{folder.name}』はファイル名です)。",
                         "例: --output exports/確認依頼")
    folder.mkdir(parents=True, exist_ok=True)
    document, address_list = _targets(folder, file_stem(as_of, options), fmt)
    _refuse_open([document, address_list])
    previous = {p.number: _previous_text(p, known) for p in providers} if options.reminder else {}
    from ..text import to_wareki
    from .docx import write_docx

    if fmt == "pdf":
        from .pdf import write_pdf

        write_pdf(document, providers, sender, values_of, pages, day_text=to_wareki(as_of), resend=options.reminder,
                  previous_of=previous)
    else:
        write_docx(document, providers, sender, values_of, pages, day_text=to_wareki(as_of), resend=options.reminder,
                   previous_of=previous)
    from .addresses import write_address_list

    write_address_list(address_list, providers, pages)
    result.document, result.address_list = document, address_list

    note = document.name
    for p in providers:
        for r in p.records:
            cat.new_inquiries.append(Inquiry(r.id, r.name, as_of.isoformat(), p.method, "",
                                             RESEND_CELL if options.reminder else "", note))
    result.recorded = len(cat.new_inquiries)
    cat.records_untouched = True  # letters only append 照会 rows: the save copies 資源一覧 as it is
    result.backup = save_catalogue(cat)
    result.seconds = time.perf_counter() - started
    return result


def _targets(folder: Path, stem: str, fmt: str) -> tuple[Path, Path]:
    """The letters and the address list; a second run on the same day gets 「(2)」 (letters already printed and
    recorded in 照会 are never overwritten)."""
    n = 1
    while True:
        suffix = "" if n == 1 else f"({n})"
        document = folder / f"{stem}{suffix}.{fmt}"
        address_list = folder / f"宛名一覧_{stem.removeprefix(FOLDER + '_')}{suffix}.xlsx"
        if not document.exists() and not address_list.exists():
            return document, address_list
        n += 1


def _previous_text(p: Provider, known: dict[str, InquiryState]) -> str:
    from ..text import to_wareki

    days = [st.asked_on for r in p.records if (st := known.get(r.id)) is not None and st.asked_on]
    return to_wareki(max(days)) if days else ""


def _refuse_open(paths: list[Path]) -> None:
    from ..errors import MasterBusyError
    from ..master import excel_owner_files

    for p in paths:
        if excel_owner_files(p):
            raise MasterBusyError("書き出し先のファイルが開かれています。",
                                  "このファイルを閉じてから、もう一度実行してください(何も書き換えていません)。", path=p)


