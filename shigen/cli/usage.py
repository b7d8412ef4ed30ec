"""Usage mistakes as one Japanese line: unknown option or command, missing or bad value, number out of range.

The parser (click, vendored by typer) raises its own exceptions with English texts; :func:`usage_message`
reads what they carry (the option, the value, the allowed choices, the number range) and says it in Japanese,
with 「もしかして …」 for a near miss and where to look for the right spelling.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

_JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龥]")


def japanese(text: str) -> bool:
    return bool(_JAPANESE.search(text or ""))


def suggest(word: str, candidates: Iterable[str]) -> str:
    """「 もしかして --format ですか?」 for the closest candidate, '' when none is close."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"もしかして {found[0]} ですか? " if found else ""


def _help_hint(command_path: str) -> str:
    return f"使えるものは `{command_path} --help` で確かめられます。"


def unknown_command(name: str, commands: Sequence[str], command_path: str) -> str:
    guess = suggest(name, commands)
    return "".join(x for x in (f"『{name}』というコマンドはありません。", guess,
                                f"コマンドの一覧は `{command_path} --help` で見られます。") if x)


def _option_names(ctx: Any) -> list[str]:
    names: list[str] = []
    if ctx is None:
        return names
    for param in ctx.command.get_params(ctx):
        if getattr(param, "param_type_name", "") == "option":
            names.extend(param.opts)
            names.extend(param.secondary_opts)
    return names


def _commands_with_option(ctx: Any, option: str) -> list[str]:
    """The subcommands of a group that take ``option`` (none when ``ctx`` is not a group's)."""
    commands = getattr(getattr(ctx, "command", None), "commands", None)
    if not commands:
        return []
    names = ctx.command.list_commands(ctx) if hasattr(ctx.command, "list_commands") else list(commands)
    return [name for name in names
            if any(option in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ())) for p in commands[name].params)]


def _label(param: Any) -> str:
    """--by for an option (its longest name), the metavar (ファイル…) or name of an argument."""
    if param is None:
        return "値"
    if getattr(param, "param_type_name", "") == "option":
        return max(param.opts, key=len)
    name = param.metavar or param.name or "引数"
    return name.rstrip(".")


def _choices(param: Any) -> list[str]:
    desc = getattr(param, "type_descriptor", None)
    if desc is None or not getattr(desc, "is_choice", False):
        metavar = getattr(param, "metavar", None) or ""  # options checked by app.choice show them as a|b|c
        return [x for x in metavar.rstrip("…").split("|") if x] if "|" in metavar else []
    return [str(getattr(c, "value", c)) for c in desc.choices or ()]


def _pydantic_error(exc: BaseException) -> dict[str, Any]:
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        try:
            found = errors()
        except Exception:  # pragma: no cover - a pydantic without errors()
            return {}
        return dict(found[0]) if found else {}
    return {}


def _range_text(param: Any) -> str:
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        return f"{low} から {high} まで"
    if low is not None:
        return f"{low} 以上"
    if high is not None:
        return f"{high} 以下"
    return ""


def _bad_value(exc: Any, ctx: Any) -> str:
    param = getattr(exc, "param", None)
    label = _label(param)
    message = str(getattr(exc, "message", "") or "")
    if japanese(message):
        hint = getattr(exc, "param_hint", None)
        label = hint if isinstance(hint, str) else label if param is not None else ""
        return message if not label or label in message else f"{label}: {message}"
    error = _pydantic_error(exc)
    value = error.get("input", "")
    shown = f"『{value}』" if value not in ("", None) else ""
    choices = _choices(param)
    if choices:
        guess = suggest(str(value), choices)
        return "".join(x for x in (f"{label} の{shown or '値'}は使えません。{'、'.join(choices)} のどれかを指定してください。",
                                    guess) if x)
    kind = str(error.get("type", ""))
    if kind.startswith(("int_", "float_")) or kind in ("greater_than_equal", "less_than_equal", "greater_than",
                                                       "less_than"):
        wanted = "整数" if kind.startswith("int") or getattr(param, "min", None) is not None else "数"
        limits = _range_text(param)
        return f"{label} には{' ' + limits + 'の' if limits else ''}{wanted}を指定してください({shown or '値'}は使えません)。"
    if "does not exist" in message:
        return f"{label} の{shown or 'ファイル'}が見つかりません。名前と場所を確かめてください。"
    return f"{label} の{shown or '値'}は使えません。" + (_help_hint(ctx.command_path) if ctx is not None else "")


def usage_message(exc: Any) -> str:
    """One Japanese line for a click usage error (see the module docstring)."""
    from typer._click.exceptions import BadOptionUsage, BadParameter, MissingParameter, NoSuchOption

    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "shigen"
    message = str(getattr(exc, "message", "") or "")
    if isinstance(exc, NoSuchOption):
        option = exc.option_name
        owners = _commands_with_option(ctx, option)
        if owners:  # `shigen --format json audit`: a command's option written before the command
            named = "・".join(owners[:3]) + (" などの" if len(owners) > 3 else " の")
            return (f"{option} は {named}オプションです。コマンド名の後に書いてください"
                    f"(例: {where} {owners[0]} {option} …)。")
        guess = suggest(option, _option_names(ctx))
        return "".join(x for x in (f"{where} に {option} というオプションはありません。", guess,
                                    _help_hint(where)) if x)
    if isinstance(exc, MissingParameter):
        param = exc.param
        choices = _choices(param)
        what = f"({'、'.join(choices)} のどれか)" if choices else ""
        if getattr(param, "param_type_name", "") == "argument":
            return f"{where} には {_label(param)} を指定してください。{_help_hint(where)}"
        return f"{where} には {_label(param)} の指定が必要です{what}。{_help_hint(where)}"
    if isinstance(exc, BadParameter):
        return _bad_value(exc, ctx)
    if isinstance(exc, BadOptionUsage):
        option = exc.option_name
        if "requires" in message:
            return f"{option} の後に値を指定してください。" + (_help_hint(where) if ctx is not None else "")
        if "does not take a value" in message:
            return f"{option} は値をとりません。{option}=… ではなく {option} だけを付けてください。"
    if message.startswith("Got unexpected extra argument"):
        found = re.search(r"\((.*)\)\s*$", message[len("Got unexpected extra argument(s)"):])
        extra = found.group(1) if found else message
        return f"{where} に余分な引数があります: {extra}。オプションの綴りや、空白を含む値を \"…\" で囲んでいるか確かめてください。"
    if message.startswith("Missing command"):
        return f"コマンドを指定してください。コマンドの一覧は `{where} --help` で見られます。"
    if japanese(message):
        return message
    return f"{where} の指定が正しくありません({message})。{_help_hint(where)}"
