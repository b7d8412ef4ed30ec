"""`shigen export --format pdf`: the residents' booklet typeset by Typst, read back with pypdf."""

from __future__ import annotations

import re

import pytest
from builders import make_workspace, record
from pypdf import PdfReader

from shigen import schema as S

AS_OF = "2027-04-01"


def booklet_records() -> list[dict[str, str]]:
    long = "昼食と夕食のお弁当を、ご自宅まで届けます。見守りを兼ねて手渡しします(不在のときは事業所へ連絡します)。" * 3
    out = []
    for i in range(14):  # enough cards for several pages in 配食・弁当
        out.append(record(name=f"配食{i:02d}番", kana=f"はいしょく{i:02d}", phone=f"0479-62-{1000 + i}", content=long))
    out.append(record(name="あおぞらタクシー", kana="あおぞらたくしー", genre="移送・外出支援", phone="0479-70-2222",
                      content="通院・買い物の送迎をします。"))
    out.append(record(name="いこいのサロン", kana="いこいのさろん", genre="サロン・交流の場", phone="0479-80-1111",
                      content="毎週水曜のお茶会です。"))
    out.append(record(name="SECRET非公開の会", visibility=S.VISIBILITY_STAFF, memo="SECRET-MEMO"))
    return out


@pytest.fixture(scope="module")
def booklet(tmp_path_factory):
    from typer.testing import CliRunner

    from shigen.cli import app

    root = tmp_path_factory.mktemp("pdf")
    make_workspace(root, booklet_records(), settings={S.SETTING_CONTACT: "みどり野市社会福祉協議会 0479-00-1234"})
    import os

    old = os.environ.get("SHIGEN_WORKSPACE")
    os.environ["SHIGEN_WORKSPACE"] = str(root)
    try:
        result = CliRunner().invoke(app, ["export", "--format", "pdf", "--as-of", AS_OF])
    finally:
        if old is None:
            os.environ.pop("SHIGEN_WORKSPACE")
        else:
            os.environ["SHIGEN_WORKSPACE"] = old
    assert result.exit_code == 0, result.stdout + result.stderr
    path = root / "exports" / "生活便利帳_20270401.pdf"
    assert path.exists()
    reader = PdfReader(path)
    return reader, [p.extract_text() for p in reader.pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_is_a4_and_has_cover_contents_and_chapters(booklet):
    reader, pages = booklet
    assert len(pages) >= 5  # cover, contents, 配食 over several pages, 移送, サロン
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5  # A4 portrait in points
    assert "生活便利帳" in pages[0] and "令和9年4月現在" in _flat(pages[0])
    assert "目次" in pages[1]


def test_contents_page_numbers_are_the_pages_the_chapters_start_on(booklet):
    _, pages = booklet
    toc = pages[1]
    entries = re.findall(r"(\d+)\.\s*(\S+?)\s*[.\s…]*\s(\d+)\s*$", toc, flags=re.M)
    assert [e[1] for e in entries] == ["配食・弁当", "移送・外出支援", "サロン・交流の場"], toc
    for number, genre, page in entries:
        text = _flat(pages[int(page) - 1])
        assert f"{number}.{genre}" in text, (genre, page)  # the chapter heading is on the page the contents names
        earlier = "".join(_flat(p) for p in pages[2:int(page) - 1])
        assert f"{number}.{genre}" not in earlier
    assert int(entries[1][2]) > int(entries[0][2]) + 1  # 配食 spans more than one page


def test_text_is_extractable_in_reading_order(booklet):
    _, pages = booklet
    body = _flat("".join(pages[2:]))
    positions = [body.index(f"配食{i:02d}番") for i in range(14)]
    assert positions == sorted(positions)  # 五十音順, the selection's order
    card = body[positions[0]:positions[1]]
    assert card.index("0479-62-1000") < card.index("サービス内容") < card.index("料金")
    assert body.index("配食13番") < body.index("あおぞらタクシー") < body.index("いこいのサロン")


def test_cards_are_never_split_across_pages(booklet):
    _, pages = booklet
    pages = [_flat(p) for p in pages]
    for i in range(14):
        name = f"配食{i:02d}番"
        holding = [n for n, p in enumerate(pages) if name in p]
        assert len(holding) == 1, name
        page = pages[holding[0]]
        card_end = page.find("配食", page.index(name) + len(name))
        card = page[page.index(name): card_end if card_end > 0 else len(page)]
        assert f"0479-62-{1000 + i}" in card and "1食600円" in card  # the whole card on that one page


def test_fonts_are_embedded_and_nothing_private_is_printed(booklet):
    reader, pages = booklet
    fonts = []
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.append(str(font["/BaseFont"]))
    assert any("NotoSansCJKjp" in f for f in fonts)
    blob = "".join(pages)
    assert "SECRET" not in blob and S.header("memo") not in blob
