"""Screenshots of a built site at phone and desktop widths, for looking at it (`make render`).

    python tests/browser/shots.py [OUT]        # default OUT: exports/render

Builds the site from the demo workspace (exports/demo, made by `make demo`) when it exists, else from the browser
test's small catalogue, and saves OUT/site-<page>-<phone|desktop>.png: the top page, a genre page, search results
for はいしょく, a resource page (also with 「文字を大きく」 on a phone), and that resource printed (Chromium's print to PDF, then pdftoppm). It also writes
the QR card (OUT/site-QRカード.docx) and renders it with LibreOffice when soffice and pdftoppm are there.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from chrome import chrome, emulate_print, full_screenshot, print_pdf, set_width  # noqa: E402

WIDTHS = {"phone": 390, "desktop": 1280}
BASE_URL = "https://www.city.midorino.example.jp/kurashi/"


def build(out: Path):  # type: ignore[no-untyped-def]
    demo = ROOT / "exports" / "demo"
    if (demo / "workbooks" / "catalogue.xlsx").exists():
        from shigen.master import load_catalogue
        from shigen.site import SiteOptions, build_site
        from shigen.workspace import Workspace

        ws = Workspace.resolve(demo)
        cat = load_catalogue(ws.catalogue)
        return cat, ws, build_site(cat, ws, SiteOptions(output=out / "site", as_of=dt.date(2027, 6, 1)))
    from fixture import build as build_fixture

    from shigen.master import load_catalogue

    root = Path(tempfile.mkdtemp(prefix="shigen-shots-"))
    result = build_fixture(root)
    from shigen.workspace import Workspace

    ws = Workspace.resolve(root)
    cat = load_catalogue(ws.catalogue)
    target = out / "site"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(result.path, target)
    result.path = target
    return cat, ws, result


def main() -> None:
    out = (Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "exports" / "render").resolve()
    out.mkdir(parents=True, exist_ok=True)
    cat, ws, result = build(out)
    site = result.path
    genre_page = sorted((site / "genre").glob("*.html"))[0]
    resource = sorted((site / "resource").glob("*.html"))[0]
    pages = {"top": site / "index.html", "genre": genre_page, "search": site / "search.html",
             "resource": resource}
    written = []
    with chrome() as driver:
        for width_name, width in WIDTHS.items():
            for name, path in pages.items():
                set_width(driver, width)
                url = path.as_uri() + ("?q=はいしょく" if name == "search" else "")
                driver.get(url)
                target = out / f"site-{name}-{width_name}.png"
                full_screenshot(driver, target, width)
                written.append(target)
        # 「文字を大きく」 switched on, on a phone
        set_width(driver, WIDTHS["phone"])
        driver.get(resource.as_uri())
        driver.find_element("id", "bigger").click()
        target = out / "site-resource-phone-big.png"
        full_screenshot(driver, target, WIDTHS["phone"])
        written.append(target)
        driver.find_element("id", "bigger").click()
        set_width(driver, WIDTHS["desktop"])
        driver.get(resource.as_uri())
        emulate_print(driver)
        pdf = out / "site-resource-print.pdf"
        pdf.write_bytes(print_pdf(driver))
        genre_pdf = out / "site-genre-print.pdf"
        driver.get(genre_page.as_uri())
        emulate_print(driver)
        genre_pdf.write_bytes(print_pdf(driver))
    for p in (pdf, genre_pdf):
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", str(p), str(p.with_suffix(""))],
                           check=True)
            written.append(p.with_name(p.stem + "-1.png"))
    from shigen.site.card import CardOptions, write_card

    card = write_card(cat, ws, CardOptions(base_url=BASE_URL, output=out / "site-QRカード.docx"))
    if shutil.which("soffice") and shutil.which("pdftoppm"):
        profile = Path(tempfile.mkdtemp(prefix="lo-site-"))
        try:
            subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(out), str(card.path)], check=True, capture_output=True)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        card_pdf = card.path.with_suffix(".pdf")
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(card_pdf), str(card_pdf.with_suffix(""))], check=True)
        written.append(card_pdf.with_name(card_pdf.stem + "-1.png"))
    for p in written:
        print(p)


if __name__ == "__main__":
    main()
