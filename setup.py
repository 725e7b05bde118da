"""Builds the native record scanner of `tp validate` (everything else is in pyproject.toml).

The extension is optional: where it cannot be compiled, `tp validate` uses its pure-Python
fast path, with the same verdicts, more slowly."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "tracking_plan.validate._scan",
            ["tracking_plan/validate/_scan.c"],
            optional=True,
            extra_compile_args=["-O3", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
        )
    ]
)
