from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

# `make test` and CI explore the same examples every run (a red CI names a real, repeatable case);
# SHIGEN_HYPOTHESIS=explore lets a developer search fresh random examples locally.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("explore" if os.environ.get("SHIGEN_HYPOTHESIS") == "explore" else "repeatable")


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
