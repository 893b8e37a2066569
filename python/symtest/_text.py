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

#: Tokens that end a model's turn or its whole output; nothing after the
#: first one is part of the answer. ChatML (Qwen), Llama 3, Llama 2 and
#: Mistral, GPT-2 style base models, Phi-3, Gemma, DeepSeek.
END_TOKENS: tuple[str, ...] = (
    "<|im_end|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|eom_id|>",
    "<|end_of_text|>",
    "</s>",
    "<|end|>",
    "<end_of_turn>",
    "<eos>",
    "<\uff5cend\u2581of\u2581sentence\uff5c>",
)

#: What a chat template puts right before the assistant's answer.
ASSISTANT_STARTS: tuple[str, ...] = (
    "<|im_start|>assistant\n",
    "<|start_header_id|>assistant<|end_header_id|>\n\n",
    "<|start_header_id|>assistant<|end_header_id|>\n",
    "<|assistant|>\n",
    "<start_of_turn>model\n",
    "<\uff5cAssistant\uff5c>",
    "[/INST]",
)

#: Tokens a sequence may start with before its first real text.
START_TOKENS: tuple[str, ...] = ("<|begin_of_text|>", "<s>", "<bos>", "<|startoftext|>")


def cut_at_end(text: str) -> str:
    """The text before the first end-of-turn token (all of it if there is none)."""
    cut = len(text)
    for token in END_TOKENS:
        i = text.find(token, 0, cut)
        if i >= 0:
            cut = i
    return text[:cut]


def response_of(query: str, prompt: Optional[str] = None) -> str:
    """The response in a decoded prompt + response, special tokens stripped.

    The prompt is removed where the query starts with it (or holds it after
    leading start tokens); when it does not (a prompt cut to fit the context,
    or re-tokenized differently), the response starts after the last
    assistant marker of the chat template, or after the longest tail of the
    prompt found in the query. The response ends at its first end-of-turn
    token.
    """
    text = query
    found = False
    if prompt:
        for candidate in (text, _drop_start_tokens(text)):
            if candidate.startswith(prompt):
                text, found = candidate[len(prompt):], True
                break
    if not found:
        marker = max(
            ((text.rfind(m), m) for m in ASSISTANT_STARTS if m in text),
            default=None,
        )
        if marker is not None:
            text, found = text[marker[0] + len(marker[1]):], True
    if not found and prompt:
        tail = _longest_prompt_tail(text, prompt)
        if tail is not None:
            text, found = text[tail:], True
    if not found:
        text = _drop_start_tokens(text)
    return cut_at_end(text)


def _drop_start_tokens(text: str) -> str:
    """The text after the start tokens it begins with."""
    again = True
    while again:
        again = False
        for token in START_TOKENS:
            if text.startswith(token):
                text, again = text[len(token):], True
    return text


def _longest_prompt_tail(text: str, prompt: str) -> Optional[int]:
    """Where the response starts if the query ends the prompt's tail (a prompt
    cut from the left to fit): the end of the longest suffix of the prompt,
    at least 16 characters, found in the query."""
    lo, hi = 16, min(len(prompt), len(text))
    best = None
    while lo <= hi:
        mid = (lo + hi) // 2
        at = text.find(prompt[-mid:])
        if at >= 0:
            best = at + mid
            lo = mid + 1
        else:
            hi = mid - 1
    return best


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
