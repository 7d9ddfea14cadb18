"""FakeCoze area. Voice: voices, speech, transcriptions, rooms, live, voiceprint groups and features."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from .._core import Ctx
from ._base import AreaBase
from ._common import (
    MB,
)


class AudioRoutes(AreaBase):
    """Voice: voices, speech, transcriptions, rooms, live, voiceprint groups and features."""

    def _setup_audio(self) -> None:
        r = self.route
        r("GET", "/v1/audio/voices", self._voices_list)
        r("POST", "/v1/audio/voices/clone", self._voice_clone)
        r("POST", "/v1/audio/speech", self._speech)
        r("POST", "/v1/audio/transcriptions", self._transcribe)
        r("POST", "/v1/audio/rooms", self._room)
        r("POST", "/v1/audio/voiceprint_groups", self._vpg_create)
        r("GET", "/v1/audio/voiceprint_groups", self._vpg_list)
        r("PUT", "/v1/audio/voiceprint_groups/{gid}", self._vpg_update)
        r("DELETE", "/v1/audio/voiceprint_groups/{gid}", self._vpg_delete)
        r("POST", "/v1/audio/voiceprint_groups/{gid}/features", self._feat_create)
        r("GET", "/v1/audio/voiceprint_groups/{gid}/features", self._feat_list)
        r("PUT", "/v1/audio/voiceprint_groups/{gid}/features/{fid}", self._feat_update)
        r("DELETE", "/v1/audio/voiceprint_groups/{gid}/features/{fid}", self._feat_delete)
        r("POST", "/v1/audio/voiceprint_groups/{gid}/speaker_identify", self._speaker_identify)

    # -- audio ----------------------------------------------------------------------------------
    def _voice(self, voice_id: str, name: str, system: bool) -> dict[str, Any]:
        return {
            "voice_id": voice_id,
            "name": name,
            "is_system_voice": system,
            "language_code": "zh",
            "language_name": "Chinese",
            "preview_text": "你好",
            "preview_audio": "",
            "available_training_times": 10,
            "create_time": self.now(),
            "update_time": self.now(),
            "model_type": "big",
            "state": "cloned",
            "support_emotions": [
                {
                    "emotion": "happy",
                    "display_name": "Happy",
                    "emotion_scale_interval": {"min": 1.0, "max": 5.0, "default": 4.0},
                }
            ],
        }

    async def _voices_list(self, ctx: Ctx) -> httpx.Response:
        q = ctx.query
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 100)
        if not 1 <= page_size <= 100:
            return self.error(4000, "invalid parameter: page_size must be 1..100")
        voices = (
            []
            if q.get("filter_system_voice", "false").lower() == "true"
            else [self._voice("7426720361733046281", "System voice", True)]
        )
        voices += list(self.voices.values())
        start = (page_num - 1) * page_size
        return self.ok({"voice_list": voices[start : start + page_size], "has_more": start + page_size < len(voices)})

    async def _voice_clone(self, ctx: Ctx) -> httpx.Response:
        form, files = ctx.rec.form, ctx.rec.files
        if not files or not form.get("audio_format") or not form.get("voice_name"):
            return self.error(4000, "invalid parameter: file, audio_format and voice_name are required")
        voice_id = form.get("voice_id") or self.new_id()
        self.voices[voice_id] = self._voice(voice_id, form["voice_name"], False)
        return self.ok({"voice_id": voice_id})  # coze-api.md §5.7: the documented answer is {voice_id} only

    async def _speech(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        text = body.get("input")
        if not isinstance(text, str) or not text or not body.get("voice_id"):
            return self.error(4000, "invalid parameter: input and voice_id are required")
        if len(text.encode("utf-8")) > 1024:
            return self.error(4000, "invalid parameter: input is longer than 1024 bytes")
        fmt = str(body.get("response_format") or "mp3")
        ctype = {"mp3": "audio/mpeg", "wav": "audio/wav", "pcm": "audio/pcm", "ogg_opus": "audio/ogg"}.get(fmt)
        if ctype is None:
            return self.error(4000, "invalid parameter: response_format")
        problem = self._check_speech(body)
        if problem is not None:
            return problem
        audio = b"ID3FAKE" + text.encode("utf-8") * 64
        logid = self.logid()

        async def chunks() -> AsyncIterator[bytes]:
            for i in range(0, len(audio), 4096):
                yield audio[i : i + 4096]

        return self.stream_response(chunks(), content_type=ctype, headers={"x-tt-logid": logid})

    def _check_speech(self, body: dict[str, Any]) -> httpx.Response | None:
        """Documented speech ranges (the Coze audio pages)."""

        def in_range(name: str, low: float, high: float) -> bool:
            value = body.get(name)
            if value is None:
                return True
            return isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high

        emotions = (None, "happy", "sad", "angry", "surprised", "fear", "hate", "excited", "coldness", "neutral")
        checks = [
            ("speed", in_range("speed", 0.2, 3.0)),  # small-model voices 0.2-3, large 0.5-2
            ("sample_rate", body.get("sample_rate") in (None, 8000, 16000, 22050, 24000, 32000, 44100, 48000)),
            ("emotion", body.get("emotion") in emotions),
            ("emotion_scale", in_range("emotion_scale", 1.0, 5.0)),
            ("loudness_rate", in_range("loudness_rate", -50, 100)),
        ]
        for name, ok in checks:
            if not ok:
                return self.error(4000, f"invalid parameter: {name} out of range")
        return None

    async def _transcribe(self, ctx: Ctx) -> httpx.Response:
        files = ctx.rec.files
        if not files or not files[0].content:
            return self.error(4300, "the uploaded file is empty")
        if files[0].size > 10 * MB:
            return self.error(4302, "audio is larger than 10 MB")
        return self.ok({"text": f"transcribed {files[0].size} bytes"})

    async def _room(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        if not body.get("bot_id"):
            return self.error(4000, "invalid parameter: bot_id is required")
        return self.ok(
            {
                "token": "fake-rtc-token",
                "uid": str(body.get("uid") or self.new_id()),
                "room_id": self.new_id(),
                "app_id": "fake-rtc-app",
            }
        )

    async def _vpg_create(self, ctx: Ctx) -> httpx.Response:
        body = ctx.body_dict()
        name = body.get("name")
        if not isinstance(name, str) or not name or len(name) > 20:
            return self.error(4000, "invalid parameter: name (1..20 characters) is required")
        gid = self.new_id()
        self.voiceprint_groups[gid] = {
            "id": gid,
            "name": name,
            "desc": body.get("desc", ""),
            "icon_url": "",
            "feature_count": 0,
            "created_at": self.now(),
            "updated_at": self.now(),
            "user_info": {
                "id": self.user["user_id"],
                "name": self.user["user_name"],
                "nickname": self.user["nick_name"],
                "avatar_url": "",
            },
        }
        return self.ok({"id": gid})

    def _page(
        self, items: list[dict[str, Any]], q: dict[str, str], max_size: int
    ) -> tuple[list[dict[str, Any]], bool] | None:
        page_num, page_size = self._int(q.get("page_num"), 1), self._int(q.get("page_size"), 10)
        if not 1 <= page_size <= max_size or page_num < 1:
            return None
        start = (page_num - 1) * page_size
        return items[start : start + page_size], True

    async def _vpg_list(self, ctx: Ctx) -> httpx.Response:
        items = [g for g in self.voiceprint_groups.values() if g["name"].startswith(ctx.query.get("name", ""))]
        page = self._page(items, ctx.query, 200)
        if page is None:
            return self.error(4000, "invalid parameter: page_size must be 1..200")
        for g in items:
            g["feature_count"] = sum(1 for f in self.features.values() if f["group_id"] == g["id"])
        return self.ok({"items": page[0], "total": len(items)})

    async def _vpg_update(self, ctx: Ctx) -> httpx.Response:
        group = self.voiceprint_groups.get(ctx.params["gid"])
        if group is None:
            return self.error(4200, "resource not found")
        body = ctx.body_dict()
        group.update({k: body[k] for k in ("name", "desc") if k in body}, updated_at=self.now())
        return self.ok(with_data=False)

    async def _vpg_delete(self, ctx: Ctx) -> httpx.Response:
        if self.voiceprint_groups.pop(ctx.params["gid"], None) is None:
            return self.error(4200, "resource not found")
        return self.ok(with_data=False)

    def _int_form(self, form: dict[str, str], key: str) -> httpx.Response | None:
        if key in form and not form[key].strip().lstrip("-").isdigit():
            return self.error(4000, f"invalid parameter: {key} must be an integer")
        return None

    async def _feat_create(self, ctx: Ctx) -> httpx.Response:
        gid = ctx.params["gid"]
        if gid not in self.voiceprint_groups:
            return self.error(4200, "resource not found")
        form, files = ctx.rec.form, ctx.rec.files
        if not files or not form.get("name"):
            return self.error(4000, "invalid parameter: file and name are required")
        problem = self._int_form(form, "sample_rate") or self._int_form(form, "channel")
        if problem is not None:
            return problem
        fid = self.new_id()
        self.features[fid] = {
            "id": fid,
            "group_id": gid,
            "name": form["name"],
            "desc": form.get("desc", ""),
            "audio_url": "",
            "icon_url": "",
            "created_at": self.now(),
            "updated_at": self.now(),
            "user_info": self.voiceprint_groups[gid]["user_info"],
        }
        return self.ok({"id": fid})

    async def _feat_list(self, ctx: Ctx) -> httpx.Response:
        items = [f for f in self.features.values() if f["group_id"] == ctx.params["gid"]]
        page = self._page(items, ctx.query, 200)
        if page is None:
            return self.error(4000, "invalid parameter: page_size must be 1..200")
        return self.ok({"items": page[0], "total": len(items)})

    async def _feat_update(self, ctx: Ctx) -> httpx.Response:
        feat = self.features.get(ctx.params["fid"])
        if feat is None or feat["group_id"] != ctx.params["gid"]:
            return self.error(4200, "resource not found")
        form = ctx.rec.form
        problem = self._int_form(form, "sample_rate") or self._int_form(form, "channel")
        if problem is not None:
            return problem
        feat.update({k: form[k] for k in ("name", "desc") if k in form}, updated_at=self.now())
        return self.ok(with_data=False)

    async def _feat_delete(self, ctx: Ctx) -> httpx.Response:
        feat = self.features.get(ctx.params["fid"])
        if feat is None or feat["group_id"] != ctx.params["gid"]:
            return self.error(4200, "resource not found")
        del self.features[ctx.params["fid"]]
        return self.ok(with_data=False)

    async def _speaker_identify(self, ctx: Ctx) -> httpx.Response:
        gid = ctx.params["gid"]
        if gid not in self.voiceprint_groups:
            return self.error(4200, "resource not found")
        form, files = ctx.rec.form, ctx.rec.files
        if not files:
            return self.error(4000, "invalid parameter: file is required")
        problem = (
            self._int_form(form, "top_k") or self._int_form(form, "sample_rate") or self._int_form(form, "channel")
        )
        if problem is not None:
            return problem
        top_k = self._int(form.get("top_k"), 5)
        feats = [f for f in self.features.values() if f["group_id"] == gid][:top_k]
        scores = [
            {
                "feature_id": f["id"],
                "feature_name": f["name"],
                "feature_desc": f["desc"],
                "score": round(0.9 - 0.1 * i, 3),
            }
            for i, f in enumerate(feats)
        ]
        return self.ok({"feature_score_list": scores})
