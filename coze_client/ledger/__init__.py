"""The local usage ledger: calls, tokens, points and credits per account and period."""
