"""support_bot: the app of the testing guide, a help desk that answers users through a Coze bot.

It streams each answer, answers many users at once (the client paces the calls to the plan), and
turns the two failures a user may see into friendly replies: the free quota used up (the client
refuses before sending, so the account is never locked out) and an answer that breaks off mid-stream.
"""

from __future__ import annotations

import asyncio

from coze_client import AsyncCoze, QuotaExhaustedError, StreamError

BOT_ID = "7351000000000000001"
QUOTA_REPLY = "Our assistant has used up its free answers; a colleague will reply to you soon."
BROKEN_REPLY = "Sorry, the answer broke off. Please ask again."


async def answer(coze: AsyncCoze, user_id: str, question: str) -> str:
    """The bot's answer to ``question``, streamed and joined; a friendly reply when it cannot answer."""
    parts: list[str] = []
    try:
        async with coze.chat.stream(bot_id=BOT_ID, user_id=user_id, additional_messages=[question]) as events:
            async for event in events:
                if event.event == "conversation.message.delta" and event.message is not None:
                    parts.append(event.message.content)
    except QuotaExhaustedError:
        return QUOTA_REPLY
    except StreamError:
        return BROKEN_REPLY
    return "".join(parts)


async def answer_all(coze: AsyncCoze, questions: dict[str, str]) -> dict[str, str]:
    """Answer every ``{user_id: question}`` at once; the client keeps the calls within the plan."""
    replies = await asyncio.gather(*(answer(coze, user, question) for user, question in questions.items()))
    return dict(zip(questions, replies, strict=True))
