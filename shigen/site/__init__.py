"""`shigen site`: the catalogue as a static web site (pages, a search page, a JSON data file) and a QR card.

:func:`build_site` selects the records with :func:`shigen.export.select.select`, renders every page
(:mod:`.pages`) and writes the folder (:mod:`.build`). The site works opened from a folder (file://) or copied
to any web server: relative links only, nothing fetched from another host. :func:`write_card` writes the
business-card sheet with the site's QR code (:mod:`.card`).
"""

from __future__ import annotations

from .build import SiteOptions, SiteResult, build_site, render_site

__all__ = ["SiteOptions", "SiteResult", "build_site", "render_site"]
