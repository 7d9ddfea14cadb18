"""Every parameter the API reference renders has a description (issue 17: "document every public parameter").

The reference pages list what they render with ``::: name`` lines; this walks the same objects through griffe
(the library mkdocstrings uses) and fails on a public function, method or class whose signature has a parameter
that its Google-style ``Args:`` section (the class docstring, for ``__init__``) does not describe.
"""

from __future__ import annotations

import re
from pathlib import Path

import griffe
import pytest

ROOT = Path(__file__).resolve().parents[2]
DIRECTIVE = re.compile(r"^::: ([\w.]+)", re.M)
RENDERED = sorted({m.group(1) for page in (ROOT / "docs").rglob("*.md") for m in DIRECTIVE.finditer(page.read_text())})


def _documented(*docstrings: griffe.Docstring | None) -> set[str]:
    names: set[str] = set()
    for doc in docstrings:
        if doc is None:
            continue
        for section in doc.parse("google", warn_unknown_params=False):
            if section.kind in (
                griffe.DocstringSectionKind.parameters,
                griffe.DocstringSectionKind.other_parameters,
                griffe.DocstringSectionKind.attributes,  # a model's fields: the constructor takes the same names
            ):
                names |= {p.name.lstrip("*") for p in section.value}
    return names


def _undocumented(obj: griffe.Object | griffe.Alias, seen: set[str]) -> list[str]:
    if obj.path in seen:
        return []
    seen.add(obj.path)
    out: list[str] = []
    if obj.is_function:
        docs = [obj.docstring]
        if obj.name == "__init__" and obj.parent is not None:
            docs.append(obj.parent.docstring)
        known = _documented(*docs)
        for p in obj.parameters:
            if p.name in ("self", "cls") or p.name.startswith("_"):
                continue
            if p.name.lstrip("*") not in known:
                out.append(f"{obj.path}({p.name})")
        return out
    if obj.is_class or obj.is_module:
        for name, member in obj.members.items():
            if name.startswith("_") and name != "__init__":
                continue
            if member.is_alias and obj.is_module:
                continue  # documented where it is defined
            try:
                if member.is_function or member.is_class:
                    out += _undocumented(member.final_target if member.is_alias else member, seen)
            except griffe.AliasResolutionError:
                continue
    return out


@pytest.fixture(scope="module")
def loader() -> griffe.GriffeLoader:
    loader = griffe.GriffeLoader(docstring_parser=griffe.Parser.google)
    for package in ("coze_client", "providers"):
        loader.load(package)
    loader.resolve_aliases(implicit=True, external=False)
    return loader


def test_every_rendered_parameter_is_described(loader: griffe.GriffeLoader) -> None:
    assert RENDERED, "no ::: lines found in docs/"
    missing: list[str] = []
    seen: set[str] = set()
    for name in RENDERED:
        obj = loader.modules_collection[name]
        missing += _undocumented(obj.final_target if obj.is_alias else obj, seen)
    assert not missing, f"{len(missing)} parameter(s) without a description in Args:\n" + "\n".join(sorted(missing))
