"""Command-line interface.

Each command lives in its own ``cmd_*.py`` module and registers itself on ``app``;
every such module in this package is imported here, so adding a command means adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
import typing

from typer.core import TyperCommand

from .app import ShigenCommand, app, main

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("cmd_"):
        importlib.import_module(f"{__name__}.{_info.name}")

for _command in app.registered_commands:  # Japanese help-option text for every command
    if _command.cls in (None, TyperCommand):
        _command.cls = ShigenCommand

# The commands' annotations are strings (``from __future__ import annotations``); typer evaluates each of them six
# times while building the commands (a quarter of `shigen --help`). Evaluated once here, typer reads the objects.
for _fn in [c.callback for c in app.registered_commands] + [app.registered_callback and app.registered_callback.callback]:
    if _fn is not None:
        _fn.__annotations__ = typing.get_type_hints(_fn, include_extras=True)

__all__ = ["app", "main"]
