#!/usr/bin/env bash
# The testing guide as a new user meets it: a fresh venv with only the documented install
# (pip install "coze-client[testing]", here from this checkout), then every example of docs/testing.md
# as written, then the example suite in examples/support_bot.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "${root}[testing]"
"$work/venv/bin/python" .ci/docs_examples.py "$work/venv/bin/python" docs/testing.md
# The example suite, run from a copy (so it imports the installed package, not the checkout).
cp -r examples/support_bot "$work/support_bot"
(cd "$work/support_bot" && "$work/venv/bin/python" -m pytest -q -p no:cacheprovider)
