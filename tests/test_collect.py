"""`shigen collect`: returned update workbooks merged into the master — safely, idempotently, with progress."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from builders import load, make_workspace, record

from shigen import schema as S
from shigen.findings import CODES, Stage, stage_codes
from shigen.master import save_catalogue
from shigen.model import Freshness, freshness
from shigen.update_book import column_number

AS_OF = "2027-06-30"
DAY = dt.date(2027, 5, 10)
TOWNS = {"中央地区": "本町", "北地区": "北山", "南地区": "南浜", "東地区": "東台"}


def findings_sheet(wb):
    """The rows of 回収状況.xlsx's sheet 要確認 as {header: value} (row 1 is the title, row 2 the header)."""
    rows = list(wb["要確認"].iter_rows(min_row=2, values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def local(i: int, where: str, genre: str = "配食・弁当", **kw: str) -> dict[str, str]:
    values = {"name": f"{where[:1]}の店{i:03d}", "kana": f"てん{i:03d}", "genre": genre, "district": where, "area": where,
              "address": f"みどり野市{TOWNS[where]}{i}-1", "last_confirmed": "2025-05-01"}
    values.update(kw)
    return record(**values)


def setup(tmp_path: Path, cli, n_per_district: int = 5):
    recs = [local(i * 4 + j, d) for i in range(n_per_district) for j, d in enumerate(TOWNS)]
    ws = make_workspace(tmp_path, recs)
    result = cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01")
    assert result.exit_code == 0, result.stderr
    return ws, tmp_path / "exports" / "更新作業" / "2027"


def rows_by_id(ws) -> dict[str, int]:
    return {str(ws.cell(r, 1).value): r for r in range(3, ws.max_row + 1)
            if str(ws.cell(r, 1).value or "").startswith("S")}


def fill(book: Path, answers: dict[str, dict], out: Path | None = None) -> Path:
    """Write answers into a copy of ``book`` as a coordinator would in Excel.

    answers: ID → {"result", "date", "method", "memo", "new": {key: value}, "current": {key: value}, "id": new ID}
    """
    wb = openpyxl.load_workbook(book)
    ws = wb["確認シート"]
    where = rows_by_id(ws)
    for rid, a in answers.items():
        r = where[rid]
        if "result" in a:
            ws.cell(r, column_number("", "result")).value = a["result"]
        if "date" in a:
            ws.cell(r, column_number("", "date")).value = a["date"]
        ws.cell(r, column_number("", "method")).value = a.get("method", "電話")
        if "memo" in a:
            ws.cell(r, column_number("", "memo")).value = a["memo"]
        for key, value in a.get("new", {}).items():
            ws.cell(r, column_number(key, "new")).value = value
        for key, value in a.get("current", {}).items():
            ws.cell(r, column_number(key, "current")).value = value
        if "id" in a:
            ws.cell(r, 1).value = a["id"]
    out = out or book.parent / "返却" / book.name
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def ids_in(book: Path) -> list[str]:
    wb = openpyxl.load_workbook(book, read_only=True)
    ids = [str(r[0]) for r in wb["確認シート"].iter_rows(min_row=3, values_only=True) if str(r[0] or "").startswith("S")]
    wb.close()
    return ids


def history(ws) -> list[tuple]:
    wb = openpyxl.load_workbook(ws.catalogue, read_only=True)
    rows = list(wb[S.SHEET_HISTORY].iter_rows(min_row=2, values_only=True))
    wb.close()
    return rows


# --- the round trip -------------------------------------------------------------------------------
def test_round_trip_assign_fill_collect_makes_records_fresh(tmp_path, cli):
    ws, folder = setup(tmp_path, cli, n_per_district=6)
    book = folder / "鈴木 一郎.xlsx"
    a, b, c, d, e, f = ids_in(book)[:6]
    returned = fill(book, {
        a: {"result": "変更なし", "date": DAY},
        b: {"result": "変更あり", "date": DAY, "new": {"fee": "1食 650円", "phone": "０４７９－６２－２２２２", "fax": "（削除）"}},
        c: {"result": "休止", "date": DAY, "memo": "担い手不足で休止中"},
        d: {"result": "廃止", "date": DAY},
        e: {"result": "連絡つかず", "memo": "3回電話した"},
        f: {"result": "変更あり", "date": "R9.5.11", "new": {"status": "休止"}},  # a date typed as text
    })
    before = {r.id: dict(r.values) for r in load(ws).records}
    result = cli("collect", str(returned), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stdout + result.stderr
    cat = load(ws)
    by_id = cat.by_id()
    assert by_id[a].get("last_confirmed") == "2027-05-10" and by_id[a].get("confirmed_by") == "鈴木 一郎"
    assert by_id[a].get("updated_at") == AS_OF
    assert by_id[b].get("fee") == "1食 650円" and by_id[b].get("phone") == "0479-62-2222"
    assert by_id[b].get("fax") == ""
    assert by_id[c].get("status") == S.STATUS_PAUSED and by_id[d].get("status") == S.STATUS_CLOSED
    assert by_id[e].values == before[e]  # unreachable: nothing changes, not marked confirmed
    assert by_id[f].get("status") == S.STATUS_PAUSED and by_id[f].get("last_confirmed") == "2027-05-11"
    as_of = dt.date(2027, 6, 30)
    for rid in (a, b, c, f):
        assert freshness(by_id[rid], as_of, cat.settings.cycle_months) is Freshness.FRESH
    assert freshness(by_id[e], as_of, cat.settings.cycle_months) is Freshness.STALE
    # every changed field is in 履歴, with who, which command and which file
    hist = [h for h in history(ws) if h[2] == "collect"]
    fee = [h for h in hist if h[3] == b and h[4] == "料金"]
    assert fee and fee[0][1] == "鈴木 一郎" and fee[0][5] == "1食 600円" and fee[0][6] == "1食 650円"
    assert fee[0][7] == "鈴木 一郎.xlsx"
    assert any(h[3] == c and h[4] == "状態" and h[6] == "休止" for h in hist)
    # and audit agrees: no stale / never-confirmed finding for the confirmed records
    from shigen.audit import audit_catalogue

    report = audit_catalogue(cat, as_of=as_of)
    flagged = {f.record_id for f in report.findings if f.code in ("stale", "never-confirmed", "due-soon")}
    assert not flagged & {a, b, c, f}
    assert e in flagged
    # … and so does the command a coordinator runs
    audit = cli("audit", "--as-of", AS_OF, "--format", "json")
    findings = json.loads(audit.stdout)["findings"]
    stale = {x["record_id"] for x in findings if x["code"] in ("stale", "never-confirmed", "due-soon")}
    assert not stale & {a, b, c, f} and e in stale


def test_collect_is_idempotent(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    book = folder / "高橋 美穂.xlsx"
    ids = ids_in(book)
    returned = fill(book, {ids[0]: {"result": "変更あり", "date": DAY, "new": {"hours": "10:00～15:00"}},
                           ids[1]: {"result": "変更なし", "date": DAY}, ids[2]: {"result": "休止", "date": DAY}})
    first = cli("collect", str(returned), "--as-of", AS_OF, "--format", "json")
    assert first.exit_code == 0
    assert json.loads(first.stdout)["records_changed"] == 3
    snapshot = {r.id: dict(r.values) for r in load(ws).records}
    n_history = len(history(ws))
    second = cli("collect", str(returned), "--as-of", "2027-07-15", "--format", "json")
    assert second.exit_code == 0, second.stdout
    data = json.loads(second.stdout)
    assert data["records_changed"] == 0 and data["fields_changed"] == 0 and not data["findings"]
    assert data["files"][0]["already"] == 3
    assert {r.id: dict(r.values) for r in load(ws).records} == snapshot  # not even 更新日 moved
    assert len(history(ws)) == n_history


# --- what is listed and not applied --------------------------------------------------------------
def test_master_edited_after_issue_is_a_conflict_with_both_values(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    book = folder / "田中 健.xlsx"
    rid, other = ids_in(book)[:2]
    cat = load(ws)
    cat.set_value(cat.by_id()[rid], "phone", "0479-70-0000", command="edit", by="事務局")
    save_catalogue(cat)
    returned = fill(book, {rid: {"result": "変更あり", "date": DAY, "new": {"fee": "無料"}},
                           other: {"result": "変更なし", "date": DAY}})
    result = cli("collect", str(returned), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    conflicts = [f for f in data["findings"] if f["code"] == "conflict"]
    assert len(conflicts) == 1
    c = conflicts[0]
    assert c["record_id"] == rid and c["field"] == "電話番号"
    assert c["issued"] == "0479-62-1111" and c["master"] == "0479-70-0000"
    after = load(ws).by_id()
    assert after[rid].get("fee") == "1食 600円" and after[rid].get("phone") == "0479-70-0000"  # not applied
    assert after[other].get("last_confirmed") == "2027-05-10"  # the rest of the workbook still is
    # the progress file lists it
    wb = openpyxl.load_workbook(folder / "回収状況.xlsx")
    listed = [r for r in findings_sheet(wb) if r["ID"] == rid]
    assert listed and "衝突" in listed[0]["種類"] and listed[0]["台帳の今の値"] == "0479-70-0000"
    assert listed[0]["重要度"] == "エラー" and listed[0]["コード"] == "conflict"
    assert listed[0]["対処"] == CODES["conflict"].hint  # what to do, from the one catalogue


def test_unknown_ids_locked_edits_bad_dates_and_empty_changes_are_listed_not_applied(tmp_path, cli):
    ws, folder = setup(tmp_path, cli, n_per_district=8)
    book = folder / "鈴木 一郎.xlsx"
    ids = ids_in(book)
    cat = load(ws)
    removed = cat.by_id()[ids[6]]
    cat.records.remove(removed)
    save_catalogue(cat)
    returned = fill(book, {
        ids[0]: {"result": "変更なし", "date": DAY, "id": "S09999"},  # ID typed over
        ids[1]: {"result": "変更なし", "date": DAY, "current": {"phone": "0479-00-0000"}},  # grey cell edited
        ids[2]: {"result": "変更なし", "date": dt.date(2027, 12, 1)},  # in the future
        ids[3]: {"result": "変更なし", "date": "2027/2/30"},  # no such day
        ids[4]: {"result": "変更あり", "date": DAY},  # no new value
        ids[5]: {"result": "わからない", "date": DAY},
        ids[6]: {"result": "変更なし", "date": DAY},  # removed from the master since
        ids[7]: {"result": "変更なし", "date": DAY, "new": {"paid": "たぶん有償"}},
    })
    before = {r.id: dict(r.values) for r in load(ws).records}
    result = cli("collect", str(returned), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1
    codes = {(f["record_id"], f["code"]) for f in json.loads(result.stdout)["findings"]}
    assert ("S09999", "unknown-id") in codes and (ids[6], "unknown-id") in codes
    assert (ids[1], "locked-edit") in codes
    assert (ids[2], "impossible-date") in codes and (ids[3], "impossible-date") in codes
    assert (ids[4], "no-new-value") in codes
    assert (ids[5], "invalid-result") in codes
    assert (ids[7], "invalid-value") in codes
    assert {r.id: dict(r.values) for r in load(ws).records} == before  # nothing applied
    collect_codes = {c.code: c for c in stage_codes(Stage.COLLECT)}
    for f in json.loads(result.stdout)["findings"]:  # each from the one catalogue: title, severity, filled templates
        code = collect_codes[f["code"]]
        assert (f["title"], f["severity"]) == (code.title, code.severity)
        assert f["message"] and "{" not in f["message"] and f["hint"] and "{" not in f["hint"]
    by_row = {f["record_id"]: f for f in json.loads(result.stdout)["findings"]}
    assert by_row[ids[5]]["message"] == "確認結果『わからない』は選択肢にありません。"
    assert by_row[ids[5]]["hint"] == "変更なし・変更あり・休止・廃止・連絡つかず から選んでください。"
    assert "2027/2/30" in by_row[ids[3]]["message"] and "日付として読めません" in by_row[ids[3]]["message"]
    human = cli("collect", str(returned), "--as-of", AS_OF)
    assert "灰色の列" in human.stdout + human.stderr and "Traceback" not in human.stderr


def test_unchanged_with_new_values_and_missing_date_are_listed(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    book = folder / "高橋 美穂.xlsx"
    ids = ids_in(book)
    returned = fill(book, {ids[0]: {"result": "変更なし", "date": DAY, "new": {"fee": "1食 700円"}},
                           ids[1]: {"result": "変更なし"},
                           ids[2]: {"result": "休止", "date": DAY, "new": {"status": "廃止"}}})
    data = json.loads(cli("collect", str(returned), "--as-of", AS_OF, "--format", "json").stdout)
    codes = {(f["record_id"], f["code"]) for f in data["findings"]}
    assert codes == {(ids[0], "values-without-change"), (ids[1], "missing-date"), (ids[2], "contradiction")}


def test_dry_run_changes_nothing(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    book = folder / "鈴木 一郎.xlsx"
    rid = ids_in(book)[0]
    returned = fill(book, {rid: {"result": "変更あり", "date": DAY, "new": {"fee": "無料"}}})
    before = ws.catalogue.read_bytes()
    result = cli("collect", str(returned), "--dry-run", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["records_changed"] == 1
    assert ws.catalogue.read_bytes() == before
    assert not (folder / "回収状況.xlsx").exists()


def test_progress_accumulates_across_collects(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    suzuki, takahashi = folder / "鈴木 一郎.xlsx", folder / "高橋 美穂.xlsx"
    s_ids, t_ids = ids_in(suzuki), ids_in(takahashi)
    r1 = fill(suzuki, {s_ids[0]: {"result": "変更なし", "date": DAY},
                       s_ids[1]: {"result": "変更あり", "date": DAY, "new": {"fee": "500円"}},
                       s_ids[2]: {"result": "連絡つかず"}})
    assert cli("collect", str(r1), "--as-of", AS_OF).exit_code == 0
    r2 = fill(takahashi, {t_ids[0]: {"result": "廃止", "date": DAY}})
    result = cli("collect", str(r2.parent), "--as-of", AS_OF, "--format", "json")  # a folder: both files again
    assert result.exit_code == 0
    rows = {p["coordinator"]: p for p in json.loads(result.stdout)["progress"]["2027"]}
    assert rows["鈴木 一郎"] == {"coordinator": "鈴木 一郎", "assigned": 5, "confirmed": 2, "changed": 1, "closed": 0,
                             "unreachable": 1, "problems": 0, "pending": 2, "percent": "40%"}
    assert rows["高橋 美穂"]["closed"] == 1 and rows["高橋 美穂"]["pending"] == 4
    assert rows["田中 健"]["pending"] == 10 and rows["佐藤 花子"]["assigned"] if "佐藤 花子" in rows else True
    wb = openpyxl.load_workbook(folder / "回収状況.xlsx")
    sheet = wb["進み具合"]
    table = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert table["鈴木 一郎"][2] == 2 and table["合計"][1] == 20
    assert sheet.page_setup.orientation == "landscape"


def test_not_an_update_workbook_is_a_clear_error(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    other = tmp_path / "ふつうの一覧.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "電話番号"])
    wb.save(other)
    before = ws.catalogue.read_bytes()
    result = cli("collect", str(other))
    assert result.exit_code == 3
    assert "ふつうの一覧.xlsx" in result.stderr and "更新用ブックではありません" in result.stderr
    assert ws.catalogue.read_bytes() == before


def test_the_same_record_changed_in_two_workbooks_is_not_silently_overwritten(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    book = folder / "鈴木 一郎.xlsx"
    rid = ids_in(book)[0]
    one = fill(book, {rid: {"result": "変更あり", "date": DAY, "new": {"fee": "500円"}}}, tmp_path / "r" / "1回目.xlsx")
    two = fill(book, {rid: {"result": "変更あり", "date": DAY, "new": {"fee": "800円"}}}, tmp_path / "r" / "2回目.xlsx")
    data = json.loads(cli("collect", str(one), str(two), "--as-of", AS_OF, "--format", "json").stdout)
    assert load(ws).by_id()[rid].get("fee") == "500円"
    assert [(f["file"], f["code"], f["entered"]) for f in data["findings"]] == [("2回目.xlsx", "conflict", "800円")]


def test_the_whole_year_folder_can_be_given(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    # a coordinator filled the workbook in place (no 返却 copy); 担当一覧.xlsx sits beside it
    book = folder / "佐藤 花子.xlsx"
    assert not book.exists()  # all records are local: the tier-1 coordinator has nothing this year
    book = folder / "田中 健.xlsx"
    fill(book, {ids_in(book)[0]: {"result": "変更なし", "date": DAY}}, out=book)
    result = cli("collect", str(folder), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert [f["file"] for f in data["files"]] == ["田中 健.xlsx", "鈴木 一郎.xlsx", "高橋 美穂.xlsx"]
    assert [Path(p).name for p in data["skipped"]] == ["担当一覧.xlsx"]
    assert data["records_changed"] == 1


def test_a_master_change_that_agrees_with_the_sheet_is_no_conflict(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    book = folder / "鈴木 一郎.xlsx"
    rid = ids_in(book)[0]
    cat = load(ws)
    cat.set_value(cat.by_id()[rid], "fee", "1食 650円", command="edit", by="事務局")  # the office heard it too
    save_catalogue(cat)
    returned = fill(book, {rid: {"result": "変更あり", "date": DAY, "new": {"fee": "1食 650円"}}})
    data = json.loads(cli("collect", str(returned), "--as-of", AS_OF, "--format", "json").stdout)
    assert data["findings"] == []
    rec = load(ws).by_id()[rid]
    assert rec.get("fee") == "1食 650円" and rec.get("last_confirmed") == "2027-05-10"


def test_master_open_in_excel_stops_before_anything_is_written(tmp_path, cli):
    ws, folder = setup(tmp_path, cli)
    book = folder / "鈴木 一郎.xlsx"
    returned = fill(book, {ids_in(book)[0]: {"result": "変更なし", "date": DAY}})
    owner = ws.catalogue.with_name("~$" + ws.catalogue.name)
    owner.write_bytes(b"excel")
    before = ws.catalogue.read_bytes()
    result = cli("collect", str(returned), "--as-of", AS_OF)
    assert result.exit_code == 3 and "Excel" in result.stderr
    assert ws.catalogue.read_bytes() == before and not (folder / "回収状況.xlsx").exists()


def test_json_output_equals_the_library_result(tmp_path, cli):
    from shigen.collect import run_collect

    ws, folder = setup(tmp_path, cli)
    book = folder / "高橋 美穂.xlsx"
    ids = ids_in(book)
    returned = fill(book, {ids[0]: {"result": "変更あり", "date": DAY, "new": {"fee": "300円"}},
                           ids[1]: {"result": "変更あり", "date": DAY}})
    data = json.loads(cli("collect", str(returned), "--dry-run", "--as-of", AS_OF, "--format", "json").stdout)
    expected = run_collect(ws, [returned], dry_run=True, as_of=dt.date(2027, 6, 30)).to_dict()
    assert data == expected
    assert data["records_changed"] == 1 and [f["code"] for f in data["findings"]] == ["no-new-value"]


def test_a_book_found_unreadable_after_others_were_checked_leaves_everything_untouched(tmp_path, cli):
    # the rows are read one book at a time after the master is loaded: a bad later book must still stop
    # collect before anything is written
    ws, folder = setup(tmp_path, cli)
    good = folder / "鈴木 一郎.xlsx"
    good = fill(good, {ids_in(good)[0]: {"result": "変更あり", "date": DAY, "new": {"fee": "500円"}}})
    bad = folder / "田中 健.xlsx"
    wb = openpyxl.load_workbook(bad)
    wb["確認シート"].cell(1, column_number("", "result")).value = "結果"  # a column header typed over
    bad = good.parent / "田中 健.xlsx"
    wb.save(bad)
    before = ws.catalogue.read_bytes()
    result = cli("collect", str(good), str(bad), "--as-of", AS_OF)
    assert result.exit_code == 3
    assert "田中 健.xlsx" in result.stderr and "列の並び" in result.stderr
    assert ws.catalogue.read_bytes() == before
    assert not (folder / "回収状況.xlsx").exists()


def test_returned_books_are_held_one_at_a_time(tmp_path, cli, monkeypatch):
    import gc
    import weakref

    from shigen import collect
    from shigen.workspace import Workspace

    ws, folder = setup(tmp_path, cli)
    books = sorted(p for p in folder.glob("*.xlsx") if p.name != "担当一覧.xlsx")
    assert len(books) == 3
    alive: list[weakref.ref] = []
    real = collect.read_update_book

    def reading(path):
        gc.collect()
        assert all(r() is None for r in alive), "the previous book is still in memory"
        book = real(path)
        alive.append(weakref.ref(book))
        return book

    monkeypatch.setattr(collect, "read_update_book", reading)
    result = collect.run_collect(Workspace(tmp_path), books, as_of=dt.date(2027, 6, 30))
    assert len(alive) == 3 and [f.path for f in result.files] == books
    assert sum(f.rows for f in result.files) == 20 and sum(f.pending for f in result.files) == 20


# --- placeholders left in place: 「変更なし」 does not make the record look freshly verified ---------------
def setup_doubtful(tmp_path: Path, cli):
    """Two records that still hold placeholders / an invalid phone, among plain ones (all 中央地区)."""
    recs = [local(0, "中央地区", phone="要確認"), local(1, "中央地区", fee="？", phone="0479-62-111"),
            *(local(i, "中央地区") for i in range(2, 5))]
    ws = make_workspace(tmp_path, recs)
    result = cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01")
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "exports" / "更新作業" / "2027"
    (book,) = [p for p in folder.glob("*.xlsx") if p.name != "担当一覧.xlsx" and "中央地区" in ids_and_groups(p)]
    return ws, book


def ids_and_groups(book: Path) -> str:
    wb = openpyxl.load_workbook(book, read_only=True)
    text = " ".join(str(r[0]) for r in wb["確認シート"].iter_rows(values_only=True) if r[0])
    wb.close()
    return text


def test_update_book_points_out_placeholder_and_invalid_cells(tmp_path, cli):
    ws, book = setup_doubtful(tmp_path, cli)
    cat = load(ws)
    by_name = {r.name: r.id for r in cat.records}
    wb = openpyxl.load_workbook(book)
    sheet = wb["確認シート"]
    where = rows_by_id(sheet)
    flagged = {}
    for rid, r in where.items():
        for key in ("phone", "fee", "name", "address", "hours"):
            cell = sheet.cell(r, column_number(key, "current"))
            coloured = cell.fill.fgColor.rgb not in (None, "00000000", "FFF2F2F2")
            if cell.comment is not None:
                assert coloured and "要確認のまま" in cell.comment.text and "最終確認日は進みません" in cell.comment.text
                flagged.setdefault(rid, set()).add(key)
            else:
                assert not coloured, (rid, key, cell.fill.fgColor.rgb)
    assert flagged == {by_name["中の店000"]: {"phone"}, by_name["中の店001"]: {"fee", "phone"}}
    # the 新しい値 cell beside it is marked too, and left writable (unlocked)
    new = sheet.cell(where[by_name["中の店000"]], column_number("phone", "new"))
    assert new.protection.locked is False and new.border.left.style == "medium"
    # on the printed checklist the words say it (no colour on a black-and-white printer)
    printed = " ".join(str(c) for row in wb["印刷用"].iter_rows(values_only=True) for c in row if c)
    assert printed.count("【要確認のまま】") == 3
    assert "オレンジ色のセル" in " ".join(str(c.value) for c in wb["記入のしかた"]["A"] if c.value)


def test_flagged_cells_are_exactly_audits_placeholder_and_invalid_value_findings(tmp_path):
    """One rule: the workbook colours what `shigen audit` calls a placeholder or an invalid value (editable fields)."""
    from shigen.audit import audit_catalogue
    from shigen.update_book import EDIT_KEYS, doubtful_fields

    recs = [record(name="A", phone="不明", fee="要確認"), record(name="B", phone="0479-62-111", email="a@"),
            record(name="C", hours="？", postal_code="12-34"), record(name="D"), record(name="E", days="未定")]
    ws = make_workspace(tmp_path, recs)
    cat = load(ws)
    as_of = dt.date(2027, 4, 1)
    codes = {"placeholder", "invalid-phone", "invalid-fax", "invalid-email", "invalid-url", "invalid-postal-code",
             "invalid-date", "invalid-choice"}
    header_keys = {S.header(k): k for k in EDIT_KEYS}
    from_audit = {(f.record_id, header_keys[f.field]) for f in audit_catalogue(cat, as_of=as_of).findings
                  if f.code in codes and f.field in header_keys}
    ours = {(rid, key) for rid, keys in doubtful_fields(cat, cat.records, as_of).items() for key in keys}
    assert ours == from_audit and len(ours) >= 7


def test_unchanged_over_a_placeholder_confirms_the_rest_but_keeps_last_confirmed(tmp_path, cli):
    ws, book = setup_doubtful(tmp_path, cli)
    by_name = {r.name: r.id for r in load(ws).records}
    held, fixed, plain = by_name["中の店000"], by_name["中の店001"], by_name["中の店002"]
    returned = fill(book, {
        held: {"result": "変更なし", "date": DAY},  # the 要確認 phone left as it is
        fixed: {"result": "変更あり", "date": DAY, "new": {"fee": "1回 300円", "phone": "0479-62-1112"}},  # both fixed
        plain: {"result": "変更なし", "date": DAY},
    })
    result = cli("collect", str(returned), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1, result.stdout  # ran, and there is something to look at
    data = json.loads(result.stdout)
    assert not data["findings"]  # nothing refused …
    assert [h["record_id"] for h in data["held"]] == [held]  # … but one record is reported 要確認のまま
    assert data["held"][0]["field"] == "電話番号" and data["held"][0]["code"] == "placeholder-kept"
    after = load(ws).by_id()
    assert after[held].get("last_confirmed") == "2025-05-01"  # not moved
    assert after[held].get("confirmed_by") == book.stem  # the rest is confirmed, by whom
    assert after[fixed].get("last_confirmed") == "2027-05-10" and after[fixed].get("phone") == "0479-62-1112"
    assert after[plain].get("last_confirmed") == "2027-05-10"
    cat = load(ws)
    assert freshness(after[held], dt.date(2027, 6, 30), cat.settings.cycle_months) is Freshness.STALE
    # the progress file counts it under 要確認 and lists it
    wb = openpyxl.load_workbook(book.parent / "回収状況.xlsx")
    states = {r[0]: r[2] for r in wb["資源別"].iter_rows(min_row=2, values_only=True)}
    assert states[held] == "要確認のまま" and states[plain] == "確認済み"
    listed = [r for r in findings_sheet(wb) if r["ID"] == held]
    assert listed and "要確認のまま" in listed[0]["種類"] and listed[0]["重要度"] == "警告"
    assert "最終確認日は進めていません" in listed[0]["対処"]
    # the terminal says it in words
    again = cli("collect", str(returned), "--as-of", AS_OF)
    assert "要確認のまま" in again.stdout and "最終確認日は進めていません" in again.stderr
    assert load(ws).by_id()[held].get("last_confirmed") == "2025-05-01"  # and a second collect changes nothing


def test_a_new_value_that_is_itself_a_placeholder_keeps_last_confirmed(tmp_path, cli):
    ws, book = setup_doubtful(tmp_path, cli)
    rid = {r.name: r.id for r in load(ws).records}["中の店003"]
    returned = fill(book, {rid: {"result": "変更あり", "date": DAY, "new": {"hours": "未定"}}})
    data = json.loads(cli("collect", str(returned), "--as-of", AS_OF, "--format", "json").stdout)
    assert [h["record_id"] for h in data["held"]] == [rid]
    after = load(ws).by_id()[rid]
    assert after.get("hours") == "未定" and after.get("last_confirmed") == "2025-05-01"
