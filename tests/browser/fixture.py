"""A small, realistic catalogue for the browser test and the screenshots, built into a site folder."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ (builders)

from builders import load, make_workspace, record  # noqa: E402

from shigen import schema as S  # noqa: E402
from shigen.site import SiteOptions, SiteResult, build_site  # noqa: E402

AS_OF = dt.date(2027, 6, 1)
KANJI_NAME = "緑町配食センター"  # found by the hiragana query はいしょく through its ふりがな and genre


def records() -> list[dict[str, str]]:
    return [
        record(name=KANJI_NAME, kana="みどりちょうはいしょくせんたー", district="北地区", area="北山・上野・松原",
               phone="0479-62-2222", address="みどり野市北山2-1", content="栄養士が考えた昼食を、安否確認を兼ねて手渡しで届けます。",
               fee="1食 550円", days="月～金", closed_days="土日・祝日", hours="11:00～13:00"),
        record(name="みどり野弁当", kana="みどりのべんとう", district="中央地区", area="市内全域", phone="0479-62-3333",
               content="やわらか食・減塩食も選べるお弁当の宅配。", fee="1食 600円", days="毎日", closed_days=""),
        record(name="ふれあいサロン南浜", kana="ふれあいさろんみなみはま", genre="サロン・交流の場", paid="無償", fee="無料",
               area="", district="南地区", days="毎週水曜", closed_days="", hours="13:30～15:30", phone="0479-62-4444",
               address="みどり野市南浜3-5 南浜公民館", content="お茶を飲みながらおしゃべり。体操や脳トレもあります。"),
        record(name="移動スーパーとくし丸 東台便", kana="いどうすーぱーとくしまるひがしだいびん", genre="移動販売", district="東地区",
               area="東台・緑町・南浜", days="火・金", closed_days="", hours="10:00～15:00", phone="0479-62-5555",
               content="生鮮食品・日用品を積んだ軽トラックが家の前まで来ます。", fee="商品代 + 1品10円"),
        record(name="シルバー人材センター", kana="しるばーじんざいせんたー", genre="家事援助・生活支援", area="市内全域",
               content="草取り・庭木の手入れ・ふすま張り・家事の手伝い。", fee="1時間 1,000円から", days="月～金",
               closed_days="土日・祝日", phone="0479-62-6666", url="https://example.org/silver"),
        record(name="いきいき百歳体操 北山会", kana="いきいきひゃくさいたいそうきたやまかい", genre="通いの場・体操教室",
               district="北地区", area="北山", paid="無償", fee="無料", days="毎週月曜・木曜", closed_days="",
               hours="10:00～11:00", phone="0479-62-7777", content="おもりを使った体操を週2回。見学できます。"),
        record(name="おたすけ隊あさひ", kana="おたすけたいあさひ", genre="ボランティア", district="中央地区", area="旭町・本町",
               content="ゴミ出し・電球の交換・買い物の付き添い(30分 200円)。", fee="30分 200円", paid="有償",
               days="要相談", closed_days="", phone="090-1234-5678"),
        record(name="みどり野タクシー 福祉便", kana="みどりのたくしーふくしびん", genre="移送・外出支援", district="中央地区",
               area="市内全域", content="車いすのまま乗れるタクシー。通院・買い物に。", fee="通常運賃 + 介助料 500円",
               days="毎日", closed_days="", hours="8:00～18:00", phone="0479-62-8888"),
        record(name="訪問理美容 はさみ屋", kana="ほうもんりびようはさみや", genre="訪問理美容", district="南地区",
               area="南地区・東地区", content="ご自宅や施設でカット・顔そり。", fee="カット 3,000円", days="火～土",
               closed_days="日・月", phone="0479-62-9999"),
        record(name="関係者だけの見守りネット", genre="見守り・安否確認", visibility=S.VISIBILITY_STAFF,
               memo="内部メモ: 非公開"),
        record(name="同意待ちの体操教室", genre="通いの場・体操教室", consent="未"),
    ]


def build(root: Path, *, audience: str = "public") -> SiteResult:
    ws = make_workspace(root, records(), settings={S.SETTING_CONTACT: "みどり野市 高齢福祉課 0479-62-0000"})
    return build_site(load(ws), ws, SiteOptions(as_of=AS_OF, audience=audience,
                                                output=root / ("site" if audience == "public" else "staff")))
