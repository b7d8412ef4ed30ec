"""A strict little HTML5 checker for the pages `shigen site` writes (the standard library's parser, no validator).

It checks what a validator would reject in these pages and what accessibility needs: the doctype first, one
``<html lang="ja">``, ``<head>`` with charset, viewport and a non-empty title, every element known to HTML5 and
closed in order (void elements never closed), no duplicate ``id``, each ``label for`` pointing at a form control,
``aria-labelledby`` pointing at an element, exactly one ``main`` and one ``h1``, headings without skipped levels,
and every ``src``/``href`` of ``script``, ``link`` and ``img`` relative (no scheme, no ``//host``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
KNOWN = VOID | {
    "html", "head", "title", "style", "script", "noscript", "body", "header", "footer", "main", "nav", "section",
    "article", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "a", "ul", "ol", "li", "dl", "dt",
    "dd", "form", "label", "select", "option", "button", "fieldset", "legend", "strong", "em", "small", "table",
    "thead", "tbody", "tr", "th", "td", "caption", "figure", "figcaption", "svg", "path", "rect", "abbr", "time",
    "address", "textarea",
}
# elements whose end tag HTML lets one leave out are still closed by shigen: treat them all as required
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


@dataclass
class Page:
    doctype: bool = False
    first: str = ""
    lang: str | None = None
    title: str = ""
    charset: bool = False
    viewport: bool = False
    robots: str = ""
    ids: dict[str, int] = field(default_factory=dict)
    label_for: list[str] = field(default_factory=list)
    labelledby: list[str] = field(default_factory=list)
    controls: set[str] = field(default_factory=set)
    headings: list[int] = field(default_factory=list)
    mains: int = 0
    resources: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attr, value) of script/link/img
    links: list[str] = field(default_factory=list)  # every a href
    errors: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.in_title = False

    def handle_decl(self, decl: str) -> None:
        if decl.lower() == "doctype html" and not self.page.first:
            self.page.doctype = True
        self.page.first = self.page.first or "doctype"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        p = self.page
        p.first = p.first or tag
        a = {k: (v or "") for k, v in attrs}
        if tag not in KNOWN:
            p.errors.append(f"unknown element <{tag}>")
        if tag == "html":
            p.lang = a.get("lang")
        if tag == "meta":
            if "charset" in a:
                p.charset = a["charset"].lower() == "utf-8"
            if a.get("name") == "viewport":
                p.viewport = True
            if a.get("name") == "robots":
                p.robots = a.get("content", "")
        if "id" in a:
            p.ids[a["id"]] = p.ids.get(a["id"], 0) + 1
        if tag == "label" and "for" in a:
            p.label_for.append(a["for"])
        if "aria-labelledby" in a:
            p.labelledby += a["aria-labelledby"].split()
        if tag in ("input", "select", "textarea") and "id" in a:
            p.controls.add(a["id"])
        if re.fullmatch(r"h[1-6]", tag):
            p.headings.append(int(tag[1]))
        if tag == "main":
            p.mains += 1
        for attr in ("src", "href"):
            if attr in a and tag in ("script", "link", "img"):
                p.resources.append((tag, attr, a[attr]))
        if tag == "a" and "href" in a:
            p.links.append(a["href"])
        if tag == "title":
            self.in_title = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.page.errors.append(f"<{tag}/> is not a void element")
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.page.errors.append(f"end tag for void element </{tag}>")
            return
        if not self.stack or self.stack[-1] != tag:
            self.page.errors.append(f"</{tag}> does not close <{self.stack[-1] if self.stack else '(nothing)'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page.title += data
        if data.strip():
            self.page.text.append(data.strip())


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    page = parser.page
    if parser.stack:
        page.errors.append(f"unclosed elements: {parser.stack}")
    return page


def problems(page: Page) -> list[str]:
    """Everything wrong with a parsed page (empty list = fine)."""
    out = list(page.errors)
    if not page.doctype:
        out.append("<!DOCTYPE html> is not the first thing")
    if page.lang != "ja":
        out.append(f'<html lang="ja"> expected, got {page.lang!r}')
    if not page.charset:
        out.append('<meta charset="utf-8"> missing')
    if not page.viewport:
        out.append("viewport meta missing")
    if not page.title.strip():
        out.append("empty <title>")
    out += [f"duplicate id {i!r}" for i, n in page.ids.items() if n > 1]
    out += [f"<label for={f!r}> names no form control" for f in page.label_for if f not in page.controls]
    out += [f"aria-labelledby={i!r} names no element" for i in page.labelledby if i not in page.ids]
    if page.mains != 1:
        out.append(f"{page.mains} <main> elements")
    if page.headings.count(1) != 1 or (page.headings and page.headings[0] != 1):
        out.append(f"one <h1> first expected: {page.headings}")
    for a, b in zip(page.headings, page.headings[1:], strict=False):
        if b > a + 1:
            out.append(f"heading level skipped: h{a} → h{b}")
    out += [f"external {tag} {attr}={v!r}" for tag, attr, v in page.resources if EXTERNAL.match(v)]
    return out
