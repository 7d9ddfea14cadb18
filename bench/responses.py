"""What lenient response models cost: null-tolerant ``ResponseModel`` against a strict twin, per event.

Every response model reads ``null`` in a defaulted field as its default (issue 15). The hot path is a
chat stream's ``conversation.message.delta`` (one per token), parsed with ``Message.model_validate_json``.
This bench parses the same 20,000 delta payloads with ``Message`` and with a plain ``pydantic.BaseModel``
of the same fields (what ``Message`` was before), interleaved in rounds in one run, and reports the
medians and their ratio; then the whole SSE path (decoder + ``decode_chat_event``) per event.

Run: ``python bench/responses.py [--events 20000] [--rounds 7]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from pydantic import BaseModel, ConfigDict

from coze_client._sse import SSEDecoder
from coze_client.resources.chat import decode_chat_event
from coze_client.types.chat import Message


class StrictMessage(BaseModel):
    """``Message`` as it was: the same fields, ``null`` refused."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    id: str = ""
    conversation_id: str = ""
    bot_id: str | None = None
    chat_id: str | None = None
    role: str = ""
    type: str | None = None
    content: str = ""
    content_type: str | None = None
    meta_data: dict[str, str] | None = None
    created_at: int | None = None
    updated_at: int | None = None
    section_id: str | None = None
    reasoning_content: str | None = None


DELTA = json.dumps({"id": "7400000000000000004", "conversation_id": "7400000000000000002", "bot_id": "7351",
                    "chat_id": "7400000000000000003", "role": "assistant", "type": "answer", "content": "token ",
                    "content_type": "text", "section_id": "7400000000000000002"})


class _Stream:
    logid = None
    end_data: Any = None

    def _mark_final(self) -> None:
        pass


def parse(model: type[BaseModel], events: int) -> float:
    started = time.perf_counter()
    validate = model.model_validate_json
    for _ in range(events):
        validate(DELTA)
    return time.perf_counter() - started


def decoder_only(events: int) -> float:
    body = (f"event:conversation.message.delta\ndata:{DELTA}\n\n" * events).encode()
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    started = time.perf_counter()
    decoder = SSEDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
    decoder.flush()
    return time.perf_counter() - started


def sse_path(events: int) -> float:
    body = (f"event:conversation.message.delta\ndata:{DELTA}\n\n" * events).encode()
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    stream: Any = _Stream()
    started = time.perf_counter()
    decoder = SSEDecoder()
    for chunk in chunks:
        for sse in decoder.feed(chunk):
            decode_chat_event(sse, stream)
    decoder.flush()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    lenient: list[float] = []
    strict: list[float] = []
    whole: list[float] = []
    decode: list[float] = []
    for _ in range(args.rounds):
        lenient.append(parse(Message, args.events))
        strict.append(parse(StrictMessage, args.events))
        whole.append(sse_path(args.events))
        decode.append(decoder_only(args.events))
    per = 1e6 / args.events
    lm, sm, wm = statistics.median(lenient), statistics.median(strict), statistics.median(whole)
    print(f"{args.events} message deltas, median of {args.rounds} interleaved rounds")
    print("| parse one delta | µs/event | vs strict |")
    print("|---|---|---|")
    print(f"| strict twin (plain BaseModel) | {sm * per:.2f} | 1.00x |")
    print(f"| `Message` (ResponseModel, null reads as default) | {lm * per:.2f} | {lm / sm:.2f}x |")
    print(f"| SSE decoder alone (framing, no JSON) | {statistics.median(decode) * per:.2f} | |")
    print(f"| whole SSE path (decoder + `decode_chat_event`) | {wm * per:.2f} | |")


if __name__ == "__main__":
    main()
