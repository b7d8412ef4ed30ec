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


MAX_NAME_BYTES = 200  # file systems allow 255 bytes per name; room is left for 「(2)」, 「.xlsx」 and temp-file prefixes


def safe_filename(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name that is valid on Windows and cannot climb out of its folder.

    Never starts like Excel's owner file (``~$``) or a hidden file (``.``, LibreOffice's ``.~lock``), and is cut
    to ``max_bytes`` bytes of UTF-8 (a Japanese character is 3 bytes: 255 characters would be far too long)."""
    cleaned = "".join("_" if c in _FORBIDDEN or ord(c) < 32 else c for c in name).strip(" .")
    cleaned = cleaned.replace("..", "_")
    if cleaned.startswith("~$") or cleaned.startswith("~"):
        cleaned = "_" + cleaned[1:]
    stem = cleaned.split(".")[0].upper()
    if not cleaned or stem in _RESERVED:
        cleaned = f"_{cleaned}"
    cleaned = cleaned[:150]
    data = cleaned.encode("utf-8")
    if len(data) > max_bytes:
        cleaned = data[:max_bytes].decode("utf-8", "ignore").rstrip(" .")
    return cleaned
