"""Command-line interface.

Each command lives in its own ``cmd_*.py`` module and registers itself on ``app``;
every such module in this package is imported here, so adding a command means adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

from typer.core import TyperCommand

from .app import ShigenCommand, app, main

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("cmd_"):
        importlib.import_module(f"{__name__}.{_info.name}")

for _command in app.registered_commands:  # Japanese help-option text for every command
    if _command.cls in (None, TyperCommand):
        _command.cls = ShigenCommand

__all__ = ["app", "main"]
