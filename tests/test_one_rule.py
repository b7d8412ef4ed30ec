"""One rule in one place (issue 15): every command that asks "is this an e-mail address / a phone number / the same
address / which district" asks the same function, so a fix made once holds everywhere. These tests fail when a
caller grows its own copy again or its verdict drifts from the rule's."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
from builders import make_workspace, record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shigen import schema as S
from shigen import text
from shigen.audit import audit_catalogue
from shigen.model import Catalogue, Record

SHIGEN = Path(__file__).resolve().parent.parent / "shigen"
AS_OF = dt.date(2027, 4, 1)

# pieces e-mail addresses (and near misses) are made of: dots and hyphens in odd places, numeric or one-letter
# top-level domains, full-width ＠, Japanese, spaces, IDN top-level domains
_LOCAL = st.text(alphabet="abcXYZ019._%+-", min_size=0, max_size=6)
_LABEL = st.text(alphabet="abxyz09-", min_size=0, max_size=5)
_TLD = st.sampled_from(["jp", "com", "c", "c0m", "1", "xn--p1ai", "j-p", "", "ＪＰ", "日本"])
_AT = st.sampled_from(["@", "@", "@", "＠", "", "@@"])
ADDRESSES = st.builds(lambda local, at, labels, tld: f"{local}{at}{'.'.join(labels)}{'.' if tld else ''}{tld}",
                      _LOCAL, _AT, st.lists(_LABEL, min_size=0, max_size=3), _TLD)


def _audit_rejects(values: list[str]) -> set[str]:
    records = [Record(record(name=f"資源{i}", email=v, phone="0479-62-1111")) for i, v in enumerate(values)]
    result = audit_catalogue(Catalogue(path=Path("catalogue.xlsx"), records=records), as_of=AS_OF)
    return {f.value for f in result.findings if f.code == "invalid-email"}


@settings(max_examples=60, deadline=None)
@given(st.lists(ADDRESSES, min_size=1, max_size=25))
def test_audit_import_and_export_give_the_same_verdict_on_an_address(values):
    """audit's invalid-email, import's normalize_email and the export's mailto: links all follow text.is_email."""
    from shigen.export import xlsx
    from shigen.importer import values as importer_values

    assert xlsx.is_email is text.is_email and importer_values.normalize_email is text.normalize_email
    rejected = _audit_rejects(values)
    for v in values:
        cleaned, ok = text.normalize_email(v)
        assert ok == (not cleaned or text.is_email(cleaned)), v
        assert (v in rejected) == (bool(v) and not ok), v  # audit: invalid exactly when the rule says so
        if cleaned == v and v:  # a value already clean: the export links it exactly when audit accepts it
            assert xlsx.is_email(v) == (v not in rejected), v


def test_the_rule_itself():
    for good in ("info@example.jp", "a.b+c@mail.city.example.lg.jp", "x_y%z@ex-ample.co.jp", "u@example.xn--p1ai"):
        assert text.is_email(good), good
    for bad in ("info@example", "info@example.c", "info@example.c0m", "info@.jp", "info@example..jp", "@example.jp",
                "info@@example.jp", "info＠example.jp", "info@例え.jp", "info@example.jp ", "info@example.jp\n", ""):
        assert not text.is_email(bad), bad
    assert text.normalize_email(" mailto:info＠example.jp ") == ("info@example.jp", True)


def test_no_module_keeps_its_own_email_pattern():
    """Only shigen/text.py compiles an e-mail pattern (an '@' between character classes); the import mapper's
    "this column holds e-mail addresses" evidence asks text.is_email too, so a new copy anywhere fails."""
    allowed = {SHIGEN / "text.py"}
    pattern = re.compile(r"re\.compile\([^)]*\]\+?@")
    offenders = [p for p in SHIGEN.rglob("*.py") if p not in allowed and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ADDRESSES.filter(lambda v: v and text.normalize_email(v)[0] == v), min_size=6, max_size=12,
                unique=True))
def test_the_excel_export_links_exactly_the_addresses_audit_accepts(tmp_path_factory, values):
    from typer.testing import CliRunner

    from shigen.cli import app

    root = tmp_path_factory.mktemp("mail")
    rows = [record(name=f"資源{i}", email=v, visibility=S.VISIBILITY_PUBLIC, consent=S.CONSENT_GIVEN)
            for i, v in enumerate(values)]
    make_workspace(root, rows)
    result = CliRunner().invoke(app, ["--workspace", str(root), "export", "--format", "xlsx", "--audience", "staff",
                                      "--as-of", AS_OF.isoformat(), "--output", str(root / "out.xlsx")])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(root / "out.xlsx")[S.EXPORT_ALL_SHEET]
    headers = [c.value for c in sheet[1]]
    col = headers.index(S.header("email")) + 1
    linked = {sheet.cell(r, col).value for r in range(2, sheet.max_row + 1) if sheet.cell(r, col).hyperlink}
    shown = {sheet.cell(r, col).value for r in range(2, sheet.max_row + 1)} - {None}
    rejected = _audit_rejects(values)
    assert shown == set(values)
    assert linked == set(values) - rejected
