"""The benchmark generator must keep producing a master that shigen reads, with its planted defects."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from shigen import schema as S
from shigen.master import load_catalogue
from shigen.model import match_genre
from shigen.text import normalize_phone, normalize_postal

ROOT = Path(__file__).resolve().parent.parent


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_generated_master_loads_with_five_percent_defects(tmp_path):
    gen = _generator()
    path = gen.write_catalogue(tmp_path / "ws", 50, seed=1)
    cat = load_catalogue(path)
    assert len(cat.records) == 50
    assert [r.id for r in cat.records] == [f"S{i:05d}" for i in range(1, 51)]
    assert len(cat.districts) == 5 and all(d.towns and d.neighbours for d in cat.districts)
    assert cat.genre_names()[0] == S.DEFAULT_GENRES[0].name
    assert cat.coordinators and cat.settings.municipality == "みどり野市"
    assert cat.last_id == 50
    # realistic values: Japanese names with ふりがな, valid phones, dates as ISO text
    ok = [r for r in cat.records if r.get("kana")]
    assert len(ok) > 30 and all("\u3041" <= r["kana"][0] <= "\u30ff" for r in ok)

    manifest = json.loads(path.with_suffix(".defects.json").read_text(encoding="utf-8"))
    defects = manifest["defects"]
    assert abs(len(defects) / len(cat.records) - 0.05) <= 0.02
    by_id = cat.by_id()
    for d in defects:  # each planted defect is visible in what shigen reads
        rec = by_id[d["id"]]
        value = rec.get(d["field"])
        kind = d["kind"]
        if kind == "phone_invalid":
            assert not normalize_phone(value).valid
        elif kind == "missing_required":
            assert value == ""
        elif kind == "unknown_genre":
            assert value not in cat.genre_names()
        elif kind == "bad_enum":
            assert value not in S.FIELD_BY_KEY[d["field"]].choices
        elif kind == "bad_postal":
            assert not normalize_postal(value)[1]
        elif kind == "bad_date":
            assert rec.date("last_confirmed") is None and value
    clean = [r for r in cat.records if r.id not in {d["id"] for d in defects}]
    assert all(normalize_phone(r["phone"]).valid for r in clean)
    assert all(match_genre(r["genre"], cat.genres) == r["genre"] for r in clean)


def test_messy_shape_has_near_duplicate_names_and_long_free_text(tmp_path):
    from collections import Counter

    from shigen.text import name_key

    gen = _generator()
    standard = load_catalogue(gen.write_catalogue(tmp_path / "std", 400, seed=3)).records
    messy = load_catalogue(gen.write_catalogue(tmp_path / "messy", 400, seed=3, shape="messy")).records
    assert len(messy) == 400 and [r.id for r in messy] == [r.id for r in standard]
    # the same records apart from the cells the shape rewrites
    assert [r.get("phone") for r in messy] == [r.get("phone") for r in standard]
    long_std = sum(len(r.get("content")) for r in standard) / 400
    long_messy = sum(len(r.get("content")) for r in messy) / 400
    assert long_messy > 4 * long_std and max(len(r.get("content")) for r in messy) > 250
    # near-duplicates: many names share a base once legal forms, width and spacing are folded
    groups = Counter(name_key(r.name)[:6] for r in messy)
    assert sum(n for n in groups.values() if n >= 5) > 0.5 * 400, groups.most_common(5)
    assert len({r.name for r in messy}) > 0.5 * 400  # … while written in many different ways
