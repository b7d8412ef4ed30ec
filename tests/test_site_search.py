"""The site's search in JavaScript (assets/search.js, run by Node.js) agrees with the Python rules.

fold() must equal shigen.text.search_key on every string (all assigned BMP characters one by one, and many
mixed Japanese strings); search() must return the same hits as shigen.site.search for many queries.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from builders import load, make_workspace, record

from shigen.site import SiteOptions, build_site
from shigen.site import search as py
from shigen.text import search_key

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (it runs the site's JavaScript)")
SEARCH_JS = Path(__file__).resolve().parent.parent / "shigen" / "site" / "assets" / "search.js"


def node(script: str, payload: object) -> object:
    proc = subprocess.run([NODE, "-e", script, str(SEARCH_JS)], input=json.dumps(payload, ensure_ascii=False),
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


FOLD = """
const s = require(process.argv[1]);
let input = ""; process.stdin.setEncoding("utf8");
process.stdin.on("data", c => input += c);
process.stdin.on("end", () => { process.stdout.write(JSON.stringify(JSON.parse(input).map(s.fold))); });
"""

JAPANESE = ("あいうえおかがきぎはばぱゃゅょっーアイウエオカガキギハバパャュョッヴヵヶｱｲｳｴｵｶﾞｷﾞﾊﾟｯｰ"
            "配食弁当移動販売体操教室草取り見守り市内全域東台南浜㈱㈲①②③ⅠⅡ㍻㌔"
            "ＡＢＣａｂｃ０１２３ABCabc0123 　\t\n～〜~－−‐ー・･、。，．（）()「」【】！!？?＆&／/")


def test_fold_equals_search_key_for_every_assigned_bmp_character():
    chars = [chr(c) for c in range(0x10000)
             if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) != "Cn"]
    got = node(FOLD, chars)
    diff = [(c, hex(ord(c)), g, search_key(c)) for c, g in zip(chars, got, strict=True) if g != search_key(c)]
    assert diff == []


def test_fold_equals_search_key_on_mixed_japanese_strings():
    rng = random.Random(17)
    strings = ["", "  ", "はいしょく", "ハイショク", "ﾊｲｼｮｸ", "配食", "ＳＨＩＧＥＮ　ｼｹﾞﾝ", "㈱みどり ①号店",
               "ＡＢＣ－１２３", "ガ", "ｶﾞ", "ヴァイオリン", "İstanbul", "ΑΣ ΟΔΟΣ"]
    strings += ["".join(rng.choice(JAPANESE) for _ in range(rng.randint(1, 14))) for _ in range(4000)]
    got = node(FOLD, strings)
    assert [(s, g) for s, g in zip(strings, got, strict=True) if g != search_key(s)] == []


SEARCH = """
const s = require(process.argv[1]);
let input = ""; process.stdin.setEncoding("utf8");
process.stdin.on("data", c => input += c);
process.stdin.on("end", () => {
  const {data, queries} = JSON.parse(input);
  const out = queries.map(q => s.search(data, s.makeFilters(q.q, q.d, q.g, q.days, q.free)).map(item => item[0]));
  process.stdout.write(JSON.stringify(out));
});
"""


def test_javascript_search_returns_what_the_python_rules_return(tmp_path):
    recs = [
        record(name="緑町配食センター", kana="みどりちょうはいしょくせんたー", district="北地区", area="北山・上野"),
        record(name="ﾐﾄﾞﾘ弁当", kana="みどりべんとう", district="中央地区", area="市内全域", days="毎日", closed_days=""),
        record(name="ふれあいサロン", kana="ふれあいさろん", genre="サロン・交流の場", paid="無償", fee="無料", area="",
               district="南地区", days="毎週水曜", closed_days=""),
        record(name="移動スーパーとくし丸", kana="いどうすーぱーとくしまる", genre="移動販売", district="東地区",
               area="東台・南浜", days="火・金", closed_days="", content="生鮮食品を積んで回ります"),
        record(name="シルバー人材センター", kana="しるばーじんざいせんたー", genre="家事援助・生活支援", area="市内全域",
               content="草取り・ふすま張り", days="要相談", closed_days=""),
        record(name="買い物バス", kana="", genre="移送・外出支援", area="市内全域", content="スーパーまで送迎します",
               days="火", closed_days=""),
        record(name="ＮＰＯ法人 たすけあい", kana="たすけあい", genre="ボランティア", district="北地区", area="北地区",
               content="ゴミ出し 買い物の付き添い", fee="1時間 500円", paid="有償"),
    ]
    ws = make_workspace(tmp_path, recs)
    result = build_site(load(ws), ws, SiteOptions(as_of=dt.date(2027, 4, 1)))
    text = (result.path / "data" / "search.js").read_text(encoding="utf-8")
    data = json.loads(text[len("window.SHIGEN_SEARCH = "):-2])
    words = ["", "はいしょく", "ハイショク", "ﾊｲｼｮｸ", "配食", "みどり", "ミドリ", "ﾐﾄﾞﾘ", "弁当", "べんとう", "サロン",
             "さろん", "配食 北", "草取り", "くさとり", "ゴミ出し 買い物", "ごみ", "npo", "ＮＰＯ", "たすけ あい",
             "移動販売", "移動", "スーパー", "すーぱー", "配食サービス", "見守り", "センター", "せんたー", "500円", "５００円",
             "ない言葉", "　全角　空白　", "かいもの", "ばす", "そうげい", "いそう"]
    rng = random.Random(3)
    queries = []
    for w in words:
        queries.append({"q": w, "d": None, "g": None, "days": [], "free": False})
        for _ in range(6):
            queries.append({"q": w, "d": rng.choice([None, 0, 1, 2, 3]),
                            "g": rng.choice([None, *range(len(data["genres"]))]),
                            "days": rng.sample(range(8), rng.choice([0, 0, 1, 2])), "free": rng.random() < 0.3})
    js = node(SEARCH, {"data": data, "queries": queries})
    expected = [py.search(data, py.make_filters(q["q"], q["d"], q["g"], tuple(q["days"]), q["free"])) for q in queries]
    assert js == expected
    by_name = {item[1]: item[0] for item in data["items"]}
    # the cases a reader meets: reading in hiragana/katakana/half width finds the kanji name; genre words work
    hit = {w: py.search(data, py.make_filters(w)) for w in ("はいしょく", "ﾊｲｼｮｸ", "みどり", "さろん", "ごみ", "配食サービス")}
    assert hit["はいしょく"][0] == by_name["緑町配食センター"] and hit["ﾊｲｼｮｸ"] == hit["はいしょく"]
    assert set(hit["みどり"]) == {by_name["緑町配食センター"], by_name["ﾐﾄﾞﾘ弁当"]}
    assert hit["さろん"] == [by_name["ふれあいサロン"]]
    # ゴミ出し in サービス内容, and in the synonyms of the genre 家事援助・生活支援
    assert set(hit["ごみ"]) == {by_name["ＮＰＯ法人 たすけあい"], by_name["シルバー人材センター"]}
    assert by_name["ﾐﾄﾞﾘ弁当"] in hit["配食サービス"]  # genre 配食・弁当 through its synonym 配食
    # no ふりがな: the name's reading is suggested (SudachiPy), as shigen find does for a query in kana
    assert py.search(data, py.make_filters("かいもの")) == [by_name["買い物バス"]]
    assert by_name["ﾐﾄﾞﾘ弁当"] in py.search(data, py.make_filters("はいしょく"))  # genre 配食・弁当 read はいしょく
    north = data["districts"].index("北地区")
    in_north = py.search(data, py.make_filters("", district=north))
    assert by_name["ﾐﾄﾞﾘ弁当"] in in_north and by_name["ふれあいサロン"] not in in_north  # 市内全域 covers 北地区
    wed = py.search(data, py.make_filters("", days=(2,)))
    assert by_name["ふれあいサロン"] in wed and by_name["シルバー人材センター"] not in wed  # 要相談: days unknown
    assert py.search(data, py.make_filters("", free=True)) == [by_name["ふれあいサロン"]]
