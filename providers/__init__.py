"""One chat interface over Coze, Tongyi Xingchen and GPTBots, plus the Baidu EasyDL adapter.

``providers`` is built on :mod:`coze_client` (its corridor, limiter, ledger and errors);
``coze_client`` never imports ``providers``.
"""
