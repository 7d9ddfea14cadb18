"""A limiter shared by every process on every host through one Redis server.

Same rule as `coze_client.limits.memory` and `coze_client.limits.sqlite`: a request-count
slot counts from its grant until one window after the response head (the permit's
``responded()``, written like a release of those slots alone); concurrency until the release;
tokens until one window after the release. So no server window, wherever it starts, can see more
than ``limit`` arrivals (the proof is in `coze_client.limits.memory`).

* **One Lua script per decision.** Releases, expiry, the FIFO-with-reservation pass over this
  process's waiters (the rule of `coze_client.limits._core.select`, ported to Lua and
  checked against it by a property test) and the new slots are one atomic script run. Concurrent
  acquires and releases of one account in this process are folded into one run.
* **Redis time.** The script reads ``TIME`` on the server, so hosts with skewed clocks still agree;
  it answers with *delays* ("look again in 0.31 s"), which each host turns into a local timer.
* **Keys** ``<prefix>:lim:{<provider>:<account>}:...`` (percent-quoted; the ``{...}`` hash tag
  keeps one account's keys in one cluster slot): a sorted set of slots per limit (score = expiry,
  member = ``f<id>:<weight>`` in flight or ``r<id>:<weight>`` released), a hash of running sums,
  a hash of pauses and a slot counter. Every write re-arms a TTL of ``stale_after`` + the longest
  window + 60 s, so an idle account's keys vanish by themselves.
* **Crashed clients.** A slot is written with a *stale* expiry (grant + ``stale_after`` + window):
  when its process dies before releasing it, it keeps counting, conservatively, until then.
* **Redis unavailable.** ``on_unavailable="open"`` (default) paces each process on its own with a
  `MemoryLimiter` until Redis answers again (a 429 is retried; a
  rate is not a lock-out); ``"closed"`` refuses with
  `BackendUnavailableError`. redis-py reconnects by itself; after a
  failure Redis is tried again every ``reconnect_interval`` seconds.

Across processes the order is first come first served per script run, not strictly FIFO. Expiries a
process knows of wake it at the exact time. A slot in flight in another process frees at a release it
cannot compute: the script publishes a notice on the account's channel when it writes releases, and
waiting processes subscribed to it look again at once (``notify=True``); as pub/sub delivers at most
once, they also look again every 0.25 s (every ``poll_interval`` while not subscribed).

``limits`` (the library) was not used: its moving-window strategy counts a hit at one instant and
cannot hold a slot until one window after the response, nor correct a token estimate.

Examples:
    ```python
    limiter = RedisLimiter(get_plan("coze.personal_free"), "redis://127.0.0.1:6379/0")
    permit = await limiter.acquire(call)
    await permit.release()
    ```
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ..errors import needs_extra

with needs_extra("redis", "The Redis limiter"):
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

from .._call import CallInfo
from .._secrets import redact
from ..errors import BackendUnavailableError, LimiterError, RateLimitWaitError, ValidationError
from ._core import Waiter, check_satisfiable
from .base import Permit
from .memory import MemoryLimiter
from .plans import Limit, Plan

__all__ = ["UNAVAILABLE", "RedisLimiter", "choice", "connect_redis", "describe_url", "flag", "key_part", "url_options"]

logger = logging.getLogger("coze_client.limits")

#: The redis-py errors that mean "the server cannot be reached right now" (BusyLoadingError, a
#: server still loading its data after a restart, is a ConnectionError too).
UNAVAILABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError, OSError)


def connect_redis(url: str, *, timeout: float = 1.0) -> aioredis.Redis:
    """A redis-py asyncio client for ``url`` that fails fast when the server is away.

    One quick retry covers a connection dropped by a restart; a refused connection surfaces at
    once, so a fail-closed backend refuses within about ``timeout`` seconds instead of hanging.

    Args:
        url: ``redis://[:password@]host:port/db`` or ``rediss://...`` (redis-py's URL forms).
        timeout: connect timeout in seconds (default 1.0); reads and writes get twice as long.

    Examples:
        ```python
        client = connect_redis("redis://127.0.0.1:6379/0")
        ```
    """
    return aioredis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=timeout,
        socket_timeout=timeout * 2,
        retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), 1),
        health_check_interval=30,
    )


def url_options(url: str, known: Mapping[str, Callable[[str], Any]]) -> tuple[str, dict[str, Any]]:
    """Split this package's options off the query of a Redis URL; the rest of the URL goes to redis-py.

    So ``AsyncCoze(limiter="redis://cache:6379/0?prefix=myapp&on_unavailable=closed")`` configures
    the backend without building it by hand. ``known`` maps option names to converters; a value
    that does not convert raises `ValidationError`.

    Args:
        url: the Redis URL, with or without a query.
        known: this package's option names, each mapped to a converter from the query string's text
            (e.g. ``str``, ``float``, `flag`, `choice`); a converter raising ``ValueError`` rejects the value.

    Returns:
        The URL without the known options, and the converted options by name.

    Examples:
        ```python
        url_options("redis://h:6379/0?prefix=app&db=1", {"prefix": str})
        # ('redis://h:6379/0?db=1', {'prefix': 'app'})
        ```
    """
    parts = urlsplit(url)
    rest: list[tuple[str, str]] = []
    found: dict[str, Any] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name in known:
            try:
                found[name] = known[name](value)
            except (TypeError, ValueError):
                raise ValidationError(
                    f"Redis URL option {name}={value!r} is not valid for {describe_url(url)}"
                ) from None
        else:
            rest.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(rest))), found


def backend_options(
    url: Any, known: Mapping[str, Callable[[str], Any]], defaults: Mapping[str, Any], given: Mapping[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """A backend's settings: its defaults, then options in the URL, then keyword arguments (not None) win.

    Returns the URL without this package's options (or the client object as given) and the settings;
    ``on_unavailable`` must be ``"open"`` or ``"closed"``.

    Args:
        url: a Redis URL (its query may carry options), or a client object, returned as it is.
        known: the option names the URL may carry, each mapped to its converter (see `url_options`).
        defaults: every setting's default; must include ``on_unavailable``.
        given: the keyword arguments; a ``None`` value means "not given".
    """
    found: dict[str, Any] = {}
    if isinstance(url, str):
        url, found = url_options(url, known)
    settings = {**defaults, **found, **{k: v for k, v in given.items() if v is not None}}
    if settings["on_unavailable"] not in ("open", "closed"):
        raise ValidationError(f"on_unavailable must be 'open' or 'closed', not {settings['on_unavailable']!r}")
    return url, settings


def choice(*allowed: str) -> Callable[[str], str]:
    """A converter accepting only ``allowed`` values (for `url_options`).

    Args:
        *allowed: the accepted values; any other raises ``ValueError``.
    """

    def convert(value: str) -> str:
        if value not in allowed:
            raise ValueError(value)
        return value

    return convert


def flag(value: str) -> bool:
    """A yes/no URL option: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``.

    Args:
        value: the option's text (case and surrounding spaces ignored); anything else raises ``ValueError``.
    """
    low = value.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def key_part(value: str) -> str:
    """``value`` quoted for a key: ``:``, ``{``, ``}`` and spaces escaped, so keys parse unambiguously.

    Args:
        value: a provider, account or other name to embed in a Redis key.

    Examples:
        ```python
        key_part("team:a")
        # 'team%3Aa'
        ```
    """
    return quote(value, safe="-_.~@+=")


def describe_url(url: str) -> str:
    """``url`` without its user and password, for messages and reprs.

    Args:
        url: a Redis URL, possibly with credentials.

    Examples:
        ```python
        describe_url("redis://:s3cret@cache.internal:6379/0")
        # 'redis://cache.internal:6379/0'
        ```
    """
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return redact(urlunsplit((parts.scheme, host, parts.path, "", "")))


# The decision, atomically on the server. KEYS: 1 running sums (hash), 2 pauses (hash),
# 3 slot counter, 3+i the slot set of limit i. ARGV[1]: JSON
#   l: limits {name, cap, window, kind r|t|c}; r: releases {member, i, weight, new weight, sent 0/1};
#   w: waiters {needs {{i, demand}}, groups}; s: stale_after; p: poll delay; t: key TTL (ms);
#   ch: channel told of releases ('' for none); me: this limiter's id (the message).
# Answers JSON: g {waiter index -> members}, wake (delay or -1), lo {limit index -> lower bound of the
# wait}, pz {group -> pause left}, polled (a wait depends on slots in flight). The pass over the
# waiters is coze_client.limits._core.select.
_ACQUIRE = r"""
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local a = cjson.decode(ARGV[1])
local lims = a.l
local n = #lims
local U, P, SEQ = KEYS[1], KEYS[2], KEYS[3]
local function weight(m) return tonumber(string.match(m, ':(%d+)$')) end
local function slot_id(m) return string.sub(m, 2, string.find(m, ':') - 1) end

local delta = {}
for i = 1, n do delta[i] = 0 end
local released = false
for _, r in ipairs(a.r) do
  local m, i, w, nw, sent = r[1], r[2], r[3], r[4], r[5]
  local lim = lims[i]
  local z = KEYS[3 + i]
  -- A stale slot may already have expired and been counted out: then there is nothing to undo.
  if redis.call('ZREM', z, m) == 1 then
    released = true
    if lim.kind == 'c' or sent == 0 or nw == 0 then
      delta[i] = delta[i] - w
    else
      redis.call('ZADD', z, now + lim.window, 'r' .. slot_id(m) .. ':' .. nw)
      delta[i] = delta[i] + nw - w
    end
  end
end

local used = {}
local avail = {}
for i = 1, n do
  local lim = lims[i]
  local z = KEYS[3 + i]
  local u = tonumber(redis.call('HGET', U, lim.name))
  if u == nil then
    -- The sums were lost (evicted): rebuild from the slots themselves.
    u = 0
    for _, m in ipairs(redis.call('ZRANGE', z, 0, -1)) do u = u + weight(m) end
  else
    u = u + delta[i]
  end
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  if #gone > 0 then
    for _, m in ipairs(gone) do u = u - weight(m) end
    redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
  end
  if u < 0 or redis.call('EXISTS', z) == 0 then u = 0 end
  used[i] = u
  avail[i] = lim.cap - u
end

local paused = {}
local pz = {}
local any_pause = false
local raw = redis.call('HGETALL', P)
for j = 1, #raw, 2 do
  local until_ = tonumber(raw[j + 1])
  if until_ > now then
    paused[raw[j]] = until_
    pz[raw[j]] = until_ - now
    any_pause = true
  else
    redis.call('HDEL', P, raw[j])
  end
end

local closed, short = {}, {}
local granted = {}
local blocked = false
local count = 0
for wi, w in ipairs(a.w) do
  local ok = true
  if any_pause then
    for _, g in ipairs(w.groups) do
      if paused[g] then ok = false break end
    end
  end
  if ok then
    for _, nd in ipairs(w.needs) do
      local i, d = nd[1], nd[2]
      if closed[i] or avail[i] < d then ok = false break end
    end
  end
  if ok then
    for _, nd in ipairs(w.needs) do avail[nd[1]] = avail[nd[1]] - nd[2] end
    granted[wi] = true
    count = count + #w.needs
  else
    blocked = true
    for _, nd in ipairs(w.needs) do
      local i, d = nd[1], nd[2]
      if not closed[i] then
        if avail[i] < d then
          closed[i] = true
          short[i] = d - avail[i]
        else
          avail[i] = avail[i] - d
        end
      end
    end
  end
end

local g = {}
if count > 0 then
  local id = redis.call('INCRBY', SEQ, count) - count
  for wi, w in ipairs(a.w) do
    if granted[wi] then
      local ms = {}
      for _, nd in ipairs(w.needs) do
        local i, d = nd[1], nd[2]
        local lim = lims[i]
        id = id + 1
        local m = 'f' .. id .. ':' .. d
        local tail = lim.window
        if lim.kind == 'c' then tail = 0 end
        redis.call('ZADD', KEYS[3 + i], now + a.s + tail, m)
        used[i] = used[i] + d
        ms[#ms + 1] = m
      end
      g[tostring(wi)] = ms
    end
  end
end

for i = 1, n do redis.call('HSET', U, lims[i].name, used[i]) end

-- Waiters of other processes blocked on slots in flight learn of this at once (they also poll).
if released and a.ch ~= '' then redis.call('PUBLISH', a.ch, a.me) end

local wake = -1
local polled = false
local lo = {}
if blocked then
  for i = 1, n do
    if closed[i] then
      local lim = lims[i]
      local at = -1
      local lower = 0
      if lim.kind ~= 'c' then
        -- Released slots free at known times, before any slot still in flight can.
        local acc = 0
        local inflight = false
        local rows = redis.call('ZRANGEBYSCORE', KEYS[3 + i], '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 512)
        for j = 1, #rows, 2 do
          local m = rows[j]
          if string.sub(m, 1, 1) == 'r' then
            acc = acc + weight(m)
            if acc >= short[i] then at = tonumber(rows[j + 1]) - now break end
          else
            inflight = true
          end
        end
        if at >= 0 then
          lower = at
        elseif inflight and lim.kind == 'r' then
          -- A request slot frees one window after a release that has not happened yet.
          lower = lim.window
        end
      end
      if at < 0 then
        at = a.p
        polled = true
      end
      if wake < 0 or at < wake then wake = at end
      lo[tostring(i)] = lower
    end
  end
  for _, left in pairs(pz) do
    if wake < 0 or left < wake then wake = left end
  end
end

for _, k in ipairs(KEYS) do
  if redis.call('EXISTS', k) == 1 and redis.call('PTTL', k) < a.t then redis.call('PEXPIRE', k, a.t) end
end
return cjson.encode({g = g, wake = wake, lo = lo, pz = pz, polled = polled})
"""

# KEYS[1] pauses; ARGV: seconds, TTL (ms), groups...
_PAUSE = r"""
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local secs = tonumber(ARGV[1])
local until_ = now + secs
for j = 3, #ARGV do
  local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[j]))
  if cur == nil or cur < until_ then redis.call('HSET', KEYS[1], ARGV[j], until_) end
end
local ttl = math.max(tonumber(ARGV[2]), math.ceil(secs * 1000) + 60000)
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
"""

_KIND = {"requests": "r", "tokens": "t", "concurrency": "c"}

# Options a limiter URL may carry (``redis://host/0?prefix=app&on_unavailable=closed``), and defaults.
_OPTIONS: dict[str, Callable[[str], Any]] = {
    "prefix": str,
    "stale_after": float,
    "poll_interval": float,
    "on_unavailable": choice("open", "closed"),
    "reconnect_interval": float,
    "timeout": float,
    "notify": flag,
}
_DEFAULTS: dict[str, Any] = {
    "prefix": "coze-client",
    "stale_after": 600.0,
    "poll_interval": 0.02,
    "on_unavailable": "open",
    "reconnect_interval": 0.5,
    "timeout": 1.0,
    "notify": True,
}
# While release notices arrive, a waiter on slots in flight elsewhere looks again this seldom (a
# notice may be lost: pub/sub is at most once; the poll is the safety net).
_NOTIFIED_POLL = 0.25


class _RWaiter(Waiter):
    __slots__ = ("checked", "max_wait", "offline")

    def __init__(
        self, call: CallInfo, needs: tuple[tuple[int, int], ...], since: float, max_wait: float | None
    ) -> None:
        super().__init__(call, needs, since)
        self.max_wait = max_wait
        self.checked = False
        self.offline = False


@dataclass
class _Release:
    rows: list[tuple[int, str, int]]  # (limit index, member, weight written)
    used_tokens: int | None
    sent: bool
    done: asyncio.Future[None] | None = None


@dataclass
class _Outcome:
    granted: dict[int, list[str]] = field(default_factory=dict)  # waiter position -> members
    wake: float = -1.0
    lower: dict[int, float] = field(default_factory=dict)
    pauses: dict[str, float] = field(default_factory=dict)
    polled: bool = False


class _RKey:
    __slots__ = ("channel", "job", "keys", "kicked", "lims", "pending", "routes", "spec", "timer", "waiters")

    def __init__(self, base: str, lims: tuple[Limit, ...]) -> None:
        self.lims = lims
        self.channel = f"{base}:released"
        # Running sums, pauses, slot counter, then one slot set per limit.
        self.keys = [f"{base}:used", f"{base}:pause", f"{base}:seq"] + [f"{base}:z:{key_part(x.name)}" for x in lims]
        self.spec = [{"name": x.name, "cap": x.limit, "window": x.window, "kind": _KIND[x.kind]} for x in lims]
        self.routes: dict[tuple[str, ...], tuple[int, ...]] = {}
        self.waiters: list[_RWaiter] = []
        self.pending: list[_Release] = []
        self.job: asyncio.Task[None] | None = None
        self.kicked = False
        self.timer: asyncio.TimerHandle | None = None

    def route(self, groups: tuple[str, ...]) -> tuple[int, ...]:
        r = self.routes.get(groups)
        if r is None:
            probe = CallInfo("", "", "", "", groups=groups)
            r = self.routes[groups] = tuple(i for i, lim in enumerate(self.lims) if lim.applies_to(probe))
        return r


class _RedisPermit:
    """A slot held in Redis. ``responded()`` at the head, ``release()`` once; later calls do nothing."""

    __slots__ = ("_headed", "_key", "_open", "_owner", "_rows", "waited")

    def __init__(self, owner: RedisLimiter, key: _RKey, rows: list[tuple[int, str, int]], waited: float) -> None:
        self._owner = owner
        self._key = key
        self._rows = rows
        self._open = True
        self._headed = False
        self.waited = waited

    def responded(self) -> None:
        """The response head arrived: the request-count slots start their last window now.

        Written with the key's next script run (at once when nothing else runs); concurrency
        and token slots stay with the permit until `release`.
        """
        if not self._open or self._headed:
            return
        self._headed = True
        lims = self._key.lims
        counts = [r for r in self._rows if lims[r[0]].kind == "requests"]
        if counts:
            self._rows = [r for r in self._rows if lims[r[0]].kind != "requests"]
            self._owner._push(self._key, _Release(counts, None, True))

    async def release(self, *, used_tokens: int | None = None, sent: bool = True) -> None:
        """Close the slot; written to Redis before this returns (or kept for later when Redis is away)."""
        if not self._open:
            return
        self._open = False
        if not self._rows:
            return
        rel = _Release(self._rows, used_tokens, sent or self._headed, asyncio.get_running_loop().create_future())
        self._owner._push(self._key, rel)
        assert rel.done is not None
        await asyncio.shield(rel.done)

    def release_nowait(self, *, sent: bool = False) -> None:
        """Queue the release without waiting for it to be written."""
        if self._open:
            self._open = False
            if self._rows:
                self._owner._push(self._key, _Release(self._rows, None, sent or self._headed))

    def __repr__(self) -> str:
        return f"<RedisPermit waited={self.waited:.3f}s open={self._open}>"


class RedisLimiter:
    """Paces the calls of every process, on any host, that uses the same Redis and ``prefix``.

    Args:
        plan: the plan whose limits apply (to calls of ``plan.provider``; others pass unlimited).
        url: ``redis://[:password@]host:port/db`` (or ``rediss://``), or a ``redis.asyncio.Redis``
            client you own (it is not closed by `aclose`). The options below may also be
            given in the URL's query (``?prefix=myapp&on_unavailable=closed``); keywords win.
        prefix: namespace of every key (``"coze-client"``); fleets sharing a Redis for different
            purposes pick their own.
        stale_after: seconds (600) after which an unreleased slot of a crashed process is presumed
            answered; it still counts one window more.
        poll_interval: while waiting on capacity held by calls in flight (maybe on other hosts),
            how often to look again (0.02 s).
        on_unavailable: ``"open"`` (default: pace this process alone while Redis is away) or
            ``"closed"`` (raise `BackendUnavailableError`).
        reconnect_interval: after a failure, how long to skip Redis before trying it again (0.5 s).
        timeout: connect timeout in seconds (1.0; reads get twice as long).
        notify: follow release notices over pub/sub (default True), so a waiter on a slot in flight
            in another process is woken by its release instead of looking again every
            ``poll_interval`` (it then looks again only every 0.25 s, in case a notice is lost).

    Examples:
        ```python
        async def main() -> None:
            limiter = RedisLimiter(get_plan("coze.personal_free"), "redis://127.0.0.1:6379/0")
            permit = await limiter.acquire(call)
            await permit.release()
            await limiter.aclose()
        ```
    """

    def __init__(
        self,
        plan: Plan,
        url: str | aioredis.Redis = "redis://127.0.0.1:6379/0",
        *,
        prefix: str | None = None,
        stale_after: float | None = None,
        poll_interval: float | None = None,
        on_unavailable: Literal["open", "closed"] | None = None,
        reconnect_interval: float | None = None,
        timeout: float | None = None,
        notify: bool | None = None,
    ) -> None:
        url, o = backend_options(url, _OPTIONS, _DEFAULTS, {
            "prefix": prefix,
            "stale_after": stale_after,
            "poll_interval": poll_interval,
            "on_unavailable": on_unavailable,
            "reconnect_interval": reconnect_interval,
            "timeout": timeout,
            "notify": notify,
        })
        self.plan = plan
        self.prefix: str = o["prefix"]
        self.stale_after: float = o["stale_after"]
        self.poll_interval: float = o["poll_interval"]
        self.on_unavailable = cast(Literal["open", "closed"], o["on_unavailable"])
        self.reconnect_interval: float = o["reconnect_interval"]
        self.notify: bool = o["notify"]
        if isinstance(url, str):
            self._where = describe_url(url)
            self._redis = connect_redis(url, timeout=o["timeout"])
            self._owns = True
        else:
            self._where = "the given Redis client"
            self._redis = url
            self._owns = False
        self._acquire_script = self._redis.register_script(_ACQUIRE)
        self._pause_script = self._redis.register_script(_PAUSE)
        longest = max((x.window for x in plan.limits), default=1.0)
        self._ttl_ms = int((self.stale_after + longest + 60.0) * 1000)
        self._keys: dict[tuple[str, str], _RKey] = {}
        self._fallback = MemoryLimiter(plan)
        self._down_until = 0.0
        self._was_down = False
        self._closed = False
        # Release notices (pub/sub): this limiter's id, the channels it follows, its listener task.
        self._id = uuid.uuid4().hex[:12]
        self._channels: dict[str, _RKey] = {}
        self._listener: asyncio.Task[None] | None = None
        self._listening = False

    def __repr__(self) -> str:
        return f"RedisLimiter({self.plan.name!r}, {self._where!r}, prefix={self.prefix!r})"

    # ---- public API ---------------------------------------------------------------------

    async def acquire(self, call: CallInfo, *, max_wait: float | None = None) -> Permit:
        """Wait until ``call`` fits every limit, counting every process; see `RateLimiter`.

        Raises `BackendUnavailableError` when Redis cannot be reached
        and ``on_unavailable="closed"``.

        Args:
            call: the attempt asking for a slot: its provider, account, endpoint groups and token estimate.
            max_wait: the longest wait accepted, in seconds (longer raises `RateLimitWaitError` at once);
                ``None`` (default) waits as long as it takes.

        Returns:
            The `Permit` to release when the attempt is over (while Redis is away with
            ``on_unavailable="open"``, one of the in-process fallback limiter).
        """
        if self._closed:
            raise LimiterError(
                f"the Redis limiter at {self._where} is closed; the call was not sent. Close the client "
                "(or limiter) only after its calls have finished",
                backend="redis",
            )
        key = self._key(call)
        idx = key.route(call.groups)
        if not idx:
            return _RedisPermit(self, key, [], 0.0)
        specs = [key.lims[i] for i in idx]
        if any(s.kind == "tokens" for s in specs):
            check_satisfiable(specs, call)
        if time.monotonic() < self._down_until:
            return await self._offline_acquire(call, max_wait)
        loop = asyncio.get_running_loop()
        now = loop.time()
        est = call.est_tokens
        needs = tuple((i, est if key.lims[i].kind == "tokens" else 1) for i in idx)
        w = _RWaiter(call, needs, now, max_wait)
        w.fut = loop.create_future()
        key.waiters.append(w)
        self._kick(key)
        timeout: asyncio.TimerHandle | None = None
        if max_wait is not None:
            fut = w.fut

            def expire() -> None:
                if not fut.done():
                    fut.set_exception(RateLimitWaitError(limit="queue", wait=max_wait, max_wait=max_wait))

            timeout = loop.call_at(now + max_wait, expire)
        try:
            await w.fut
        except BaseException:
            if isinstance(w.permit, _RedisPermit):
                w.permit.release_nowait(sent=False)
            elif w in key.waiters:
                key.waiters.remove(w)
                self._kick(key)  # its reservation is gone
            raise
        finally:
            if timeout is not None:
                timeout.cancel()
        if w.offline:
            left = None if max_wait is None else max(0.0, max_wait - (loop.time() - now))
            return await self._offline_acquire(call, left)
        assert isinstance(w.permit, _RedisPermit)
        return w.permit

    async def penalize(self, call: CallInfo, seconds: float) -> None:
        """Hold every group of ``call`` for ``seconds`` in every process sharing the Redis.

        Args:
            call: the attempt the server throttled; its groups (``"all"`` when it has none) are held.
            seconds: how long to hold them, in seconds; 0 or less does nothing.
        """
        if seconds <= 0:
            return
        key = self._key(call)
        groups = call.groups or ("all",)
        await self._fallback.penalize(call, seconds)  # also pace the offline path
        try:
            await self._pause_script(keys=[key.keys[1]], args=[seconds, self._ttl_ms, *groups])
        except UNAVAILABLE as exc:
            self._note_down(exc)
            return
        except Exception as exc:
            raise LimiterError(
                f"the Redis limiter at {self._where} could not pause {groups} ({type(exc).__name__}: "
                f"{redact(str(exc))}); check that the server runs Lua scripts for this user",
                backend="redis",
            ) from None
        self._kick(key)

    async def aclose(self) -> None:
        """Write pending releases, then close the connection (when this limiter opened it)."""
        if self._closed:
            return
        for key in self._keys.values():
            if key.timer is not None:
                key.timer.cancel()
                key.timer = None
            if key.pending:
                self._down_until = 0.0
                self._kick(key)
            if key.job is not None:
                await asyncio.gather(key.job, return_exceptions=True)
        self._closed = True
        for key in self._keys.values():
            if key.timer is not None:  # set again by a job that ran above
                key.timer.cancel()
                key.timer = None
            for w in key.waiters:  # nobody will grant them any more
                if w.fut is not None and not w.fut.done():
                    w.fut.set_exception(LimiterError(
                        f"the Redis limiter at {self._where} was closed while the call waited; the call was "
                        "not sent. Close the client (or limiter) only after its calls have finished",
                        backend="redis",
                    ))
            key.waiters = []
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        await self._fallback.aclose()
        if self._owns:
            await self._redis.aclose()

    # ---- loop side ----------------------------------------------------------------------

    def _key(self, call: CallInfo) -> _RKey:
        k = (call.provider, call.account)
        key = self._keys.get(k)
        if key is None:
            lims = self.plan.limits if call.provider == self.plan.provider else ()
            base = f"{self.prefix}:lim:{{{key_part(call.provider)}:{key_part(call.account)}}}"
            key = self._keys[k] = _RKey(base, lims)
        return key

    def _push(self, key: _RKey, rel: _Release) -> None:
        if self._closed:
            # Nothing will write it any more: the slot counts until its stale expiry, conservatively.
            self._settle_releases([rel])
            return
        key.pending.append(rel)
        self._kick(key)

    def _kick(self, key: _RKey) -> None:
        key.kicked = True
        if key.job is None and not self._closed:
            key.job = asyncio.get_running_loop().create_task(self._run(key))

    def _on_timer(self, key: _RKey) -> None:
        key.timer = None
        self._kick(key)

    def _note_down(self, exc: BaseException) -> None:
        self._down_until = time.monotonic() + self.reconnect_interval
        if not self._was_down:
            self._was_down = True
            logger.warning(
                "Redis limiter at %s unavailable (%s); %s",
                self._where,
                redact(str(exc)) or type(exc).__name__,
                "pacing each process alone" if self.on_unavailable == "open" else "refusing calls",
            )

    async def _offline_acquire(self, call: CallInfo, max_wait: float | None) -> Permit:
        if self.on_unavailable == "closed":
            raise BackendUnavailableError(
                f"the Redis limiter at {self._where} cannot be reached; the call was not sent "
                "(on_unavailable='closed')",
                role="limiter",
            )
        return await self._fallback.acquire(call, max_wait=max_wait)

    async def _run(self, key: _RKey) -> None:
        try:
            while key.kicked:
                key.kicked = False
                waiters = [w for w in key.waiters if w.fut is not None and not w.fut.done()]
                releases, key.pending = key.pending, []
                if not waiters and not releases:
                    continue
                if releases and not waiters and time.monotonic() < self._down_until:
                    # Redis is away: keep the releases for later (their slots count meanwhile).
                    self._settle_releases(releases)
                    key.pending[:0] = [_Release(r.rows, r.used_tokens, r.sent) for r in releases]
                    break
                try:
                    out = await self._decide(key, waiters, releases)
                except UNAVAILABLE as exc:
                    self._note_down(exc)
                    self._settle_releases(releases)
                    key.pending[:0] = [_Release(r.rows, r.used_tokens, r.sent) for r in releases]
                    # Every waiter of this key (also those queued while the script ran) goes offline;
                    # later acquires skip Redis until reconnect_interval has passed: no spinning.
                    for w in key.waiters:
                        if w.fut is not None and not w.fut.done():
                            w.offline = True
                            w.fut.set_result(None)
                    key.waiters = []
                    continue
                except Exception as exc:  # a script or protocol error: fail the callers, not the loop
                    error = LimiterError(
                        f"the Redis limiter at {self._where} failed ({type(exc).__name__}: {redact(str(exc))}); "
                        "check that the server is Redis 6 or later with Lua scripting enabled and that the "
                        "user may run EVALSHA on keys under the prefix, or choose limiter='memory'/'sqlite:...'",
                        backend="redis",
                    )
                    for w in waiters:
                        if w.fut is not None and not w.fut.done():
                            w.fut.set_exception(error)
                    # The releases are kept for the next run (their slots count meanwhile).
                    self._settle_releases(releases)
                    key.pending[:0] = [_Release(r.rows, r.used_tokens, r.sent) for r in releases]
                    continue
                if self._was_down:
                    self._was_down = False
                    logger.warning("Redis limiter at %s is back", self._where)
                self._settle_releases(releases)
                self._apply(key, waiters, out)
        finally:
            key.job = None

    @staticmethod
    def _settle_releases(releases: list[_Release], exc: BaseException | None = None) -> None:
        for rel in releases:
            if rel.done is not None and not rel.done.done():
                if exc is None:
                    rel.done.set_result(None)
                else:
                    rel.done.set_exception(exc)

    async def _decide(self, key: _RKey, waiters: list[_RWaiter], releases: list[_Release]) -> _Outcome:
        rel_rows = []
        for rel in releases:
            for i, member, weight in rel.rows:
                new = weight
                if key.lims[i].kind == "tokens" and rel.used_tokens is not None:
                    new = max(0, rel.used_tokens)
                rel_rows.append([member, i + 1, weight, new, 1 if rel.sent else 0])
        payload = {
            "l": key.spec,
            "r": rel_rows,
            "w": [{"needs": [[i + 1, d] for i, d in w.needs], "groups": list(w.groups)} for w in waiters],
            "s": self.stale_after,
            "p": self.poll_interval if not self._listening else max(self.poll_interval, _NOTIFIED_POLL),
            "ch": key.channel if self.notify else "",
            "me": self._id,
            "t": self._ttl_ms,
        }
        raw = await self._acquire_script(keys=key.keys, args=[json.dumps(payload, separators=(",", ":"))])
        data = json.loads(raw)
        granted = data.get("g") or {}
        lower = data.get("lo") or {}
        pauses = data.get("pz") or {}
        return _Outcome(
            granted={int(k) - 1: list(v) for k, v in granted.items()},
            wake=float(data.get("wake", -1)),
            lower={int(k) - 1: float(v) for k, v in lower.items()},
            pauses={str(k): float(v) for k, v in pauses.items()},
            polled=bool(data.get("polled")),
        )

    def _apply(self, key: _RKey, waiters: list[_RWaiter], out: _Outcome) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        done: set[int] = set()
        for pos, members in out.granted.items():
            w = waiters[pos]
            done.add(id(w))
            rows = [(i, m, d) for (i, d), m in zip(w.needs, members, strict=True)]
            permit = _RedisPermit(self, key, rows, max(0.0, now - w.since))
            if w.fut is not None and not w.fut.done():
                w.permit = permit
                w.fut.set_result(None)
            else:  # cancelled or timed out while the script ran: give the slot back
                permit.release_nowait(sent=False)
        if done:
            key.waiters = [w for w in key.waiters if id(w) not in done]
        for w in waiters:
            if id(w) in done or w.checked or w.max_wait is None or w.fut is None or w.fut.done():
                continue
            w.checked = True
            best, name = 0.0, ""
            for i, _ in w.needs:
                lo = out.lower.get(i, 0.0)
                if lo > best:
                    best, name = lo, key.lims[i].name
            for g in w.groups:
                left = out.pauses.get(g, 0.0)
                if left > best:
                    best, name = left, f"pause:{g}"
            if best > w.max_wait:
                w.fut.set_exception(RateLimitWaitError(limit=name, wait=best, max_wait=w.max_wait))
        if key.timer is not None:
            key.timer.cancel()
            key.timer = None
        if out.wake >= 0 and any(w.fut is not None and not w.fut.done() for w in key.waiters):
            key.timer = loop.call_later(out.wake, self._on_timer, key)
        if out.polled and self.notify and key.channel not in self._channels:
            self._follow(key)

    # ---- release notices ----------------------------------------------------------------

    def _follow(self, key: _RKey) -> None:
        """Subscribe to ``key``'s release notices (the listener picks new channels up within 0.1 s)."""
        self._channels[key.channel] = key
        if (self._listener is None or self._listener.done()) and not self._closed:
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        """Wake the waiters of a key when another process releases one of its slots."""
        ps: Any = None
        subscribed: set[str] = set()
        try:
            while not self._closed:
                try:
                    if ps is None:
                        ps = self._redis.pubsub(ignore_subscribe_messages=True)
                        subscribed = set()
                    new = [c for c in self._channels if c not in subscribed]
                    if new:
                        await ps.subscribe(*new)
                        subscribed.update(new)
                        self._listening = True
                        for c in new:  # a release may have come before the subscription: look again
                            self._kick(self._channels[c])
                    msg = await ps.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    if msg is None or msg.get("type") != "message":
                        continue
                    channel, data = msg["channel"], msg["data"]
                    channel = channel.decode() if isinstance(channel, bytes) else channel
                    data = data.decode() if isinstance(data, bytes) else data
                    key = self._channels.get(channel)
                    if data != self._id and key is not None and key.waiters:
                        self._kick(key)
                except UNAVAILABLE:
                    # Redis is away: poll as before; try a fresh subscription later.
                    self._listening = False
                    if ps is not None:
                        with contextlib.suppress(Exception):
                            await ps.aclose()
                        ps = None
                    await asyncio.sleep(self.reconnect_interval)
        finally:
            self._listening = False
            if ps is not None:
                with contextlib.suppress(Exception):
                    await ps.aclose()
