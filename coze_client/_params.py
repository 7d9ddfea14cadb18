"""Accept plain dicts and strings wherever a model or enum is accepted, validated before sending."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

import pydantic

from .errors import ValidationError

__all__ = ["check_meta_data", "validate"]

T = TypeVar("T")


@lru_cache(maxsize=256)
def _adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(tp)


def validate(tp: Any, value: Any, name: str) -> Any:
    """Validate ``value`` (a model, dict or list of them) as ``tp``; a clear ValidationError otherwise.

    Examples:
        ```python
        from coze_client.types import EnterMessage
        validate(EnterMessage, {"role": "user", "content": "hi"}, "message").content
        # 'hi'
        ```
    """
    try:
        return _adapter(tp).validate_python(value)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or name}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise ValidationError(f"invalid {name}: {problems}") from None


def check_meta_data(meta_data: Any, name: str = "meta_data") -> dict[str, str] | None:
    """Coze meta_data rules (the Coze chat page): at most 16 pairs, key 1-64 chars, value 1-512 chars."""
    if meta_data is None:
        return None
    if not isinstance(meta_data, dict):
        raise ValidationError(f"{name} must be a dict of str to str")
    if len(meta_data) > 16:
        raise ValidationError(f"{name} has {len(meta_data)} pairs; at most 16 are allowed")
    for key, value in meta_data.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 64:
            raise ValidationError(f"{name} key {key!r} must be a string of 1-64 characters")
        if not isinstance(value, str) or not 1 <= len(value) <= 512:
            raise ValidationError(f"{name}[{key!r}] must be a string of 1-512 characters")
    return dict(meta_data)
