"""Type stubs of the extension module ``symtest._symtest`` (see ``symtest``)."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Optional

__version__: str

class SymtestError(Exception):
    """Base of every error symtest raises; the message is symtest's own."""

class ProblemsError(SymtestError):
    """A problem set could not be read, or holds no usable problem."""

class UnknownTaskError(SymtestError):
    """A sample names a task that is not among the grader's problems."""

class SandboxError(SymtestError):
    """The sandbox cannot be built here (or only with weaker isolation than allowed)."""

class GraderError(SymtestError):
    """The sandbox could not judge a sample: there is no verdict, and so no reward."""

class ExploreError(SymtestError):
    """A program could not be explored (a syntax error, an unknown function, ...)."""

class Problems:
    """A loaded problem set, by task id."""

    def __len__(self) -> int: ...
    def __contains__(self, task_id: object) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def task_ids(self) -> list[str]: ...
    @property
    def errors(self) -> list[str]: ...
    @property
    def format(self) -> Optional[str]: ...
    def prompt(self, task_id: str | int) -> str: ...
    def prefix(self, task_id: str | int) -> str: ...
    def entry_point(self, task_id: str | int) -> Optional[str]: ...
    def reference(self, task_id: str | int) -> Optional[str]: ...
    def tests(self, task_id: str | int) -> tuple[str, int]: ...

class Grader:
    def __init__(
        self,
        problems: Optional[Problems] = None,
        *,
        workers: Optional[int] = None,
        reward: str = "coderl",
        timeout_factor: float = 4.0,
        timeout_floor: Optional[float] = None,
        default_timeout: float = 3.0,
        judge: str = "tokens",
        float_tolerance: float = 1e-6,
        rtol: float = 1e-7,
        atol: float = 1e-9,
        extract: bool = True,
        python: Optional[str] = None,
        memory_mb: int = 2048,
        output_mb: int = 16,
        sandbox_read: Sequence[str] = ...,
        allow_weaker_isolation: bool = False,
    ) -> None: ...
    def grade(
        self, samples: Sequence[Mapping[str, Any]], problems: Optional[Problems] = None
    ) -> list[dict[str, Any]]: ...
    @property
    def problems(self) -> Optional[Problems]: ...
    @property
    def workers(self) -> int: ...
    @property
    def reward(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def weaknesses(self) -> list[str]: ...
    def reference_problems(self) -> dict[str, str]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Grader: ...
    def __exit__(self, *args: object) -> bool: ...

def run_cli(argv: Sequence[str]) -> int: ...
def extract_code(answer: str, entry: Optional[str] = None) -> str: ...
def response_in_query(query: str, prompt: Optional[str] = None) -> str: ...
def answer_text(text: str) -> str: ...
def load_problems_file(path: str, format: Optional[str] = None) -> Problems: ...
def load_problems_rows(
    rows: Sequence[Mapping[str, Any]], format: Optional[str] = None, name: str = "<rows>"
) -> Problems: ...
def generate(
    problems: Problems,
    *,
    only: Optional[Sequence[str]] = None,
    timeout: float = 3.0,
    max_runs: int = 400,
    patience: int = 40,
    patience_time: float = 0.5,
    max_boundary: int = 120,
    call_timeout: float = 0.5,
    query_timeout: float = 0.5,
    solver: str = "z3",
    keep_raising: bool = False,
    minimise: bool = True,
    types: Optional[str] = None,
    assume: Sequence[str] = ...,
    max_tokens: Optional[int] = None,
    external_calls: int = 50,
    workers: Optional[int] = None,
    python: Optional[str] = None,
    memory_mb: int = 2048,
    allow_weaker_isolation: bool = False,
) -> list[dict[str, Any]]: ...
def explore(
    program: str,
    function: Optional[str] = None,
    *,
    solver: str = "z3",
    strategy: str = "dfs",
    reals: bool = False,
    loop_bound: int = 64,
    max_depth: int = 256,
    max_runs: Optional[int] = None,
    max_sat: Optional[int] = None,
    max_unsat: Optional[int] = None,
    patience: Optional[int] = None,
    timeout: Optional[float] = None,
    query_timeout: float = 10.0,
    seed: int = 42,
    prefixes: bool = False,
    names: bool = False,
    types: Optional[str] = None,
    assume: Sequence[str] = ...,
) -> dict[str, Any]: ...
