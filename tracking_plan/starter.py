"""The starter plan that `tp init` writes: small, commented, and valid as written."""

from __future__ import annotations

import json
import re

from . import libraries

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _./-]*[A-Za-z0-9.]|[A-Za-z]")

DEFAULT_LIBRARY = "segment/ecommerce"

_TEMPLATE = """\
# Tracking plan in the format of tracking-plan (see its docs/plan-format.md).
# Compile it with: tp compile {file} -o schemas/
plan: {name_yaml}
version: 0.1.0
description: {description_yaml}
owner: {owner_yaml}

include:
{includes}
conventions:
  events: object-action     # "Object Action" in Title Case: Order Completed
  properties: snake_case

unplanned_events: forbid     # a track event that is not planned is a violation
unplanned_properties: warn   # a property that is not planned is reported

properties:                  # shared definitions; events use them with `ref:`
  plan_tier:
    type: string
    description: Subscription tier of the account.
    enum: [free, pro, enterprise]

events:
  Signup Completed:
    description: A visitor finished creating an account.
    side: client
    platforms: [web]
    properties:
      method:
        type: string
        description: How the account was created.
        enum: [email, google, apple]
        required: true
      plan_tier: {{ref: plan_tier}}

identify:
  description: Who the user is.
  traits:
    email: {{type: email, description: Email address of the user.}}
    plan_tier: {{ref: plan_tier}}
"""


def starter_plan(
    *,
    name: str,
    file: str = "tracking-plan.yaml",
    include: tuple[str, ...] = (DEFAULT_LIBRARY,),
    owner: str = "analytics",
) -> str:
    """YAML text of a starter plan that includes the given spec libraries."""
    unknown = [lib for lib in include if lib not in libraries.NAMES]
    if unknown:
        raise ValueError(
            f"unknown spec library {unknown[0]!r} (libraries: {', '.join(libraries.NAMES)})"
        )
    includes = "".join(f"  - {lib}\n" for lib in include) or "  []\n"
    return _TEMPLATE.format(
        name_yaml=yaml_string(name),
        description_yaml=yaml_string(f"Events that {name} sends."),
        owner_yaml=yaml_string(owner),
        file=file,
        includes=includes,
    )


def yaml_string(text: str) -> str:
    """`text` as a YAML scalar: plain when that reads back as the same string, else quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in ("true", "false", "null", "yes", "no"):
        return text
    return json.dumps(text, ensure_ascii=False)
