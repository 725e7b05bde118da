"""The whole dump for a seed: visits until there are enough messages, server jobs, planted
problems, in timestamp order, one JSON object a line."""

from __future__ import annotations

import json
from datetime import timedelta

from .catalog import BASE_TIME, WINDOW_SECONDS, Json
from .generator import Generator
from .problems import PROBLEM_KINDS, inject_problems
from .server import server_jobs
from .visits import mobile_visit, web_visit


def enough_for_problems(gen: Generator) -> bool:
    """True when there are enough messages of each kind for inject_problems()."""
    orders = {"web": 0, "ios": 0, "android": 0}
    for o in gen.orders:
        orders[o["user"]["platform"]] += 1
    mobile_carts = sum(
        1
        for _, _, m in gen.messages
        if m.get("event") == "Cart Viewed" and "device" in m["context"]
    )
    pushes = sum(1 for _, _, m in gen.messages if m.get("event") == "Push Permission Granted")
    return (
        min(orders.values()) >= 3
        and sum(orders.values()) >= 10
        and mobile_carts >= 5
        and pushes >= 2
    )


def generate(gen: Generator) -> list[Json]:
    """The messages in timestamp order, problems planted."""
    rng = gen.rng
    # inject_problems() adds 9 messages (unplanned, duplicate and deprecated events)
    # and server_jobs() about 10.
    visits_until = gen.count - 9 - 12
    returning: list[Json] = []
    while len(gen.messages) < visits_until or not enough_for_problems(gen):
        platform = gen.deal("platform", ["web", "ios", "android"])
        t = BASE_TIME + timedelta(seconds=rng.randint(0, WINDOW_SECONDS - 3 * 3600))
        pool = [u for u in returning if u["platform"] == platform]
        if pool and rng.random() < 0.3:
            user = rng.choice(pool)
            t = max(t, user["last_seen"] + timedelta(minutes=rng.randint(30, 600)))
            if user["platform"] == "web":
                web_visit(gen, user, t)
            else:
                mobile_visit(gen, user, t, first=False)
            continue
        if platform == "web":
            user = gen.make_user("web", known=rng.random() < 0.5)
            gen.users.append(user)
            web_visit(gen, user, t)
        else:
            first = rng.random() < 0.3
            user = gen.make_user(platform, known=True)
            gen.users.append(user)
            mobile_visit(gen, user, t, first=first)
        returning.append(user)
    server_jobs(gen)
    inject_problems(gen)
    gen.messages.sort(key=lambda x: (x[0], x[1]))
    return [m for _, _, m in gen.messages]


def render(seed: int, count: int) -> tuple[str, dict[str, list[int]]]:
    gen = Generator(seed, count)
    messages = generate(gen)
    lines = [json.dumps(m, separators=(",", ":"), sort_keys=False) for m in messages]
    summary: dict[str, list[int]] = {k: [] for k in PROBLEM_KINDS}
    for lineno, m in enumerate(messages, 1):
        kind = gen.problems.get(id(m))
        if kind:
            summary[kind].append(lineno)
    return "\n".join(lines) + "\n", summary
