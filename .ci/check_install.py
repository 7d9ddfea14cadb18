#!/usr/bin/env python3
"""Check an installed (not editable) coze-client: every public module imports, or names its missing extra.

Run by .ci/run with the interpreter of a fresh virtualenv holding the built wheel and some extras, from a folder
outside the repository (so the installed package is what gets imported):

    python check_install.py EXTRA,EXTRA,...      # the extras that were installed ("" for the base install)

Checks: `py.typed` is shipped; every module of `coze_client` and `providers` that is not private imports, or
raises `MissingDependencyError` naming an extra that was *not* installed (a bare `ModuleNotFoundError` fails);
the `coze-client` console script is installed and, without the `cli` extra, says to install it.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

PACKAGES = ("coze_client", "providers")


def modules() -> list[str]:
    names = []
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                names.append(info.name)
    return names


def main(argv: list[str]) -> int:
    installed = {e for e in (argv[0] if argv else "").split(",") if e}
    problems: list[str] = []
    import coze_client
    from coze_client.errors import MissingDependencyError

    root = Path(coze_client.__file__).parent
    if "site-packages" not in str(root):
        problems.append(f"coze_client imported from {root}, not from an installed wheel")
    if not (root / "py.typed").is_file():
        problems.append("py.typed is missing from the installed package")
    ok = skipped = 0
    for name in modules():
        try:
            importlib.import_module(name)
            ok += 1
        except MissingDependencyError as exc:
            if exc.extra in installed:
                problems.append(f"{name}: extra {exc.extra!r} is installed, yet: {exc}")
            skipped += 1
        except Exception as exc:  # a bare ImportError (or worse) is a failure: it names no extra
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
    script = Path(sys.executable).parent / "coze-client"
    if not script.exists():
        problems.append("the coze-client console script is not installed")
    elif "cli" not in installed:
        proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120)
        if proc.returncode != 2 or "coze-client[cli]" not in proc.stderr or "Traceback" in proc.stderr:
            problems.append(f"coze-client without the cli extra: {proc.returncode} {proc.stderr.strip()!r}")
    for p in problems:
        print("problem:", p)
    print(f"extras [{','.join(sorted(installed)) or 'none'}]: {ok} modules imported, {skipped} name a missing extra"
          f", {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
