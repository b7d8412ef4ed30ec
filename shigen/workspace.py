"""Where things live: the workspace folder, its master workbook and its exports."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_WORKSPACE = "SHIGEN_WORKSPACE"
CATALOGUE_NAME = "catalogue.xlsx"


@dataclass(frozen=True)
class Workspace:
    root: Path
    catalogue_override: Path | None = None

    @classmethod
    def resolve(cls, workspace: Path | str | None = None, catalogue: Path | str | None = None) -> Workspace:
        root = Path(workspace or os.environ.get(ENV_WORKSPACE) or Path.cwd())
        return cls(root.expanduser(), Path(catalogue).expanduser() if catalogue else None)

    @property
    def workbooks(self) -> Path:
        return self.root / "workbooks"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def catalogue(self) -> Path:
        return self.catalogue_override or self.workbooks / CATALOGUE_NAME

    @property
    def history_dir(self) -> Path:
        return self.catalogue.parent / ".history"

    def export_path(self, name: str, output: Path | str | None = None) -> Path:
        """The file an export writes: ``output`` if given, else ``exports/<safe name>``."""
        if output:
            return Path(output)
        return self.exports / safe_filename(name)


_FORBIDDEN = '<>:"/\\|?*'
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(name: str) -> str:
    """A file name that is valid on Windows and cannot climb out of its folder."""
    cleaned = "".join("_" if c in _FORBIDDEN or ord(c) < 32 else c for c in name).strip(" .")
    cleaned = cleaned.replace("..", "_")
    stem = cleaned.split(".")[0].upper()
    if not cleaned or stem in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned[:150]
