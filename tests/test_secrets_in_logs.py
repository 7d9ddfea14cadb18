"""No secret reaches a log record, a repr, an exception text or a ledger file, whatever the log level.

Every provider's flows run here with the ROOT logger at DEBUG (so httpx writes each request's URL,
and every library logger under it speaks): Coze (chat, stream, a wrong token), OAuth (code exchange,
refresh rotation, a wrong client secret), Xingchen and GPTBots (chat, stream, a wrong key), EasyDL
(inference, a token refresh after expiry, a wrong key pair). Then the whole captured text, every
repr, every exception and the bytes of the sqlite ledger files are searched for each secret and
for its first 12 characters.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx

import providers
from coze_client import AsyncCoze
from coze_client.auth import WebOAuthApp
from coze_client.errors import CozeError
from coze_client.testing import FakeCoze, FakeEasyDL, FakeGPTBots, FakeXingchen
from coze_client.testing.fake_oauth import FakeOAuth

from .providers.conftest import COZE_TOKEN, EASYDL_KEY, EASYDL_SECRET, FAST_XINGCHEN, GPTBOTS_KEY, XINGCHEN_KEY

BASE = "https://api.coze.cn"
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
OAUTH_SECRET = "web-secret-Kq3Zt8Vb1Nx5Rw0Yj"
WRONG = {
    "coze": "pat_WrongWrongWrongWrong1234",
    "xingchen": "lm-V3JvbmdXcm9uZ1dyb25nS2V5==",
    "gptbots": "app-WrongWrongWrong9876",
    "easydl_secret": "skWrongWrongWrongWrong0000",
    "oauth_secret": "web-secret-WrongWrongWrong77",
}


class Capture(logging.Handler):
    """Every record, formatted with its exception text and its extra attributes."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))
        self.texts.append(repr(record.__dict__))


@pytest.fixture
def capture() -> Iterator[Capture]:
    root = logging.getLogger()
    handler, level = Capture(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


class Evidence:
    """Everything a user could see: log text, reprs, exception texts, ledger files."""

    def __init__(self, capture: Capture, ledger_dir: Path) -> None:
        self.capture = capture
        self.ledger_dir = ledger_dir
        self.seen: list[str] = []
        self.secrets: set[str] = set()

    def see(self, *objects: Any) -> None:
        for obj in objects:
            self.seen.append(repr(obj))
            self.seen.append(str(obj))
            if isinstance(obj, BaseException):
                self.seen.append(repr(obj.args))
                self.seen.append(repr(getattr(obj, "body", None)))

    async def expect_error(self, awaitable: Any) -> CozeError:
        with pytest.raises(CozeError) as info:
            await awaitable
        self.see(info.value)
        return info.value

    def ledger_url(self, name: str) -> str:
        return f"sqlite:///{self.ledger_dir / (name + '.db')}"

    def check(self) -> None:
        files = b"".join(p.read_bytes() for p in sorted(self.ledger_dir.iterdir()) if p.is_file())
        text = "\n".join(self.capture.texts + self.seen)
        assert len(self.capture.texts) >= 6, "the flows logged nothing: the check would prove nothing"
        assert "HTTP Request:" in text  # httpx's INFO line, the one that carries the URL
        for secret in sorted(self.secrets):
            assert len(secret) >= 16, secret
            for needle in (secret, secret[:12]):
                assert needle not in text, f"{needle!r} leaked into logs, reprs or exceptions"
                assert needle.encode() not in files, f"{needle!r} leaked into a ledger file"


@pytest.fixture
def evidence(capture: Capture, tmp_path: Path) -> Evidence:
    return Evidence(capture, tmp_path)


async def story(bot: Any, ev: Evidence) -> None:
    conv = await bot.new_conversation(user_id="user_42")
    reply = await bot.chat("Hi, I am Ann.", conversation=conv)
    async with bot.stream([{"role": "user", "content": "Tell me a story"}], conversation=conv) as stream:
        deltas = [delta.text async for delta in stream]
    ev.see(bot, conv, reply, stream.reply, deltas)


async def test_coze(evidence: Evidence) -> None:
    evidence.secrets |= {COZE_TOKEN, WRONG["coze"]}
    with respx.mock(assert_all_called=False) as router:
        fake = FakeCoze(tokens=[COZE_TOKEN])
        fake.bot("bot_1", replies=["Hello from Coze", "Once upon a time"])
        fake.install(router)
        async with providers.open("coze", token=COZE_TOKEN, bot_id="bot_1",
                                  ledger=evidence.ledger_url("coze")) as bot:
            await story(bot, evidence)
        async with AsyncCoze(token=COZE_TOKEN, base_url=BASE, ledger=evidence.ledger_url("coze")) as coze:
            async with coze.chat.stream(bot_id="bot_1", user_id="u", additional_messages=["hi"]) as events:
                evidence.see(*[e async for e in events], events.response)
            evidence.see(coze)
        async with AsyncCoze(token=WRONG["coze"], base_url=BASE, ledger=evidence.ledger_url("coze")) as coze:
            await evidence.expect_error(coze.chat.create(bot_id="bot_1", user_id="u", additional_messages=["x"]))
            evidence.see(coze)
    evidence.check()


async def test_oauth(evidence: Evidence) -> None:
    api = FakeCoze()
    oauth = FakeOAuth(api=api)
    redirect = "https://app.example.com/cb"
    with oauth.mock(api):
        oauth.client("web_app", secret=OAUTH_SECRET)
        app = WebOAuthApp("web_app", OAUTH_SECRET, base_url=BASE)
        token = await app.exchange_code(oauth.approve(app.authorize_url(redirect)), redirect)
        rotated = await app.refresh(token.refresh_token)
        evidence.secrets |= {OAUTH_SECRET, WRONG["oauth_secret"], token.access_token, token.refresh_token,
                             rotated.access_token, rotated.refresh_token}
        await evidence.expect_error(app.refresh(token.refresh_token))  # rotated away: refused
        provider = app.token_provider(rotated)
        async with AsyncCoze(auth=provider, base_url=BASE, ledger=evidence.ledger_url("oauth")) as coze:
            evidence.see(await coze.conversations.create(), coze)
        bad = WebOAuthApp("web_app", WRONG["oauth_secret"], base_url=BASE)
        await evidence.expect_error(bad.exchange_code(oauth.approve(app.authorize_url(redirect)), redirect))
        evidence.see(app, bad, token, rotated, provider)
        await app.aclose()
        await bad.aclose()
    evidence.check()


async def test_oauth_jwt(evidence: Evidence) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from coze_client.auth import JWTAuth

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    body_lines = [line for line in private_pem.splitlines() if "-----" not in line]
    api = FakeCoze()
    oauth = FakeOAuth(api=api)
    with oauth.mock(api):
        oauth.client("jwt_app", public_key=public_pem, kid="kid_1")
        auth = JWTAuth(client_id="jwt_app", private_key=private_pem, public_key_id="kid_1", base_url=BASE)
        async with AsyncCoze(auth=auth, base_url=BASE, ledger=evidence.ledger_url("jwt")) as coze:
            evidence.see(await coze.conversations.create(), coze, auth)
        token = await auth.get_token()
        signed = auth.sign_jwt()
        evidence.secrets |= {token, signed, *body_lines[:3], body_lines[-2]}
        wrong = JWTAuth(client_id="jwt_app", private_key=private_pem, public_key_id="kid_unknown", base_url=BASE)
        await evidence.expect_error(wrong.get_token())
        evidence.see(wrong)
        await auth.aclose()
        await wrong.aclose()
    evidence.check()


@pytest.mark.parametrize("name", ["xingchen", "gptbots"])
async def test_xingchen_and_gptbots(evidence: Evidence, name: str) -> None:
    key = XINGCHEN_KEY if name == "xingchen" else GPTBOTS_KEY
    evidence.secrets |= {key, WRONG[name]}
    extra: dict[str, Any] = ({"character_id": "char_1", "plan": FAST_XINGCHEN} if name == "xingchen"
                             else {"model": "gpt-4o-mini-128k"})
    with respx.mock(assert_all_called=False) as router:
        fake: Any = (FakeXingchen if name == "xingchen" else FakeGPTBots)(
            replies=["Hello", "Once upon a time there was a cat"], keys=[key])
        fake.install(router)
        async with providers.open(name, api_key=key, ledger=evidence.ledger_url(name), **extra) as bot:
            await story(bot, evidence)
        async with providers.open(name, api_key=WRONG[name], ledger=evidence.ledger_url(name), **extra) as bot:
            await evidence.expect_error(bot.chat("hi"))
            evidence.see(bot)
        evidence.see(fake.requests)
    evidence.check()


async def test_easydl(evidence: Evidence) -> None:
    evidence.secrets |= {EASYDL_KEY, EASYDL_SECRET, WRONG["easydl_secret"]}
    services = {"flowers": ("image_classification_high_perf", 4)}
    with respx.mock(assert_all_called=False) as router:
        fake = FakeEasyDL(credentials={EASYDL_KEY: EASYDL_SECRET}, services=services)
        fake.install(router)
        async with providers.open("easydl", api_key=EASYDL_KEY, secret_key=EASYDL_SECRET,
                                  ledger=evidence.ledger_url("easydl")) as easydl:
            evidence.see(await easydl.classify_image("flowers", IMAGE))
            fake.expire_tokens()  # the next call is answered 111 and fetches a new token
            evidence.see(await easydl.classify_image("flowers", IMAGE), easydl, easydl.token)
            assert easydl.token.refreshes == 2
        async with providers.open("easydl", api_key=EASYDL_KEY, secret_key=WRONG["easydl_secret"],
                                  ledger=evidence.ledger_url("easydl")) as wrong:
            await evidence.expect_error(wrong.classify_image("flowers", IMAGE))
            evidence.see(wrong, wrong.token)
        evidence.secrets |= set(fake.tokens)  # every access token issued: 30-day credentials
        assert len(fake.tokens) == 2
        evidence.see(fake.requests)
    evidence.check()


async def test_a_wrong_easydl_key_pair_is_asked_once_per_call() -> None:
    with respx.mock(assert_all_called=False) as router:
        fake = FakeEasyDL(credentials={EASYDL_KEY: EASYDL_SECRET}, services={"flowers": ("image_classification", 4)})
        fake.install(router)
        async with providers.open("easydl", api_key=EASYDL_KEY, secret_key=WRONG["easydl_secret"],
                                  ledger="memory://", max_retries=2) as wrong:
            for _ in range(3):
                with pytest.raises(CozeError, match="Client authentication failed"):
                    await wrong.classify_image("flowers", IMAGE)
        assert len(fake.find(path="/oauth/2.0/token")) == 3  # one per call, none repeated


async def test_the_easydl_key_pair_travels_in_the_form_body() -> None:
    with respx.mock(assert_all_called=False) as router:
        fake = FakeEasyDL(credentials={EASYDL_KEY: EASYDL_SECRET}, services={"flowers": ("image_classification", 4)})
        fake.install(router)
        async with providers.open("easydl", api_key=EASYDL_KEY, secret_key=EASYDL_SECRET, ledger="memory://") as ok:
            await ok.classify_image("flowers", IMAGE)
        token_call = router.calls[0].request
    assert token_call.url.path == "/oauth/2.0/token" and not token_call.url.query
    assert token_call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert f"client_secret={EASYDL_SECRET}".encode() in token_call.content


def test_the_filter_is_on_the_library_loggers_and_masks_a_url() -> None:
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, 'HTTP Request: %s %s "%s"',
                               ("POST", "https://aip.baidubce.com/rpc?access_token=24.0123456789abcdef.1-2",
                                "HTTP/1.1 200 OK"), None)
    assert logging.getLogger("httpx").filter(record)
    assert "0123456789" not in record.getMessage() and "access_token=***" in record.getMessage()
