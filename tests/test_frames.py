"""`shigen.open(path).to_dataframe()`: the documented door for analysts (pandas is an extra)."""

from __future__ import annotations

from builders import make_workspace, record

import shigen
from shigen import schema as S


def test_open_reads_the_master_and_to_dataframe_keeps_text_and_headers(tmp_path):
    ws = make_workspace(tmp_path, [
        record(name="配食サービスあおば", phone="0479-62-1111", memo="鍵は裏口"),
        record(name="移動販売ふじ", phone="090-1234-5678"),
    ])
    cat = shigen.open(str(ws.catalogue))
    df = cat.to_dataframe()
    assert len(df) == len(cat.records) == 2
    assert list(df.columns)[: len(S.FIELDS)] == [f.header for f in S.FIELDS]
    row = df[df[S.header("name")] == "配食サービスあおば"].iloc[0]
    assert row[S.header("phone")] == "0479-62-1111"  # text, not a number
    assert row[S.header("memo")] == "鍵は裏口"


def test_public_dataframe_has_no_internal_column(tmp_path):
    ws = make_workspace(tmp_path, [record(name="サロン", memo="内部の話")])
    df = shigen.open(ws.catalogue).to_dataframe(public=True)
    internal = {S.header(k) for k in S.INTERNAL_KEYS}
    assert not internal & set(df.columns)
    assert "内部の話" not in df.to_csv()
