"""Build the whole static site into a folder: pages, assets, the JSON data file and the search index.

The records are chosen by :func:`shigen.export.select.select` (the rule of every public output); a district page
holds what ``export --district`` would list for that district. The output is a pure function of the catalogue
and the options: no clock, no random order, ``\\n`` line ends, so the same catalogue gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .. import schema as S
from ..errors import UsageError
from ..export.select import AUDIENCE_PUBLIC, AUDIENCES, Publication, select
from ..model import Catalogue, Record
from ..workspace import Workspace
from .data import Entry, make_entries, shown_keys
from .pages import DistrictSummary, GenreSummary, SiteInfo, list_page, resource_page, search_page, top_page

MARKER = ".shigen-site"
MARKER_TEXT = "このフォルダーは shigen site が作りました。作り直すと、サイトの一部でないファイルは消えます。\n"
ASSETS = ("site.css", "site.js", "search.js")
DEFAULT_TITLE = "くらしのサービス案内"
STAFF_SUFFIX = "(関係者用)"
DEFAULT_DIR_PUBLIC = "site"
DEFAULT_DIR_STAFF = "site_関係者用"


@dataclass(frozen=True)
class SiteOptions:
    output: Path | None = None
    audience: str = AUDIENCE_PUBLIC
    districts: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    title: str | None = None
    base_url: str = ""
    as_of: dt.date | None = None


@dataclass(kw_only=True)
class SiteResult(Publication):
    files: int

    @property
    def index(self) -> Path:
        return self.path / "index.html"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path), "index": str(self.index), "audience": self.audience,
            "as_of": self.as_of.isoformat(), "title": self.title, "districts": self.districts,
            "genres": self.genres, "total": self.total, "files": self.files,
            "by_genre": [{"genre": g, "count": n} for g, n in self.by_genre],
            "stale_left_out": [r.id for r in self.stale], "unconfirmed": [r.id for r in self.unconfirmed],
            "not_public": dict(self.left_out),
            "no_contact_left_out": [{"id": r.id, "name": r.name} for r in self.no_contact],
            "held_back": [dict(zip(("id", "name", "field", "value", "problem"), h.to_row(), strict=True))
                          for h in self.held_back],
        }


def site_title(cat: Catalogue, title: str | None, public: bool) -> str:
    base = (title or "").strip() or " ".join(x for x in (cat.settings.municipality, DEFAULT_TITLE) if x)
    return base if public else base + STAFF_SUFFIX


def target_dir(ws: Workspace, output: Path | None, public: bool) -> Path:
    return Path(output) if output else ws.exports / (DEFAULT_DIR_PUBLIC if public else DEFAULT_DIR_STAFF)


def check_target(path: Path) -> None:
    """Refuse to replace a folder that shigen did not make (a site folder is replaced whole)."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"--output『{path}』はファイルです。", "サイトを作るフォルダーの名前を指定してください。")
    if path.is_dir() and any(path.iterdir()) and not (path / MARKER).exists():
        raise UsageError(f"フォルダー『{path}』には shigen site が作ったものではないファイルがあるので、上書きしません。",
                         "空のフォルダーか、まだないフォルダーの名前を --output に指定してください。")


def build_site(cat: Catalogue, ws: Workspace, options: SiteOptions) -> SiteResult:
    """Select the records and write the site folder (replaced whole, atomically as far as the file system allows)."""
    started = time.perf_counter()
    if options.audience not in AUDIENCES:
        raise UsageError(f"--audience『{options.audience}』は使えません。",
                         "public(一般向け・既定)か staff(関係者用)を指定してください。")
    base_url = (options.base_url or "").strip()
    if base_url and not base_url.startswith(("https://", "http://")):
        raise UsageError(f"--base-url『{base_url}』は http:// か https:// で始まるアドレスではありません。",
                         "例: --base-url https://www.city.example.jp/kurashi/")
    as_of = options.as_of or dt.date.today()
    sel = select(cat, audience=options.audience, districts=list(options.districts), genres=list(options.genres),
                 as_of=as_of)
    public = sel.is_public
    path = target_dir(ws, options.output, public)
    check_target(path)
    files = render_site(cat, sel.records, sel.districts, public=public, title=site_title(cat, options.title, public),
                        as_of=as_of, base_url=base_url)
    write_folder(path, files)
    return SiteResult(**Publication.of_selection(sel), path=path, as_of=as_of,
                      title=site_title(cat, options.title, public), files=len(files),
                      seconds=time.perf_counter() - started)


def _asset(name: str) -> bytes:
    return resources.files("shigen.site").joinpath("assets", name).read_bytes()


def _genre_slugs(cat: Catalogue, genres_present: list[str]) -> dict[str, str]:
    names = cat.genre_names()
    extra = [g for g in genres_present if g not in names]
    return {g: f"genre/{i:02d}.html" for i, g in enumerate([*names, *extra], start=1)}


def render_site(cat: Catalogue, records: list[Record], districts_asked: list[str], *, public: bool, title: str,
                as_of: dt.date, base_url: str = "") -> dict[str, bytes]:
    """Every file of the site, by relative path (``/`` separated), as bytes."""
    entries = make_entries(cat, records, public=public, as_of=as_of)
    info = SiteInfo(title, cat.settings.municipality, cat.settings.contact, as_of, public, base_url)
    district_names = [d.name for d in cat.districts]
    listed_districts = [d for d in cat.districts if not districts_asked or d.name in districts_asked]

    by_genre: dict[str, list[Entry]] = {}
    for e in entries:  # records come ordered: genre order, then 五十音順
        by_genre.setdefault(e.values.get("genre") or S.NO_GENRE, []).append(e)
    info.genre_pages = _genre_slugs(cat, list(by_genre))
    info.district_pages = {d.name: f"district/{district_names.index(d.name) + 1:02d}.html" for d in listed_districts}

    files: dict[str, bytes] = {}

    def put(name: str, text: str) -> None:
        files[name] = text.encode("utf-8")

    genre_summaries = []
    for genre, es in by_genre.items():
        g = cat.genre(genre)
        description = g.description if g else ""
        page = info.genre_pages[genre]
        genre_summaries.append(GenreSummary(genre, description, page, len(es)))
        put(page, list_page(info, title=genre, lead=description, groups=[(genre, es)],
                            crumbs=[("index.html", "トップ")], show_genre=False, kind="genre"))

    district_summaries = []
    cards: dict[tuple[str, int, bool, str], str] = {}
    for d in listed_districts:
        i = district_names.index(d.name)
        inside = [e for e in entries if i in e.districts]
        groups: dict[str, list[Entry]] = {}
        for e in inside:
            groups.setdefault(e.values.get("genre") or S.NO_GENRE, []).append(e)
        page = info.district_pages[d.name]
        district_summaries.append(DistrictSummary(d.name, page, len(inside), d.tier))
        lead = (f"{d.name}で使えるものです。{d.name}にあるもの、市内全域で使えるもの、"
                f"対応エリアに{d.name}(またはその町名)が入っているものを含みます。")
        put(page, list_page(info, title=d.name, lead=lead, groups=list(groups.items()) or [(d.name, [])],
                            crumbs=[("index.html", "トップ")], show_genre=True, kind="district", cards=cards,
                            district=d.name))

    for e in entries:
        put(f"resource/{e.page}", resource_page(info, e, district_names=[district_names[i] for i in e.districts]))

    put("index.html", top_page(info, genre_summaries, district_summaries, len(entries)))
    genre_list = list(by_genre)
    put("search.html", search_page(info, district_names, genre_list))
    search_data = _search_data(cat, entries, district_names, genre_list, info)
    files["data/search.js"] = ("window.SHIGEN_SEARCH = " + _json(search_data) + ";\n").encode("utf-8")
    files["data/resources.json"] = (_json(_open_data(entries, district_names, info, public), indent=1) + "\n"
                                    ).encode("utf-8")
    for name in ASSETS:
        files[f"assets/{name}"] = _asset(name)
    if not public:
        files["robots.txt"] = b"User-agent: *\nDisallow: /\n"
    files[MARKER] = MARKER_TEXT.encode("utf-8")
    return dict(sorted(files.items()))


def _json(data: object, indent: int | None = None) -> str:
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=indent)


def _search_data(cat: Catalogue, entries: list[Entry], districts: list[str], genres: list[str],
                 info: SiteInfo) -> dict[str, object]:
    """The compact index search.js reads: one array per resource (see FIELDS_OF_ITEM)."""
    from ..reading import suggest_reading
    from ..text import search_key

    genre_index = {g: i for i, g in enumerate(genres)}
    genre_rows = []
    for g in genres:
        obj = cat.genre(g)
        names = (g, *(obj.synonyms if obj else ()))
        # the readings too, as `shigen find` does for a query in kana (はいしょく → 配食・弁当)
        keys = [search_key(x) for x in names] + [search_key(suggest_reading(x)) for x in names]
        genre_rows.append({"name": g, "page": info.genre_pages[g], "keys": [k for k in dict.fromkeys(keys) if k]})
    items = []
    for e in entries:
        v = e.values
        items.append([e.id, e.name, genre_index[v.get("genre") or S.NO_GENRE], e.page, v.get("phone", ""),
                      v.get("days", ""), v.get("hours", ""), v.get("fee", ""), v.get("area", ""),
                      v.get("content", "")[:120], list(e.districts), e.days, 1 if e.free else 0, e.key,
                      search_key(e.name)])
    return {"fields": list(FIELDS_OF_ITEM), "districts": districts, "genres": genre_rows, "items": items,
            "stamp": info.stamp}


FIELDS_OF_ITEM = ("id", "name", "genre", "page", "phone", "days", "hours", "fee", "area", "content", "districts",
                  "run_days", "free", "key", "name_key")


def _open_data(entries: list[Entry], districts: list[str], info: SiteInfo, public: bool) -> dict[str, object]:
    keys = ("name", *shown_keys(public))
    return {
        "title": info.title, "municipality": info.municipality, "as_of": info.as_of.isoformat(),
        "audience": "public" if public else "staff", "generator": "shigen site",
        **({"base_url": info.base_url} if info.base_url else {}),
        "fields": [{"key": k, "header": S.header(k)} for k in keys],
        "resources": [{**{k: e.values[k] for k in keys if k in e.values},
                       "usable_in": [districts[i] for i in e.districts], "page": f"resource/{e.page}"}
                      for e in entries],
    }


def write_folder(path: Path, files: dict[str, bytes]) -> None:
    """Make ``path`` hold exactly ``files``: new and changed files written (each through a temporary file and a
    rename), unchanged files left alone (their dates too, so only what changed needs uploading), files of an
    earlier build that are no longer part of the site removed. :func:`check_target` has made sure the folder is
    empty, new, or a site shigen made. Interrupted, the folder is a mix of the two builds; run it again.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    wanted: set[Path] = set()
    made: set[Path] = set()
    order = [MARKER, *(n for n in files if n != MARKER)]  # the marker first: a half-built folder is still ours
    for name in order:
        data = files[name]
        target = path.joinpath(*name.split("/"))
        wanted.add(target)
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except OSError:
            pass
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        tmp = target.with_name(f".{target.name}.tmp{pid}")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    for p in sorted(path.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if p.is_dir():
            if not any(p.iterdir()):
                p.rmdir()
        elif p not in wanted:
            p.unlink()
