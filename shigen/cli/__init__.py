"""Command-line interface. Each command lives in its own cmd_*.py module and registers itself on ``app``."""

from . import cmd_init  # noqa: F401  (registers commands)
from .app import app, main

__all__ = ["app", "main"]
