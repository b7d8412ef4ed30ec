"""`shigen site`: every page parsed and checked; only publishable records and public fields in any file."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from builders import load, make_workspace, record
from site_check import parse, problems

from shigen import schema as S
from shigen.export.select import select
from shigen.site import SiteOptions, build_site
from shigen.site.build import MARKER
from shigen.site.data import NEVER_KEYS, PAGE_ORDER, STAFF_KEYS

AS_OF = dt.date(2027, 4, 1)
SECRET = {  # a marker per internal field: none may appear in any public file
    "memo": "内部メモ秘密ABC", "contact_person": "先方担当者秘密DEF", "confirmed_by": "確認者秘密GHI",
    "source": "出典秘密JKL.xlsx",
}


def records() -> list[dict[str, str]]:
    secret = dict(SECRET)
    return [
        record(name="緑町配食センター", kana="みどりちょうはいしょくせんたー", district="北地区", area="北山・上野",
               phone="0479-62-2222", address="みどり野市北山2-1", **secret),
        record(name="市内全域弁当", kana="しないぜんいきべんとう", district="中央地区", area="市内全域", **secret),
        record(name="ふれあいサロン南浜", kana="ふれあいさろんみなみはま", genre="サロン・交流の場", paid="無償", fee="無料",
               area="", district="南地区", days="毎週水曜", closed_days="", **secret),
        record(name="東台ｽｰﾊﾟｰ移動販売", kana="ひがしだいすーぱーいどうはんばい", genre="移動販売", district="東地区",
               area="東台・南浜", days="火・金", closed_days="", url="https://example.org/idou", email="info@example.org",
               **secret),
        record(name="株式会社みどり家事", kana="みどりかじ", genre="家事援助・生活支援", district="中央地区", area="本町",
               notes="草取りもします\n2行目の備考", **secret),
        # not publishable: each must be absent from every public file
        record(name="関係者だけの見守り", genre="見守り・安否確認", visibility=S.VISIBILITY_STAFF, **secret),
        record(name="同意待ちの体操教室", genre="通いの場・体操教室", consent="未", **secret),
        record(name="休止中の配食", status=S.STATUS_PAUSED, **secret),
        record(name="古すぎる配食", last_confirmed="2024-01-10", **secret),
    ]


PUBLIC_NAMES = ["緑町配食センター", "市内全域弁当", "ふれあいサロン南浜", "東台ｽｰﾊﾟｰ移動販売", "株式会社みどり家事"]
PRIVATE_NAMES = ["関係者だけの見守り", "同意待ちの体操教室", "休止中の配食", "古すぎる配食"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    ws = make_workspace(root, records(), settings={S.SETTING_CONTACT: "みどり野市 高齢福祉課 0479-62-0000"})
    cat = load(ws)
    result = build_site(cat, ws, SiteOptions(as_of=AS_OF))
    return cat, ws, result


def html_files(path: Path) -> list[Path]:
    return sorted(path.rglob("*.html"))


def all_text(path: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.rglob("*")) if p.is_file())


def test_every_page_is_valid_html5_in_japanese_with_nothing_external(built):
    _, _, result = built
    pages = html_files(result.path)
    assert len(pages) > 10
    for p in pages:
        page = parse(p.read_text(encoding="utf-8"))
        assert problems(page) == [], p.relative_to(result.path)
        assert page.robots == ""  # the public site may be indexed


def test_every_link_inside_the_site_resolves_to_a_file(built):
    cat, _, result = built
    own_urls = {r.get("url") for r in cat.records if r.get("url")}
    for p in html_files(result.path):
        page = parse(p.read_text(encoding="utf-8"))
        for href in page.links + [v for _, _, v in page.resources]:
            if href.startswith(("tel:", "mailto:")) or href in own_urls:
                continue
            assert not re.match(r"^[a-z]+:|^//|^/", href), f"{p.name}: {href}"
            target = urlsplit(href).path
            if not target:  # "#main"
                continue
            assert (p.parent / unquote(target)).resolve().is_file(), f"{p.name}: {href}"


def test_css_and_js_fetch_nothing(built):
    _, _, result = built
    for name in ("assets/site.css", "assets/site.js", "assets/search.js", "data/search.js"):
        text = (result.path / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://|@import|url\(|fetch\(|XMLHttpRequest|sendBeacon|WebSocket", text), name


def test_publishable_records_present_and_nothing_else(built):
    cat, _, result = built
    expected = select(cat, as_of=AS_OF).records
    assert sorted(r.name for r in expected) == sorted(PUBLIC_NAMES)
    pages = sorted(p.stem for p in (result.path / "resource").glob("*.html"))
    assert pages == sorted(r.id for r in expected)
    text = all_text(result.path)
    for name in PUBLIC_NAMES:
        assert name in text
    for name in PRIVATE_NAMES:
        assert name not in text
    data = json.loads((result.path / "data" / "resources.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in data["resources"]] == [r.id for r in expected]
    search = _search_data(result.path)
    assert [item[0] for item in search["items"]] == [r.id for r in expected]


def test_no_internal_field_anywhere_and_json_holds_only_public_fields(built):
    _, _, result = built
    text = all_text(result.path)
    for key, marker in SECRET.items():
        assert marker not in text, key
    for internal in (S.VISIBILITY_PUBLIC + "\n", S.header("consent"), S.header("visibility")):
        assert internal not in text
    data = json.loads((result.path / "data" / "resources.json").read_text(encoding="utf-8"))
    allowed = set(S.PUBLIC_KEYS) | {"usable_in", "page"}
    assert {f["key"] for f in data["fields"]} <= set(S.PUBLIC_KEYS)
    for r in data["resources"]:
        assert set(r) <= allowed, set(r) - allowed
    search = _search_data(result.path)
    assert search["fields"] == ["id", "name", "genre", "page", "phone", "days", "hours", "fee", "area", "content",
                                "districts", "run_days", "free", "key", "name_key"]


def test_resource_page_shows_every_public_field_with_tel_link_and_dates(built):
    cat, _, result = built
    r = next(r for r in cat.records if r.name == "東台ｽｰﾊﾟｰ移動販売")
    html = (result.path / "resource" / f"{r.id}.html").read_text(encoding="utf-8")
    assert set(PAGE_ORDER) | {"name", "status"} == set(S.PUBLIC_KEYS)  # every public field has a place
    for key in PAGE_ORDER:
        value = r.get(key)
        if value and key not in S.DATE_KEYS:
            shown = value.split("\n")[0]
            assert shown in html or shown.replace("&", "&amp;") in html, key
    assert 'href="tel:0479621111"' in html
    assert "令和9年4月現在" in html
    assert "最終確認日: 令和8年6月1日" in html
    assert 'href="https://example.org/idou"' in html and 'href="mailto:info@example.org"' in html
    assert "使える地区" in html and "南地区・東地区" in html  # 対応エリア 南浜 is a town of 南地区


def test_district_pages_hold_exactly_what_export_district_selects(built):
    cat, _, result = built
    for i, d in enumerate(cat.districts, start=1):
        html = (result.path / "district" / f"{i:02d}.html").read_text(encoding="utf-8")
        shown = re.findall(r'href="\.\./resource/(S\d+)\.html"', html)
        assert shown == [r.id for r in _by_genre(select(cat, districts=[d.name], as_of=AS_OF))], d.name
    north = (result.path / "district" / "02.html").read_text(encoding="utf-8")
    south = (result.path / "district" / "03.html").read_text(encoding="utf-8")

    def why(html: str, name: str) -> str:
        card = next(c for c in html.split("<article")[1:] if name in c)
        return re.search(r"<dt>この地区では</dt><dd>([^<]+)</dd>", card).group(1)

    assert why(north, "市内全域弁当") == "市内全域で使えます"
    assert why(north, "緑町配食センター") == "この地区にあります"
    assert why(south, "東台ｽｰﾊﾟｰ移動販売") == "この地区も対応エリアです"  # 東地区, 対応エリア 東台・南浜 (南地区)


def test_genre_pages_and_top_page_counts(built):
    cat, _, result = built
    sel = select(cat, as_of=AS_OF)
    top = (result.path / "index.html").read_text(encoding="utf-8")
    for section in sel.sections:
        n = cat.genre_names().index(section.genre) + 1
        html = (result.path / "genre" / f"{n:02d}.html").read_text(encoding="utf-8")
        assert re.findall(r'href="\.\./resource/(S\d+)\.html"', html) == [r.id for r in section.records]
        assert f'href="genre/{n:02d}.html"' in top
        assert f"{len(section.records)} 件" in top
        assert section.description and section.description in top
    for d in cat.districts:
        assert d.name in top


def test_rebuild_is_byte_for_byte_the_same(built, tmp_path):
    cat, ws, result = built
    again = build_site(cat, ws, SiteOptions(output=tmp_path / "again", as_of=AS_OF))
    first = {p.relative_to(result.path): p.read_bytes() for p in result.path.rglob("*") if p.is_file()}
    second = {p.relative_to(again.path): p.read_bytes() for p in again.path.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_staff_site_has_banner_noindex_staff_fields_but_never_memo_contact_checker(built, tmp_path):
    cat, ws, _ = built
    result = build_site(cat, ws, SiteOptions(output=tmp_path / "staff", audience="staff", as_of=AS_OF))
    text = all_text(result.path)
    for name in ("関係者だけの見守り", "同意待ちの体操教室", "古すぎる配食"):
        assert name in text
    assert "休止中の配食" not in text
    for key in NEVER_KEYS:
        assert SECRET[key] not in text, key
    assert SECRET["source"] in text and {"visibility", "consent", "source"} <= set(STAFF_KEYS)
    assert not set(NEVER_KEYS) & set(STAFF_KEYS) and set(STAFF_KEYS) <= set(S.INTERNAL_KEYS)
    assert (result.path / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    stale = next(r for r in cat.records if r.name == "古すぎる配食")
    assert "<dt>確認状況</dt><dd>期限切れ</dd>" in (result.path / "resource" / f"{stale.id}.html").read_text(encoding="utf-8")
    for p in html_files(result.path):
        html = p.read_text(encoding="utf-8")
        page = parse(html)
        assert problems(page) == [], p.name
        assert page.robots == "noindex, nofollow"
        assert "関係者用" in html


def test_district_and_genre_options_narrow_the_site(built, tmp_path):
    cat, ws, _ = built
    result = build_site(cat, ws, SiteOptions(output=tmp_path / "north", districts=("北地区",), genres=("配食",),
                                             as_of=AS_OF))
    expected = select(cat, districts=["北地区"], genres=["配食"], as_of=AS_OF).records
    assert sorted(p.stem for p in (result.path / "resource").glob("*.html")) == sorted(r.id for r in expected)
    assert [p.name for p in (result.path / "district").glob("*.html")] == ["02.html"]


def test_rebuilding_replaces_old_pages_but_a_foreign_folder_is_refused(built, tmp_path):
    cat, ws, _ = built
    out = tmp_path / "out"
    build_site(cat, ws, SiteOptions(output=out, as_of=AS_OF))
    (out / "resource" / "S99999.html").write_text("old")
    (out / "old-folder").mkdir()
    (out / "old-folder" / "x.html").write_text("old")
    top = out / "index.html"
    stamp = top.stat().st_mtime_ns - 10_000_000_000
    os.utime(top, ns=(stamp, stamp))
    build_site(cat, ws, SiteOptions(output=out, as_of=AS_OF))
    assert not (out / "resource" / "S99999.html").exists() and not (out / "old-folder").exists()
    assert (out / MARKER).exists()
    assert top.stat().st_mtime_ns == stamp  # unchanged files are not rewritten: only what changed needs uploading
    build_site(cat, ws, SiteOptions(output=out, as_of=AS_OF + dt.timedelta(days=40)))
    assert top.stat().st_mtime_ns != stamp and "令和9年5月現在" in top.read_text(encoding="utf-8")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "大事な書類.docx").write_text("x")
    from shigen.errors import UsageError

    with pytest.raises(UsageError):
        build_site(cat, ws, SiteOptions(output=foreign, as_of=AS_OF))
    assert (foreign / "大事な書類.docx").exists()


def test_cli_site_and_card(cli, tmp_path):
    make_workspace(tmp_path, records(), settings={S.SETTING_CONTACT: "高齢福祉課 0479-62-0000"})
    res = cli("site", "--as-of", "2027-04-01", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["total"] == len(PUBLIC_NAMES) and Path(out["index"]).is_file()
    res = cli("site", "--card")
    assert res.exit_code == 2 and "--base-url" in res.output
    res = cli("site", "--audience", "everyone")
    assert res.exit_code == 2
    res = cli("site", "--card", "--base-url", "https://www.city.example.jp/kurashi/")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "exports" / "QRカード.docx").is_file()


def test_card_is_ten_business_cards_on_a4_with_the_qr_of_the_base_url(tmp_path):
    import zipfile

    from shigen.site.card import CardOptions, qr_png, twips, write_card

    ws = make_workspace(tmp_path, [], settings={S.SETTING_CONTACT: "高齢福祉課 0479-62-0000"})
    url = "https://www.city.example.jp/kurashi/"
    result = write_card(load(ws), ws, CardOptions(base_url=url))
    with zipfile.ZipFile(result.path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', xml)  # A4
    assert f'w:top="{twips(11)}"' in xml and f'w:left="{twips(14)}"' in xml and f'w:right="{twips(14)}"' in xml
    assert xml.count(f'<w:trHeight w:val="{twips(55)}" w:hRule="exact"/>') == 5
    assert xml.count(f'<w:gridCol w:w="{twips(91)}"/>') == 2
    # the outer table is neither indented nor padded at the sides: Word would shift it left by that padding
    outer = xml[xml.index("<w:tbl>"):xml.index("<w:tr")]
    assert '<w:tblInd w:w="0" w:type="dxa"/>' in outer and '<w:left w:w="0" w:type="dxa"/>' in outer
    assert xml.count("<w:drawing>") == 10 and xml.count(url) == 10
    # no stray empty paragraph in a card (one with the template's spacing pushed the address out of the card)
    body = xml[xml.index("<w:tbl>"):xml.rindex("</w:tbl>")]
    assert "<w:p/>" not in body
    assert media == [qr_png(url)]  # one image, used ten times: the QR of the base URL
    assert xml.count("みどり野市 くらしのサービス案内") == 10 and xml.count(">高齢福祉課<") == 10 and xml.count(">0479-62-0000<") == 10


def _search_data(path: Path) -> dict:
    text = (path / "data" / "search.js").read_text(encoding="utf-8")
    prefix = "window.SHIGEN_SEARCH = "
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix):-2])


def _by_genre(sel) -> list:
    return [r for s in sel.sections for r in s.records]


def test_placeholders_and_invalid_phones_are_blanked_as_in_every_public_output(tmp_path):
    recs = [record(name="みなみ配食", fee="要確認", hours="?", phone="0479-62-1111", fax="123"),
            record(name="きた配食", phone="要確認", mobile="", email="")]
    ws = make_workspace(tmp_path, recs)
    cat = load(ws)
    result = build_site(cat, ws, SiteOptions(as_of=AS_OF))
    text = all_text(result.path)
    assert "みなみ配食" in text and "要確認" not in text
    assert "きた配食" not in text  # its only contact is a placeholder: left out, as export does
    assert [r.name for r in result.no_contact] == ["きた配食"]
    assert {h.key for h in result.held_back} >= {"fee", "fax"}
    data = json.loads((result.path / "data" / "resources.json").read_text(encoding="utf-8"))
    assert "fee" not in data["resources"][0] and "fax" not in data["resources"][0]


def test_card_takes_the_office_in_charge_from_the_settings(tmp_path):
    from shigen.site.card import default_contact

    ws = make_workspace(tmp_path, [], settings={S.SETTING_CONTACT: "社会福祉協議会 0479-62-0001",
                                                S.SETTING_LETTER_DEPT: "高齢者支援課", S.SETTING_LETTER_PHONE: "0479-62-0002"})
    assert default_contact(load(ws)) == "高齢者支援課 0479-62-0002"
    ws2 = make_workspace(tmp_path / "b", [], settings={S.SETTING_CONTACT: "社会福祉協議会 0479-62-0001"})
    assert default_contact(load(ws2)) == "社会福祉協議会 0479-62-0001"


@pytest.mark.parametrize(("contact", "office", "phone"), [
    ("みどり野市社会福祉協議会 地域福祉係 0479-62-0294", "みどり野市社会福祉協議会 地域福祉係", "0479-62-0294"),
    ("高齢福祉課 TEL 0479-62-0000", "高齢福祉課", "TEL 0479-62-0000"),
    ("高齢福祉課(平日 9時～17時)", "高齢福祉課(平日 9時～17時)", ""),
    ("0120-418-552", "", "0120-418-552"),
])
def test_card_puts_the_phone_on_a_line_of_its_own(contact, office, phone):
    from shigen.site.card import split_contact

    assert split_contact(contact) == (office, phone)


def test_card_warns_when_the_text_may_not_fit(tmp_path):
    from shigen.site.card import CardOptions, write_card

    ws = make_workspace(tmp_path, [])
    url = "https://www.city.example.jp/kurashi/"
    assert write_card(load(ws), ws, CardOptions(base_url=url, contact="高齢福祉課 0479-62-0000")).warnings == []
    long = write_card(load(ws), ws, CardOptions(base_url=url, title="みどり野市 生活支援サービス・社会資源のご案内ウェブサイト"))
    assert long.warnings and "--title" in long.warnings[0]


def test_base_url_is_named_in_the_footer_and_the_json_but_never_linked(built, tmp_path):
    cat, ws, _ = built
    url = "https://www.city.example.jp/kurashi/"
    result = build_site(cat, ws, SiteOptions(output=tmp_path / "u", as_of=AS_OF, base_url=url))
    top = (result.path / "index.html").read_text(encoding="utf-8")
    assert f"この案内のアドレス: {url}" in top and f'href="{url}' not in top
    data = json.loads((result.path / "data" / "resources.json").read_text(encoding="utf-8"))
    assert data["base_url"] == url


# --- esc: the shortcut for text with nothing to escape gives what html.escape gives ------------------------------
def test_esc_is_html_escape_of_the_text() -> None:
    import html

    from hypothesis import given
    from hypothesis import strategies as st

    from shigen.site.pages import esc

    for value in ("", None, 0, 12, "配食 & 弁当", "<b>", "\"引用\" 'と'", "そのまま", "a>b"):
        assert esc(value) == html.escape(str(value or ""), quote=True), value

    @given(st.text(alphabet=st.sampled_from("あa&<>\"' \n1"), max_size=30))
    def check(text: str) -> None:
        assert esc(text) == html.escape(text, quote=True)

    check()
