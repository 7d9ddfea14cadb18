"""Results whose async methods need a sync face (the few response models that do I/O themselves).

A sync method returns the same model with its coroutine methods replaced by blocking ones, so
``coze.audio.speech.create(...).write_to_file("a.mp3")`` writes the file in sync code (a coroutine
nobody awaits would silently write nothing).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

from ..types.audio import SpeechAudio

__all__ = ["SYNC_RESULTS", "SyncSpeechAudio", "as_sync"]

R = TypeVar("R")


class SyncSpeechAudio(SpeechAudio):
    """Synthesised audio held in memory, for sync code (``write_to_file`` writes at once)."""

    def write_to_file(self, path: str | os.PathLike[str]) -> None:  # type: ignore[override]
        """Write the audio to ``path``."""
        Path(path).write_bytes(self.content)


#: The async result model -> its sync face (same fields, same data; only the I/O methods differ).
SYNC_RESULTS: dict[type[Any], type[Any]] = {SpeechAudio: SyncSpeechAudio}


def as_sync(value: Any, cls: type[R]) -> R:
    """``value`` (an instance of ``cls``'s async base) as a ``cls``: same object, sync methods."""
    if isinstance(value, cls):
        return value
    value.__class__ = cls  # same fields and layout: only methods differ, nothing is copied
    return value  # type: ignore[no-any-return]
