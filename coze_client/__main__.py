"""``python -m coze_client``: the command line."""

from .cli.app import main

main()
