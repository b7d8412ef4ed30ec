"""The labelled pairs that measure `shigen audit`'s duplicate finding (precision and recall).

    .venv/bin/python benchmarks/duplicate_corpus.py --write   # regenerate tests/data/duplicate_pairs.csv
    .venv/bin/python benchmarks/duplicate_corpus.py           # print precision / recall (also in `make bench`)

Each pair is two records (名称, 電話番号, 住所, ジャンル, 地区) and a label: 1 = the same resource written twice,
0 = two different resources. The pairs are built from hand-chosen ingredients, one family per situation a
coordinator meets, and each family's label is decided by hand (the ``label`` of each family below, with the
reason in its ``why``). The CSV is committed; tests/test_audit_duplicates.py asserts a floor on the figures.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "tests" / "data" / "duplicate_pairs.csv"
FIELDS = ("name", "phone", "address", "genre", "district")
HEADER = ("family", "label", *(f"a_{f}" for f in FIELDS), *(f"b_{f}" for f in FIELDS), "why")
MUNICIPALITY = "みどり野市"
DISTRICTS = {"中央地区": ("本町", "栄町", "旭町", "駅前"), "北地区": ("北山", "上野", "松原", "上郷"),
             "南地区": ("南浜", "汐見", "港町", "西浦"), "東地区": ("東台", "朝日ヶ丘", "緑町", "下田")}
TOWN_DISTRICT = {t: d for d, towns in DISTRICTS.items() for t in towns}
TOWNS = list(TOWN_DISTRICT)
KANJI = "〇一二三四五六七八九"

STEMS = ("みどり", "さくら", "ひまわり", "あおば", "たんぽぽ", "こすもす", "やまびこ", "なごみ", "ほほえみ", "すずらん",
         "つばさ", "わかば", "のぞみ", "かがやき", "あじさい", "こもれび", "ひだまり", "そよかぜ", "まごころ", "ぬくもり")
SERVICES = (("配食サービス", "配食・弁当"), ("移動スーパー", "移動販売"), ("ふれあいサロン", "サロン・交流の場"),
            ("送迎サービス", "移送・外出支援"), ("家事サポート", "家事援助・生活支援"), ("見守り隊", "見守り・安否確認"),
            ("訪問理容", "訪問理美容"), ("体操クラブ", "通いの場・体操教室"), ("食堂", "地域食堂"), ("お助け隊", "ボランティア"))
LEGAL = (("株式会社", "㈱"), ("株式会社", "(株)"), ("有限会社", "(有)"), ("NPO法人", "特定非営利活動法人"), ("ＮＰＯ法人", "NPO法人"),
         ("社会福祉法人", "(福)"), ("一般社団法人", "(一社)"))
GROUP_KINDS = (("民生委員協議会", "見守り・安否確認"), ("町会 防犯パトロール", "見守り・安否確認"), ("自治会 ゴミ出し支援", "家事援助・生活支援"),
               ("地区社協 ふれあいサロン", "サロン・交流の場"), ("老人クラブ", "趣味・学び"), ("町内会 見守り隊", "見守り・安否確認"))
GENERIC = ("いきいき百歳体操", "ふれあいいきいきサロン", "ふれあい訪問", "おたがいさま", "ささえあい", "脳トレ教室", "健康麻雀")
TYPOS = (("ビ", "ピ"), ("の", ""), ("ー", ""), ("ッ", "ツ"), ("サービス", "サーピス"), ("センター", "センタ"), ("ヶ", "ケ"))


@dataclass
class Pair:
    family: str
    label: int
    a: dict[str, str]
    b: dict[str, str]
    why: str

    def row(self) -> list[str]:
        return [self.family, str(self.label), *(self.a.get(f, "") for f in FIELDS),
                *(self.b.get(f, "") for f in FIELDS), self.why]


def _phone(rng: random.Random) -> str:
    return f"0479-6{rng.randint(2, 6)}-{rng.randint(1000, 9999)}"


def _kanji(n: int) -> str:
    """3 → 三, 12 → 十二, 25 → 二十五 (as people write 丁目 and 番地)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else KANJI[tens]) + "十" if tens else "") + (KANJI[ones] if ones else "")


def _address(rng: random.Random, town: str) -> tuple[str, str, str]:
    """One place written three ways: 本町3-5-2 / 本町三丁目5番地2 / 本町三丁目五番地の二 (with or without the city)."""
    c, b, g = rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 20)
    city = MUNICIPALITY if rng.random() < 0.6 else ""
    return (f"{city}{town}{c}-{b}-{g}", f"{city}{town}{_kanji(c)}丁目{b}番地{g}",
            f"{town}{_kanji(c)}丁目{_kanji(b)}番地の{_kanji(g)}")


def _rec(name: str, phone: str = "", address: str = "", genre: str = "", district: str = "") -> dict[str, str]:
    return {"name": name, "phone": phone, "address": address, "genre": genre, "district": district}


def build(seed: int = 14) -> list[Pair]:
    rng = random.Random(seed)
    pairs: list[Pair] = []

    def add(family: str, label: int, a: dict[str, str], b: dict[str, str], why: str) -> None:
        pairs.append(Pair(family, label, a, b, why))

    for _ in range(25):  # the same resource, its legal form written differently
        stem, (svc, genre) = rng.choice(STEMS), rng.choice(SERVICES)
        long_, short = rng.choice(LEGAL)
        town = rng.choice(TOWNS)
        phone = _phone(rng)
        add("legal-form", 1, _rec(f"{long_} {stem}{svc}", phone, "", genre, TOWN_DISTRICT[town]),
            _rec(f"{short}{stem}{svc}", phone if rng.random() < 0.5 else "", "", genre, TOWN_DISTRICT[town]),
            "法人格の書き方だけが違う同じ事業所")
    for _ in range(25):  # a typo or a dropped の / ー, different phone numbers (one old, one new)
        stem, (svc, genre) = rng.choice(STEMS), rng.choice(SERVICES)
        name = f"{stem}{svc}"
        typo = next((t for t in rng.sample(TYPOS, len(TYPOS)) if t[0] in name), None)
        other = name.replace(typo[0], typo[1], 1) if typo else name + "会"
        add("typo", 1, _rec(name, _phone(rng), "", genre), _rec(other, _phone(rng), "", genre),
            "一文字の打ち間違い・の/ーの有無")
    for _ in range(30):  # the same place written with kanji numerals, 番地, の
        stem, (svc, genre) = rng.choice(STEMS), rng.choice(SERVICES)
        town = rng.choice(TOWNS)
        digits, kanji, kanji_no = _address(rng, town)
        branch = rng.choice(("", f" {town}店", " 本部", f" {town}事務所"))
        add("kanji-address", 1, _rec(f"{stem}{svc}", _phone(rng), digits, genre, TOWN_DISTRICT[town]),
            _rec(f"{stem}{svc}{branch}", "", rng.choice((kanji, kanji_no)), genre, TOWN_DISTRICT[town]),
            "漢数字・丁目番地・の で書いた同じ住所、名称も同じか支店名つき")
    for _ in range(20):  # one phone number, the name with and without the operator or a department
        stem, (svc, genre) = rng.choice(STEMS), rng.choice(SERVICES)
        phone = _phone(rng)
        add("same-phone", 1, _rec(f"{stem}{svc}", phone, "", genre),
            _rec(f"{stem}{svc} {rng.choice(('事業部', '受付', '窓口', '係'))}", phone, "", genre),
            "同じ電話番号で名称が部署名の有無だけ違う")
    for _ in range(20):  # the case: a group per town / district / 町会, same kind of activity
        kind, genre = rng.choice(GROUP_KINDS)
        t1, t2 = rng.sample(TOWNS, 2)
        lead = rng.choice(("", "ふれあい訪問 ", ""))
        add("place-group", 0, _rec(f"{lead}{t1}{kind}", _phone(rng), "", genre, ""),
            _rec(f"{lead}{t2}{kind}", _phone(rng), "", genre, ""), "町名・地区名・町会名だけが違う別の団体")
    for _ in range(20):  # a generic activity held in several places, named by its 会場 or town
        name, t1, t2 = rng.choice(GENERIC), *rng.sample(TOWNS, 2)
        suffix = rng.choice(("会場", "", "公民館", "集会所"))
        add("place-venue", 0, _rec(f"{name} {t1}{suffix}", _phone(rng) if rng.random() < 0.5 else "", "", "", ""),
            _rec(f"{name} {t2}{suffix}", _phone(rng) if rng.random() < 0.5 else "", "", "", ""),
            "同じ活動名で会場(町名)が違う別の集まり")
    for _ in range(12):  # …and the same group recorded twice: the phone or the address agrees
        kind, genre = rng.choice(GROUP_KINDS)
        town = rng.choice(TOWNS)
        digits, kanji, _ = _address(rng, town)
        phone = _phone(rng)
        if rng.random() < 0.5:
            a, b = _rec(f"{town}{kind}", phone, "", genre), _rec(f"{town} {kind}", phone, "", genre)
        else:
            a, b = _rec(f"{town}{kind}", "", digits, genre), _rec(f"{town}{kind}", _phone(rng), kanji, genre)
        add("place-group-same", 1, a, b, "町名入りの同じ団体が電話番号か住所も一致")
    for _ in range(15):  # numbered groups
        stem, (svc, genre) = rng.choice(STEMS), rng.choice(SERVICES)
        n = rng.randint(1, 4)
        form = rng.choice(("第{}", "{}号店", "{}班", "第{}グループ"))
        add("numbered", 0, _rec(f"{stem}{svc}{form.format(n)}", _phone(rng), "", genre),
            _rec(f"{stem}{svc}{form.format(n + 1)}", _phone(rng), "", genre), "第1/第2・1号店/2号店")
    for _ in range(15):  # one provider, several services under one number
        stem = rng.choice(STEMS)
        (s1, g1), (s2, g2) = rng.sample(SERVICES, 2)
        phone = _phone(rng)
        add("one-provider", 0, _rec(f"{stem}会 {s1}", phone, "", g1), _rec(f"{stem}会 {s2}", phone, "", g2),
            "同じ法人の別サービス(ジャンル違い)")
    for _ in range(15):  # a chain: the same name at two street addresses
        stem, (svc, genre) = rng.choice(STEMS), rng.choice(SERVICES)
        t1, t2 = rng.sample(TOWNS, 2)
        add("chain", 0, _rec(f"{stem}{svc}", _phone(rng), _address(rng, t1)[0], genre, TOWN_DISTRICT[t1]),
            _rec(f"{stem}{svc}", _phone(rng), _address(rng, t2)[1], genre, TOWN_DISTRICT[t2]),
            "同じ名前の別の店(住所が違う)")
    for _ in range(12):  # the same 番地 but one number differs: 本町3-5-2 and 本町3-5-12
        stem, (svc, genre) = rng.choice(STEMS), rng.choice(SERVICES)
        town = rng.choice(TOWNS)
        c, b, g = rng.randint(1, 9), rng.randint(1, 20), rng.randint(1, 9)
        add("near-address", 0, _rec(f"{stem}{svc}", _phone(rng), f"{town}{c}-{b}-{g}", genre),
            _rec(f"{stem}{svc}", _phone(rng), f"{town}{_kanji(c)}丁目{b}番地{g + 10}", genre),
            "同名で番地が違う(別の場所)")
    for _ in range(15):  # a 公民館's number lent to unrelated groups
        phone = _phone(rng)
        (s1, g1), (s2, _g2) = rng.sample(SERVICES, 2)
        add("shared-phone", 0, _rec(f"{rng.choice(STEMS)}{s1}", phone, "", g1),
            _rec(f"{rng.choice(STEMS)}{s1 if rng.random() < 0.5 else s2}", phone, "", g1),
            "公民館などの電話番号を借りている別の団体")
    for _ in range(10):  # the same generic name in two districts
        name = rng.choice(GENERIC)
        d1, d2 = rng.sample(list(DISTRICTS), 2)
        add("generic-districts", 0, _rec(name, "", "", "", d1), _rec(name, "", "", "", d2), "同じ一般的な名前で地区が違う")
    kanji_names = (("緑", "みどり"), ("桜", "さくら"), ("向日葵", "ひまわり"), ("青葉", "あおば"), ("和み", "なごみ"),
                   ("木漏れ日", "こもれび"), ("陽だまり", "ひだまり"), ("真心", "まごころ"))
    for kanji, kana in kanji_names:  # the same name, once in kanji and once in kana: not read (no readings)
        svc, genre = rng.choice(SERVICES)
        add("kanji-kana", 1, _rec(f"{kanji}{svc}", _phone(rng), "", genre), _rec(f"{kana}{svc}", "", "", genre),
            "漢字とかなで書いた同じ名称(読みは比べない)")
    for svc, genre in SERVICES[:8]:  # the full name and the short one everybody uses
        add("abbreviation", 1, _rec(f"社会福祉法人みどり野市社会福祉協議会 {svc}", "", "", genre),
            _rec(f"市社協{svc}", _phone(rng), "", genre), "正式名称と略称(市社協)")
    return pairs


def write(path: Path = CSV) -> int:
    pairs = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for p in pairs:
            w.writerow(p.row())
    return len(pairs)


def read(path: Path = CSV) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Pair(r["family"], int(r["label"]), {f: r[f"a_{f}"] for f in FIELDS}, {f: r[f"b_{f}"] for f in FIELDS},
                 r["why"]) for r in rows]


@dataclass
class Score:
    tp: int
    fp: int
    fn: int
    tn: int
    wrong: list[tuple[Pair, bool]]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def places() -> list[str]:
    return [n for d, towns in DISTRICTS.items() for n in (d, d.removesuffix("地区"), *towns)]


def evaluate(pairs: list[Pair], *, use_places: bool = True) -> Score:
    """Each pair audited on its own (two records): is a duplicate reported?"""
    sys.path.insert(0, str(ROOT))
    from shigen.audit import duplicates as D
    from shigen.model import Record
    from shigen.text import phone_digits

    tp = fp = fn = tn = 0
    wrong: list[tuple[Pair, bool]] = []
    original = D.differ_only_in_place
    if not use_places:
        D.differ_only_in_place = lambda x, y, p: False  # type: ignore[assignment]
    try:
        for p in pairs:
            found = bool(D.find_duplicates([Record(dict(p.a)), Record(dict(p.b))], phone_digits,
                                           municipality=MUNICIPALITY, places=places() if use_places else ()))
            if found and p.label:
                tp += 1
            elif found:
                fp += 1
                wrong.append((p, found))
            elif p.label:
                fn += 1
                wrong.append((p, found))
            else:
                tn += 1
    finally:
        D.differ_only_in_place = original
    return Score(tp, fp, fn, tn, wrong)


def report() -> str:
    pairs = read()
    with_rule, without = evaluate(pairs), evaluate(pairs, use_places=False)
    lines = [f"重複の判定 ({len(pairs)} 組のラベル付きペア, tests/data/duplicate_pairs.csv)",
             f"  precision {with_rule.precision:.3f}  recall {with_rule.recall:.3f}  "
             f"(TP {with_rule.tp} FP {with_rule.fp} FN {with_rule.fn} TN {with_rule.tn})",
             f"  地名だけ違う名前の規則なし: precision {without.precision:.3f}  recall {without.recall:.3f}"]
    for p, found in with_rule.wrong:
        lines.append(f"  {'誤検出' if found else '見逃し'} [{p.family}] {p.a['name']} / {p.b['name']}")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="regenerate the CSV")
    args = parser.parse_args()
    if args.write:
        print(f"{write()} pairs → {CSV.relative_to(ROOT)}")
    print(report())
