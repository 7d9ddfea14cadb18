"""Sync resources of `coze_client.Coze`. GENERATED from the async resources: do not edit.

Regenerate with ``python -m coze_client._sync._generate`` (a test fails while this file is stale).
Every method runs its async twin on the SDK loop; see ``coze_client/_sync/_wrap.py``.
"""

# ruff: noqa: E501, I001

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ._results import SyncSpeechAudio, as_sync
from ._wrap import SyncResource, SyncEventStream, SyncPaginator, SyncWorkflowStream

from coze_client._client import PLAN_FROM_ENV
from coze_client._constants import DEFAULT_MAX_RETRIES, MAX_RETRY_AFTER

if TYPE_CHECKING:
    import builtins
    import httpx
    import os
    from collections.abc import Mapping, Sequence
    from coze_client._auth import TokenProvider
    from coze_client._client import AsyncCoze
    from coze_client._models import ListResult, OperationResult
    from coze_client._sync._loop import Portal
    from coze_client.ledger.base import UsageLedger
    from coze_client.limits.base import RateLimiter
    from coze_client.limits.plans import Plan
    from coze_client.resources._base import RequestOptions
    from coze_client.resources.api_apps import AsyncAPIAppEvents, AsyncAPIApps
    from coze_client.resources.apps import AsyncApps
    from coze_client.resources.audio import AsyncAudio, AsyncLive, AsyncRooms, AsyncSpeech, AsyncTranscriptions, AsyncVoiceprintFeatures, AsyncVoiceprintGroups, AsyncVoices
    from coze_client.resources.benefits import AsyncBenefits
    from coze_client.resources.bots import AsyncBotVersions, AsyncBots, Config
    from coze_client.resources.chat import AsyncChat, AsyncChatMessages
    from coze_client.resources.collaboration import AsyncAppCollaborators, AsyncBotCollaborationModes, AsyncBotCollaborators, AsyncWorkflowCollaborationModes, AsyncWorkflowCollaborators, CollaboratorsArg
    from coze_client.resources.connectors import AsyncConnectorBots, AsyncConnectors
    from coze_client.resources.conversations import AsyncConversations, AsyncFeedback, AsyncMessages
    from coze_client.resources.datasets import AsyncDatasetImages, AsyncDatasets, AsyncDocuments, ProgressCallback
    from coze_client.resources.end_user_benefits import AsyncBenefitLimitations, AsyncBillTasks
    from coze_client.resources.enterprises import AsyncEnterpriseMembers, AsyncEnterprises, AsyncOrganizationMembers, AsyncOrganizations, People
    from coze_client.resources.files import AsyncFiles, FileInput
    from coze_client.resources.folders import AsyncFolders
    from coze_client.resources.plugins import AsyncPlugins
    from coze_client.resources.templates import AsyncCopyTasks, AsyncTemplates
    from coze_client.resources.users import AsyncUsers
    from coze_client.resources.variables import AsyncVariables
    from coze_client.resources.workflows import AsyncExecuteNodes, AsyncRunHistories, AsyncWorkflowChat, AsyncWorkflowRuns, AsyncWorkflowVersions, AsyncWorkflows
    from coze_client.resources.workspaces import AsyncWorkspaceMembers, AsyncWorkspaces
    from coze_client.types.api_apps import APIApp, APIAppEvent, APIAppType
    from coze_client.types.apps import App
    from coze_client.types.audio import AudioFormat, CreatedId, LiveInfo, Room, RoomConfig, SpeakerIdentifyResult, SpeechEmotion, SpeechFile, Transcription, Voice, VoiceModelType, VoiceState, VoiceprintFeature, VoiceprintGroup
    from coze_client.types.benefits import Benefits
    from coze_client.types.bot_management import BotPublishResult, BotVersion, CollaborationMode, CreatedBot, PublishedBotV1
    from coze_client.types.bots import Bot, BotPublishStatus, SimpleBot
    from coze_client.types.chat import Chat, ChatEvent, ChatPoll, EnterMessage, Message, MessageContentType, MessageRole, ToolOutput
    from coze_client.types.connectors import AuditStatus, UserConfig
    from coze_client.types.conversations import Conversation, FeedbackType, File, Section
    from coze_client.types.datasets import CreateDatasetResult, Dataset, DatasetFormatType, Document, DocumentBase, DocumentChunkStrategy, DocumentProgress, DocumentUpdateRule, Photo
    from coze_client.types.end_user_benefits import BenefitLimitation, BenefitLimitationInput, BillTask, EntityType
    from coze_client.types.enterprises import CreatedOrganization, EnterpriseRole, Organization, OrganizationMember, OrganizationRole
    from coze_client.types.folders import Folder, FolderType
    from coze_client.types.plugins import PluginCategory, PluginDetail, PluginToolResult, StorePlugin
    from coze_client.types.templates import CopyTask, CopyTaskStarted, TemplateDuplicate
    from coze_client.types.users import User
    from coze_client.types.variables import VariableInput, VariableValue
    from coze_client.types.workflows import NodeOutput, WorkflowBasic, WorkflowInfo, WorkflowMode, WorkflowPublishStatus, WorkflowRunHistory, WorkflowRunResult, WorkflowVersion
    from coze_client.types.workspace_members import AddWorkspaceMembersResult, CreatedWorkspace, RemoveWorkspaceMembersResult, WorkspaceMember, WorkspaceMemberInput
    from coze_client.types.workspaces import Workspace
    from typing import Any, Literal
    from typing_extensions import Unpack

__all__ = [
    "SyncAPIAppEvents",
    "SyncAPIApps",
    "SyncAppCollaborators",
    "SyncApps",
    "SyncAudio",
    "SyncBenefitLimitations",
    "SyncBenefits",
    "SyncBillTasks",
    "SyncBotCollaborationModes",
    "SyncBotCollaborators",
    "SyncBotVersions",
    "SyncBots",
    "SyncChat",
    "SyncChatMessages",
    "SyncConnectorBots",
    "SyncConnectors",
    "SyncConversations",
    "SyncCopyTasks",
    "SyncCozeResources",
    "SyncDatasetImages",
    "SyncDatasets",
    "SyncDocuments",
    "SyncEnterpriseMembers",
    "SyncEnterprises",
    "SyncExecuteNodes",
    "SyncFeedback",
    "SyncFiles",
    "SyncFolders",
    "SyncLive",
    "SyncMessages",
    "SyncOrganizationMembers",
    "SyncOrganizations",
    "SyncPlugins",
    "SyncRooms",
    "SyncRunHistories",
    "SyncSpeech",
    "SyncTemplates",
    "SyncTranscriptions",
    "SyncUsers",
    "SyncVariables",
    "SyncVoiceprintFeatures",
    "SyncVoiceprintGroups",
    "SyncVoices",
    "SyncWorkflowChat",
    "SyncWorkflowCollaborationModes",
    "SyncWorkflowCollaborators",
    "SyncWorkflowRuns",
    "SyncWorkflowVersions",
    "SyncWorkflows",
    "SyncWorkspaceMembers",
    "SyncWorkspaces",
]


class SyncAPIAppEvents(SyncResource):
    """``coze.api_apps.events``: event subscriptions of a callback app."""

    _wraps = "coze_client.resources.api_apps.AsyncAPIAppEvents"
    _inner: AsyncAPIAppEvents

    def create(
        self,
        *,
        api_app_id: str,
        event_types: Sequence[str] | str,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Subscribe to event types (e.g. bot published, bot deleted, bill ready).

        Args:
            api_app_id: the callback app's id.
            event_types: the event types to subscribe to, e.g. ``"bot.published"``; one string is a list of one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.api_apps.events.create(api_app_id="7486...", event_types=["bot.published"])
            ```
        """
        return self._loop.run(self._inner.create(api_app_id=api_app_id, event_types=event_types, **options))

    def delete(
        self,
        *,
        api_app_id: str,
        event_types: Sequence[str] | str,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Unsubscribe from event types.

        Args:
            api_app_id: the callback app's id.
            event_types: the event types to unsubscribe from; one string is a list of one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.api_apps.events.delete(api_app_id="7486...", event_types=["bot.published"])
            ```
        """
        return self._loop.run(self._inner.delete(api_app_id=api_app_id, event_types=event_types, **options))

    def list(
        self,
        *,
        api_app_id: str,
        page_token: str | None = None,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[APIAppEvent]:
        """The event types a callback app subscribes to (page token).

        Args:
            api_app_id: the callback app's id.
            page_token: the token of the page to start at (``None``: the first page).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for e in coze.api_apps.events.list(api_app_id="7486..."):
                print(e.event_type, e.name)
            ```
        """
        return SyncPaginator(self._inner.list(
            api_app_id=api_app_id,
            page_token=page_token,
            page_size=page_size,
            **options,
        ), self._loop)


class SyncAPIApps(SyncResource):
    """``coze.api_apps``: callback apps, and ``.events``."""

    _wraps = "coze_client.resources.api_apps.AsyncAPIApps"
    _inner: AsyncAPIApps

    @functools.cached_property
    def events(self) -> SyncAPIAppEvents:
        """``coze.api_apps.events``: event subscriptions of a callback app."""
        return SyncAPIAppEvents(self._inner.events, self._loop)

    def create(
        self,
        *,
        app_type: APIAppType | Literal['normal', 'connector'],
        name: str | None = None,
        connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> APIApp:
        """Create a callback app: ``normal`` needs a ``name``, ``connector`` a ``connector_id``.

        Args:
            app_type: ``"normal"`` (your own callbacks) or ``"connector"`` (a channel's), or an ``APIAppType``.
            name: the app's name; required when ``app_type`` is ``"normal"``.
            connector_id: the channel's id; required when ``app_type`` is ``"connector"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            app = coze.api_apps.create(app_type="normal", name="publish hooks")
            app.id
            ```
        """
        return self._loop.run(self._inner.create(
            app_type=app_type,
            name=name,
            connector_id=connector_id,
            **options,
        ))

    def update(
        self,
        *,
        app_id: str,
        name: str | None = None,
        callback_url: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Rename a callback app or change where callbacks go.

        Args:
            app_id: the callback app's id.
            name: a new name (``None``: unchanged).
            callback_url: the new URL the callbacks are posted to (``None``: unchanged); give at least one of the two.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.api_apps.update(app_id="7486...", callback_url="https://example.com/hook")
            ```
        """
        return self._loop.run(self._inner.update(
            app_id=app_id,
            name=name,
            callback_url=callback_url,
            **options,
        ))

    def delete(self, *, app_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete a callback app.

        Args:
            app_id: the callback app's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.api_apps.delete(app_id="7486...")
            ```
        """
        return self._loop.run(self._inner.delete(app_id=app_id, **options))

    def list(
        self,
        *,
        app_type: APIAppType | Literal['normal', 'connector'] | None = None,
        page_token: str | None = None,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[APIApp]:
        """Your callback apps (page token).

        Args:
            app_type: only apps of this type (``"normal"``, ``"connector"`` or an ``APIAppType``); ``None``: all.
            page_token: the token of the page to start at (``None``: the first page).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for app in coze.api_apps.list(app_type="normal"):
                print(app.id, app.name, app.callback_url)
            ```
        """
        return SyncPaginator(self._inner.list(
            app_type=app_type,
            page_token=page_token,
            page_size=page_size,
            **options,
        ), self._loop)


class SyncAppCollaborators(SyncResource):
    """``coze.apps.collaborators``."""

    _wraps = "coze_client.resources.collaboration.AsyncAppCollaborators"
    _inner: AsyncAppCollaborators

    def create(
        self,
        *,
        app_id: str,
        collaborators: CollaboratorsArg,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Add one collaborator to a low-code app.

        Args:
            app_id: the app's id.
            collaborators: the one collaborator: a user id, ``{"user_id": ...}`` or a list of one of those.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.apps.collaborators.create(app_id="7535...", collaborators="5524...")
            ```
        """
        return self._loop.run(self._inner.create(app_id=app_id, collaborators=collaborators, **options))

    def delete(self, *, app_id: str, user_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove one collaborator (their workflows and plugins pass to the app's owner).

        Args:
            app_id: the app's id.
            user_id: the collaborator's user id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.apps.collaborators.delete(app_id="7535...", user_id="5524...")
            ```
        """
        return self._loop.run(self._inner.delete(app_id=app_id, user_id=user_id, **options))


class SyncApps(SyncResource):
    """``coze.apps`` and ``.collaborators``."""

    _wraps = "coze_client.resources.apps.AsyncApps"
    _inner: AsyncApps

    @functools.cached_property
    def collaborators(self) -> SyncAppCollaborators:
        """``coze.apps.collaborators``."""
        return SyncAppCollaborators(self._inner.collaborators, self._loop)

    def list(
        self,
        *,
        workspace_id: str,
        publish_status: BotPublishStatus | Literal['all', 'published_online', 'published_draft', 'unpublished_draft'] | None = None,
        connector_id: str | None = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[App]:
        """Apps of a workspace. Sends the documented ``page_num`` (the official SDK sends ``page_index``).

        Args:
            workspace_id: the workspace's id.
            publish_status: ``"all"``, ``"published_online"``, ``"published_draft"`` or ``"unpublished_draft"`` (or a
                ``BotPublishStatus``); ``None``: the server's default.
            connector_id: only apps published on this channel (e.g. ``"1024"``, the API channel).
            page_num: the page to start at (1-based).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for app in coze.apps.list(workspace_id="7350..."):
                print(app.id, app.name, app.is_published)
            ```
        """
        return SyncPaginator(self._inner.list(
            workspace_id=workspace_id,
            publish_status=publish_status,
            connector_id=connector_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)


class SyncLive(SyncResource):
    """``coze.audio.live``."""

    _wraps = "coze_client.resources.audio.AsyncLive"
    _inner: AsyncLive

    def retrieve(self, *, live_id: str, **options: Unpack[RequestOptions]) -> LiveInfo:
        """The streams of a live session.

        Args:
            live_id: the live session's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            live = coze.audio.live.retrieve(live_id="7501...")
            [s.live_type for s in live.stream_infos]
            ```
        """
        return self._loop.run(self._inner.retrieve(live_id=live_id, **options))


class SyncRooms(SyncResource):
    """``coze.audio.rooms``: real-time (RTC) voice rooms."""

    _wraps = "coze_client.resources.audio.AsyncRooms"
    _inner: AsyncRooms

    def create(
        self,
        *,
        bot_id: str,
        voice_id: str | None = None,
        conversation_id: str | None = None,
        uid: str | None = None,
        workflow_id: str | None = None,
        config: RoomConfig | Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Room:
        """Create a room the bot joins. Billing starts now (3 minutes minimum); never retried once sent.

        Every ``config`` field is optional (documented defaults are filled in).

        Args:
            bot_id: the bot's id.
            voice_id: the voice the bot speaks with.
            conversation_id: the conversation's id.
            uid: your id for the user in the room.
            workflow_id: the workflow's id.
            config: a `RoomConfig` (or dict): audio, video and turn-detection settings.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            room = coze.audio.rooms.create(bot_id="7351...",
                config={"turn_detection": {"type": "server_vad"}, "audio_config": {"codec": "OPUS"}})
            room.room_id, room.app_id
            ```
        """
        return self._loop.run(self._inner.create(
            bot_id=bot_id,
            voice_id=voice_id,
            conversation_id=conversation_id,
            uid=uid,
            workflow_id=workflow_id,
            config=config,
            **options,
        ))


class SyncSpeech(SyncResource):
    """``coze.audio.speech``: text to speech."""

    _wraps = "coze_client.resources.audio.AsyncSpeech"
    _inner: AsyncSpeech

    def create(
        self,
        *,
        input: str,
        voice_id: str,
        response_format: AudioFormat | Literal['mp3', 'wav', 'pcm', 'ogg_opus'] | None = None,
        speed: float | None = None,
        sample_rate: int | None = None,
        emotion: SpeechEmotion | str | None = None,
        emotion_scale: float | None = None,
        loudness_rate: int | None = None,
        context_texts: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncSpeechAudio:
        """Synthesise speech (``input`` at most 1024 bytes of UTF-8) and return the audio in memory.

        Args:
            input: the text, at most 1024 bytes of UTF-8.
            voice_id: the voice (`voices.list`).
            response_format: ``mp3`` (default), ``wav``, ``pcm`` or ``ogg_opus``.
            speed: 0.2-3 (0.5-2 for large-model voices); 1 is normal.
            sample_rate: 8000, 16000, 22050, 24000 (default), 32000, 44100 or 48000 Hz.
            emotion: an emotion the voice supports (`SpeechEmotion`; `Voice.support_emotions`).
            emotion_scale: how strongly, 1.0-5.0 (default 4).
            loudness_rate: -50 to 100 (0 is normal).
            context_texts: style hints (TTS 2.0 voices only).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            audio = coze.audio.speech.create(input="你好", voice_id="7426...",
                                                   emotion="happy", emotion_scale=4)
            audio.write_to_file("hello.mp3")
            ```
        """
        return as_sync(self._loop.run(self._inner.create(
            input=input,
            voice_id=voice_id,
            response_format=response_format,
            speed=speed,
            sample_rate=sample_rate,
            emotion=emotion,
            emotion_scale=emotion_scale,
            loudness_rate=loudness_rate,
            context_texts=context_texts,
            **options,
        )), SyncSpeechAudio)

    def stream_to_file(
        self,
        path: str | os.PathLike[str],
        *,
        input: str,
        voice_id: str,
        response_format: AudioFormat | Literal['mp3', 'wav', 'pcm', 'ogg_opus'] | None = None,
        speed: float | None = None,
        sample_rate: int | None = None,
        emotion: SpeechEmotion | str | None = None,
        emotion_scale: float | None = None,
        loudness_rate: int | None = None,
        context_texts: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SpeechFile:
        """Synthesise speech and write it to ``path`` as it arrives, never holding it all in memory.

        The audio goes to ``<path>.part`` first and is renamed when complete, so a broken download
        never leaves a truncated file at ``path``. Disk writes run in a worker thread.

        Args:
            path: where to write the audio.
            input: the text, at most 1024 bytes of UTF-8.
            voice_id: the voice (`voices.list`).
            response_format: ``mp3`` (default), ``wav``, ``pcm`` or ``ogg_opus``.
            speed: 0.2-3 (0.5-2 for large-model voices); 1 is normal.
            sample_rate: 8000, 16000, 22050, 24000 (default), 32000, 44100 or 48000 Hz.
            emotion: an emotion the voice supports (`SpeechEmotion`; `Voice.support_emotions`).
            emotion_scale: how strongly, 1.0-5.0 (default 4).
            loudness_rate: -50 to 100 (0 is normal).
            context_texts: style hints (TTS 2.0 voices only).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            f = coze.audio.speech.stream_to_file(
                "out.mp3", input="你好", voice_id="7426...")
            f.bytes_written
            ```
        """
        return self._loop.run(self._inner.stream_to_file(
            path,
            input=input,
            voice_id=voice_id,
            response_format=response_format,
            speed=speed,
            sample_rate=sample_rate,
            emotion=emotion,
            emotion_scale=emotion_scale,
            loudness_rate=loudness_rate,
            context_texts=context_texts,
            **options,
        ))


class SyncTranscriptions(SyncResource):
    """``coze.audio.transcriptions``: speech to text."""

    _wraps = "coze_client.resources.audio.AsyncTranscriptions"
    _inner: AsyncTranscriptions

    def create(self, *, file: FileInput, **options: Unpack[RequestOptions]) -> Transcription:
        """Transcribe an audio file (at most 10 MB and 30 minutes; mp3, wav, ogg, m4a, ...).

        Args:
            file: the recording (path, bytes, binary file or ``(name, bytes)``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            t = coze.audio.transcriptions.create(file="meeting.mp3")
            t.text
            ```
        """
        return self._loop.run(self._inner.create(file=file, **options))


class SyncVoiceprintFeatures(SyncResource):
    """``coze.audio.voiceprint_groups.features``: speakers of a group."""

    _wraps = "coze_client.resources.audio.AsyncVoiceprintFeatures"
    _inner: AsyncVoiceprintFeatures

    def create(
        self,
        *,
        group_id: str,
        file: FileInput,
        name: str,
        desc: str | None = None,
        sample_rate: int | None = None,
        channel: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreatedId:
        """Add a speaker from a recording (``sample_rate`` / ``channel`` for pcm; defaults 16000 / 1).

        Args:
            group_id: the voiceprint group's id.
            file: the speaker's recording.
            name: the speaker's name.
            desc: a description.
            sample_rate: for pcm recordings (default 16000).
            channel: for pcm recordings (default 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            feat = coze.audio.voiceprint_groups.features.create(
                group_id="75...", file="alice.pcm", name="Alice", sample_rate=16000, channel=1)
            ```
        """
        return self._loop.run(self._inner.create(
            group_id=group_id,
            file=file,
            name=name,
            desc=desc,
            sample_rate=sample_rate,
            channel=channel,
            **options,
        ))

    def list(
        self,
        *,
        group_id: str,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[VoiceprintFeature]:
        """Speakers of a group (``page_size`` 1-200).

        Args:
            group_id: the voiceprint group's id.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for feat in coze.audio.voiceprint_groups.features.list(group_id="75..."):
                print(feat.id, feat.name)
            ```
        """
        return SyncPaginator(self._inner.list(
            group_id=group_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def update(
        self,
        *,
        group_id: str,
        feature_id: str,
        file: FileInput | None = None,
        name: str | None = None,
        desc: str | None = None,
        sample_rate: int | None = None,
        channel: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Change a speaker's name, description or recording (multipart even without a file).

        Args:
            group_id: the voiceprint group's id.
            feature_id: the voiceprint's id.
            file: a new recording.
            name: a new name.
            desc: a new description.
            sample_rate: for pcm recordings (default 16000).
            channel: for pcm recordings (default 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.audio.voiceprint_groups.features.update(
                group_id="75...", feature_id="76...", name="Alice B.")
            ```
        """
        return self._loop.run(self._inner.update(
            group_id=group_id,
            feature_id=feature_id,
            file=file,
            name=name,
            desc=desc,
            sample_rate=sample_rate,
            channel=channel,
            **options,
        ))

    def delete(self, *, group_id: str, feature_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove a speaker.

        Args:
            group_id: the voiceprint group's id.
            feature_id: the voiceprint's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.audio.voiceprint_groups.features.delete(
                group_id="75...", feature_id="76...")
            ```
        """
        return self._loop.run(self._inner.delete(group_id=group_id, feature_id=feature_id, **options))


class SyncVoiceprintGroups(SyncResource):
    """``coze.audio.voiceprint_groups``: groups of speakers, and speaker identification."""

    _wraps = "coze_client.resources.audio.AsyncVoiceprintGroups"
    _inner: AsyncVoiceprintGroups

    @functools.cached_property
    def features(self) -> SyncVoiceprintFeatures:
        """``coze.audio.voiceprint_groups.features``: speakers of a group."""
        return SyncVoiceprintFeatures(self._inner.features, self._loop)

    def create(self, *, name: str, desc: str | None = None, **options: Unpack[RequestOptions]) -> CreatedId:
        """Create a group (``name`` at most 20 characters).

        Args:
            name: the group's name.
            desc: a description.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            group = coze.audio.voiceprint_groups.create(name="team")
            ```
        """
        return self._loop.run(self._inner.create(name=name, desc=desc, **options))

    def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 10,
        name: str | None = None,
        user_id: str | None = None,
        group_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[VoiceprintGroup]:
        """Groups (``name`` matches by prefix; ``page_size`` 1-200).

        Args:
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            name: only groups whose name starts with this.
            user_id: only groups of this user.
            group_id: the voiceprint group's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for g in coze.audio.voiceprint_groups.list():
                print(g.id, g.name, g.feature_count)
            ```
        """
        return SyncPaginator(self._inner.list(
            page_num=page_num,
            page_size=page_size,
            name=name,
            user_id=user_id,
            group_id=group_id,
            **options,
        ), self._loop)

    def update(
        self,
        *,
        group_id: str,
        name: str | None = None,
        desc: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Rename a group or change its description (at most 500 characters).

        Args:
            group_id: the voiceprint group's id.
            name: a new name.
            desc: a new description.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.audio.voiceprint_groups.update(group_id="75...", desc="the support team")
            ```
        """
        return self._loop.run(self._inner.update(group_id=group_id, name=name, desc=desc, **options))

    def delete(self, *, group_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete a group and its speakers.

        Args:
            group_id: the voiceprint group's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.audio.voiceprint_groups.delete(group_id="75...")
            ```
        """
        return self._loop.run(self._inner.delete(group_id=group_id, **options))

    def speaker_identify(
        self,
        *,
        group_id: str,
        file: FileInput,
        top_k: int | None = None,
        sample_rate: int | None = None,
        channel: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> SpeakerIdentifyResult:
        """Which speakers of the group best match a recording.

        Args:
            group_id: the voiceprint group's id.
            file: the recording to identify.
            top_k: how many best matches to return.
            sample_rate: for pcm recordings (default 16000).
            channel: for pcm recordings (default 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            r = coze.audio.voiceprint_groups.speaker_identify(group_id="75...",
                                                                    file="who.wav", top_k=3)
            r.best.feature_name
            ```
        """
        return self._loop.run(self._inner.speaker_identify(
            group_id=group_id,
            file=file,
            top_k=top_k,
            sample_rate=sample_rate,
            channel=channel,
            **options,
        ))


class SyncVoices(SyncResource):
    """``coze.audio.voices``: system and cloned voices."""

    _wraps = "coze_client.resources.audio.AsyncVoices"
    _inner: AsyncVoices

    def list(
        self,
        *,
        filter_system_voice: bool | None = None,
        model_type: VoiceModelType | Literal['big', 'small'] | None = None,
        voice_state: VoiceState | Literal['init', 'cloned', 'all'] | None = None,
        page_num: int = 1,
        page_size: int = 100,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Voice]:
        """Voices you can use (``page_size`` 1-100); each lists the emotions it supports.

        Args:
            filter_system_voice: leave out the system voices (True) to list only yours.
            model_type: ``"big"`` or ``"small"`` model voices.
            voice_state: ``"init"``, ``"cloned"`` or ``"all"``.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for voice in coze.audio.voices.list(filter_system_voice=True):
                print(voice.voice_id, voice.name, [e.emotion for e in voice.support_emotions or []])
            ```
        """
        return SyncPaginator(self._inner.list(
            filter_system_voice=filter_system_voice,
            model_type=model_type,
            voice_state=voice_state,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def clone(
        self,
        *,
        file: FileInput,
        voice_name: str,
        audio_format: str,
        text: str | None = None,
        language: Literal['zh', 'en', 'ja', 'es', 'id', 'pt'] | None = None,
        voice_id: str | None = None,
        preview_text: str | None = None,
        space_id: str | None = None,
        description: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Voice:
        """Clone a voice from a recording (``voice_id`` retrains an existing one, overwriting it).

        ``text`` is compared with the recording (1109 when they differ). The documented answer
        holds just ``voice_id``, which parses into `Voice`.

        Args:
            file: the recording (path, bytes, binary file or ``(name, bytes)``).
            voice_name: at most 128 bytes.
            audio_format: ``wav``, ``mp3``, ``ogg``, ``m4a``, ``aac`` or ``pcm``.
            text: what the recording says (compared with it; 1109 when they differ).
            language: ``zh``, ``en``, ``ja``, ``es``, ``id`` or ``pt``.
            voice_id: retrain this voice instead (it is overwritten).
            preview_text: the text of the preview audio.
            space_id: the workspace the voice belongs to.
            description: a description.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            v = coze.audio.voices.clone(file="me.wav", audio_format="wav",
                                              voice_name="my voice")
            v.voice_id
            ```
        """
        return self._loop.run(self._inner.clone(
            file=file,
            voice_name=voice_name,
            audio_format=audio_format,
            text=text,
            language=language,
            voice_id=voice_id,
            preview_text=preview_text,
            space_id=space_id,
            description=description,
            **options,
        ))


class SyncAudio(SyncResource):
    """``coze.audio``: voices, speech, transcriptions, rooms, live and voiceprints."""

    _wraps = "coze_client.resources.audio.AsyncAudio"
    _inner: AsyncAudio

    @functools.cached_property
    def live(self) -> SyncLive:
        """``coze.audio.live``."""
        return SyncLive(self._inner.live, self._loop)

    @functools.cached_property
    def rooms(self) -> SyncRooms:
        """``coze.audio.rooms``: real-time (RTC) voice rooms."""
        return SyncRooms(self._inner.rooms, self._loop)

    @functools.cached_property
    def speech(self) -> SyncSpeech:
        """``coze.audio.speech``: text to speech."""
        return SyncSpeech(self._inner.speech, self._loop)

    @functools.cached_property
    def transcriptions(self) -> SyncTranscriptions:
        """``coze.audio.transcriptions``: speech to text."""
        return SyncTranscriptions(self._inner.transcriptions, self._loop)

    @functools.cached_property
    def voiceprint_groups(self) -> SyncVoiceprintGroups:
        """``coze.audio.voiceprint_groups``: groups of speakers, and speaker identification."""
        return SyncVoiceprintGroups(self._inner.voiceprint_groups, self._loop)

    @functools.cached_property
    def voices(self) -> SyncVoices:
        """``coze.audio.voices``: system and cloned voices."""
        return SyncVoices(self._inner.voices, self._loop)


class SyncBenefitLimitations(SyncResource):
    """``coze.benefit_limitations``: server-side usage limits per end user."""

    _wraps = "coze_client.resources.end_user_benefits.AsyncBenefitLimitations"
    _inner: AsyncBenefitLimitations

    def create(
        self,
        *,
        entity_type: EntityType,
        benefit_info: BenefitLimitationInput | Mapping[str, Any],
        entity_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BenefitLimitation:
        """Create a limit: e.g. every device gets 1000 points a day.

        Args:
            entity_type: who the limit applies to: ``"enterprise_all_devices"``,
                ``"enterprise_all_custom_consumers"``, ``"single_device"``, ``"single_custom_consumer"``,
                ``"coze_user_id"``, ``"coze_role"``, ``"coze_workspace"`` or ``"coze_organization"``.
            benefit_info: the limit: a ``BenefitLimitationInput`` or a dict of its fields (``limit``, ``started_at`` /
                ``ended_at`` as Unix seconds, ``trigger_unit``, ``trigger_time``, ...).
            entity_id: the device, consumer, user, role, workspace or organization id; required for the ``single_*``
                and ``coze_*`` entity types.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.benefit_limitations.create(entity_type="enterprise_all_devices",
                benefit_info={"limit": 1000, "started_at": 1743004800, "ended_at": 253402300799,
                              "trigger_unit": "day", "trigger_time": 1})
            ```
        """
        return self._loop.run(self._inner.create(
            entity_type=entity_type,
            benefit_info=benefit_info,
            entity_id=entity_id,
            **options,
        ))

    def list(
        self,
        *,
        entity_type: EntityType,
        benefit_type: str = 'resource_point',
        entity_id: str | None = None,
        status: Literal['valid', 'frozen', 'cancel'] | None = None,
        page_token: str | None = None,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[BenefitLimitation]:
        """The limits configured for an entity type (page token, page size 1-200).

        Args:
            entity_type: the entity type whose limits to list (the values of `create`).
            benefit_type: ``"resource_point"`` (default), ``"voice_unified_duration_system"`` or
                ``"voice_unified_duration_custom"``.
            entity_id: only the limits of this entity (``None``: all of the type).
            status: only limits in this state: ``"valid"``, ``"frozen"`` or ``"cancel"`` (``None``: any).
            page_token: the token of the page to start at (``None``: the first page).
            page_size: items per page, 1-200.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for lim in coze.benefit_limitations.list(entity_type="enterprise_all_devices"):
                print(lim.entity_id, lim.limit, lim.period)
            ```
        """
        return SyncPaginator(self._inner.list(
            entity_type=entity_type,
            benefit_type=benefit_type,
            entity_id=entity_id,
            status=status,
            page_token=page_token,
            page_size=page_size,
            **options,
        ), self._loop)

    def update(
        self,
        *,
        benefit_id: str,
        limit: int | None = None,
        status: Literal['valid', 'frozen', 'cancel'] | None = None,
        started_at: int | None = None,
        ended_at: int | None = None,
        trigger_unit: Literal['never', 'minute', 'hour', 'day'] | None = None,
        trigger_time: int | None = None,
        active_mode: Literal['absolute_time'] | None = None,
        **options: Unpack[RequestOptions],
    ) -> BenefitLimitation:
        """Change a limit (only the fields you give).

        Args:
            benefit_id: the limit's id.
            limit: the new amount (points, or seconds of voice), >= 0.
            status: ``"valid"``, ``"frozen"`` or ``"cancel"``.
            started_at: when the limit starts, Unix seconds.
            ended_at: when the limit ends, Unix seconds.
            trigger_unit: the reset period's unit: ``"never"``, ``"minute"``, ``"hour"`` or ``"day"``.
            trigger_time: how many ``trigger_unit`` units between resets.
            active_mode: ``"absolute_time"`` (the only mode). Each field left ``None`` is unchanged; give at least
                one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.benefit_limitations.update(benefit_id="123...", limit=2000)
            ```
        """
        return self._loop.run(self._inner.update(
            benefit_id=benefit_id,
            limit=limit,
            status=status,
            started_at=started_at,
            ended_at=ended_at,
            trigger_unit=trigger_unit,
            trigger_time=trigger_time,
            active_mode=active_mode,
            **options,
        ))


class SyncBenefits(SyncResource):
    """``coze.benefits``."""

    _wraps = "coze_client.resources.benefits.AsyncBenefits"
    _inner: AsyncBenefits

    def retrieve(
        self,
        *,
        benefit_type_list: Sequence[str] = ('api_run_qps',),
        resource_id: Literal['chat', 'workflow', 'plugin'] | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Benefits:
        """The account's level and effective benefits (QPS per resource by default).

        Use `Benefits.qps`, `Benefits.to_limits`, `Benefits.suggested_plan` and
        `Benefits.check_plan` to pick the limiter preset or check the one you use.

        Args:
            benefit_type_list: the benefit types to read (default ``api_run_qps``).
            resource_id: narrow to ``"chat"``, ``"workflow"`` or ``"plugin"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            b = coze.benefits.retrieve()
            b.user_level, b.qps(), b.suggested_plan
            # ('free', {'chat': 20.0, 'workflow': 50.0}, 'coze.personal_free')
            ```
        """
        return self._loop.run(self._inner.retrieve(
            benefit_type_list=benefit_type_list,
            resource_id=resource_id,
            **options,
        ))

    def sync_ledger(
        self,
        mapping: Mapping[str, str],
        *,
        benefit_type_list: Sequence[str],
        resource_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> dict[str, float]:
        """Feed the service's own usage counts back into the local ledger (the truth wins).

        ``mapping`` names the ledger quota each benefit feeds, by ``"benefit_type"`` or
        ``"benefit_type:resource_id"`` (which benefit carries the free-call count is not in the
        reference, so you say it). Returns the used counts written.

        Args:
            mapping: benefit type -> ledger quota name, e.g. ``{"api_call": "free_calls"}``.
            benefit_type_list: the benefit types to read.
            resource_id: narrow to one resource.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.benefits.sync_ledger({"api_call_quota": "free_calls"},
                                            benefit_type_list=["api_call_quota"])
            # {'free_calls': 37.0}
            ```
        """
        return self._loop.run(self._inner.sync_ledger(
            mapping,
            benefit_type_list=benefit_type_list,
            resource_id=resource_id,
            **options,
        ))


class SyncBillTasks(SyncResource):
    """``coze.bill_tasks``: exports of end users' bills (usage per device, by day)."""

    _wraps = "coze_client.resources.end_user_benefits.AsyncBillTasks"
    _inner: AsyncBillTasks

    def create(
        self,
        *,
        started_at: int | None = None,
        ended_at: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> BillTask:
        """Start an export of whole days (the service rounds to 00:00:00 and 23:59:59; not today).

        Args:
            started_at: the first day to export, Unix seconds (rounded down to 00:00:00 by the service).
            ended_at: the last day to export, Unix seconds (rounded up to 23:59:59; not today; not before
                ``started_at``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            task = coze.bill_tasks.create(started_at=1743004800, ended_at=1743091199)
            ```
        """
        return self._loop.run(self._inner.create(started_at=started_at, ended_at=ended_at, **options))

    def list(
        self,
        *,
        task_ids: Sequence[str] | str | None = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[BillTask]:
        """Export tasks and their files (``file_urls`` when ``status`` is succeed; links last 7 days).

        Args:
            task_ids: only these tasks (one string is a list of one); ``None``: all.
            page_num: the page to start at (1-based).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for task in coze.bill_tasks.list():
                print(task.task_id, task.status, task.file_urls)
            ```
        """
        return SyncPaginator(self._inner.list(
            task_ids=task_ids,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)


class SyncBotCollaborationModes(SyncResource):
    """``coze.bots.collaboration_modes``."""

    _wraps = "coze_client.resources.collaboration.AsyncBotCollaborationModes"
    _inner: AsyncBotCollaborationModes

    def update(
        self,
        *,
        bot_id: str,
        collaboration_mode: CollaborationMode | str,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Turn multi-person collaboration on (``"collaboration"``) or off (``"single"``; remove collaborators first).

        Args:
            bot_id: the bot's id.
            collaboration_mode: ``"collaboration"`` (on) or ``"single"`` (off), or a ``CollaborationMode``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.bots.collaboration_modes.update(bot_id="7342...",
                                                       collaboration_mode="collaboration")
            ```
        """
        return self._loop.run(self._inner.update(
            bot_id=bot_id,
            collaboration_mode=collaboration_mode,
            **options,
        ))


class SyncBotCollaborators(SyncResource):
    """``coze.bots.collaborators``."""

    _wraps = "coze_client.resources.collaboration.AsyncBotCollaborators"
    _inner: AsyncBotCollaborators

    def create(
        self,
        *,
        bot_id: str,
        collaborators: CollaboratorsArg,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Add one collaborator (a user id, ``{"user_id": ...}`` or a list of one; a workspace member).

        Args:
            bot_id: the bot's id.
            collaborators: the one collaborator: a user id, ``{"user_id": ...}`` or a list of one of those.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.bots.collaborators.create(bot_id="7342...", collaborators="5524...")
            ```
        """
        return self._loop.run(self._inner.create(bot_id=bot_id, collaborators=collaborators, **options))

    def delete(self, *, bot_id: str, user_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove one collaborator.

        Args:
            bot_id: the bot's id.
            user_id: the collaborator's user id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.bots.collaborators.delete(bot_id="7342...", user_id="5524...")
            ```
        """
        return self._loop.run(self._inner.delete(bot_id=bot_id, user_id=user_id, **options))


class SyncBotVersions(SyncResource):
    """``coze.bots.versions``."""

    _wraps = "coze_client.resources.bots.AsyncBotVersions"
    _inner: AsyncBotVersions

    def list(
        self,
        *,
        bot_id: str,
        publish_status: BotPublishStatus | Literal['published_online', 'unpublished_draft'] | None = None,
        connector_id: str | None = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[BotVersion]:
        """A bot's versions, newest first.

        Args:
            bot_id: the bot's id.
            publish_status: ``"published_online"`` or ``"unpublished_draft"`` (or a ``BotPublishStatus``); ``None``:
                the server's default.
            connector_id: only versions published on this channel (e.g. ``"1024"``, the API channel).
            page_num: the page to start at (1-based).
            page_size: items per page (>= 1; default 10).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for v in coze.bots.versions.list(bot_id="7342..."):
                print(v.version, v.description)
            ```
        """
        return SyncPaginator(self._inner.list(
            bot_id=bot_id,
            publish_status=publish_status,
            connector_id=connector_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)


class SyncBots(SyncResource):
    """``coze.bots``: ``.versions``, ``.collaboration_modes``, ``.collaborators``."""

    _wraps = "coze_client.resources.bots.AsyncBots"
    _inner: AsyncBots

    @functools.cached_property
    def collaboration_modes(self) -> SyncBotCollaborationModes:
        """``coze.bots.collaboration_modes``."""
        return SyncBotCollaborationModes(self._inner.collaboration_modes, self._loop)

    @functools.cached_property
    def collaborators(self) -> SyncBotCollaborators:
        """``coze.bots.collaborators``."""
        return SyncBotCollaborators(self._inner.collaborators, self._loop)

    @functools.cached_property
    def versions(self) -> SyncBotVersions:
        """``coze.bots.versions``."""
        return SyncBotVersions(self._inner.versions, self._loop)

    def create(
        self,
        *,
        space_id: str,
        name: str,
        description: str | None = None,
        icon_file_id: str | None = None,
        prompt_info: str | Config | None = None,
        onboarding_info: Config | None = None,
        suggest_reply_info: Config | None = None,
        model_info_config: Config | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreatedBot:
        """Create a bot (a draft) in a workspace; ``prompt_info`` may be the prompt text.

        Args:
            space_id: the workspace's id.
            name: the bot's name, 1-20 characters.
            description: what the bot does.
            icon_file_id: the id of an uploaded image (``coze.files.upload``) to use as the avatar.
            prompt_info: the persona prompt: its text, or a dict such as ``{"prompt": "..."}``.
            onboarding_info: the opening: a dict such as ``{"prologue": "...", "suggested_questions": [...]}``.
            suggest_reply_info: follow-up suggestions config, a dict (e.g. ``{"reply_mode": "enable"}``).
            model_info_config: the model config, a dict (e.g. ``{"model_id": "...", "temperature": 0.7}``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            bot = coze.bots.create(space_id="7350...", name="helper",
                                         prompt_info="You answer briefly.")
            bot.bot_id
            ```
        """
        return self._loop.run(self._inner.create(
            space_id=space_id,
            name=name,
            description=description,
            icon_file_id=icon_file_id,
            prompt_info=prompt_info,
            onboarding_info=onboarding_info,
            suggest_reply_info=suggest_reply_info,
            model_info_config=model_info_config,
            **options,
        ))

    def update(
        self,
        *,
        bot_id: str,
        name: str | None = None,
        description: str | None = None,
        icon_file_id: str | None = None,
        prompt_info: str | Config | None = None,
        onboarding_info: Config | None = None,
        knowledge: Config | None = None,
        suggest_reply_info: Config | None = None,
        model_info_config: Config | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Change a bot's draft (only the fields you give); ``knowledge`` binds datasets.

        Args:
            bot_id: the bot's id.
            name: a new name, 1-20 characters (``None``: unchanged).
            description: a new description (``None``: unchanged).
            icon_file_id: the id of an uploaded image for the avatar (``None``: unchanged).
            prompt_info: the persona prompt: its text or a dict such as ``{"prompt": "..."}`` (``None``: unchanged).
            onboarding_info: the opening, a dict such as ``{"prologue": "...", "suggested_questions": [...]}``.
            knowledge: the bound datasets, a dict such as ``{"dataset_ids": [...], "auto_call": True}``.
            suggest_reply_info: follow-up suggestions config, a dict (``None``: unchanged).
            model_info_config: the model config, a dict (``None``: unchanged).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.bots.update(bot_id="7342...", knowledge={"dataset_ids": ["74..."]})
            ```
        """
        return self._loop.run(self._inner.update(
            bot_id=bot_id,
            name=name,
            description=description,
            icon_file_id=icon_file_id,
            prompt_info=prompt_info,
            onboarding_info=onboarding_info,
            knowledge=knowledge,
            suggest_reply_info=suggest_reply_info,
            model_info_config=model_info_config,
            **options,
        ))

    def publish(
        self,
        *,
        bot_id: str,
        connector_ids: Sequence[str] = ('1024',),
        **options: Unpack[RequestOptions],
    ) -> BotPublishResult:
        """Publish the draft as a new version on channels (``1024`` is the API channel, the default).

        Args:
            bot_id: the bot's id.
            connector_ids: the channels to publish on (one string is a list of one); default ``("1024",)``, the API
                channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            (coze.bots.publish(bot_id="7342...")).version
            ```
        """
        return self._loop.run(self._inner.publish(bot_id=bot_id, connector_ids=connector_ids, **options))

    def unpublish(
        self,
        *,
        bot_id: str,
        connector_id: str = '1024',
        unpublish_reason: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Take a bot off one channel (owners only; Doubao channels cannot be unpublished by API).

        Args:
            bot_id: the bot's id.
            connector_id: the channel to take the bot off; default ``"1024"``, the API channel.
            unpublish_reason: why, at most 1024 characters.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.bots.unpublish(bot_id="7342...", connector_id="1024",
                                      unpublish_reason="service ends")
            ```
        """
        return self._loop.run(self._inner.unpublish(
            bot_id=bot_id,
            connector_id=connector_id,
            unpublish_reason=unpublish_reason,
            **options,
        ))

    def list_published_v1(
        self,
        *,
        space_id: str,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[PublishedBotV1]:
        """Deprecated upstream: the v1 list of bots published to the API channel. Use `list`.

        Args:
            space_id: the workspace's id.
            page_num: the page to start at (1-based; sent as ``page_index``).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for bot in coze.bots.list_published_v1(space_id="7350..."):
                print(bot.bot_id, bot.bot_name)
            ```
        """
        return SyncPaginator(self._inner.list_published_v1(
            space_id=space_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def retrieve_online_info(self, *, bot_id: str, **options: Unpack[RequestOptions]) -> Bot:
        """Deprecated upstream (soon offline): the v1 config of a bot published to the API channel.

        Use `retrieve` instead.

        Args:
            bot_id: the bot's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            bot = coze.bots.retrieve_online_info(bot_id="7342...")
            ```
        """
        return self._loop.run(self._inner.retrieve_online_info(bot_id=bot_id, **options))

    def list(
        self,
        *,
        workspace_id: str,
        publish_status: BotPublishStatus | Literal['all', 'published_online', 'published_draft', 'unpublished_draft'] | None = None,
        connector_id: str | None = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[SimpleBot]:
        """Bots of a workspace. Sends the documented ``page_num`` (cozepy sends ``page_index``, a cozepy 0.20.0 gap).

        Args:
            workspace_id: the workspace's id.
            publish_status: ``"published_online"`` (default), ``"published_draft"``, ``"unpublished_draft"``
                or ``"all"``.
            connector_id: the channel (connector) id; default the API channel.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for bot in coze.bots.list(workspace_id="74..."):
                print(bot.id, bot.name, bot.is_published)
            ```
        """
        return SyncPaginator(self._inner.list(
            workspace_id=workspace_id,
            publish_status=publish_status,
            connector_id=connector_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def retrieve(self, *, bot_id: str, is_published: bool | None = None, **options: Unpack[RequestOptions]) -> Bot:
        """A bot's configuration (``is_published=False`` reads the draft).

        Args:
            bot_id: the bot's id.
            is_published: False reads the draft (the service's ``is_published``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            bot = coze.bots.retrieve(bot_id="7351...")
            bot.name, bot.model_info
            ```
        """
        return self._loop.run(self._inner.retrieve(bot_id=bot_id, is_published=is_published, **options))


class SyncChatMessages(SyncResource):
    """``coze.chat.messages``: the messages of one chat."""

    _wraps = "coze_client.resources.chat.AsyncChatMessages"
    _inner: AsyncChatMessages

    def list(self, *, conversation_id: str, chat_id: str, **options: Unpack[RequestOptions]) -> ListResult[Message]:
        """Everything the chat produced except the user's question (answers, tool calls, follow-ups).

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            msgs = coze.chat.messages.list(conversation_id=c, chat_id=chat.id)
            ```
        """
        return self._loop.run(self._inner.list(conversation_id=conversation_id, chat_id=chat_id, **options))


class SyncChat(SyncResource):
    """``coze.chat``: talk to a bot (v3 chat)."""

    _wraps = "coze_client.resources.chat.AsyncChat"
    _inner: AsyncChat

    @functools.cached_property
    def messages(self) -> SyncChatMessages:
        """``coze.chat.messages``: the messages of one chat."""
        return SyncChatMessages(self._inner.messages, self._loop)

    def create(
        self,
        *,
        bot_id: str,
        user_id: str,
        additional_messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None = None,
        conversation_id: str | None = None,
        auto_save_history: bool = True,
        custom_variables: Mapping[str, str] | None = None,
        meta_data: Mapping[str, str] | None = None,
        extra_params: Mapping[str, Any] | None = None,
        parameters: Mapping[str, Any] | None = None,
        shortcut_command: Mapping[str, Any] | None = None,
        enable_card: bool | None = None,
        publish_status: str | None = None,
        bot_version: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Chat:
        """Start a chat without streaming; returns the chat (usually ``in_progress``).

        Not retried after an ambiguous failure (the chat may already be running and billed).

        Args:
            bot_id: the bot to talk to (published to the API channel).
            user_id: your id for the end user (it scopes conversations and memory).
            additional_messages: the new messages, at most 100: strings (user questions), dicts or
                `EnterMessage` objects.
            conversation_id: continue this conversation (default: a new one).
            auto_save_history: keep the messages in the conversation (``False`` only for streams).
            custom_variables: values of the bot's prompt variables.
            meta_data: at most 16 string pairs kept with the chat (keys 1-64, values 1-512 characters).
            extra_params: extra body fields the service accepts (e.g. ``latitude``, ``longitude``).
            parameters: input parameters of a chatflow bot.
            shortcut_command: a shortcut command to run.
            enable_card: answer with cards where the bot has them.
            publish_status: ``"published_online"`` (default) or ``"unpublished_draft"``.
            bot_version: a published version to talk to (not with the draft).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            chat = coze.chat.create(bot_id="7351...", user_id="u1",
                                          additional_messages=["What is Coze?"])
            ```
        """
        return self._loop.run(self._inner.create(
            bot_id=bot_id,
            user_id=user_id,
            additional_messages=additional_messages,
            conversation_id=conversation_id,
            auto_save_history=auto_save_history,
            custom_variables=custom_variables,
            meta_data=meta_data,
            extra_params=extra_params,
            parameters=parameters,
            shortcut_command=shortcut_command,
            enable_card=enable_card,
            publish_status=publish_status,
            bot_version=bot_version,
            **options,
        ))

    def stream(
        self,
        *,
        bot_id: str,
        user_id: str,
        additional_messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None = None,
        conversation_id: str | None = None,
        auto_save_history: bool = True,
        custom_variables: Mapping[str, str] | None = None,
        meta_data: Mapping[str, str] | None = None,
        extra_params: Mapping[str, Any] | None = None,
        parameters: Mapping[str, Any] | None = None,
        shortcut_command: Mapping[str, Any] | None = None,
        enable_card: bool | None = None,
        publish_status: str | None = None,
        bot_version: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncEventStream[ChatEvent]:
        """Start a chat and stream its events (``with`` closes the connection when you leave).

        Inputs are validated at once, before anything is sent.

        Args:
            bot_id: the bot to talk to (published to the API channel).
            user_id: your id for the end user (it scopes conversations and memory).
            additional_messages: the new messages, at most 100: strings (user questions), dicts or
                `EnterMessage` objects.
            conversation_id: continue this conversation (default: a new one).
            auto_save_history: keep the messages in the conversation (``False`` only for streams).
            custom_variables: values of the bot's prompt variables.
            meta_data: at most 16 string pairs kept with the chat (keys 1-64, values 1-512 characters).
            extra_params: extra body fields the service accepts (e.g. ``latitude``, ``longitude``).
            parameters: input parameters of a chatflow bot.
            shortcut_command: a shortcut command to run.
            enable_card: answer with cards where the bot has them.
            publish_status: ``"published_online"`` (default) or ``"unpublished_draft"``.
            bot_version: a published version to talk to (not with the draft).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            with coze.chat.stream(bot_id="7351...", user_id="u1",
                                        additional_messages=["hi"]) as events:
                for event in events:
                    if event.event == "conversation.message.delta":
                        print(event.message.content, end="")
            ```
        """
        return SyncEventStream(self._inner.stream(
            bot_id=bot_id,
            user_id=user_id,
            additional_messages=additional_messages,
            conversation_id=conversation_id,
            auto_save_history=auto_save_history,
            custom_variables=custom_variables,
            meta_data=meta_data,
            extra_params=extra_params,
            parameters=parameters,
            shortcut_command=shortcut_command,
            enable_card=enable_card,
            publish_status=publish_status,
            bot_version=bot_version,
            **options,
        ), self._loop)

    def retrieve(self, *, conversation_id: str, chat_id: str, **options: Unpack[RequestOptions]) -> Chat:
        """The chat's current state (``GET /v3/chat/retrieve``).

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            chat = coze.chat.retrieve(conversation_id=c, chat_id=chat.id)
            ```
        """
        return self._loop.run(self._inner.retrieve(
            conversation_id=conversation_id,
            chat_id=chat_id,
            **options,
        ))

    def submit_tool_outputs(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutput | Mapping[str, Any]],
        **options: Unpack[RequestOptions],
    ) -> Chat:
        """Answer a ``requires_action`` chat's tool calls (blocking).

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            tool_outputs: one output per tool call of the chat's ``required_action``:
                ``{"tool_call_id": ..., "output": ...}``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.chat.submit_tool_outputs(conversation_id=c, chat_id=h,
                tool_outputs=[{"tool_call_id": "call_1", "output": "22 C"}])
            ```
        """
        return self._loop.run(self._inner.submit_tool_outputs(
            conversation_id=conversation_id,
            chat_id=chat_id,
            tool_outputs=tool_outputs,
            **options,
        ))

    def submit_tool_outputs_stream(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutput | Mapping[str, Any]],
        **options: Unpack[RequestOptions],
    ) -> SyncEventStream[ChatEvent]:
        """Answer tool calls and stream the rest of the chat.

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            tool_outputs: one output per tool call of the chat's ``required_action``:
                ``{"tool_call_id": ..., "output": ...}``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            with coze.chat.submit_tool_outputs_stream(conversation_id=c, chat_id=h,
                    tool_outputs=[{"tool_call_id": "call_1", "output": "22 C"}]) as events:
                ...
            ```
        """
        return SyncEventStream(self._inner.submit_tool_outputs_stream(
            conversation_id=conversation_id,
            chat_id=chat_id,
            tool_outputs=tool_outputs,
            **options,
        ), self._loop)

    def cancel(self, *, conversation_id: str, chat_id: str, **options: Unpack[RequestOptions]) -> Chat:
        """Cancel a running chat (it does not stop a stream you are reading: close that yourself).

        Args:
            conversation_id: the conversation's id.
            chat_id: the chat's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.chat.cancel(conversation_id=c, chat_id=h)
            ```
        """
        return self._loop.run(self._inner.cancel(conversation_id=conversation_id, chat_id=chat_id, **options))

    def create_and_poll(
        self,
        *,
        bot_id: str,
        user_id: str,
        additional_messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None = None,
        conversation_id: str | None = None,
        poll_timeout: float | None = None,
        poll_interval: float = 1.0,
        **create_kwargs: Any,
    ) -> ChatPoll:
        """Create a chat, poll it (at most once a second, as the service asks) until it stops, and fetch its messages.

        On ``poll_timeout`` the chat is cancelled (a chat that finished meanwhile, 4104, is fetched).

        Args:
            bot_id: the bot to talk to.
            user_id: your id for the end user.
            additional_messages: the new messages (strings, dicts or `EnterMessage` objects).
            conversation_id: continue this conversation (default: a new one).
            poll_timeout: seconds to wait for the chat to finish before cancelling it (default: no limit).
            poll_interval: seconds between polls, at least 1.0.
            **create_kwargs: any other argument of `create`.

        Returns:
            The finished chat and its messages: the ``answer``, then a ``verbose`` message and any
            ``follow_up`` suggestions.

        Examples:
            ```python
            result = coze.chat.create_and_poll(bot_id="7351...", user_id="u1",
                                                     additional_messages=["hi"], poll_timeout=60)
            answer = next(m for m in result.messages if m.type == "answer")
            print(answer.content)
            ```
        """
        return self._loop.run(self._inner.create_and_poll(
            bot_id=bot_id,
            user_id=user_id,
            additional_messages=additional_messages,
            conversation_id=conversation_id,
            poll_timeout=poll_timeout,
            poll_interval=poll_interval,
            **create_kwargs,
        ))


class SyncConnectorBots(SyncResource):
    """``coze.connectors.bots``: the audit of bots published to your channel."""

    _wraps = "coze_client.resources.connectors.AsyncConnectorBots"
    _inner: AsyncConnectorBots

    def update(
        self,
        *,
        connector_id: str,
        bot_id: str,
        audit_status: AuditStatus | int,
        reason: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Set a bot's review result on your channel (1 pending, 2 approved, 3 rejected: a reason is required).

        Args:
            connector_id: your channel's id.
            bot_id: the bot's id.
            audit_status: ``1`` pending, ``2`` approved, ``3`` rejected (or an ``AuditStatus``).
            reason: why; required when ``audit_status`` is 3 (rejected).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.connectors.bots.update(connector_id="7485...", bot_id="7342...",
                                              audit_status=3, reason="contains ads")
            ```
        """
        return self._loop.run(self._inner.update(
            connector_id=connector_id,
            bot_id=bot_id,
            audit_status=audit_status,
            reason=reason,
            **options,
        ))


class SyncConnectors(SyncResource):
    """``coze.connectors`` and ``.bots``."""

    _wraps = "coze_client.resources.connectors.AsyncConnectors"
    _inner: AsyncConnectors

    @functools.cached_property
    def bots(self) -> SyncConnectorBots:
        """``coze.connectors.bots``: the audit of bots published to your channel."""
        return SyncConnectorBots(self._inner.bots, self._loop)

    def bind(
        self,
        *,
        connector_id: str,
        configs: Sequence[UserConfig | Mapping[str, Any]],
        user_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Bind devices to your custom channel (needs the binding enabled by Coze for the channel).

        Args:
            connector_id: your custom channel's id.
            configs: the device configurations: ``UserConfig`` items or dicts ``{"key": ..., "enums": [{"label": ...,
                "value": ...}]}``.
            user_id: the user the devices are bound for (``None``: omitted from the request).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.connectors.bind(connector_id="7485...", configs=[
                {"key": "device", "enums": [{"label": "Kitchen speaker", "value": "SN123"}]}])
            ```
        """
        return self._loop.run(self._inner.bind(
            connector_id=connector_id,
            configs=configs,
            user_id=user_id,
            **options,
        ))

    def install(self, *, connector_id: str, workspace_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Add a publish channel (a public or your custom one) to a workspace.

        Args:
            connector_id: the channel's id.
            workspace_id: the workspace to add the channel to.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.connectors.install(connector_id="7485...", workspace_id="7350...")
            ```
        """
        return self._loop.run(self._inner.install(
            connector_id=connector_id,
            workspace_id=workspace_id,
            **options,
        ))


class SyncFeedback(SyncResource):
    """``coze.conversations.messages.feedback``: like / unlike an answer."""

    _wraps = "coze_client.resources.conversations.AsyncFeedback"
    _inner: AsyncFeedback

    def create(
        self,
        *,
        conversation_id: str,
        message_id: str,
        feedback_type: FeedbackType | Literal['like', 'unlike'],
        reason_types: Sequence[str] | None = None,
        comment: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Give feedback on a text answer.

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            feedback_type: ``"like"`` or ``"unlike"``.
            reason_types: the reasons for an ``unlike`` (the bot's configured tags).
            comment: free text.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.conversations.messages.feedback.create(
                conversation_id=c, message_id=m, feedback_type="like")
            ```
        """
        return self._loop.run(self._inner.create(
            conversation_id=conversation_id,
            message_id=message_id,
            feedback_type=feedback_type,
            reason_types=reason_types,
            comment=comment,
            **options,
        ))

    def delete(self, *, conversation_id: str, message_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove your feedback from a message.

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.conversations.messages.feedback.delete(conversation_id=c, message_id=m)
            ```
        """
        return self._loop.run(self._inner.delete(
            conversation_id=conversation_id,
            message_id=message_id,
            **options,
        ))


class SyncMessages(SyncResource):
    """``coze.conversations.messages``."""

    _wraps = "coze_client.resources.conversations.AsyncMessages"
    _inner: AsyncMessages

    @functools.cached_property
    def feedback(self) -> SyncFeedback:
        """``coze.conversations.messages.feedback``: like / unlike an answer."""
        return SyncFeedback(self._inner.feedback, self._loop)

    def create(
        self,
        *,
        conversation_id: str,
        role: MessageRole | Literal['user', 'assistant'],
        content: str,
        content_type: MessageContentType | Literal['text', 'object_string'] = 'text',
        meta_data: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Message:
        """Add a message to a conversation.

        Args:
            conversation_id: the conversation's id.
            role: ``"user"`` or ``"assistant"``.
            content: the message text, or an ``object_string`` JSON list for multimodal content.
            content_type: ``"text"`` (default) or ``"object_string"``.
            meta_data: at most 16 string pairs kept with it (keys 1-64, values 1-512 characters).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            msg = coze.conversations.messages.create(
                conversation_id=c, role="user", content="hello")
            ```
        """
        return self._loop.run(self._inner.create(
            conversation_id=conversation_id,
            role=role,
            content=content,
            content_type=content_type,
            meta_data=meta_data,
            **options,
        ))

    def list(
        self,
        *,
        conversation_id: str,
        order: Literal['asc', 'desc'] = 'desc',
        chat_id: str | None = None,
        before_id: str | None = None,
        after_id: str | None = None,
        limit: int = 50,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Message]:
        """Messages of a conversation, by cursor (``.first_page()`` for one page, ``for`` for all).

        Args:
            conversation_id: the conversation's id.
            order: ``"desc"`` (newest first, default) or ``"asc"``.
            chat_id: the chat's id.
            before_id: start before this message (with ``order="desc"``).
            after_id: start after this message (with ``order="asc"``).
            limit: messages per page (1-50).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for msg in coze.conversations.messages.list(conversation_id=c):
                print(msg.role, msg.content)
            ```
        """
        return SyncPaginator(self._inner.list(
            conversation_id=conversation_id,
            order=order,
            chat_id=chat_id,
            before_id=before_id,
            after_id=after_id,
            limit=limit,
            **options,
        ), self._loop)

    def retrieve(self, *, conversation_id: str, message_id: str, **options: Unpack[RequestOptions]) -> Message:
        """One message.

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            msg = coze.conversations.messages.retrieve(conversation_id=c, message_id=m)
            ```
        """
        return self._loop.run(self._inner.retrieve(
            conversation_id=conversation_id,
            message_id=message_id,
            **options,
        ))

    def update(
        self,
        *,
        conversation_id: str,
        message_id: str,
        content: str | None = None,
        content_type: MessageContentType | Literal['text', 'object_string'] | None = None,
        meta_data: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Message:
        """Change a message's content or meta data (the service answers under ``message``).

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            content: the message text, or an ``object_string`` JSON list for multimodal content.
            content_type: ``"text"`` or ``"object_string"`` (default: unchanged).
            meta_data: at most 16 string pairs kept with it (keys 1-64, values 1-512 characters).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            msg = coze.conversations.messages.update(conversation_id=c, message_id=m,
                                                            content="edited")
            ```
        """
        return self._loop.run(self._inner.update(
            conversation_id=conversation_id,
            message_id=message_id,
            content=content,
            content_type=content_type,
            meta_data=meta_data,
            **options,
        ))

    def delete(self, *, conversation_id: str, message_id: str, **options: Unpack[RequestOptions]) -> Message:
        """Delete a question or answer; returns the deleted message.

        Args:
            conversation_id: the conversation's id.
            message_id: the message's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.conversations.messages.delete(conversation_id=c, message_id=m)
            ```
        """
        return self._loop.run(self._inner.delete(
            conversation_id=conversation_id,
            message_id=message_id,
            **options,
        ))


class SyncConversations(SyncResource):
    """``coze.conversations``."""

    _wraps = "coze_client.resources.conversations.AsyncConversations"
    _inner: AsyncConversations

    @functools.cached_property
    def messages(self) -> SyncMessages:
        """``coze.conversations.messages``."""
        return SyncMessages(self._inner.messages, self._loop)

    def create(
        self,
        *,
        bot_id: str | None = None,
        name: str | None = None,
        connector_id: str | None = None,
        messages: Sequence[EnterMessage | Mapping[str, Any] | str] | None = None,
        meta_data: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Conversation:
        """Create a conversation (bind it to a bot with ``bot_id`` so it shows up in ``list``).

        Args:
            bot_id: the bot's id.
            name: its name.
            connector_id: the channel (connector) id; default the API channel.
            messages: messages to start the conversation with (strings, dicts or `EnterMessage` objects).
            meta_data: at most 16 string pairs kept with it (keys 1-64, values 1-512 characters).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            conv = coze.conversations.create(bot_id="7351...", name="support")
            ```
        """
        return self._loop.run(self._inner.create(
            bot_id=bot_id,
            name=name,
            connector_id=connector_id,
            messages=messages,
            meta_data=meta_data,
            **options,
        ))

    def retrieve(self, *, conversation_id: str, **options: Unpack[RequestOptions]) -> Conversation:
        """One conversation.

        Args:
            conversation_id: the conversation's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            conv = coze.conversations.retrieve(conversation_id=c)
            ```
        """
        return self._loop.run(self._inner.retrieve(conversation_id=conversation_id, **options))

    def list(
        self,
        *,
        bot_id: str,
        page_num: int = 1,
        page_size: int = 50,
        sort_order: Literal['ASC', 'DESC', 'asc', 'desc'] | None = None,
        connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Conversation]:
        """Your conversations with a bot (page number + ``has_more``; ``page_size`` at most 50).

        Args:
            bot_id: the bot's id.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            sort_order: ``"desc"`` (newest first) or ``"asc"``.
            connector_id: the channel (connector) id; default the API channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for conv in coze.conversations.list(bot_id="7351..."):
                print(conv.id, conv.name)
            ```
        """
        return SyncPaginator(self._inner.list(
            bot_id=bot_id,
            page_num=page_num,
            page_size=page_size,
            sort_order=sort_order,
            connector_id=connector_id,
            **options,
        ), self._loop)

    def update(self, *, conversation_id: str, name: str, **options: Unpack[RequestOptions]) -> Conversation:
        """Rename a conversation.

        Args:
            conversation_id: the conversation's id.
            name: its name.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.conversations.update(conversation_id=c, name="renamed")
            ```
        """
        return self._loop.run(self._inner.update(conversation_id=conversation_id, name=name, **options))

    def delete(self, *, conversation_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete a conversation and its messages, permanently.

        Args:
            conversation_id: the conversation's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.conversations.delete(conversation_id=c)
            ```
        """
        return self._loop.run(self._inner.delete(conversation_id=conversation_id, **options))

    def clear(self, *, conversation_id: str, **options: Unpack[RequestOptions]) -> Section:
        """Start a new context section (the bot forgets what came before).

        Args:
            conversation_id: the conversation's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            section = coze.conversations.clear(conversation_id=c)
            ```
        """
        return self._loop.run(self._inner.clear(conversation_id=conversation_id, **options))


class SyncCopyTasks(SyncResource):
    """``coze.copy_tasks``: copy a bot, app or workflow, in its workspace or to another of the same team."""

    _wraps = "coze_client.resources.templates.AsyncCopyTasks"
    _inner: AsyncCopyTasks

    def create(
        self,
        *,
        entity_id: str,
        entity_type: Literal['bot', 'app', 'workflow'],
        to_workspace_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> CopyTaskStarted:
        """Start a copy: a bot in its own workspace is copied at once (``copied_entity_id``); the rest run as
        a task (``task_id``, follow it with `retrieve`).

        Args:
            entity_id: the id of the bot, app or workflow to copy.
            entity_type: ``"bot"``, ``"app"`` or ``"workflow"``.
            to_workspace_id: the workspace to copy into, of the same team (``None``: the entity's own workspace).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            started = coze.copy_tasks.create(entity_id="7530...", entity_type="workflow")
            task = coze.copy_tasks.retrieve(task_id=started.task_id)
            ```
        """
        return self._loop.run(self._inner.create(
            entity_id=entity_id,
            entity_type=entity_type,
            to_workspace_id=to_workspace_id,
            **options,
        ))

    def retrieve(self, *, task_id: str, **options: Unpack[RequestOptions]) -> CopyTask:
        """The state of a copy task (``task_status``: in_progress, successful or failed).

        Args:
            task_id: the ``task_id`` that `create` returned.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            (coze.copy_tasks.retrieve(task_id="123e...")).task_status
            ```
        """
        return self._loop.run(self._inner.retrieve(task_id=task_id, **options))


class SyncDocuments(SyncResource):
    """``coze.datasets.documents``: the files and web pages of a knowledge base."""

    _wraps = "coze_client.resources.datasets.AsyncDocuments"
    _inner: AsyncDocuments

    def create(
        self,
        *,
        dataset_id: str,
        document_bases: Sequence[DocumentBase | Mapping[str, Any]],
        chunk_strategy: DocumentChunkStrategy | Mapping[str, Any] | None = None,
        format_type: DatasetFormatType | int | None = None,
        **options: Unpack[RequestOptions],
    ) -> ListResult[Document]:
        """Add up to 10 documents: local files (`local_document`), web pages or uploaded images.

        ``chunk_strategy`` only counts on the first upload into a knowledge base. Processing runs in
        the background: follow it with `wait_until_processed`.

        Args:
            dataset_id: the knowledge base's id.
            document_bases: up to 10 `DocumentBase` objects (or dicts): local files, web pages or uploaded images.
            chunk_strategy: how to cut the documents (`DocumentChunkStrategy`); honoured on the first upload only.
            format_type: 0 text or 2 images (the knowledge base's kind).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            docs = coze.datasets.documents.create(dataset_id="74...", document_bases=[
                DocumentBase.web_page("Coze docs", "https://www.coze.cn/open/docs", update_interval_hours=24)])
            ```
        """
        return self._loop.run(self._inner.create(
            dataset_id=dataset_id,
            document_bases=document_bases,
            chunk_strategy=chunk_strategy,
            format_type=format_type,
            **options,
        ))

    def update(
        self,
        *,
        document_id: str,
        document_name: str | None = None,
        update_rule: DocumentUpdateRule | Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Rename a document or change its refresh rule (web pages).

        Args:
            document_id: the document's id.
            document_name: its new name.
            update_rule: its new refresh rule (`DocumentUpdateRule`, web pages only).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.datasets.documents.update(document_id="75...",
                update_rule=DocumentUpdateRule.every(hours=48))
            ```
        """
        return self._loop.run(self._inner.update(
            document_id=document_id,
            document_name=document_name,
            update_rule=update_rule,
            **options,
        ))

    def list(
        self,
        *,
        dataset_id: str,
        page: int = 1,
        size: int = 10,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Document]:
        """Documents of a knowledge base (``page`` / ``size`` go in the body; the answer has a total).

        Args:
            dataset_id: the knowledge base's id.
            page: the page to fetch, from 1 (iterate the result for every page).
            size: documents per page.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for doc in coze.datasets.documents.list(dataset_id="74..."):
                print(doc.document_id, doc.document_name)
            ```
        """
        return SyncPaginator(self._inner.list(dataset_id=dataset_id, page=page, size=size, **options), self._loop)

    def delete(self, *, document_ids: Sequence[str], **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete up to 100 documents.

        Args:
            document_ids: up to 100 document ids.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.datasets.documents.delete(document_ids=["75...", "76..."])
            ```
        """
        return self._loop.run(self._inner.delete(document_ids=document_ids, **options))

    def wait_until_processed(
        self,
        dataset_id: str,
        document_ids: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        poll_interval: float = 2.0,
        timeout: float | None = 600.0,
    ) -> builtins.list[DocumentProgress]:
        """Poll ``datasets.process`` until every document is done (status 1) or failed (status 9).

        ``progress`` (sync or async) gets each poll's list. Returns the final progress list (check
        ``is_failed`` per document); an id missing from the service's answer counts as still processing.
        Raises `TimeoutError` after ``timeout`` seconds.

        Args:
            dataset_id: the knowledge base's id.
            document_ids: the documents to follow.
            progress: called (sync or async) with each poll's list of `DocumentProgress`.
            poll_interval: seconds between polls (each poll is one API call).
            timeout: seconds before `TimeoutError` (None: wait for ever).

        Examples:
            ```python
            docs = coze.datasets.documents.create(dataset_id=ds, document_bases=[doc])
            final = coze.datasets.documents.wait_until_processed(
                ds, [d.document_id for d in docs],
                progress=lambda items: print([(p.document_name, p.progress) for p in items]))
            ```
        """
        return self._loop.run(self._inner.wait_until_processed(
            dataset_id,
            document_ids,
            progress=progress,
            poll_interval=poll_interval,
            timeout=timeout,
        ))


class SyncDatasetImages(SyncResource):
    """``coze.datasets.images``: images of an image knowledge base."""

    _wraps = "coze_client.resources.datasets.AsyncDatasetImages"
    _inner: AsyncDatasetImages

    def list(
        self,
        *,
        dataset_id: str,
        page_num: int = 1,
        page_size: int = 10,
        keyword: str | None = None,
        has_caption: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Photo]:
        """Images, optionally searched by caption (``page_size`` 1-299).

        Args:
            dataset_id: the knowledge base's id.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            keyword: search the captions for this text.
            has_caption: only images with (True) or without (False) a caption.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for photo in coze.datasets.images.list(dataset_id="74...", has_caption=False):
                print(photo.document_id, photo.url)
            ```
        """
        return SyncPaginator(self._inner.list(
            dataset_id=dataset_id,
            page_num=page_num,
            page_size=page_size,
            keyword=keyword,
            has_caption=has_caption,
            **options,
        ), self._loop)

    def update(
        self,
        *,
        dataset_id: str,
        document_id: str,
        caption: str,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Set an image's caption.

        Args:
            dataset_id: the knowledge base's id.
            document_id: the image's document id.
            caption: the new caption.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.datasets.images.update(dataset_id="74...", document_id="75...",
                                              caption="a red bicycle")
            ```
        """
        return self._loop.run(self._inner.update(
            dataset_id=dataset_id,
            document_id=document_id,
            caption=caption,
            **options,
        ))


class SyncDatasets(SyncResource):
    """``coze.datasets``: knowledge bases."""

    _wraps = "coze_client.resources.datasets.AsyncDatasets"
    _inner: AsyncDatasets

    @functools.cached_property
    def documents(self) -> SyncDocuments:
        """``coze.datasets.documents``: the files and web pages of a knowledge base."""
        return SyncDocuments(self._inner.documents, self._loop)

    @functools.cached_property
    def images(self) -> SyncDatasetImages:
        """``coze.datasets.images``: images of an image knowledge base."""
        return SyncDatasetImages(self._inner.images, self._loop)

    def create(
        self,
        *,
        name: str,
        space_id: str,
        format_type: DatasetFormatType | int,
        description: str | None = None,
        file_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreateDatasetResult:
        """Create a knowledge base (``format_type`` 0 text, 2 images; ``file_id`` an uploaded icon).

        Args:
            name: at most 100 characters.
            space_id: the workspace to create it in.
            format_type: 0 text documents or 2 images.
            description: a description.
            file_id: an uploaded icon (`files.upload`).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            ds = coze.datasets.create(name="FAQ", space_id="74...", format_type=0)
            ds.dataset_id
            ```
        """
        return self._loop.run(self._inner.create(
            name=name,
            space_id=space_id,
            format_type=format_type,
            description=description,
            file_id=file_id,
            **options,
        ))

    def list(
        self,
        *,
        space_id: str,
        name: str | None = None,
        format_type: DatasetFormatType | int | None = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Dataset]:
        """Knowledge bases of a space (``name`` matches fuzzily; ``page_size`` 1-300).

        Args:
            space_id: the workspace.
            name: only knowledge bases whose name matches this (fuzzy).
            format_type: only this kind: 0 text, 1 tables, 2 images.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for ds in coze.datasets.list(space_id="74..."):
                print(ds.dataset_id, ds.name, ds.doc_count)
            ```
        """
        return SyncPaginator(self._inner.list(
            space_id=space_id,
            name=name,
            format_type=format_type,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def update(
        self,
        *,
        dataset_id: str,
        name: str,
        file_id: str | None = None,
        description: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Overwrite a knowledge base's name, icon and description.

        This is a full overwrite: a field you leave out is reset on the server (the Coze knowledge pages).

        Args:
            dataset_id: the knowledge base's id.
            name: the name (a full overwrite: send it even when unchanged).
            file_id: an uploaded icon (`files.upload`).
            description: the description (left out: reset on the server).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.datasets.update(dataset_id="74...", name="FAQ",
                                       description="support answers")
            ```
        """
        return self._loop.run(self._inner.update(
            dataset_id=dataset_id,
            name=name,
            file_id=file_id,
            description=description,
            **options,
        ))

    def delete(self, *, dataset_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Delete a knowledge base, its files, and its bindings to agents.

        Args:
            dataset_id: the knowledge base's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.datasets.delete(dataset_id="74...")
            ```
        """
        return self._loop.run(self._inner.delete(dataset_id=dataset_id, **options))

    def process(
        self,
        *,
        dataset_id: str,
        document_ids: Sequence[str],
        **options: Unpack[RequestOptions],
    ) -> ListResult[DocumentProgress]:
        """Processing progress of documents (the answer nests the list as ``data.data``).

        Args:
            dataset_id: the knowledge base's id.
            document_ids: the documents whose progress to read.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for p in coze.datasets.process(dataset_id="74...", document_ids=["75..."]):
                print(p.document_name, p.status, p.progress)
            ```
        """
        return self._loop.run(self._inner.process(dataset_id=dataset_id, document_ids=document_ids, **options))


class SyncEnterpriseMembers(SyncResource):
    """``coze.enterprises.members``."""

    _wraps = "coze_client.resources.enterprises.AsyncEnterpriseMembers"
    _inner: AsyncEnterpriseMembers

    def create(self, *, enterprise_id: str, users: People, **options: Unpack[RequestOptions]) -> OperationResult:
        """Add one employee (a Volcano sub-user, not a guest) to the enterprise.

        Args:
            enterprise_id: the enterprise's id.
            users: the one employee: a user id, an ``EnterpriseMemberInput`` or dict ``{"user_id": ..., "role": ...}``
                (role default ``"enterprise_member"``), or a list of one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.enterprises.members.create(enterprise_id="volcano_2105...",
                users=[{"user_id": "4113...", "role": "enterprise_member"}])
            ```
        """
        return self._loop.run(self._inner.create(enterprise_id=enterprise_id, users=users, **options))

    def update(
        self,
        *,
        enterprise_id: str,
        user_id: str,
        role: EnterpriseRole,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Change an employee's role (``enterprise_admin`` or ``enterprise_member``; not for guests).

        Args:
            enterprise_id: the enterprise's id.
            user_id: the employee's user id.
            role: ``"enterprise_admin"`` or ``"enterprise_member"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.enterprises.members.update(enterprise_id="volcano_2105...",
                                                  user_id="4113...", role="enterprise_admin")
            ```
        """
        return self._loop.run(self._inner.update(
            enterprise_id=enterprise_id,
            user_id=user_id,
            role=role,
            **options,
        ))

    def delete(
        self,
        *,
        enterprise_id: str,
        user_id: str,
        receiver_user_id: str,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Remove a member; their resources pass to ``receiver_user_id``.

        Args:
            enterprise_id: the enterprise's id.
            user_id: the member to remove.
            receiver_user_id: the user who receives the removed member's resources.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.enterprises.members.delete(enterprise_id="volcano_2105...",
                                                  user_id="4114...", receiver_user_id="2135...")
            ```
        """
        return self._loop.run(self._inner.delete(
            enterprise_id=enterprise_id,
            user_id=user_id,
            receiver_user_id=receiver_user_id,
            **options,
        ))


class SyncOrganizationMembers(SyncResource):
    """``coze.enterprises.organizations.members``."""

    _wraps = "coze_client.resources.enterprises.AsyncOrganizationMembers"
    _inner: AsyncOrganizationMembers

    def create(
        self,
        *,
        organization_id: str,
        organization_people: People,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Add one person (already in the enterprise) to an organization with a role.

        Args:
            organization_id: the organization's id.
            organization_people: the one person: a user id, an ``OrganizationMemberInput`` or dict ``{"user_id": ...,
                "organization_role_type": ...}`` (role default ``"organization_member"``), or a list of one.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.enterprises.organizations.members.create(
                organization_id="7490...",
                organization_people=[{"user_id": "4113...", "organization_role_type": "organization_admin"}])
            ```
        """
        return self._loop.run(self._inner.create(
            organization_id=organization_id,
            organization_people=organization_people,
            **options,
        ))

    def list(
        self,
        *,
        organization_id: str,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[OrganizationMember]:
        """Members of an organization (page size 1-50).

        Args:
            organization_id: the organization's id.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-50.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for m in coze.enterprises.organizations.members.list(organization_id="7559..."):
                print(m.user_id, m.organization_role_type)
            ```
        """
        return SyncPaginator(self._inner.list(
            organization_id=organization_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def update(
        self,
        *,
        organization_id: str,
        user_id: str,
        organization_role_type: OrganizationRole,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Change a member's organization role.

        Args:
            organization_id: the organization's id.
            user_id: the member's user id.
            organization_role_type: ``"organization_super_admin"``, ``"organization_admin"``,
                ``"organization_member"`` or ``"organization_guest"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.enterprises.organizations.members.update(
                organization_id="7490...", user_id="4113...", organization_role_type="organization_member")
            ```
        """
        return self._loop.run(self._inner.update(
            organization_id=organization_id,
            user_id=user_id,
            organization_role_type=organization_role_type,
            **options,
        ))

    def delete(
        self,
        *,
        organization_id: str,
        user_id: str,
        receiver_user_id: str,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Remove a member from an organization (and its workspaces); resources pass to ``receiver_user_id``,
        an organization super admin.

        Args:
            organization_id: the organization's id.
            user_id: the member to remove.
            receiver_user_id: the organization super admin who receives the removed member's resources.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.enterprises.organizations.members.delete(
                organization_id="7490...", user_id="4113...", receiver_user_id="4113...")
            ```
        """
        return self._loop.run(self._inner.delete(
            organization_id=organization_id,
            user_id=user_id,
            receiver_user_id=receiver_user_id,
            **options,
        ))


class SyncOrganizations(SyncResource):
    """``coze.enterprises.organizations`` and ``.members``."""

    _wraps = "coze_client.resources.enterprises.AsyncOrganizations"
    _inner: AsyncOrganizations

    @functools.cached_property
    def members(self) -> SyncOrganizationMembers:
        """``coze.enterprises.organizations.members``."""
        return SyncOrganizationMembers(self._inner.members, self._loop)

    def create(
        self,
        *,
        enterprise_id: str,
        name: str,
        super_admin_user_id: str,
        description: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreatedOrganization:
        """Create an organization (enterprise flagship; at most 20 per enterprise).

        Args:
            enterprise_id: the enterprise's id.
            name: the organization's name, 1-30 characters.
            super_admin_user_id: the user who becomes the organization's super admin.
            description: a description, at most 100 characters.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.enterprises.organizations.create(enterprise_id="volcano_2105...",
                name="R&D", super_admin_user_id="4113...")
            ```
        """
        return self._loop.run(self._inner.create(
            enterprise_id=enterprise_id,
            name=name,
            super_admin_user_id=super_admin_user_id,
            description=description,
            **options,
        ))

    def update(
        self,
        *,
        organization_id: str,
        name: str | None = None,
        description: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Rename an organization or change its description (name ≤30, description ≤100 characters).

        Args:
            organization_id: the organization's id.
            name: a new name, at most 30 characters (``None``: unchanged).
            description: a new description, at most 100 characters (``None``: unchanged); give at least one of the
                two.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.enterprises.organizations.update(organization_id="7559...", name="R&D")
            ```
        """
        return self._loop.run(self._inner.update(
            organization_id=organization_id,
            name=name,
            description=description,
            **options,
        ))

    def list(
        self,
        *,
        enterprise_id: str,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Organization]:
        """Organizations of an enterprise (page size 1-20).

        Args:
            enterprise_id: the enterprise's id.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-20.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for org in coze.enterprises.organizations.list(enterprise_id="volcano_2101..."):
                print(org.organization_id, org.organization_name)
            ```
        """
        return SyncPaginator(self._inner.list(
            enterprise_id=enterprise_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)


class SyncEnterprises(SyncResource):
    """``coze.enterprises``: ``.members`` and ``.organizations``."""

    _wraps = "coze_client.resources.enterprises.AsyncEnterprises"
    _inner: AsyncEnterprises

    @functools.cached_property
    def members(self) -> SyncEnterpriseMembers:
        """``coze.enterprises.members``."""
        return SyncEnterpriseMembers(self._inner.members, self._loop)

    @functools.cached_property
    def organizations(self) -> SyncOrganizations:
        """``coze.enterprises.organizations`` and ``.members``."""
        return SyncOrganizations(self._inner.organizations, self._loop)


class SyncFiles(SyncResource):
    """``coze.files``."""

    _wraps = "coze_client.resources.files.AsyncFiles"
    _inner: AsyncFiles

    def upload(self, *, file: FileInput, **options: Unpack[RequestOptions]) -> File:
        """Upload one file (path, bytes, binary file object or ``(name, bytes)``); ≤512 MB.

        Args:
            file: a path, bytes, or an open binary file (read in a thread; at most 512 MB).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            f = coze.files.upload(file="report.pdf")
            f.id
            ```
        """
        return self._loop.run(self._inner.upload(file=file, **options))

    def retrieve(self, *, file_id: str, **options: Unpack[RequestOptions]) -> File:
        """The record of an uploaded file.

        Args:
            file_id: the file's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            f = coze.files.retrieve(file_id="7351...")
            ```
        """
        return self._loop.run(self._inner.retrieve(file_id=file_id, **options))


class SyncFolders(SyncResource):
    """``coze.folders``."""

    _wraps = "coze_client.resources.folders.AsyncFolders"
    _inner: AsyncFolders

    def list(
        self,
        *,
        workspace_id: str,
        folder_type: FolderType | Literal['development', 'library'],
        parent_folder_id: str | None = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Folder]:
        """Folders of a workspace's development or library tree (children of ``parent_folder_id``).

        Args:
            workspace_id: the workspace's id.
            folder_type: ``"development"`` or ``"library"`` (or a ``FolderType``): which tree.
            parent_folder_id: list the children of this folder (``None``: the tree's top level).
            page_num: the page to start at (1-based).
            page_size: items per page (>= 1).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for f in coze.folders.list(workspace_id="7350...", folder_type="library"):
                print(f.id, f.name)
            ```
        """
        return SyncPaginator(self._inner.list(
            workspace_id=workspace_id,
            folder_type=folder_type,
            parent_folder_id=parent_folder_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def retrieve(self, *, folder_id: str, **options: Unpack[RequestOptions]) -> Folder:
        """One folder.

        Args:
            folder_id: the folder's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            (coze.folders.retrieve(folder_id="7460...")).name
            ```
        """
        return self._loop.run(self._inner.retrieve(folder_id=folder_id, **options))


class SyncPlugins(SyncResource):
    """``coze.plugins``."""

    _wraps = "coze_client.resources.plugins.AsyncPlugins"
    _inner: AsyncPlugins

    def list(
        self,
        *,
        keyword: str | None = None,
        is_official: bool | None = None,
        category_ids: Sequence[str] | str | None = None,
        sort_type: Literal['heat', 'newest', 'relative'] | None = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[StorePlugin]:
        """Paid plugins of the store (official and third-party), optionally searched by keyword.

        Args:
            keyword: search the plugins' names and descriptions for this text (``None``: no search).
            is_official: ``True`` only official plugins, ``False`` only third-party ones (``None``: both).
            category_ids: only these categories (ids from `categories`; one string is a list of one).
            sort_type: ``"heat"`` (popularity), ``"newest"`` or ``"relative"`` (relevance to ``keyword``); ``None``:
                the server's order.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-100.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for p in coze.plugins.list(keyword="speech"):
                print(p.plugin_id, p.name)
            ```
        """
        return SyncPaginator(self._inner.list(
            keyword=keyword,
            is_official=is_official,
            category_ids=category_ids,
            sort_type=sort_type,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def categories(
        self,
        *,
        entity_type: Literal['plugin'] = 'plugin',
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[PluginCategory]:
        """Plugin store categories (their ids filter `list`).

        Args:
            entity_type: the kind of entity categorised; only ``"plugin"``.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-100.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            cats = coze.plugins.categories().to_list()
            ```
        """
        return SyncPaginator(self._inner.categories(
            entity_type=entity_type,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def retrieve(self, *, plugin_id: str, **options: Unpack[RequestOptions]) -> PluginDetail:
        """A plugin's tools (with input and output schemas) and, for paid plugins, its MCP configuration.

        Args:
            plugin_id: the plugin's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            detail = coze.plugins.retrieve(plugin_id="7506...")
            [t.name for t in detail.tools]
            ```
        """
        return self._loop.run(self._inner.retrieve(plugin_id=plugin_id, **options))

    def batch_retrieve(
        self,
        *,
        plugin_ids: Sequence[str] | str,
        **options: Unpack[RequestOptions],
    ) -> ListResult[PluginDetail]:
        """Details of up to 20 plugins in one call.

        Args:
            plugin_ids: up to 20 plugin ids (one string is a list of one).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            details = coze.plugins.batch_retrieve(plugin_ids=["7506...", "7426..."])
            ```
        """
        return self._loop.run(self._inner.batch_retrieve(plugin_ids=plugin_ids, **options))

    def call(
        self,
        *,
        plugin_id: str,
        tool_name: str,
        arguments: Mapping[str, Any],
        **options: Unpack[RequestOptions],
    ) -> PluginToolResult:
        """Run a paid plugin's tool (arguments follow the tool's ``input_schema``). It is billed; not retried.

        Args:
            plugin_id: the plugin's id.
            tool_name: the tool to run (a ``name`` from `retrieve`'s ``tools``).
            arguments: the tool's input, a dict matching its ``input_schema``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            out = coze.plugins.call(plugin_id="7545...", tool_name="getToutiaoNews",
                                          arguments={"q": "Hangzhou"})
            out.result
            ```
        """
        return self._loop.run(self._inner.call(
            plugin_id=plugin_id,
            tool_name=tool_name,
            arguments=arguments,
            **options,
        ))


class SyncTemplates(SyncResource):
    """``coze.templates``."""

    _wraps = "coze_client.resources.templates.AsyncTemplates"
    _inner: AsyncTemplates

    def duplicate(
        self,
        *,
        template_id: str,
        workspace_id: str,
        name: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> TemplateDuplicate:
        """Copy a store template into a workspace (as an agent).

        Args:
            template_id: the store template's id.
            workspace_id: the workspace to copy it into.
            name: the copy's name (``None``: the template's).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            t = coze.templates.duplicate(template_id="7497...", workspace_id="7350...")
            t.entity_id, t.entity_type
            ```
        """
        return self._loop.run(self._inner.duplicate(
            template_id=template_id,
            workspace_id=workspace_id,
            name=name,
            **options,
        ))


class SyncUsers(SyncResource):
    """``coze.users``."""

    _wraps = "coze_client.resources.users.AsyncUsers"
    _inner: AsyncUsers

    def me(self, **options: Unpack[RequestOptions]) -> User:
        """The account the token belongs to (a cheap way to check a token).

        Args:
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            me = coze.users.me()
            me.user_id, me.nick_name
            ```
        """
        return self._loop.run(self._inner.me(**options))


class SyncVariables(SyncResource):
    """``coze.variables``."""

    _wraps = "coze_client.resources.variables.AsyncVariables"
    _inner: AsyncVariables

    def retrieve(
        self,
        *,
        connector_uid: str,
        keywords: Sequence[str] | str | None = None,
        app_id: str | None = None,
        bot_id: str | None = None,
        connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ListResult[VariableValue]:
        """Values of an end user's variables (all of them when ``keywords`` is empty).

        Args:
            connector_uid: the end user's id on the channel (the ``user_id`` your chats send).
            keywords: the variable names to read (one string is a list of one); ``None`` or empty: all of them.
            app_id: the app that owns the variables; give exactly one of ``app_id`` and ``bot_id``.
            bot_id: the bot that owns the variables.
            connector_id: the channel the end user is on (``None``: not sent; the service's default applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            values = coze.variables.retrieve(bot_id="7342...", connector_uid="u1",
                                                   keywords=["city"])
            ```
        """
        return self._loop.run(self._inner.retrieve(
            connector_uid=connector_uid,
            keywords=keywords,
            app_id=app_id,
            bot_id=bot_id,
            connector_id=connector_id,
            **options,
        ))

    def update(
        self,
        *,
        connector_uid: str,
        data: Sequence[VariableInput | Mapping[str, str]] | Mapping[str, str],
        app_id: str | None = None,
        bot_id: str | None = None,
        connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Set an end user's variables: a ``{keyword: value}`` dict or a list of ``{keyword, value}``.

        Args:
            connector_uid: the end user's id on the channel (the ``user_id`` your chats send).
            data: the values: a ``{keyword: value}`` dict, or a list of ``VariableInput`` / ``{"keyword": ...,
                "value": ...}`` dicts.
            app_id: the app that owns the variables; give exactly one of ``app_id`` and ``bot_id``.
            bot_id: the bot that owns the variables.
            connector_id: the channel the end user is on (``None``: not sent; the service's default applies).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.variables.update(bot_id="7342...", connector_uid="u1",
                                        data={"city": "Hangzhou"})
            ```
        """
        return self._loop.run(self._inner.update(
            connector_uid=connector_uid,
            data=data,
            app_id=app_id,
            bot_id=bot_id,
            connector_id=connector_id,
            **options,
        ))


class SyncWorkflowChat(SyncResource):
    """``coze.workflows.chat``: chatflows."""

    _wraps = "coze_client.resources.workflows.AsyncWorkflowChat"
    _inner: AsyncWorkflowChat

    def stream(
        self,
        *,
        workflow_id: str,
        additional_messages: Sequence[EnterMessage | Mapping[str, Any] | str],
        parameters: Mapping[str, Any] | None = None,
        bot_id: str | None = None,
        app_id: str | None = None,
        conversation_id: str | None = None,
        ext: Mapping[str, str] | None = None,
        workflow_version: str | None = None,
        connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncEventStream[ChatEvent]:
        """Talk to a chatflow (streaming only). Events use the chat names; ``done`` carries the
        ``debug_url``, kept on ``stream.end_data``.

        Args:
            workflow_id: the workflow's id.
            additional_messages: the new messages, text only, at most 50 (strings, dicts or `EnterMessage` objects).
            parameters: the start node's inputs by name (files as ``{"file_id": ...}`` JSON strings or URLs).
            bot_id: the bot's id.
            app_id: the app's id.
            conversation_id: the conversation's id.
            ext: extra string fields the service reads (``latitude``, ``longitude``, ``user_id``).
            workflow_version: the published version to run (library workflows; default the latest).
            connector_id: the channel (connector) id; default the API channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            with coze.workflows.chat.stream(workflow_id="73...", app_id="74...",
                                                  additional_messages=["hello"]) as events:
                for event in events:
                    if event.event == "conversation.message.delta":
                        print(event.message.content, end="")
            events.end_data["debug_url"]
            ```
        """
        return SyncEventStream(self._inner.stream(
            workflow_id=workflow_id,
            additional_messages=additional_messages,
            parameters=parameters,
            bot_id=bot_id,
            app_id=app_id,
            conversation_id=conversation_id,
            ext=ext,
            workflow_version=workflow_version,
            connector_id=connector_id,
            **options,
        ), self._loop)


class SyncWorkflowCollaborationModes(SyncResource):
    """``coze.workflows.collaboration_modes``."""

    _wraps = "coze_client.resources.collaboration.AsyncWorkflowCollaborationModes"
    _inner: AsyncWorkflowCollaborationModes

    def update(
        self,
        *,
        workflow_id: str,
        collaboration_mode: CollaborationMode | str,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Turn a workflow's multi-person collaboration on or off.

        Args:
            workflow_id: the workflow's id.
            collaboration_mode: ``"collaboration"`` (on) or ``"single"`` (off), or a ``CollaborationMode``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.workflows.collaboration_modes.update(workflow_id="7350...",
                                                            collaboration_mode="collaboration")
            ```
        """
        return self._loop.run(self._inner.update(
            workflow_id=workflow_id,
            collaboration_mode=collaboration_mode,
            **options,
        ))


class SyncWorkflowCollaborators(SyncResource):
    """``coze.workflows.collaborators``."""

    _wraps = "coze_client.resources.collaboration.AsyncWorkflowCollaborators"
    _inner: AsyncWorkflowCollaborators

    def create(
        self,
        *,
        workflow_id: str,
        collaborators: CollaboratorsArg,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Add one collaborator to a workflow.

        Args:
            workflow_id: the workflow's id.
            collaborators: the one collaborator: a user id, ``{"user_id": ...}`` or a list of one of those.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.workflows.collaborators.create(workflow_id="7350...",
                                                      collaborators="5524...")
            ```
        """
        return self._loop.run(self._inner.create(
            workflow_id=workflow_id,
            collaborators=collaborators,
            **options,
        ))

    def delete(self, *, workflow_id: str, user_id: str, **options: Unpack[RequestOptions]) -> OperationResult:
        """Remove one collaborator.

        Args:
            workflow_id: the workflow's id.
            user_id: the collaborator's user id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.workflows.collaborators.delete(workflow_id="7350...", user_id="5524...")
            ```
        """
        return self._loop.run(self._inner.delete(workflow_id=workflow_id, user_id=user_id, **options))


class SyncExecuteNodes(SyncResource):
    """``coze.workflows.runs.run_histories.execute_nodes``."""

    _wraps = "coze_client.resources.workflows.AsyncExecuteNodes"
    _inner: AsyncExecuteNodes

    def retrieve(
        self,
        *,
        workflow_id: str,
        execute_id: str,
        node_execute_uuid: str,
        **options: Unpack[RequestOptions],
    ) -> NodeOutput:
        """The output of one node of a run (``node_execute_uuid`` from the history's ``node_execute_status``).

        Args:
            workflow_id: the workflow's id.
            execute_id: the run's id.
            node_execute_uuid: the node run's id (from the run record's ``node_execute_status``).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            out = coze.workflows.runs.run_histories.execute_nodes.retrieve(
                workflow_id="73...", execute_id="74...", node_execute_uuid="75...")
            out.output_data
            ```
        """
        return self._loop.run(self._inner.retrieve(
            workflow_id=workflow_id,
            execute_id=execute_id,
            node_execute_uuid=node_execute_uuid,
            **options,
        ))


class SyncRunHistories(SyncResource):
    """``coze.workflows.runs.run_histories``."""

    _wraps = "coze_client.resources.workflows.AsyncRunHistories"
    _inner: AsyncRunHistories

    @functools.cached_property
    def execute_nodes(self) -> SyncExecuteNodes:
        """``coze.workflows.runs.run_histories.execute_nodes``."""
        return SyncExecuteNodes(self._inner.execute_nodes, self._loop)

    def retrieve(self, *, workflow_id: str, execute_id: str, **options: Unpack[RequestOptions]) -> WorkflowRunHistory:
        """One run's record, e.g. to poll an ``is_async`` run (the service answers a 1-element list).

        Args:
            workflow_id: the workflow's id.
            execute_id: the run's id.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            h = coze.workflows.runs.run_histories.retrieve(
                workflow_id="73...", execute_id=r.execute_id)
            h.execute_status, h.output_data
            ```
        """
        return self._loop.run(self._inner.retrieve(workflow_id=workflow_id, execute_id=execute_id, **options))


class SyncWorkflowRuns(SyncResource):
    """``coze.workflows.runs``: run, stream and resume workflows."""

    _wraps = "coze_client.resources.workflows.AsyncWorkflowRuns"
    _inner: AsyncWorkflowRuns

    @functools.cached_property
    def run_histories(self) -> SyncRunHistories:
        """``coze.workflows.runs.run_histories``."""
        return SyncRunHistories(self._inner.run_histories, self._loop)

    def create(
        self,
        *,
        workflow_id: str,
        parameters: Mapping[str, Any] | None = None,
        bot_id: str | None = None,
        app_id: str | None = None,
        is_async: bool = False,
        ext: Mapping[str, str] | None = None,
        workflow_version: str | None = None,
        connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> WorkflowRunResult:
        """Run a published workflow and wait for its output (or start it in the background with ``is_async``).

        The server cuts a blocking run after 90 s; the default timeout here is 100 s. ``is_async``
        (paid plans; 6003 otherwise) returns an ``execute_id`` to poll with
        ``run_histories.retrieve``. Token usage goes to the ledger. Never retried once sent.

        Args:
            workflow_id: the workflow's id.
            parameters: the start node's inputs by name (files as ``{"file_id": ...}`` JSON strings or URLs).
            bot_id: the bot's id.
            app_id: the app's id.
            is_async: start the run in the background and return its ``execute_id`` at once (paid plans only).
            ext: extra string fields the service reads (``latitude``, ``longitude``, ``user_id``).
            workflow_version: the published version to run (library workflows; default the latest).
            connector_id: the channel (connector) id; default the API channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            result = coze.workflows.runs.create(workflow_id="73...",
                                                      parameters={"city": "Beijing"})
            result.data, result.debug_url
            ```
        """
        return self._loop.run(self._inner.create(
            workflow_id=workflow_id,
            parameters=parameters,
            bot_id=bot_id,
            app_id=app_id,
            is_async=is_async,
            ext=ext,
            workflow_version=workflow_version,
            connector_id=connector_id,
            **options,
        ))

    def stream(
        self,
        *,
        workflow_id: str,
        parameters: Mapping[str, Any] | None = None,
        bot_id: str | None = None,
        app_id: str | None = None,
        ext: Mapping[str, str] | None = None,
        workflow_version: str | None = None,
        connector_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncWorkflowStream:
        """Run a workflow and stream its events (Message, Error, Interrupt, PING, Done).

        Args:
            workflow_id: the workflow's id.
            parameters: the start node's inputs by name (files as ``{"file_id": ...}`` JSON strings or URLs).
            bot_id: the bot's id.
            app_id: the app's id.
            ext: extra string fields the service reads (``latitude``, ``longitude``, ``user_id``).
            workflow_version: the published version to run (library workflows; default the latest).
            connector_id: the channel (connector) id; default the API channel.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            with coze.workflows.runs.stream(
                    workflow_id="73...", parameters={"q": "hi"}) as events:
                for event in events:
                    if event.message:
                        print(event.message.content, end="")
                    elif event.interrupt:
                        pending = event.interrupt.interrupt_data
            ```
        """
        return SyncWorkflowStream(self._inner.stream(
            workflow_id=workflow_id,
            parameters=parameters,
            bot_id=bot_id,
            app_id=app_id,
            ext=ext,
            workflow_version=workflow_version,
            connector_id=connector_id,
            **options,
        ), self._loop)

    def resume(
        self,
        *,
        workflow_id: str,
        event_id: str,
        interrupt_type: int,
        resume_data: str,
        **options: Unpack[RequestOptions],
    ) -> SyncWorkflowStream:
        """Answer an ``Interrupt`` and stream the rest of the run (at most 3 resumes; ids restart at 0).

        Args:
            workflow_id: the workflow's id.
            event_id: the interrupt's id.
            interrupt_type: the interrupt's ``type``: 1 local plugin, 2 question, 5 input, 7 OAuth plugin.
            resume_data: your answer to the interrupt.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            data = event.interrupt.interrupt_data
            with coze.workflows.runs.resume(workflow_id="73...", event_id=data.event_id,
                    interrupt_type=data.type, resume_data="Beijing") as events:
                for event in events:
                    ...
            ```
        """
        return SyncWorkflowStream(self._inner.resume(
            workflow_id=workflow_id,
            event_id=event_id,
            interrupt_type=interrupt_type,
            resume_data=resume_data,
            **options,
        ), self._loop)

    def resume_blocking(
        self,
        *,
        workflow_id: str,
        event_id: str,
        interrupt_type: int,
        resume_data: str,
        **options: Unpack[RequestOptions],
    ) -> WorkflowRunResult:
        """Answer an interrupt and wait for the output (``POST /v1/workflows/resume``; not in cozepy).

        Args:
            workflow_id: the workflow's id.
            event_id: the interrupt's id.
            interrupt_type: the interrupt's ``type``: 1 local plugin, 2 question, 5 input, 7 OAuth plugin.
            resume_data: your answer to the interrupt.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            result = coze.workflows.runs.create(workflow_id="73...")
            if result.is_interrupted:
                result = coze.workflows.runs.resume_blocking(
                    workflow_id="73...", event_id=result.interrupt_data.event_id,
                    interrupt_type=result.interrupt_data.type, resume_data="yes")
            ```
        """
        return self._loop.run(self._inner.resume_blocking(
            workflow_id=workflow_id,
            event_id=event_id,
            interrupt_type=interrupt_type,
            resume_data=resume_data,
            **options,
        ))


class SyncWorkflowVersions(SyncResource):
    """``coze.workflows.versions``."""

    _wraps = "coze_client.resources.workflows.AsyncWorkflowVersions"
    _inner: AsyncWorkflowVersions

    def list(
        self,
        *,
        workflow_id: str,
        publish_status: WorkflowPublishStatus | Literal['all', 'published_online', 'unpublished_draft'] | None = None,
        page_size: int = 10,
        page_token: str | None = None,
        include_input_output: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[WorkflowVersion]:
        """Published versions of a workflow, by page token (``page_size`` 1-30).

        Args:
            workflow_id: the workflow's id.
            publish_status: ``"published_online"`` (default), ``"unpublished_draft"`` or ``"all"``.
            page_size: items per page (the endpoint's documented range applies).
            page_token: the token of the page to fetch (iterate the result for every page).
            include_input_output: include the input and output schemas.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for v in coze.workflows.versions.list(workflow_id="73..."):
                print(v.version, v.description)
            ```
        """
        return SyncPaginator(self._inner.list(
            workflow_id=workflow_id,
            publish_status=publish_status,
            page_size=page_size,
            page_token=page_token,
            include_input_output=include_input_output,
            **options,
        ), self._loop)


class SyncWorkflows(SyncResource):
    """``coze.workflows``: runs, chatflows, listing and schemas, collaboration."""

    _wraps = "coze_client.resources.workflows.AsyncWorkflows"
    _inner: AsyncWorkflows

    @functools.cached_property
    def chat(self) -> SyncWorkflowChat:
        """``coze.workflows.chat``: chatflows."""
        return SyncWorkflowChat(self._inner.chat, self._loop)

    @functools.cached_property
    def collaboration_modes(self) -> SyncWorkflowCollaborationModes:
        """``coze.workflows.collaboration_modes``."""
        return SyncWorkflowCollaborationModes(self._inner.collaboration_modes, self._loop)

    @functools.cached_property
    def collaborators(self) -> SyncWorkflowCollaborators:
        """``coze.workflows.collaborators``."""
        return SyncWorkflowCollaborators(self._inner.collaborators, self._loop)

    @functools.cached_property
    def runs(self) -> SyncWorkflowRuns:
        """``coze.workflows.runs``: run, stream and resume workflows."""
        return SyncWorkflowRuns(self._inner.runs, self._loop)

    @functools.cached_property
    def versions(self) -> SyncWorkflowVersions:
        """``coze.workflows.versions``."""
        return SyncWorkflowVersions(self._inner.versions, self._loop)

    def list(
        self,
        *,
        workspace_id: str,
        page_num: int = 1,
        page_size: int = 10,
        workflow_mode: WorkflowMode | Literal['workflow', 'chatflow'] | None = None,
        app_id: str | None = None,
        publish_status: WorkflowPublishStatus | Literal['all', 'published_online', 'unpublished_draft'] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[WorkflowBasic]:
        """Workflows of a workspace (``workspace_id`` required; ``page_size`` 1-30, default 10).

        Args:
            workspace_id: the workspace's id.
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            workflow_mode: ``"workflow"`` or ``"chatflow"``.
            app_id: the app's id.
            publish_status: ``"published_online"`` (default), ``"unpublished_draft"`` or ``"all"``.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for wf in coze.workflows.list(workspace_id="74..."):
                print(wf.workflow_id, wf.workflow_name)
            ```
        """
        return SyncPaginator(self._inner.list(
            workspace_id=workspace_id,
            page_num=page_num,
            page_size=page_size,
            workflow_mode=workflow_mode,
            app_id=app_id,
            publish_status=publish_status,
            **options,
        ), self._loop)

    def retrieve(
        self,
        *,
        workflow_id: str,
        include_input_output: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> WorkflowInfo:
        """A workflow's details; with ``include_input_output=True`` also its input and output schema.

        Args:
            workflow_id: the workflow's id.
            include_input_output: include the input and output schemas.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            info = coze.workflows.retrieve(workflow_id="73...", include_input_output=True)
            list(info.input.parameters)
            ```
        """
        return self._loop.run(self._inner.retrieve(
            workflow_id=workflow_id,
            include_input_output=include_input_output,
            **options,
        ))


class SyncWorkspaceMembers(SyncResource):
    """``coze.workspaces.members``."""

    _wraps = "coze_client.resources.workspaces.AsyncWorkspaceMembers"
    _inner: AsyncWorkspaceMembers

    def list(
        self,
        *,
        workspace_id: str,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[WorkspaceMember]:
        """Members of a workspace (page size 1-50).

        Args:
            workspace_id: the workspace's id.
            page_num: the page to start at (1-based).
            page_size: items per page, 1-50.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for m in coze.workspaces.members.list(workspace_id="7361..."):
                print(m.user_id, m.role_type)
            ```
        """
        return SyncPaginator(self._inner.list(
            workspace_id=workspace_id,
            page_num=page_num,
            page_size=page_size,
            **options,
        ), self._loop)

    def create(
        self,
        *,
        workspace_id: str,
        users: Sequence[WorkspaceMemberInput | Mapping[str, Any] | str] | WorkspaceMemberInput | str,
        **options: Unpack[RequestOptions],
    ) -> AddWorkspaceMembersResult:
        """Invite users (a user id joins as ``member``; or ``{"user_id", "role_type": "admin"}``).

        Args:
            workspace_id: the workspace's id.
            users: who to invite: a user id (joins as ``member``), a ``WorkspaceMemberInput`` or dict ``{"user_id":
                ..., "role_type": "admin"}``, or a list of those.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            r = coze.workspaces.members.create(workspace_id="7361...", users=["2135..."])
            r.added_success_user_ids, r.not_exist_user_ids
            ```
        """
        return self._loop.run(self._inner.create(workspace_id=workspace_id, users=users, **options))

    def delete(
        self,
        *,
        workspace_id: str,
        user_ids: Sequence[str] | str,
        **options: Unpack[RequestOptions],
    ) -> RemoveWorkspaceMembersResult:
        """Remove up to 5 users (their resources pass to the workspace owner; owners are never removed).

        Args:
            workspace_id: the workspace's id.
            user_ids: up to 5 user ids to remove (one string is a list of one).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            r = coze.workspaces.members.delete(workspace_id="7361...", user_ids=["2069..."])
            r.removed_success_user_ids, r.not_in_workspace
            ```
        """
        return self._loop.run(self._inner.delete(workspace_id=workspace_id, user_ids=user_ids, **options))


class SyncWorkspaces(SyncResource):
    """``coze.workspaces`` and ``.members``."""

    _wraps = "coze_client.resources.workspaces.AsyncWorkspaces"
    _inner: AsyncWorkspaces

    @functools.cached_property
    def members(self) -> SyncWorkspaceMembers:
        """``coze.workspaces.members``."""
        return SyncWorkspaceMembers(self._inner.members, self._loop)

    def create(
        self,
        *,
        name: str,
        description: str,
        icon_file_id: str | None = None,
        coze_account_id: str | None = None,
        owner_uid: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> CreatedWorkspace:
        """Create a workspace (name ≤50, description ≤2000 characters; ``coze_account_id`` picks the organization).

        Args:
            name: the workspace's name, 1-50 characters.
            description: its description, at most 2000 characters (required).
            icon_file_id: the id of an uploaded image (``coze.files.upload``) for the icon.
            coze_account_id: the organization (Coze account) to create it in (``None``: not sent).
            owner_uid: the user id of the workspace's owner (``None``: not sent).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            ws = coze.workspaces.create(name="docs", description="the docs team")
            ws.id
            ```
        """
        return self._loop.run(self._inner.create(
            name=name,
            description=description,
            icon_file_id=icon_file_id,
            coze_account_id=coze_account_id,
            owner_uid=owner_uid,
            **options,
        ))

    def update(
        self,
        *,
        workspace_id: str,
        name: str | None = None,
        description: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationResult:
        """Rename a team workspace or change its description (personal workspaces cannot be changed).

        Args:
            workspace_id: the team workspace's id.
            name: a new name, at most 50 characters (``None``: unchanged).
            description: a new description, at most 2000 characters (``None``: unchanged); give at least one of the
                two.
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            coze.workspaces.update(workspace_id="7361...", name="docs")
            ```
        """
        return self._loop.run(self._inner.update(
            workspace_id=workspace_id,
            name=name,
            description=description,
            **options,
        ))

    def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 20,
        user_id: str | None = None,
        coze_account_id: str | None = None,
        enterprise_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncPaginator[Workspace]:
        """Workspaces you belong to (page number + ``total_count``).

        Args:
            page_num: the page to fetch, from 1 (iterate the result for every page).
            page_size: items per page (the endpoint's documented range applies).
            user_id: passed as the service's ``user_id`` query parameter (a filter).
            coze_account_id: passed as the service's ``coze_account_id`` query parameter (a filter).
            enterprise_id: passed as the service's ``enterprise_id`` query parameter (a filter).
            **options: per-call options: ``timeout``, ``max_retries``, ``max_wait``, ``extra_headers``.

        Examples:
            ```python
            for ws in coze.workspaces.list():
                print(ws.id, ws.name, ws.role_type)
            ```
        """
        return SyncPaginator(self._inner.list(
            page_num=page_num,
            page_size=page_size,
            user_id=user_id,
            coze_account_id=coze_account_id,
            enterprise_id=enterprise_id,
            **options,
        ), self._loop)


class SyncCozeResources:
    """The resources of `coze_client.Coze` (the same as ``AsyncCoze``'s)."""

    _inner: AsyncCoze
    _loop: Portal

    def __init__(
        self,
        *,
        token: str | TokenProvider | None = None,
        auth: TokenProvider | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = MAX_RETRY_AFTER,
        http_client: httpx.AsyncClient | None = None,
        plan: str | Plan | None = PLAN_FROM_ENV,
        account: str | None = None,
        limiter: str | RateLimiter | None = None,
        ledger: str | UsageLedger | None = None,
    ) -> None:
        """Start (or join) the SDK loop and build the async client there; see ``Coze``."""
        self._start({
            "token": token,
            "auth": auth,
            "base_url": base_url,
            "timeout": timeout,
            "max_retries": max_retries,
            "max_retry_after": max_retry_after,
            "http_client": http_client,
            "plan": plan,
            "account": account,
            "limiter": limiter,
            "ledger": ledger,
        })

    def _start(self, options: dict[str, Any]) -> None:
        """Build the client from the options (``Coze`` does)."""
        raise NotImplementedError

    @functools.cached_property
    def api_apps(self) -> SyncAPIApps:
        """``coze.api_apps``: callback apps, and ``.events``."""
        return SyncAPIApps(self._inner.api_apps, self._loop)

    @functools.cached_property
    def apps(self) -> SyncApps:
        """``coze.apps`` and ``.collaborators``."""
        return SyncApps(self._inner.apps, self._loop)

    @functools.cached_property
    def audio(self) -> SyncAudio:
        """``coze.audio``: voices, speech, transcriptions, rooms, live and voiceprints."""
        return SyncAudio(self._inner.audio, self._loop)

    @functools.cached_property
    def benefit_limitations(self) -> SyncBenefitLimitations:
        """``coze.benefit_limitations``: server-side usage limits per end user."""
        return SyncBenefitLimitations(self._inner.benefit_limitations, self._loop)

    @functools.cached_property
    def benefits(self) -> SyncBenefits:
        """``coze.benefits``."""
        return SyncBenefits(self._inner.benefits, self._loop)

    @functools.cached_property
    def bill_tasks(self) -> SyncBillTasks:
        """``coze.bill_tasks``: exports of end users' bills (usage per device, by day)."""
        return SyncBillTasks(self._inner.bill_tasks, self._loop)

    @functools.cached_property
    def bots(self) -> SyncBots:
        """``coze.bots``: ``.versions``, ``.collaboration_modes``, ``.collaborators``."""
        return SyncBots(self._inner.bots, self._loop)

    @functools.cached_property
    def chat(self) -> SyncChat:
        """``coze.chat``: talk to a bot (v3 chat)."""
        return SyncChat(self._inner.chat, self._loop)

    @functools.cached_property
    def connectors(self) -> SyncConnectors:
        """``coze.connectors`` and ``.bots``."""
        return SyncConnectors(self._inner.connectors, self._loop)

    @functools.cached_property
    def conversations(self) -> SyncConversations:
        """``coze.conversations``."""
        return SyncConversations(self._inner.conversations, self._loop)

    @functools.cached_property
    def copy_tasks(self) -> SyncCopyTasks:
        """``coze.copy_tasks``: copy a bot, app or workflow, in its workspace or to another of the same team."""
        return SyncCopyTasks(self._inner.copy_tasks, self._loop)

    @functools.cached_property
    def datasets(self) -> SyncDatasets:
        """``coze.datasets``: knowledge bases."""
        return SyncDatasets(self._inner.datasets, self._loop)

    @functools.cached_property
    def enterprises(self) -> SyncEnterprises:
        """``coze.enterprises``: ``.members`` and ``.organizations``."""
        return SyncEnterprises(self._inner.enterprises, self._loop)

    @functools.cached_property
    def files(self) -> SyncFiles:
        """``coze.files``."""
        return SyncFiles(self._inner.files, self._loop)

    @functools.cached_property
    def folders(self) -> SyncFolders:
        """``coze.folders``."""
        return SyncFolders(self._inner.folders, self._loop)

    @functools.cached_property
    def plugins(self) -> SyncPlugins:
        """``coze.plugins``."""
        return SyncPlugins(self._inner.plugins, self._loop)

    @functools.cached_property
    def templates(self) -> SyncTemplates:
        """``coze.templates``."""
        return SyncTemplates(self._inner.templates, self._loop)

    @functools.cached_property
    def users(self) -> SyncUsers:
        """``coze.users``."""
        return SyncUsers(self._inner.users, self._loop)

    @functools.cached_property
    def variables(self) -> SyncVariables:
        """``coze.variables``."""
        return SyncVariables(self._inner.variables, self._loop)

    @functools.cached_property
    def workflows(self) -> SyncWorkflows:
        """``coze.workflows``: runs, chatflows, listing and schemas, collaboration."""
        return SyncWorkflows(self._inner.workflows, self._loop)

    @functools.cached_property
    def workspaces(self) -> SyncWorkspaces:
        """``coze.workspaces`` and ``.members``."""
        return SyncWorkspaces(self._inner.workspaces, self._loop)
