"""HTML of every page: plain strings, every value escaped, relative links only.

Each page is a complete HTML5 document with ``lang="ja"``, a skip link, the landmarks banner / navigation / main /
contentinfo, one ``h1`` and headings in order. Nothing is fetched from another host.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html import escape

from .. import schema as S
from ..find import DAY_LABELS
from ..text import to_wareki
from .data import Entry, shown_keys

GENERATOR = "shigen"


_NEEDS_ESCAPE = re.compile("[&<>\"']")


def esc(text: object) -> str:
    value = text if isinstance(text, str) else str(text or "")
    if not _NEEDS_ESCAPE.search(value):  # most values: nothing to escape (html.escape would return them as they are)
        return value
    return escape(value, quote=True)


def multiline(text: str) -> str:
    return "<br>".join(esc(line) for line in (text or "").split("\n"))


@dataclass
class SiteInfo:
    title: str
    municipality: str
    contact: str
    as_of: dt.date
    public: bool
    base_url: str = ""
    genre_pages: dict[str, str] = field(default_factory=dict)  # genre → genre/NN.html
    district_pages: dict[str, str] = field(default_factory=dict)  # district → district/NN.html

    @property
    def stamp(self) -> str:
        text = to_wareki(self.as_of)
        return text[: text.index("月") + 1] + "現在"


STAFF_BANNER = "関係者用 — この案内は職員・関係者のためのものです。外部に公開・配布しないでください。"
NOTICE = "内容は変わることがあります。ご利用の前に、各事業所へお問い合わせください。"


def document(info: SiteInfo, *, up: str, title: str, body: str, crumbs: list[tuple[str, str]] | None = None,
             scripts: tuple[str, ...] = ()) -> str:
    """A whole page. ``up`` is the relative path back to the site's top folder ("" or "../")."""
    page_title = f"{title} | {info.title}" if title != info.title else info.title
    robots = '<meta name="robots" content="noindex, nofollow">\n' if not info.public else ""
    banner = f'<p class="staff-banner" role="note">{esc(STAFF_BANNER)}</p>\n' if not info.public else ""
    nav_items = [("index.html", "トップ"), ("search.html", "さがす"), ("index.html#genres", "ジャンルから"),
                 ("index.html#districts", "地区から")]
    nav = "".join(f'<li><a href="{up}{href}">{esc(label)}</a></li>' for href, label in nav_items)
    crumb_html = ""
    if crumbs:
        items = "".join(f'<li><a href="{up}{href}">{esc(label)}</a></li>' for href, label in crumbs)
        crumb_html = (f'<nav class="crumbs" aria-label="現在地"><ol>{items}'
                      f'<li aria-current="page">{esc(title)}</li></ol></nav>\n')
    script_tags = "".join(f'<script src="{up}{src}" defer></script>\n' for src in scripts)
    contact = f"<p>問い合わせ先: {esc(info.contact)}</p>" if info.contact else ""
    if info.base_url:  # as text, not a link: opened from a USB stick, a link would leave the folder
        contact += f"\n<p>この案内のアドレス: {esc(info.base_url)}</p>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{robots}"
        f'<meta name="generator" content="{GENERATOR}">\n'
        f"<title>{esc(page_title)}</title>\n"
        f'<link rel="stylesheet" href="{up}assets/site.css">\n'
        f'<script src="{up}assets/site.js"></script>\n'
        f"{script_tags}"
        "</head>\n<body>\n"
        '<a class="skip" href="#main">本文へ移動</a>\n'
        f"{banner}"
        '<header class="site-header">\n<div class="wrap header-row">\n'
        f'<p class="site-title"><a href="{up}index.html">{esc(info.title)}</a></p>\n'
        '<button type="button" class="bigger" id="bigger" aria-pressed="false">文字を大きく</button>\n'
        "</div>\n"
        f'<nav class="site-nav" aria-label="メニュー"><ul class="wrap">{nav}</ul></nav>\n'
        "</header>\n"
        f'<div class="wrap">\n{crumb_html}<main id="main" tabindex="-1">\n{body}</main>\n</div>\n'
        '<footer class="site-footer">\n<div class="wrap">\n'
        f"<p>{esc(info.stamp)}の情報です。{esc(NOTICE)}</p>\n{contact}\n"
        f"<p>{esc(info.municipality)}</p>\n"
        "</div>\n</footer>\n</body>\n</html>\n"
    )


# --- pieces --------------------------------------------------------------------------------
def tel_href(phone: str) -> str:
    digits = re.sub(r"[^\d+]", "", phone or "")
    return f"tel:{digits}" if len(digits) >= 5 else ""


def phone_html(phone: str) -> str:
    href = tel_href(phone)
    return f'<a class="tel" href="{esc(href)}">{esc(phone)}</a>' if href else esc(phone)


def date_text(iso: str) -> str:
    try:
        return to_wareki(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def value_html(key: str, value: str) -> str:
    if key in S.PHONE_KEYS and key != "fax":  # a FAX number is not something to call
        return phone_html(value)
    if key == "email" and re.fullmatch(r"[^\s@<>\"']+@[^\s@<>\"']+", value):
        return f'<a href="mailto:{esc(value)}">{esc(value)}</a>'
    if key == "url" and re.fullmatch(r"https?://[^\s<>\"']+", value):
        return f'<a href="{esc(value)}" rel="noopener">{esc(value)}</a>'
    if key in S.DATE_KEYS:
        return esc(date_text(value))
    return multiline(value)


CARD_KEYS = ("phone", "days", "hours", "fee", "area")
CARD_LABELS = {"phone": "電話", "days": S.header("days"), "hours": S.header("hours"), "fee": S.header("fee"),
               "area": "利用できる地域"}


def card(entry: Entry, *, up: str, level: int = 3, show_genre: bool = False, why: str = "") -> str:
    v = entry.values
    rows = []
    if why:
        rows.append(f'<div class="why"><dt>この地区では</dt><dd>{esc(why)}</dd></div>')
    if show_genre and v.get("genre"):
        rows.append(f'<div><dt>ジャンル</dt><dd>{esc(v["genre"])}</dd></div>')
    for key in CARD_KEYS:
        if v.get(key):
            rows.append(f"<div><dt>{esc(CARD_LABELS[key])}</dt><dd>{value_html(key, v[key])}</dd></div>")
    content = f'<p class="content">{multiline(v["content"])}</p>' if v.get("content") else ""
    return (f'<article class="card">\n<h{level} class="card-title"><a href="{up}resource/{entry.page}">'
            f"{esc(entry.name)}</a></h{level}>\n{content}<dl class=\"facts\">{''.join(rows)}</dl>\n</article>\n")


WHY_CITY_WIDE = "市内全域で使えます"
WHY_INSIDE = "この地区にあります"
WHY_AREA = "この地区も対応エリアです"


def why_listed(entry: Entry, district: str) -> str:
    """Why a resource is on a district page: 市内全域, located there, or its 対応エリア names the district."""
    from ..model import is_city_wide

    area = entry.record.get("area")
    if area and is_city_wide(area):
        return WHY_CITY_WIDE
    if entry.record.get("district") == district:
        return WHY_INSIDE
    return WHY_AREA


# --- pages ---------------------------------------------------------------------------------
@dataclass
class GenreSummary:
    name: str
    description: str
    page: str
    count: int


@dataclass
class DistrictSummary:
    name: str
    page: str
    count: int
    tier: str


def top_page(info: SiteInfo, genres: list[GenreSummary], districts: list[DistrictSummary], total: int) -> str:
    g_items = "".join(
        f'<li><a href="{g.page}"><span class="name">{esc(g.name)}</span>'
        f'<span class="count">{g.count} 件</span></a>'
        + (f'<span class="desc">{esc(g.description)}</span>' if g.description else "") + "</li>\n"
        for g in genres)
    d_items = "".join(f'<li><a href="{d.page}"><span class="name">{esc(d.name)}</span>'
                      f'<span class="count">{d.count} 件</span></a></li>\n' for d in districts)
    body = (
        f"<h1>{esc(info.title)}</h1>\n"
        f'<p class="lead">{esc(info.municipality)}で暮らす高齢の方と家族のための、生活を支えるサービスや集まりの案内です。'
        f"全部で {total} 件あります({esc(info.stamp)})。</p>\n"
        '<section aria-labelledby="h-search" class="search-box">\n<h2 id="h-search">ことばでさがす</h2>\n'
        '<form action="search.html" method="get" role="search" aria-label="サービスをさがす">\n'
        '<label for="top-q">さがしたいこと(例: はいしょく、買い物、体操)</label>\n'
        '<div class="row"><input type="search" id="top-q" name="q" autocomplete="off">'
        '<button type="submit">さがす</button></div>\n</form>\n</section>\n'
        '<section aria-labelledby="genres">\n<h2 id="genres">ジャンルからさがす</h2>\n'
        f'<ul class="tiles">\n{g_items}</ul>\n</section>\n'
        '<section aria-labelledby="districts">\n<h2 id="districts">地区からさがす</h2>\n'
        '<p>その地区で使えるもの(市内全域のものと、その地区へ来てくれるものを含みます)を並べています。</p>\n'
        f'<ul class="tiles districts">\n{d_items}</ul>\n</section>\n'
    )
    return document(info, up="", title=info.title, body=body)


def list_page(info: SiteInfo, *, title: str, lead: str, groups: list[tuple[str, list[Entry]]],
              crumbs: list[tuple[str, str]], show_genre: bool, kind: str,
              cards: dict[tuple[str, int, bool, str], str] | None = None, district: str = "") -> str:
    """A genre page (one group) or a district page (one group per genre).

    ``cards`` caches each card's HTML: a city-wide resource appears on every district page. On a district page
    each card says why it is listed there (:func:`why_listed`).
    """
    cache = {} if cards is None else cards

    def one(e: Entry, level: int) -> str:
        why = why_listed(e, district) if district else ""
        key = (e.page, level, show_genre, why)
        html = cache.get(key)
        if html is None:
            html = cache[key] = card(e, up="../", level=level, show_genre=show_genre, why=why)
        return html

    parts = [f"<h1>{esc(title)}</h1>\n", f'<p class="lead">{esc(lead)}</p>\n' if lead else ""]
    total = sum(len(es) for _, es in groups)
    parts.append(f'<p class="total">{total} 件({esc(info.stamp)})</p>\n')
    if not total:
        parts.append("<p>いまは載っているものがありません。</p>\n")
    if kind == "genre":
        parts.append(f'<div class="cards {kind}">\n')
        parts += [one(e, 2) for e in groups[0][1]]
        parts.append("</div>\n")
    else:
        for i, (heading, entries) in enumerate(groups, start=1):
            parts.append(f'<section aria-labelledby="g{i}">\n<h2 id="g{i}">{esc(heading)}'
                         f'<span class="count">{len(entries)} 件</span></h2>\n<div class="cards {kind}">\n')
            parts += [one(e, 3) for e in entries]
            parts.append("</div>\n</section>\n")
    return document(info, up="../", title=title, body="".join(parts), crumbs=crumbs)


def resource_page(info: SiteInfo, entry: Entry, *, district_names: list[str]) -> str:
    v = entry.values
    rows = []
    for key in shown_keys(info.public):
        if key == "kana" or not v.get(key):
            continue
        label = S.header(key)
        rows.append(f'<div class="f-{key}"><dt>{esc(label)}</dt><dd>{value_html(key, v[key])}</dd></div>')
    if not info.public and entry.freshness:
        rows.append(f'<div class="f-freshness"><dt>確認状況</dt><dd>{esc(entry.freshness)}</dd></div>')
    used = "・".join(district_names)
    if used:
        rows.append(f'<div class="f-used"><dt>使える地区</dt><dd>{esc(used)}</dd></div>')
    kana = f'<p class="kana">{esc(v["kana"])}</p>\n' if v.get("kana") else ""
    genre = v.get("genre", "")
    crumbs = [("index.html", "トップ")]
    if genre and genre in info.genre_pages:
        crumbs.append((info.genre_pages[genre], genre))
    confirmed = date_text(v["last_confirmed"]) if v.get("last_confirmed") else "未確認"
    phone = (f'<p class="big-phone">電話 {phone_html(v["phone"])}</p>\n' if v.get("phone") else "")
    body = (
        f'<article class="card resource" aria-labelledby="h-name">\n{kana}<h1 id="h-name">{esc(entry.name)}</h1>\n'
        f"{phone}"
        f'<dl class="facts all">\n{"".join(rows)}\n</dl>\n'
        f'<p class="stamp">{esc(info.stamp)}(最終確認日: {esc(confirmed)})</p>\n'
        "</article>\n"
        f'<p class="notice">{esc(NOTICE)}</p>\n'
        '<p class="print-row"><button type="button" class="print" data-print>この案内を印刷する</button></p>\n'
    )
    return document(info, up="../", title=entry.name, body=body, crumbs=crumbs)


def search_page(info: SiteInfo, districts: list[str], genres: list[str]) -> str:
    d_opts = "".join(f'<option value="{i}">{esc(n)}</option>' for i, n in enumerate(districts))
    g_opts = "".join(f'<option value="{i}">{esc(n)}</option>' for i, n in enumerate(genres))
    days = "".join(f'<label class="check"><input type="checkbox" name="day" value="{i}">{esc(label)}</label>'
                   for i, label in enumerate(DAY_LABELS))
    body = (
        "<h1>さがす</h1>\n"
        '<p class="lead">ひらがな・カタカナ・漢字のどれで入れても探せます。地区・ジャンル・曜日でしぼりこめます。</p>\n'
        '<form id="search" class="search-form" action="search.html" method="get" role="search" aria-label="サービスをさがす">\n'
        '<div class="field"><label for="q">さがしたいこと</label>'
        '<input type="search" id="q" name="q" autocomplete="off" aria-describedby="q-help">'
        '<p id="q-help" class="help">例: はいしょく、移動販売、体操、草取り(空欄なら、しぼりこみだけで探します)</p></div>\n'
        f'<div class="field"><label for="d">地区</label><select id="d" name="d"><option value="">すべての地区</option>'
        f"{d_opts}</select></div>\n"
        f'<div class="field"><label for="g">ジャンル</label><select id="g" name="g"><option value="">すべてのジャンル</option>'
        f"{g_opts}</select></div>\n"
        f'<fieldset class="field days"><legend>やっている曜日</legend>{days}</fieldset>\n'
        '<div class="field"><label class="check"><input type="checkbox" id="free" name="free" value="1">'
        "無料のものだけ</label></div>\n"
        '<div class="field"><button type="submit">さがす</button></div>\n'
        "</form>\n"
        '<noscript><p class="warn">この検索には JavaScript が必要です。トップページのジャンル・地区の一覧から探してください。</p></noscript>\n'
        '<section aria-labelledby="h-results" class="results">\n<h2 id="h-results" tabindex="-1">検索結果</h2>\n'
        '<p id="count" role="status" aria-live="polite"></p>\n<div id="results" class="cards"></div>\n'
        '<p><button type="button" id="more" hidden>もっと見る</button></p>\n</section>\n'
    )
    return document(info, up="", title="さがす", body=body, scripts=("data/search.js", "assets/search.js"))
