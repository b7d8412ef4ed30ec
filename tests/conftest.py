from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner, tmp_path, monkeypatch):
    """Run the CLI in-process with the workspace pointed at tmp_path; returns the typer Result."""
    from shigen.cli import app

    monkeypatch.setenv("SHIGEN_WORKSPACE", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return run
