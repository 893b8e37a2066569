"""Model output as trainers hand it over, back to the answer a model gave.

Trainers pass text in three shapes: a plain completion (TRL's standard
form), chat messages (TRL's conversational form), and a whole decoded
sequence, prompt and response, with the chat template's special tokens left
in (OpenRLHF's ``queries``). Each becomes the answer text; the grader then
takes the code out of a chat answer's fences itself (``extract_code``, the
same function the ``symtest grade`` command uses), so this module never
looks for code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Optional

from ._symtest import answer_text, response_in_query


def cut_at_end(text: str) -> str:
    """The text before the first end-of-turn token (all of it if there is none)."""
    return answer_text(text)


def response_of(query: str, prompt: Optional[str] = None) -> str:
    """The response in a decoded prompt + response, special tokens stripped:
    what follows the prompt (or the chat template's last assistant turn, or
    the longest tail of a cut prompt), up to the first end-of-turn token.
    The reward server's ``/get_reward`` cuts queries with the same code."""
    return response_in_query(query, prompt)


def completion_text(completion: Any) -> str:
    """A TRL completion as text: a string as it is, chat messages as the
    last assistant message's content (text parts joined), end tokens cut."""
    if isinstance(completion, str):
        return cut_at_end(completion)
    if isinstance(completion, Mapping):
        completion = [completion]
    if isinstance(completion, Sequence):
        for message in reversed(completion):
            if not isinstance(message, Mapping):
                break
            if message.get("role", "assistant") != "assistant":
                continue
            content = message.get("content")
            if content is None:
                continue
            return cut_at_end(_content_text(content))
        else:
            return ""
    raise TypeError(
        "a completion is a string or a list of chat messages ({'role': ..., 'content': ...}), "
        f"not {type(completion).__name__}"
    )


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, Mapping) and part.get("type", "text") == "text":
                parts.append(str(part.get("text", "")))
        return "".join(parts)
    raise TypeError(f"a message's content is text or a list of parts, not {type(content).__name__}")
