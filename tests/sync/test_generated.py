"""The sync surface is generated from the async one, is current, and wraps what it does not know yet."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest

from coze_client import AsyncCoze, Coze
from coze_client._sync import _generate, _resources
from coze_client._sync._results import SYNC_RESULTS
from coze_client._sync._wrap import SyncResource, sync_doc
from coze_client.resources._base import APIResource
from coze_client.testing import FakeCoze

from .gadgets import AsyncGadgets

TOKEN = "pat_TESTsecretTOKEN1234567890"


def test_generated_module_is_current() -> None:
    # Fails after a resource changes until `python -m coze_client._sync._generate` is run.
    assert _generate.generate() == _generate.TARGET.read_text(encoding="utf-8"), (
        "coze_client/_sync/_resources.py is stale: run python -m coze_client._sync._generate"
    )
    assert _generate.main(["--check"]) == 0


def _walk(async_obj: Any, sync_cls: type[Any], path: str) -> Iterator[tuple[str, Any, type[Any]]]:
    yield path, async_obj, sync_cls
    for name in dir(async_obj):
        if name.startswith("_") or name in _generate.SKIP:
            continue
        value = getattr(async_obj, name)
        if isinstance(value, APIResource):
            prop = getattr(sync_cls, name)
            sub_cls = inspect.signature(prop.func, eval_str=True).return_annotation
            yield from _walk(value, sub_cls, f"{path}.{name}")


async def test_every_async_method_has_its_sync_twin() -> None:
    coze = AsyncCoze(token=TOKEN, plan=None, ledger="none://")
    try:
        seen = 0
        for path, resource, sync_cls in _walk(coze, Coze, "coze"):
            for name, fn in inspect.getmembers(type(resource), inspect.isfunction):
                if name.startswith("_") or isinstance(resource, AsyncCoze):
                    continue
                twin = getattr(sync_cls, name, None)
                assert twin is not None, f"{path}.{name} has no sync twin"
                a, s = inspect.signature(fn), inspect.signature(twin)
                assert list(a.parameters) == list(s.parameters), f"{path}.{name}"
                assert [p.default for p in a.parameters.values()] == [p.default for p in s.parameters.values()]
                assert [p.kind for p in a.parameters.values()] == [p.kind for p in s.parameters.values()]
                assert inspect.getdoc(twin) == sync_doc(inspect.getdoc(fn)), f"{path}.{name}"
                if inspect.iscoroutinefunction(fn):
                    # The same return type, or its sync face (a subclass) when the model has coroutine methods.
                    faces = {base.__name__: face.__name__ for base, face in SYNC_RESULTS.items()}
                    a_ret, s_ret = a.return_annotation, s.return_annotation
                    assert s_ret in (a_ret, faces.get(a_ret)), f"{path}.{name}"
                seen += 1
        assert seen > 60
        # The client options are AsyncCoze's, with the same defaults.
        a_init, s_init = inspect.signature(AsyncCoze.__init__), inspect.signature(Coze.__init__)
        assert [(p.name, p.default) for p in a_init.parameters.values()] == [
            (p.name, p.default) for p in s_init.parameters.values()
        ]
    finally:
        await coze.aclose()


def test_sync_docstrings_read_as_sync_code() -> None:
    doc = Coze.chat.func.__doc__  # type: ignore[attr-defined]
    assert doc and "coze.chat" in doc
    stream_doc = _resources.SyncChat.stream.__doc__ or ""
    assert "with coze.chat.stream(" in stream_doc and "async" not in stream_doc and "await" not in stream_doc


def test_a_resource_the_generator_has_not_seen_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AsyncCoze, "gadgets", property(lambda self: AsyncGadgets(self._corridor)), raising=False)
    with FakeCoze().mock(), Coze(token=TOKEN, plan=None, ledger="none://") as coze:
        gadgets = coze.gadgets  # type: ignore[attr-defined]
        assert type(gadgets) is SyncResource
        assert gadgets.spin(speed=21) == 42  # the coroutine ran on the SDK loop
        assert gadgets.names() == ["a", "b"]
        assert list(gadgets.ticks(count=3)) == [0, 1, 2]
        assert gadgets.spin.__doc__ == "Spin (async)."
        with pytest.raises(AttributeError):
            coze.no_such_resource  # type: ignore[attr-defined] # noqa: B018
        # Only resources surface: the async client's own methods and realtime sessions do not.
        assert not hasattr(coze, "aclose") and not hasattr(coze, "websockets")


def test_the_generator_picks_up_a_new_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AsyncCoze, "gadgets", property(lambda self: AsyncGadgets(self._corridor)), raising=False)
    text = _generate.generate()
    assert "class SyncGadgets(SyncResource):" in text and "def gadgets(self) -> SyncGadgets:" in text
    assert "def spin(self, *, speed: int) -> int:" in text
    assert "def ticks(self, *, count: int) -> Iterator[int]:" in text and "return iterate(" in text
    namespace: dict[str, object] = {"__name__": "coze_client._sync._resources_test"}
    monkeypatch.setattr(SyncResource, "_registry", dict(SyncResource._registry))  # the copy registers itself
    exec(compile(text, "_resources.py", "exec"), namespace)  # the generated module runs
    assert "SyncGadgets" in namespace


def test_speech_audio_writes_its_file_in_sync_code(tmp_path: Any) -> None:
    fake = FakeCoze()
    with fake.mock(), Coze(token=TOKEN, plan=None, ledger="none://") as coze:
        voice = coze.audio.voices.clone(file=("me.wav", b"RIFF" + b"\x00" * 64), voice_name="me", audio_format="wav")
        audio = coze.audio.speech.create(input="hi", voice_id=voice.voice_id)
        from coze_client.types.audio import SpeechAudio

        assert isinstance(audio, SpeechAudio) and audio.content and audio.logid
        target = tmp_path / "hi.mp3"
        assert audio.write_to_file(target) is None  # written now, not a coroutine left unawaited
        assert target.read_bytes() == audio.content


def test_a_stale_generated_module_falls_back_to_run_time_wrapping(monkeypatch: pytest.MonkeyPatch) -> None:
    # After a merge, a default the generated file imports may be gone: Coze must still import and work
    # (so the generator itself can run), wrapping every resource at run time meanwhile.
    import importlib.util
    import sys

    monkeypatch.setitem(sys.modules, "coze_client._sync._resources", None)  # importing it fails
    spec = importlib.util.find_spec("coze_client._sync._client")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.warns(RuntimeWarning, match="stale"):
        spec.loader.exec_module(module)
    fake = FakeCoze()
    fake.bot("b1", replies=["still here"])
    with fake.mock(), module.Coze(token=TOKEN, plan=None, ledger="none://") as coze:
        assert coze.users.me().user_id
        with coze.chat.stream(bot_id="b1", user_id="u", additional_messages=["hi"]) as events:
            text = "".join(e.message.content for e in events if e.event == "conversation.message.delta")
        assert text == "still here"
