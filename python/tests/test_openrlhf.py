"""OpenRLHF's reward function file: loaded by its path as OpenRLHF's
SingleTurnAgentExecutor does, called with queries decoded with their special
tokens. Every form must be graded as the bare code would be."""

from __future__ import annotations

import importlib.util

import pytest

import symtest.integrations.openrlhf as installed
from conftest import humaneval_path
from symtest._text import completion_text, response_of

SYSTEM = "You are a helpful coding assistant."


def load_reward_func():
    spec = importlib.util.spec_from_file_location("reward_func", installed.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.reward_func


def qwen(user):
    return (
        f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def llama3(user):
    return (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
        f"{SYSTEM}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n{user}<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )


def chat_answer(row):
    return "Here is the function:\n\n```python\n" + row["prompt"] + row["canonical_solution"] + "```"


WRONG_BODY = "    return []\n"


def cases(rows):
    """(query, prompt, label, the bare code the query must grade as)."""
    out = []
    for row in rows:
        for answer in (chat_answer(row), "```python\n" + row["prompt"] + WRONG_BODY + "```"):
            p = qwen("Complete this function:\n" + row["prompt"])
            out.append((p + answer + "<|im_end|>\n<|endoftext|>", p, row["task_id"], answer))
            p = llama3("Complete this function:\n" + row["prompt"])
            out.append((p + answer + "<|eot_id|>", p, row["task_id"], answer))
        for body in (row["canonical_solution"], WRONG_BODY):
            p = row["prompt"]
            out.append((p + body + "<|endoftext|>", p, row["task_id"], body))
    return out


@pytest.fixture
def problems_env(monkeypatch):
    monkeypatch.setenv("SYMTEST_PROBLEMS", str(humaneval_path()))


def verdict(o):
    return (o["status"], o["passed"], o["total"], o["reward"])


def test_templated_queries_grade_as_the_bare_code(humaneval_rows, humaneval_grader, problems_env):
    reward_func = load_reward_func()
    rows = [humaneval_rows[i] for i in (0, 12, 53)]
    all_cases = cases(rows)
    queries, prompts, labels, bare = (list(x) for x in zip(*all_cases))
    got = reward_func(queries, prompts, labels)
    want = humaneval_grader.grade(
        [{"task_id": t, "completion": b} for t, b in zip(labels, bare)]
    )
    rewards = [float(r) for r in got["rewards"]]
    assert rewards == [o["reward"] for o in want]
    # Chat and base answers alike: the right ones pass, the wrong ones fail.
    statuses = [o["status"] for o in want]
    assert statuses == ["passed", "passed", "failed", "failed", "passed", "failed"] * 3
    assert [float(s) for s in got["scores"]] == [1.0 if s == "passed" else 0.0 for s in statuses]
    assert [float(p) for p in got["extra_logs"]["pass_rate"]] == [
        o["passed"] / o["total"] for o in want
    ]


def test_one_query_at_a_time_as_openrlhf_sends_them(humaneval_rows, humaneval_grader, problems_env):
    reward_func = load_reward_func()
    row = humaneval_rows[0]
    for query, prompt, label, bare in cases([row]):
        got = reward_func([query], [prompt], [label])
        want = humaneval_grader.grade({"task_id": label, "completion": bare})[0]["reward"]
        assert [float(r) for r in got["rewards"]] == [want]


def test_inline_tests_as_labels():
    reward_func = load_reward_func()
    label = '{"inputs": ["2 3\\n"], "outputs": ["5\\n"]}'
    prompt = qwen("Read two numbers and print their sum.")
    answer = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
    got = reward_func([prompt + answer + "<|im_end|>"], [prompt], [label])
    assert [float(r) for r in got["rewards"]] == [1.0]


def test_response_of_each_template():
    code = "```python\nprint(1)\n```"
    for template in (qwen, llama3):
        p = template("hi")
        assert response_of(p + code + "<|im_end|><|endoftext|>", p) == code
        assert response_of(p + code + "<|eot_id|>", p) == code
        # The prompt re-tokenized differently, or cut: the assistant marker.
        assert response_of(p.replace("hi", "hi "), None) == ""
        assert response_of(p + code + "<|eot_id|>", "something else") == code
    base = "def f(x):\n    \"\"\"Doubles x, a long enough docstring.\"\"\"\n"
    assert response_of(base + "    return 2 * x\n<|endoftext|><|endoftext|>", base) == "    return 2 * x\n"
    # A prompt cut from the left to fit the context: its tail still marks the start.
    assert response_of(base[10:] + "    return 2 * x\n</s>", base) == "    return 2 * x\n"
    assert response_of("<s>" + base + "    return x\n</s>", base) == "    return x\n"


def test_completion_text_forms():
    assert completion_text("    return 1\n<|im_end|>") == "    return 1\n"
    assert completion_text([{"role": "assistant", "content": "x = 1"}]) == "x = 1"
    parts = [{"role": "assistant", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]
    assert completion_text(parts) == "ab"
    turns = [
        {"role": "assistant", "content": "calling a tool"},
        {"role": "tool", "content": "42"},
        {"role": "assistant", "content": "final"},
    ]
    assert completion_text(turns) == "final"
    with pytest.raises(TypeError):
        completion_text(3)
