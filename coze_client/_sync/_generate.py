"""Write ``coze_client/_sync/_resources.py``: the sync resource classes, generated from the async ones.

The async resources are the only implementation. This script walks a live ``AsyncCoze`` (its
resources, their sub-resources and public methods), reads each method's signature and docstring
from the source, and writes one thin sync class per async resource: same names, keyword
signatures, defaults and return types, each method one line that runs the async method on the
SDK loop. Type checkers and the API reference read these classes; at run time anything they miss
(a resource added after the last generation) is still wrapped by ``SyncResource.__getattr__``.

Run after changing a resource (the test suite fails while the file is stale):

```bash
python -m coze_client._sync._generate          # rewrite the file
python -m coze_client._sync._generate --check  # exit 1 if it is stale
```
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import builtins
import collections.abc
import importlib
import inspect
import sys
import textwrap
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._results import SYNC_RESULTS

__all__ = ["TARGET", "generate", "main"]

TARGET = Path(__file__).with_name("_resources.py")

# Client attributes that are not resources with a sync face (yet).
SKIP = {
    # Realtime sessions are long-lived duplex connections: use AsyncCoze (docs/sync.md says why).
    "websockets",
}

_HEADER = '''"""Sync resources of `coze_client.Coze`. GENERATED from the async resources: do not edit.

Regenerate with ``python -m coze_client._sync._generate`` (a test fails while this file is stale).
Every method runs its async twin on the SDK loop; see ``coze_client/_sync/_wrap.py``.
"""

# ruff: noqa: E501, I001

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

__WRAP__

if TYPE_CHECKING:
'''


@dataclass
class _Imports:
    """Names the generated annotations need, by the module they come from."""

    froms: dict[str, set[str]] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)
    runtime: set[tuple[str, str | None]] = field(default_factory=set)

    def add(self, module: str, name: str | None, *, runtime: bool = False) -> None:
        if runtime:
            self.runtime.add((module, name))
        elif name is None:
            self.modules.add(module)
        else:
            self.froms.setdefault(module, set()).add(name)

    def render(self) -> tuple[list[str], list[str]]:
        """Imports at run time (default values), and for type checkers only (annotations)."""
        now = sorted(f"import {m}" for m, n in self.runtime if n is None)
        grouped: dict[str, list[str]] = {}
        for module, name in self.runtime:
            if name is not None:
                grouped.setdefault(module, []).append(name)
        now += [f"from {m} import {', '.join(sorted(grouped[m]))}" for m in sorted(grouped)]
        lines = [f"    import {m}" for m in sorted(self.modules) if (m, None) not in self.runtime]
        for module in sorted(self.froms):
            names = ", ".join(sorted(n for n in self.froms[module] if (module, n) not in self.runtime))
            if names:
                lines.append(f"    from {module} import {names}")
        return now, lines


class _ModuleScope:
    """Where each name used in a source module comes from (its imports, or its own top level)."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        module = importlib.import_module(module_name)
        tree = ast.parse(inspect.getsource(module))
        package = module_name.rsplit(".", 1)[0]
        self.origins: dict[str, tuple[str, str | None]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                for alias in node.names:
                    self.origins[alias.asname or alias.name] = (base, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.origins[alias.asname or alias.name] = (alias.name, None)
        for node in tree.body:
            targets: list[str] = []
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                targets = [node.name]
            elif isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets = [node.target.id]
            for name in targets:
                self.origins.setdefault(name, (module_name, name))

    def need(self, expr: ast.AST | None, imports: _Imports, *, runtime: bool = False) -> None:
        """Record the imports the names in ``expr`` need (at run time for default values)."""
        if expr is None:
            return
        for node in ast.walk(expr):
            if isinstance(node, ast.Name):
                origin = self.origins.get(node.id)
                if origin is not None:
                    module, name = origin
                    if name is None:
                        imports.add(module, None, runtime=runtime)
                    elif name == node.id:
                        imports.add(module, name, runtime=runtime)
                    else:
                        imports.add(module, f"{name} as {node.id}", runtime=runtime)
                elif not hasattr(builtins, node.id):
                    raise SystemExit(f"{self.module_name}: cannot tell where {node.id!r} comes from")


def _function_node(fn: Any) -> ast.FunctionDef | ast.AsyncFunctionDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    node = tree.body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)), fn
    return node


def _sync_name(cls: type[Any]) -> str:
    name = cls.__name__
    return "Sync" + (name[len("Async"):] if name.startswith("Async") else name)


def _doc(text: str | None, indent: str) -> list[str]:
    from ._wrap import sync_doc

    doc = sync_doc(inspect.cleandoc(text)) if text else None
    if not doc:
        return []
    lines = doc.splitlines()
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    out = [f'{indent}"""{lines[0]}']
    out += [f"{indent}{line}" if line.strip() else "" for line in lines[1:]]
    out.append(f'{indent}"""')
    return out


def _stream_event_type(cls: type[Any]) -> Any:
    from .._streaming import EventStream

    for base in getattr(cls, "__orig_bases__", ()):
        if typing.get_origin(base) is EventStream:
            return typing.get_args(base)[0]
    return None


def _params(args: ast.arguments) -> list[str]:
    def one(arg: ast.arg, default: ast.expr | None) -> str:
        text = arg.arg
        if arg.annotation is not None:
            text += f": {ast.unparse(arg.annotation)}"
            if default is not None:
                text += f" = {ast.unparse(default)}"
        elif default is not None:
            text += f"={ast.unparse(default)}"
        return text

    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = [one(a, d) for a, d in zip(positional, defaults, strict=True)]
    if args.posonlyargs:
        out.insert(len(args.posonlyargs), "/")
    if args.vararg is not None:
        out.append("*" + one(args.vararg, None))
    elif args.kwonlyargs:
        out.append("*")
    out += [one(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    if args.kwarg is not None:
        out.append("**" + one(args.kwarg, None))
    return out


_WRAPPERS = ("SyncEventStream", "SyncPaginator", "SyncWorkflowStream", "iterate")
_ASYNC_ITERATORS = (collections.abc.AsyncIterator, collections.abc.AsyncGenerator, collections.abc.AsyncIterable)


def _subscript_args(expr: ast.expr | None) -> ast.expr | None:
    return expr.slice if isinstance(expr, ast.Subscript) else None


def _method(name: str, fn: Any, scope: _ModuleScope, imports: _Imports) -> list[str]:
    from .._streaming import EventStream
    from ..pagination import AsyncPaginator
    from ..resources.workflows import WorkflowStream

    node = _function_node(fn)
    args = node.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None:
            scope.need(arg.annotation, imports)
    for default in [*args.defaults, *args.kw_defaults]:
        scope.need(default, imports, runtime=True)
    params = _params(args)
    returns = ast.unparse(node.returns) if node.returns is not None else "None"

    call_args: list[str] = [a.arg for a in [*args.posonlyargs, *args.args][1:]]
    if args.vararg is not None:
        call_args.append(f"*{args.vararg.arg}")
    call_args += [f"{a.arg}={a.arg}" for a in args.kwonlyargs]
    if args.kwarg is not None:
        call_args.append(f"**{args.kwarg.arg}")
    inner = f"self._inner.{name}({', '.join(call_args)})"
    if len(inner) > 80:
        inner = f"self._inner.{name}(\n" + "".join(f"            {a},\n" for a in call_args) + "        )"

    kept_return = node.returns  # the names the return annotation needs, unless it is replaced below
    returned = inspect.signature(fn, eval_str=True).return_annotation
    origin = typing.get_origin(returned) or returned
    if inspect.isasyncgenfunction(fn) or origin in _ASYNC_ITERATORS:
        # An async generator (or a method returning an async iterator): a sync iterator of its items.
        item = _subscript_args(node.returns)
        if isinstance(item, ast.Tuple):
            item = item.elts[0]
        returns = f"Iterator[{ast.unparse(item)}]" if item is not None else "Iterator[Any]"
        imports.add("collections.abc", "Iterator")
        imports.add("typing", "Any")
        kept_return = item
        body = f"return iterate({inner}, self._loop)"
    elif isinstance(node, ast.AsyncFunctionDef) and isinstance(origin, type) and origin in SYNC_RESULTS:
        # A result model with coroutine methods: the sync face of the same object.
        returns = SYNC_RESULTS[origin].__name__
        body = f"return as_sync(self._loop.run({inner}), {returns})"
        kept_return = None
    elif isinstance(node, ast.AsyncFunctionDef):
        body = f"self._loop.run({inner})" if returns == "None" else f"return self._loop.run({inner})"
    else:
        if isinstance(origin, type) and issubclass(origin, WorkflowStream):
            returns, body = "SyncWorkflowStream", f"return SyncWorkflowStream({inner}, self._loop)"
            kept_return = None
        elif isinstance(origin, type) and issubclass(origin, EventStream):
            if origin is not EventStream:  # another stream class: type it by its event
                event = _stream_event_type(origin)
                returns = f"SyncEventStream[{event.__name__}]"
                imports.add(event.__module__, event.__name__)
                kept_return = None
            else:
                returns = "Sync" + returns
                kept_return = _subscript_args(node.returns)
            body = f"return SyncEventStream({inner}, self._loop)"
        elif isinstance(origin, type) and issubclass(origin, AsyncPaginator):
            returns = returns.replace("AsyncPaginator", "SyncPaginator", 1)
            kept_return = _subscript_args(node.returns)
            body = f"return SyncPaginator({inner}, self._loop)"
        else:
            body = f"return {inner}"
    scope.need(kept_return, imports)
    head = f"    def {name}({', '.join(params)}) -> {returns}:"
    if len(head) > 120:
        head = f"    def {name}(\n" + "".join(f"        {p},\n" for p in params) + f"    ) -> {returns}:"
    out = [head]
    out += _doc(fn.__doc__, "        ")
    out.append(f"        {body}")
    return out


def _init(fn: Any, scope: _ModuleScope, imports: _Imports) -> list[str]:
    """``__init__`` taking the async client's options (same names, types and defaults)."""
    args = _function_node(fn).args
    for arg in args.kwonlyargs:
        scope.need(arg.annotation, imports)
    for default in args.kw_defaults:
        scope.need(default, imports, runtime=True)
    if args.args[1:] or args.vararg or args.kwarg:
        raise SystemExit("AsyncCoze.__init__ must take keyword arguments only")
    out = ["    def __init__(", *[f"        {p}," for p in _params(args)], "    ) -> None:"]
    out.append('        """Start (or join) the SDK loop and build the async client there; see ``Coze``."""')
    out.append("        self._start({")
    out += [f'            "{a.arg}": {a.arg},' for a in args.kwonlyargs]
    out += ["        })", "", "    def _start(self, options: dict[str, Any]) -> None:",
            '        """Build the client from the options (``Coze`` does)."""', "        raise NotImplementedError"]
    imports.add("typing", "Any")
    return out


def _public_methods(cls: type[Any]) -> Iterator[tuple[str, Any]]:
    from ..resources._base import APIResource

    seen: set[str] = set()
    for klass in cls.__mro__:
        if klass is APIResource or klass is object:
            break
        for name, value in klass.__dict__.items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if inspect.isfunction(value):
                yield name, value


def _resources(root: Any, skip: set[str]) -> Iterator[tuple[str, Any]]:
    from ..resources._base import APIResource

    for name in sorted(dir(root)):
        if name.startswith("_") or name in skip:
            continue
        value = getattr(root, name)
        if isinstance(value, APIResource):
            yield name, value


def generate() -> str:
    """The text of ``_resources.py`` for the resources ``AsyncCoze`` has now."""
    from .._client import AsyncCoze

    client = AsyncCoze(token="pat_generate_000000000000", plan=None, ledger="none://")
    imports = _Imports()
    classes: dict[str, list[str]] = {}
    order: list[str] = []

    def emit(resource: Any) -> str:
        cls = type(resource)
        sync_name = _sync_name(cls)
        if sync_name in classes:
            return sync_name
        classes[sync_name] = []  # reserve (and stop recursion)
        scope = _ModuleScope(cls.__module__)
        imports.add(cls.__module__, cls.__name__)
        lines = [f"class {sync_name}(SyncResource):"]
        lines += _doc(cls.__doc__, "    ")
        lines += ["", f'    _wraps = "{cls.__module__}.{cls.__qualname__}"', f"    _inner: {cls.__name__}"]
        for attr, sub in _resources(resource, set()):
            sub_name = emit(sub)
            lines += ["", "    @functools.cached_property", f"    def {attr}(self) -> {sub_name}:"]
            lines += _doc((type(sub).__doc__ or "").split("\n")[0], "        ")
            lines.append(f"        return {sub_name}(self._inner.{attr}, self._loop)")
        for name, fn in _public_methods(cls):
            lines.append("")
            lines += _method(name, fn, scope, imports)
        classes[sync_name] = lines
        order.append(sync_name)
        return sync_name

    top: list[str] = [
        "class SyncCozeResources:",
        '    """The resources of `coze_client.Coze` (the same as ``AsyncCoze``\'s)."""',
        "",
        "    _inner: AsyncCoze",
        "    _loop: Portal",
    ]
    imports.add("coze_client._client", "AsyncCoze")
    imports.add("coze_client._sync._loop", "Portal")
    top += ["", *_init(AsyncCoze.__init__, _ModuleScope(AsyncCoze.__module__), imports)]
    for attr, resource in _resources(client, SKIP):
        sync_name = emit(resource)
        top += ["", "    @functools.cached_property", f"    def {attr}(self) -> {sync_name}:"]
        top += _doc((type(resource).__doc__ or "").split("\n")[0], "        ")
        top.append(f"        return {sync_name}(self._inner.{attr}, self._loop)")
    asyncio.run(client.aclose())

    now, later = imports.render()
    def used(names: Iterable[str]) -> list[str]:
        return sorted(n for n in names if any(f"{n}(" in line or f", {n})" in line
                                               for lines in classes.values() for line in lines))

    wrap_line = f"from ._wrap import {', '.join(['SyncResource', *used(_WRAPPERS)])}"
    results = used(["as_sync", *(c.__name__ for c in SYNC_RESULTS.values())])
    if results:
        wrap_line = f"from ._results import {', '.join(results)}\n{wrap_line}"
    header = _HEADER.replace("__WRAP__", wrap_line)
    header = header.rstrip("\n").replace("\nif TYPE_CHECKING:", "\n".join(["", *now, "", "if TYPE_CHECKING:"]))
    out = [header, *later, ""]
    names = ["SyncCozeResources", *order]
    out += ["__all__ = [", *[f'    "{n}",' for n in sorted(names)], "]", ""]
    for name in order:
        out += ["", *classes[name], ""]
    out += ["", *top, ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated module, or with ``--check`` report whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale, write nothing")
    args = parser.parse_args(argv)
    text = generate()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if args.check:
        if current != text:
            print(f"{TARGET} is stale: run python -m coze_client._sync._generate", file=sys.stderr)
            return 1
        return 0
    if current != text:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
