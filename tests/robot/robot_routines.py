"""Hand-made routines in the format of DESIGN.md, small enough for fast tests."""

from __future__ import annotations

import copy
from typing import Any

from backrub.geometry import circles_along, line, zigzag


def _step(
    technique: str,
    path: list[tuple[float, float]],
    *,
    pressure: str = "light",
    side: str = "both",
    reps: int = 5,
    seconds: float = 30.0,
    zones: tuple[str, ...] = ("paraspinal_left", "paraspinal_right"),
) -> dict[str, Any]:
    return {
        "phase": "work",
        "technique": technique,
        "zones": list(zones),
        "side": side,
        "direction": "up",
        "pressure": pressure,
        "reps": reps,
        "seconds": seconds,
        "path": [[round(x, 2), round(y, 2)] for x, y in path],
        "cue": "",
        "rules": [],
    }


def short_routine(pressure: str = "medium", spots: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Four steps, about two minutes of work: a loop, a stroke, circles and kneading."""
    steps = [
        _step(
            "stroking",
            line(
                [(2.6, 2.0), (2.6, 40.0), (9.0, 44.0), (13.0, 30.0), (12.0, 3.0), (3.4, 2.6)],
                step=3.0,
            ),
            pressure="light",
            side="right",
            reps=2,
        ),
        _step(
            "thumb_glide",
            line([(4.0, 2.0), (4.0, 45.0)], step=3.0),
            pressure=pressure,
            side="right",
            reps=2,
            seconds=20.0,
        ),
        _step(
            "circular_friction",
            circles_along([(8.0, 30.0), (8.0, 40.0)], radius=2.0, spacing=3.5),
            pressure=pressure,
            side="both",
            reps=2,
            seconds=24.0,
            zones=("mid_back_left", "mid_back_right"),
        ),
        _step(
            "kneading",
            circles_along([(-9.0, 5.0), (-9.0, 11.0)], radius=2.0, spacing=3.0),
            pressure=pressure,
            side="left",
            reps=2,
            seconds=20.0,
            zones=("lumbar_left",),
        ),
    ]
    return {
        "format": "backrub.routine/1",
        "minutes": sum(s["seconds"] for s in steps) / 60,
        "screening": None,
        "intake": {
            "giver": "robot",
            "pressure": pressure,
            "spots": spots or [],
            "body": {"back_length_cm": 50, "shoulder_width_cm": 42, "waist_width_cm": 32},
        },
        "steps": steps,
    }


def patting_routine() -> dict[str, Any]:
    r = short_routine()
    r["steps"] = [
        _step(
            "patting",
            zigzag([(10.0, 20.0), (10.0, 35.0)], width=4.0, pitch=2.0),
            pressure="medium",
            side="right",
            reps=1,
            seconds=10.0,
        )
    ]
    return r


def with_step(routine: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(routine)
    out["steps"][index].update(changes)
    return out
