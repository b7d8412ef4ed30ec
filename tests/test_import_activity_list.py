"""A 通いの場・支えあい活動 list in the shape of 多摩市「地域支えあいリスト」 (written after the mapper, as a check on a
layout it had not seen: before its header words were added it was refused as having no header row)."""

from __future__ import annotations

from builders import load, make_workspace

ROWS = """地域支えあいリスト（令和6年4月1日現在）,,,,,,,,
No.,団体・活動名,活動内容,活動日時,活動場所,連絡先（電話）,代表者,会費・参加費,対象
1,よりみち喫茶 ひだまり,お茶を飲みながら気軽に話せる場,毎月第2水曜 13:30～15:30,永山公民館 和室,042-374-1111,山田 花子,100円,どなたでも
2,男の料理教室,男性向けの料理教室。作ったものを皆で食べます,第1・第3金曜 10:00～12:00,関戸公民館 調理室,090-1234-5678,鈴木 太郎,材料費500円,おおむね65歳以上の男性
3,買い物同行ボランティア 手と手,スーパーへの買い物に付き添います,月～金 9:00～17:00,,042-375-2222,佐藤 次郎,無料,要支援・要介護の方
"""


def test_activity_list_columns_land_in_their_fields(cli, tmp_path):
    ws = make_workspace(tmp_path, [], municipality="多摩市")
    source = tmp_path / "支えあい.csv"
    source.write_text(ROWS, encoding="utf-8-sig")
    result = cli("import", source, "--by", "テスト")
    assert result.exit_code == 0, result.stderr
    by_name = {r.name: r for r in load(ws).records}
    assert set(by_name) == {"よりみち喫茶 ひだまり", "男の料理教室", "買い物同行ボランティア 手と手"}
    salon = by_name["よりみち喫茶 ひだまり"]
    assert salon["content"] == "お茶を飲みながら気軽に話せる場"
    assert salon["days"] == "毎月第2水曜 13:30～15:30"
    assert salon["address"] == "永山公民館 和室"
    assert salon["phone"] == "042-374-1111"
    assert salon["contact_person"] == "山田 花子"  # internal: never printed
    assert salon["fee"] == "100円" and salon["target"] == "どなたでも"
    assert by_name["男の料理教室"]["mobile"] == "090-1234-5678" or by_name["男の料理教室"]["phone"] == "090-1234-5678"
    assert by_name["買い物同行ボランティア 手と手"]["fee"] == "無料"
    assert all("No." not in r["notes"] for r in by_name.values())


SHOPS = """分類,店名,サービス内容,配達エリア,配達料・送料,注文方法,営業時間,定休日,ＴＥＬ,ＦＡＸ,所在地,ホームページ
宅配・配達,スーパーいいおか,食料品・日用品の宅配（3000円以上で無料）,市内全域,300円,電話・FAX,9:00～19:00,第3水曜,0479-57-1234,0479-57-1235,旭市イ2345,https://example.jp/iioka
,米穀店まるた,お米の配達。重いものも玄関まで,旧旭地区,無料,電話,8:30～18:00,日曜・祝日,0479-62-3456,,旭市ロ100-2,
移動販売,とくし丸 旭1号,軽トラックで食品を販売,海上・干潟地区,なし,不要（巡回）,10:00～15:00,土日,090-9876-5432,,,
"""


def test_shop_list_in_the_shape_of_a_senior_guide(cli, tmp_path):
    """旭市「シニア生活便利帳」-shaped: 配達料・送料 is the fee, 注文方法 how to apply, 分類 written once per group."""
    ws = make_workspace(tmp_path, [], municipality="旭市")
    source = tmp_path / "便利帳.csv"
    source.write_text(SHOPS, encoding="utf-8-sig")
    result = cli("import", source, "--by", "テスト")
    assert result.exit_code == 0, result.stderr
    by_name = {r.name: r for r in load(ws).records}
    iioka, maruta, tokushimaru = by_name["スーパーいいおか"], by_name["米穀店まるた"], by_name["とくし丸 旭1号"]
    assert iioka["fee"] == "300円" and iioka["apply"] == "電話・FAX" and iioka["area"] == "市内全域"
    assert iioka["phone"] == "0479-57-1234" and iioka["fax"] == "0479-57-1235" and iioka["url"] == "https://example.jp/iioka"
    assert iioka["hours"] == "9:00～19:00" and iioka["closed_days"] == "第3水曜" and iioka["address"] == "旭市イ2345"
    assert maruta["genre"] == iioka["genre"] != ""  # the group label reaches the rows below it
    assert maruta["fee"] == "無料" and maruta["apply"] == "電話"
    assert tokushimaru["genre"] == "移動販売" and tokushimaru["mobile"] + tokushimaru["phone"] == "090-9876-5432"
