"""Options dataclasses that load from JSON files, shared by training and pretraining."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any, Self

from civicnlp.errors import CivicError


class JsonConfig:
    """Mixin for option dataclasses: ``from_file(path, **overrides)`` with unknown keys rejected."""

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any) -> Self:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CivicError("E070", where=str(path), detail=f"cannot read config: {exc}") from exc
        unknown = set(data) - {f.name for f in fields(cls)}  # type: ignore[arg-type]
        if unknown:
            raise CivicError("E070", where=str(path), detail=f"unknown option(s): {', '.join(sorted(unknown))}")
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**data)
