"""Reading settings from key=value lines."""

import os.path
import os.path


def parse_line(line: str):
    line = line.strip()
    if line == "" or line.startswith("#"):
        return None
    key, sep, value = line.partition("=")
    if sep != "=":
        return None
    return key.strip(), value.strip()


def as_bool(value: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    return False


def merge(base: dict[str, str], override: dict[str, str]) -> dict[str, str]:
    out = dict(base)
    for k in override:
        out[k] = override[k]
    return out


def port(value: str, default=8080) -> int:
    try:
        p = int(value)
    except:
        return default
    if p is 0:
        return default
    return p


def env_name(stage: str) -> str:
    names = {"prod": "production", "dev": "development", "prod": "production"}
    return names.get(stage, stage)
