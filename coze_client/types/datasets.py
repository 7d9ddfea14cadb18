"""Knowledge models: datasets, documents, images (the Coze knowledge pages)."""

from __future__ import annotations

import base64
from enum import Enum
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from .._models import CozeModel

__all__ = [
    "CreateDatasetResult",
    "Dataset",
    "DatasetFormatType",
    "Document",
    "DocumentBase",
    "DocumentChunkStrategy",
    "DocumentProgress",
    "DocumentSourceInfo",
    "DocumentStatus",
    "DocumentUpdateRule",
    "Photo",
]

#: File types a local document may have (§5.6).
LOCAL_FILE_TYPES = frozenset({"pdf", "txt", "doc", "docx"})


class DatasetFormatType(int, Enum):
    """Kind of knowledge base: text documents or images (1, tables, exists for listing only)."""

    DOCUMENT = 0
    TABLE = 1
    IMAGE = 2


class DocumentStatus(int, Enum):
    """Processing state of a document (``datasets.process``)."""

    PROCESSING = 0
    COMPLETED = 1
    FAILED = 9


class DocumentUpdateRule(BaseModel):
    """Automatic refresh of a web-page document: ``update_type`` 1 = refresh every ``update_interval`` hours.

    Examples:
        ```python
        DocumentUpdateRule.every(hours=24).model_dump()
        # {'update_type': 1, 'update_interval': 24}
        ```
    """

    model_config = ConfigDict(extra="forbid")

    update_type: Literal[0, 1] = 0
    update_interval: int | None = Field(default=None, ge=24)

    @classmethod
    def every(cls, *, hours: int) -> DocumentUpdateRule:
        """Refresh automatically every ``hours`` (at least 24).

        Args:
            hours: the refresh interval in hours (at least 24).
        """
        return cls(update_type=1, update_interval=hours)

    @classmethod
    def never(cls) -> DocumentUpdateRule:
        """Do not refresh."""
        return cls(update_type=0)


class DocumentSourceInfo(BaseModel):
    """Where a document comes from: a local file (base64 + type), a web page, or an uploaded image."""

    model_config = ConfigDict(extra="forbid")

    file_base64: str | None = None
    file_type: str | None = None
    web_url: str | None = None
    document_source: Literal[0, 1, 5] | None = None
    source_file_id: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> DocumentSourceInfo:
        sources = [self.file_base64 is not None, self.web_url is not None, self.source_file_id is not None]
        if sum(sources) != 1:
            raise ValueError("give exactly one of file_base64 (+file_type), web_url or source_file_id")
        if self.file_base64 is not None:
            if (self.file_type or "").lower() not in LOCAL_FILE_TYPES:
                raise ValueError(f"file_type must be one of {sorted(LOCAL_FILE_TYPES)} for a local file")
            self.file_type = (self.file_type or "").lower()
        if self.web_url is not None:
            self.document_source = 1
        if self.source_file_id is not None:
            self.document_source = 5
        return self


class DocumentBase(BaseModel):
    """One document to add to a knowledge base (``datasets.documents.create``).

    Examples:
        ```python
        DocumentBase.web_page("Docs", "https://example.com").source_info.document_source
        # 1
        DocumentBase.local_bytes("a.txt", b"hello", "txt").source_info.file_base64
        # 'aGVsbG8='
        ```
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    source_info: DocumentSourceInfo
    update_rule: DocumentUpdateRule | None = None
    caption: str | None = None

    @classmethod
    def local_bytes(cls, name: str, content: bytes, file_type: str) -> DocumentBase:
        """A local file's content (pdf, txt, doc, docx), sent base64-encoded.

        Args:
            name: the document's name in the knowledge base.
            content: the file's raw bytes (encoded to base64 here).
            file_type: the file's type: ``"pdf"``, ``"txt"``, ``"doc"`` or ``"docx"``.
        """
        info = DocumentSourceInfo(file_base64=base64.b64encode(content).decode("ascii"), file_type=file_type)
        return cls(name=name, source_info=info)

    @classmethod
    def web_page(cls, name: str, url: str, *, update_interval_hours: int | None = None) -> DocumentBase:
        """A web page, optionally refreshed every ``update_interval_hours`` (at least 24).

        Args:
            name: the document's name in the knowledge base.
            url: the web page's URL.
            update_interval_hours: refresh the page every this many hours (at least 24); ``None``: no refresh rule.
        """
        rule = DocumentUpdateRule.every(hours=update_interval_hours) if update_interval_hours else None
        return cls(name=name, source_info=DocumentSourceInfo(web_url=url), update_rule=rule)

    @classmethod
    def image(cls, name: str, source_file_id: str, *, caption: str | None = None) -> DocumentBase:
        """An image uploaded with ``coze.files.upload`` (image knowledge bases, ``format_type=2``).

        Args:
            name: the document's name in the knowledge base.
            source_file_id: the id ``coze.files.upload`` returned for the image.
            caption: the image's caption (``None``: none given; set it when ``caption_type`` is manual).
        """
        return cls(name=name, source_info=DocumentSourceInfo(source_file_id=source_file_id), caption=caption)


class DocumentChunkStrategy(BaseModel):
    """How documents are cut (honoured on the first upload into a knowledge base only).

    ``chunk_type`` 0 automatic, 1 custom (then ``separator`` and ``max_tokens`` 100-2000 apply);
    ``caption_type`` 0 automatic, 1 manual (set it explicitly on the first image upload).

    Examples:
        ```python
        DocumentChunkStrategy.custom(separator="\\n\\n", max_tokens=800).chunk_type
        # 1
        ```
    """

    model_config = ConfigDict(extra="forbid")

    chunk_type: Literal[0, 1] | None = None
    separator: str | None = None
    max_tokens: int | None = Field(default=None, ge=100, le=2000)
    remove_extra_spaces: bool | None = None
    remove_urls_emails: bool | None = None
    caption_type: Literal[0, 1] | None = None

    @model_validator(mode="after")
    def _custom_only(self) -> DocumentChunkStrategy:
        if self.chunk_type != 1 and (self.separator is not None or self.max_tokens is not None):
            raise ValueError("separator and max_tokens need chunk_type=1 (custom)")
        return self

    @classmethod
    def auto(cls) -> DocumentChunkStrategy:
        """Automatic chunking."""
        return cls(chunk_type=0)

    @classmethod
    def custom(cls, *, separator: str, max_tokens: int, remove_extra_spaces: bool | None = None,
               remove_urls_emails: bool | None = None) -> DocumentChunkStrategy:
        """Custom chunking by separator and size.

        Args:
            separator: the text to cut at, e.g. ``"\\n\\n"``.
            max_tokens: the most tokens per chunk, 100-2000.
            remove_extra_spaces: also collapse runs of spaces, newlines and tabs (``None``: not sent).
            remove_urls_emails: also remove URLs and e-mail addresses (``None``: not sent).
        """
        return cls(chunk_type=1, separator=separator, max_tokens=max_tokens,
                   remove_extra_spaces=remove_extra_spaces, remove_urls_emails=remove_urls_emails)


class CreateDatasetResult(CozeModel):
    """Answer of ``datasets.create``."""

    dataset_id: str = ""


class Dataset(CozeModel):
    """A knowledge base. ``status`` 1 enabled, 3 disabled; ``format_type`` 0 text, 1 table, 2 image."""

    dataset_id: str = ""
    name: str = ""
    description: str | None = None
    space_id: str | None = None
    status: int | None = None
    format_type: int | None = None
    can_edit: bool | None = None
    icon_url: str | None = None
    avatar_url: str | None = None
    doc_count: int | None = None
    file_list: list[str] | None = None
    hit_count: int | None = None
    bot_used_count: int | None = None
    slice_count: int | None = None
    all_file_size: int | None = None
    chunk_strategy: dict[str, Any] | None = None
    failed_file_list: list[str] | None = None
    processing_file_list: list[str] | None = None
    processing_file_id_list: list[str] | None = None
    creator_id: str | None = None
    creator_name: str | None = None
    create_time: int | None = None
    update_time: int | None = None


class Document(CozeModel):
    """A document of a knowledge base (ids arrive as strings thanks to ``Agw-Js-Conv: str``).

    Attributes:
        document_id: the document's id.
        document_name: its name (the list endpoint sends it as ``name``; `DocumentProgress` uses the same
            attribute). ``name`` still reads it, for code written before.
        char_count: characters in the document.
        format_type: 0 text, 2 image.
        hit_count: how often it was hit in retrieval.
        size: size in bytes.
        slice_count: the chunks it was cut into.
        source_type: where it came from (0 local file, 1 web page, 5 uploaded file).
        status: 0 processing, 1 done, 9 failed.
        type: the file type (``pdf``, ``txt``, ...).
        update_interval: hours between refreshes of a web page.
        update_type: 0 no refresh, 1 automatic refresh.
        create_time: Unix seconds.
        update_time: Unix seconds.
    """

    document_id: str = ""
    document_name: str | None = Field(default=None, validation_alias=AliasChoices("document_name", "name"))
    char_count: int | None = None
    chunk_strategy: dict[str, Any] | None = None
    format_type: int | None = None
    hit_count: int | None = None
    size: int | None = None
    slice_count: int | None = None
    source_type: int | None = None
    status: int | None = None
    type: str | None = None
    update_interval: int | None = None
    update_type: int | None = None
    create_time: int | None = None
    update_time: int | None = None
    tos_uri: str | None = None

    @property
    def name(self) -> str | None:
        """The document's name: the same as ``document_name`` (kept for code written before)."""
        return self.document_name


class DocumentProgress(CozeModel):
    """Processing progress of one document (``status`` 0 processing, 1 done, 9 failed; ``progress`` in %).

    Attributes:
        document_id: the document's id.
        document_name: its name (the same attribute as on `Document`).
        status: 0 processing, 1 done, 9 failed.
        progress: percent processed.
        remaining_time: seconds the service expects processing to take still.
        status_descript: why processing failed, when it did.
        url: the document's URL, for web pages.
        size: size in bytes.
        type: the file type.
        update_type: 0 no refresh, 1 automatic refresh.
        update_interval: hours between refreshes of a web page.
    """

    document_id: str = ""
    url: str | None = None
    size: int | None = None
    type: str | None = None
    status: int | None = None
    progress: int | None = None
    update_type: int | None = None
    document_name: str | None = None
    remaining_time: int | None = None
    status_descript: str | None = None
    update_interval: int | None = None

    @property
    def is_done(self) -> bool:
        """True once the document finished processing (successfully or not)."""
        return self.status in (DocumentStatus.COMPLETED.value, DocumentStatus.FAILED.value)

    @property
    def is_failed(self) -> bool:
        """True when processing failed (see ``status_descript``)."""
        return self.status == DocumentStatus.FAILED.value


class Photo(CozeModel):
    """An image of an image knowledge base."""

    document_id: str = ""
    url: str | None = None
    name: str | None = None
    size: int | None = None
    type: str | None = None
    status: int | None = None
    caption: str | None = None
    creator_id: str | None = None
    source_type: int | None = None
    create_time: int | None = None
    update_time: int | None = None
