"""The ``coze-client`` command line (needs the ``cli`` extra: ``pip install 'coze-client[cli]'``)."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Console-script entry point: names the missing extra instead of dying on an import."""
    try:
        import rich  # noqa: F401
        import typer  # noqa: F401
    except ImportError as exc:
        sys.stderr.write(
            f"coze-client: the command line needs the 'cli' extra ({exc.name} is not installed).\n"
            "Install it with: pip install 'coze-client[cli]'  (from a clone: pip install '.[cli]')\n"
        )
        raise SystemExit(2) from None
    from .app import main as run

    run()
