"""Typed tracking clients generated from a plan (`tp codegen`).

`generate(plan, language, options)` returns the files of a client as {relative path: text};
each language lives in its own module and registers in `LANGUAGES`. Output is byte-stable: the
same plan always gives the same bytes.
"""

from __future__ import annotations

from ..model import Plan
from .common import HEADER_MARK, CodegenOptions, Generator, Language, header, runtime_file
from .ir import build_client

__all__ = [
    "HEADER_MARK",
    "CodegenError",
    "CodegenOptions",
    "Generator",
    "Language",
    "generate",
    "header",
    "languages",
    "runtime_file",
]


def languages() -> dict[str, Language]:
    from . import kotlin, python, swift, typescript

    return {module.LANGUAGE.name: module.LANGUAGE for module in (typescript, python, swift, kotlin)}


class CodegenError(ValueError):
    """A request the generators cannot fulfil (unknown language or SDK, ...)."""


def generate(plan: Plan, language: str, options: CodegenOptions | None = None) -> dict[str, str]:
    options = options or CodegenOptions()
    known = languages()
    spec = known.get(language)
    if spec is None:
        raise CodegenError(f"unknown language {language!r}; choose one of {', '.join(known)}")
    if options.sdk is not None and options.sdk not in spec.sdks:
        raise CodegenError(
            f"{language} clients are for {', '.join(spec.sdks)}, not {options.sdk!r}"
        )
    if options.runtime_checks and not spec.runtime_checks:
        raise CodegenError(f"--runtime-checks is not available for {language} yet")
    sdk = options.sdk or spec.sdks[0]
    return spec.generate(build_client(plan), CodegenOptions(sdk, options.runtime_checks))
