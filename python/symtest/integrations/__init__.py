"""Reward functions for RL trainers, each in the form its trainer loads.

- :mod:`symtest.integrations.trl`: ``code_reward`` for TRL's ``GRPOTrainer``.
- :mod:`symtest.integrations.verl`: ``compute_score`` for verl's
  ``reward.custom_reward_function`` (this file's path).
- :mod:`symtest.integrations.openrlhf`: ``reward_func`` for OpenRLHF's
  ``--reward.remote_url /path/to/openrlhf.py``.

None of them imports its trainer. A sample the sandbox could not judge
(``grader_error``) never becomes a reward of 0: TRL gets ``None`` (it skips
the sample); verl and OpenRLHF, whose protocols have a number for every
sample, get a :class:`symtest.GraderError`.
"""
