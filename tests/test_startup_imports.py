"""What a command does not pay for: heavy libraries stay unimported unless the command needs them (issue 18).

Each check runs in a fresh interpreter, because the test process itself has imported everything already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.builders import make_workspace

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_fast_save_of_the_master_does_not_import_openpyxl(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", [{"name": "配食みどり", "genre": "配食", "phone": "0479-62-1111"}])
    mods = _modules_after(
        "from pathlib import Path\n"
        "from shigen.master import master_transaction, save_catalogue\n"
        f"with master_transaction(Path({str(ws.catalogue)!r})) as cat:\n"
        "    cat.set_value(cat.records[0], 'fee', '1食 500円', command='test', by='', source='')\n"
        "    save_catalogue(cat)\n"
    )
    assert "openpyxl" not in mods and "numpy" not in mods
    from shigen.master import load_catalogue

    assert load_catalogue(ws.catalogue).records[0].get("fee") == "1食 500円"  # and the save did happen


def test_the_publication_rule_does_not_import_the_duplicate_search_or_the_audit_report() -> None:
    mods = _modules_after("import shigen.export.select")
    assert "rapidfuzz" not in mods and "xlsxwriter" not in mods and "shigen.audit.report" not in mods
    assert "shigen.audit.checks" in mods  # the one placeholder rule is the audit's


def test_the_audit_package_still_offers_its_lazy_names() -> None:
    import shigen.audit as audit

    assert audit.AuditResult.__name__ == "AuditResult" and callable(audit.write_xlsx)


def test_an_import_reads_its_first_file_before_the_sheet_modules_are_needed() -> None:
    """records leaves .layout / .values / .columns / .mapper to the moment a sheet is read (merge.WarmUp imports them
    meanwhile, issue 18): the command's start does not import them."""
    mods = _modules_after("import shigen.cli, shigen.importer, shigen.master\nfrom shigen.importer import run_import")
    assert not {"shigen.importer.layout", "shigen.importer.values", "shigen.importer.columns",
                "shigen.importer.mapper"} & mods


def test_the_import_warm_up_imports_the_sheet_modules_first(tmp_path: Path) -> None:
    mods = _modules_after(
        "from pathlib import Path\n"
        "from shigen.importer import merge\n"
        "from shigen.master import load_catalogue\n"
        f"cat = load_catalogue(Path({str(make_workspace(tmp_path / 'ws', []).catalogue)!r}))\n"
        "merge._warm_up_steps(cat, writing=True)[0]()\n"
    )
    assert {"shigen.importer.layout", "shigen.importer.values", "shigen.importer.mapper"} <= mods
