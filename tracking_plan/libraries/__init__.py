"""Built-in spec libraries that a plan can `include:` by name (shipped as package data)."""

from __future__ import annotations

from importlib import resources

NAMES: tuple[str, ...] = (
    "segment/mobile",
    "segment/email",
    "segment/ecommerce",
    "segment/b2b-saas",
    "segment/video",
    "segment/ab-testing",
    "segment/live-chat",
    "segment/ai-copilot",
)


def read_text(name: str) -> str:
    """The YAML text of a library; `name` must be one of NAMES."""
    if name not in NAMES:
        raise KeyError(name)
    return resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
