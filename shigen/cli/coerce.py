"""Option values that need no conversion, coerced without pydantic (start-up time, issue 18).

typer 0.29 (pinned <0.30) coerces every parameter of the invoked command through a pydantic ``TypeAdapter`` built on
the spot: importing pydantic and building ~15 adapters cost ~0.1 s of a 0.5 s command, even when every value is
a default. Here the values whose result is plain — None, a str, a bool, an int in range, a path — are coerced the
way typer does it (paths through typer's own ``coerce_cli_path``, which checks them); anything else (a number typed
as text, a bad value) still goes to typer, so its results and error messages are typer's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer.core import _TyperParameter

_DELEGATE = object()


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """A parameter's runtime coercion; typer's own (``RuntimeParam``) is built only when a value needs it."""

    descriptor: TypeDescriptor = field(kw_only=True)
    _typer: list[RuntimeParam] = field(default_factory=list, kw_only=True)  # built on first need

    def coerce(self, value: Any, param: _TyperParameter, ctx: Any) -> Any:
        multi = param.multiple or param.nargs == -1
        if value is None:  # as typer's RuntimeParam.coerce
            return () if multi else None
        annotation = self.descriptor.annotation
        if get_origin(annotation) is list and isinstance(value, (list, tuple)):
            (item,) = get_args(annotation)
            out = [self._one(item, v, param, ctx) for v in value]
            if not any(v is _DELEGATE for v in out):
                return out
        elif not (multi and isinstance(value, str)):
            one = self._one(annotation, value, param, ctx)
            if one is not _DELEGATE:
                return one
        return self._typer_coercion().coerce(value, param=param, ctx=ctx)

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Any) -> Any:
        return self._typer_coercion()._coerce_value(value, param=param, ctx=ctx)

    def _one(self, annotation: Any, value: Any, param: _TyperParameter, ctx: Any) -> Any:
        info = self.descriptor.parameter_info
        if info.parser is not None or self.descriptor.file_annotation is not None:
            return _DELEGATE
        if annotation is str and type(value) is str:
            return value
        if annotation is bool and type(value) is bool:
            return value
        if annotation is int and type(value) is int and not info.clamp:
            if (info.min is None or value >= info.min) and (info.max is None or value <= info.max):
                return value
            return _DELEGATE
        if annotation is Path and info.path_type is None and isinstance(value, (str, Path)):
            from typer._param_types import coerce_cli_path

            # pydantic's Path validation of a str is Path(str); the checks (exists, file_okay…) are typer's
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        return _DELEGATE

    def _typer_coercion(self) -> RuntimeParam:
        if not self._typer:
            self._typer.append(build_runtime_param(self.descriptor))
        return self._typer[0]


def install(params: list[Any]) -> None:
    """Give each typer parameter of a command that has none yet the plain coercion."""
    for p in params:
        if isinstance(p, _TyperParameter) and p._runtime_param is None:
            d = p.type_descriptor
            p._runtime_param = PlainRuntimeParam(d.parameter_info, d.annotation, descriptor=d)
