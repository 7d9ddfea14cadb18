"""Recording doubles of the limiter and ledger seams, to check what the corridor tells them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from coze_client import CallInfo, Usage


@dataclass
class RecordingPermit:
    waited: float = 0.0
    released: list[tuple[int | None, bool]] = field(default_factory=list)

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        self.released.append((used_tokens, sent))


class RecordingLimiter:
    def __init__(self, waited: float = 0.0) -> None:
        self.acquired: list[CallInfo] = []
        self.permits: list[RecordingPermit] = []
        self.penalties: list[tuple[CallInfo, float]] = []
        self.waited = waited

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> RecordingPermit:
        self.acquired.append(call)
        permit = RecordingPermit(waited=self.waited)
        self.permits.append(permit)
        return permit

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        self.penalties.append((call, seconds))

    async def aclose(self) -> None:
        pass


@dataclass
class Res:
    id: str
    call: CallInfo


class RecordingLedger:
    def __init__(self) -> None:
        self._ids = itertools.count()
        self.reserved: list[Res] = []
        self.settled: list[tuple[str, Usage | None]] = []
        self.cancelled: list[str] = []

    def bind(self, provider: str, account: str, plan: object) -> None:
        pass

    async def reserve(self, call: CallInfo) -> Res:
        res = Res(id=str(next(self._ids)), call=call)
        self.reserved.append(res)
        return res

    async def settle(self, reservation: Res, usage: Usage | None = None) -> None:
        self.settled.append((reservation.id, usage))

    async def cancel(self, reservation: Res) -> None:
        self.cancelled.append(reservation.id)

    async def aclose(self) -> None:
        pass
