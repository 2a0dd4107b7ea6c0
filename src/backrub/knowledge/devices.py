"""Handheld massagers as data: profiles, their attachments, and where a device may work.

Seed 003 names the kinds of tool a giver may hold: a small percussion massager
used beside the spine, a full-size one with 13 settings and 7 programs, and a
vibration massager with 10 speeds and heat. The built-in profiles below are
generic ones named by what they are; their figures are the usual ranges of
such tools (percussion roughly 1,200-3,200 strokes a minute with 10-16 mm of
travel; vibration massagers a few thousand cycles a minute), not one brand's.
A person's own device comes in the intake as an object read by
`device_from_dict`, with every bad field named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backrub.errors import Problems, describe, suggest

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

KINDS = ("percussion", "vibration")
FIELDS = ("id", "title", "kind", "speeds_per_minute", "amplitude_mm", "heat", "attachments", "programs")
PER_MINUTE_RANGE = (300.0, 6000.0)  # below this nothing moves the muscle; above it no handheld tool runs
MAX_SPEEDS = 30
MAX_PROGRAMS = 20
MAX_ATTACHMENTS = 12
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,47}$")

# About two minutes on one muscle group in a session, and keep the head moving (domain: the usual
# advice that comes with percussion massagers).
SECONDS_PER_AREA_CAP = 120.0
GLIDE_CM_S = 2.5  # a slow glide, about an inch a second


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    """A head that fits the device: its name, what to call it, how wide it is, how soft."""

    name: str
    title: str  # as the coach says it: "the round head"
    width_cm: float  # the part that touches; half of it is the clearance kept from the spine band
    soft: bool = False  # foam or cushioned: the gentlest choice where tissue is thin
    broad: bool = True  # a broad head spreads the strokes over a muscle; a point does not


ATTACHMENTS: dict[str, Attachment] = {
    a.name: a
    for a in (
        Attachment(name="round", title="the round head", width_cm=4.5),
        Attachment(name="flat", title="the flat head", width_cm=5.0),
        Attachment(name="cushion", title="the soft cushion head", width_cm=5.0, soft=True),
        Attachment(name="bullet", title="the pointed head", width_cm=1.5, broad=False),
        Attachment(name="fork", title="the fork head", width_cm=6.0, broad=False),
        Attachment(name="wedge", title="the wedge head", width_cm=4.0, broad=False),
    )
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceProfile:
    """One handheld massager: its kind, its speed settings (level n is speeds_per_minute[n-1])."""

    id: str
    title: str
    kind: str
    speeds_per_minute: tuple[float, ...]
    heat: bool = False
    attachments: tuple[str, ...]
    programs: tuple[str, ...] = ()
    amplitude_mm: float | None = None

    @property
    def levels(self) -> int:
        return len(self.speeds_per_minute)

    def per_minute(self, level: int) -> float:
        """Strokes (or cycles) a minute at a speed level, 1-based."""
        return self.speeds_per_minute[level - 1]

    @property
    def builtin(self) -> bool:
        return BUILTIN.get(self.id) == self

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "speeds_per_minute": [_number(v) for v in self.speeds_per_minute],
            "heat": self.heat,
            "attachments": list(self.attachments),
            "programs": list(self.programs),
        }
        if self.amplitude_mm is not None:
            out["amplitude_mm"] = _number(self.amplitude_mm)
        return out

    def intake_value(self) -> str | dict[str, Any]:
        """How an intake writes it: the id of a built-in profile, else the whole object."""
        return self.id if self.builtin else self.to_dict()

    @classmethod
    def from_dict(cls, raw: Any) -> DeviceProfile:
        problems = Problems()
        profile = device_from_value(raw, problems, "")
        problems.raise_if_any()
        assert profile is not None  # no problems means a profile
        return profile


def _number(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def _steps(low: float, high: float, n: int) -> tuple[float, ...]:
    """n settings evenly spread from low to high, rounded to tens as devices state them."""
    return tuple(float(round(low + (high - low) * i / (n - 1), -1)) for i in range(n))


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceArea:
    """A large muscle the device may replace the hands on (seed 003 names them for the hands)."""

    zone: str  # zone base name
    title: str
    thin: bool  # little tissue over bone: the gentlest speed, a soft head if there is one


# Beside the spine, between the shoulder blades and the spine, the shoulder tops, the deltoids and
# the lower-back muscles (seed 003's order of work); everything else stays with the hands.
DEVICE_AREAS: dict[str, DeviceArea] = {
    a.zone: a
    for a in (
        DeviceArea(zone="lumbar", title="the lower-back muscles", thin=False),
        DeviceArea(zone="paraspinal", title="the long muscles beside the spine", thin=False),
        DeviceArea(
            zone="interscapular", title="the muscles between the shoulder blade and the spine", thin=False
        ),
        DeviceArea(zone="upper_trapezius", title="the top of the shoulder", thin=True),
        DeviceArea(zone="deltoid", title="the deltoid at the top of the arm", thin=False),
    )
}

# Where the device never goes, and what to call the place (bone, organs, the neck, lymph nodes).
OFF_LIMITS: dict[str, str] = {
    "spine": "the spine",
    "neck_base": "the neck",
    "scapula": "the shoulder blade (bone)",
    "mid_back": "the ribs",
    "flank": "the side of the waist over the lowest ribs",
    "kidney": "the kidney area",
    "axilla": "the underarm",
    "upper_arm": "the upper arm, near the underarm and elbow",
}

# Conditions and goals under which no device is used at all (domain: bruising, fragile bone and skin;
# a bed-rest comfort rub is for skin care, by hand).
NO_DEVICE_CONDITIONS = ("blood_thinners", "bleeding_disorder", "osteoporosis", "fragile_skin")
# Techniques a device may take over: rubbing and kneading the muscle, not strokes, glides or lifting skin.
DEVICE_TECHNIQUES = ("circular_friction", "kneading", "spiral_kneading")
DEVICE_PHASES = ("work", "focus")


BUILTIN: dict[str, DeviceProfile] = {
    p.id: p
    for p in (
        DeviceProfile(
            id="percussion-small",
            title="Small percussion massager",
            kind="percussion",
            speeds_per_minute=(1800.0, 2400.0, 3000.0),
            amplitude_mm=10.0,
            attachments=("round", "flat", "bullet", "fork"),
        ),
        DeviceProfile(
            id="percussion-full",
            title="Full-size percussion massager, 13 settings and 7 programs",
            kind="percussion",
            speeds_per_minute=_steps(1200.0, 3200.0, 13),
            amplitude_mm=16.0,
            attachments=("round", "flat", "cushion", "bullet", "fork", "wedge"),
            programs=("warm-up", "relax", "recovery", "deep", "wave", "pulse", "mixed"),
        ),
        DeviceProfile(
            id="vibration-heat",
            title="Vibration massager with heat, 10 speeds",
            kind="vibration",
            speeds_per_minute=_steps(1500.0, 3600.0, 10),
            heat=True,
            attachments=("round", "flat", "cushion"),
            programs=("knead", "tap", "wave", "mixed"),
        ),
    )
}


def device_from_value(raw: Any, problems: Problems, where: str = "device") -> DeviceProfile | None:
    """A profile from an intake's `device`: a built-in id or an object; problems named under `where`."""
    if isinstance(raw, str):
        found = BUILTIN.get(raw)
        if found is None:
            problems.add(where, f"unknown device {raw!r}; {suggest(raw, BUILTIN)} (see backrub device list)")
        return found
    if not isinstance(raw, dict):
        problems.add(
            where,
            f"expected a built-in device id ({', '.join(BUILTIN)}) or an object with id, kind, "
            f"speeds_per_minute, heat, attachments, programs (got {describe(raw)})",
        )
        return None
    before = len(problems.items)

    def at(key: str) -> str:
        return f"{where}.{key}" if where else key

    problems.unknown_keys(raw, FIELDS, where)
    ident = raw.get("id")
    if not isinstance(ident, str) or not _ID.match(ident):
        problems.add(
            at("id"),
            f"expected a short name of lower-case letters, digits, '-', '_' or '.' (got {describe(ident)})",
        )
    elif ident in BUILTIN:
        problems.add(at("id"), f"{ident!r} is a built-in device; give your own a name of its own")
    title = raw.get("title", ident if isinstance(ident, str) else "")
    if not isinstance(title, str) or not 0 < len(title) <= 80:
        problems.add(at("title"), f"expected a name of 1 to 80 characters (got {describe(title)})")
    kind = raw.get("kind")
    if kind not in KINDS:
        shown = f"unknown kind {kind!r}; " if isinstance(kind, str) else ""
        problems.add(
            at("kind"),
            f"{shown}expected one of {', '.join(KINDS)}"
            + ("" if isinstance(kind, str) else f" (got {describe(kind)})"),
        )
    speeds = _speeds(raw.get("speeds_per_minute"), at("speeds_per_minute"), problems)
    heat = raw.get("heat", False)
    if not isinstance(heat, bool):
        problems.add(at("heat"), f"expected true or false (got {describe(heat)})")
    attachments = _attachments(raw.get("attachments"), at("attachments"), problems)
    programs = _programs(raw.get("programs", []), at("programs"), problems)
    amplitude = raw.get("amplitude_mm")
    if amplitude is not None and (
        isinstance(amplitude, bool) or not isinstance(amplitude, int | float) or not 1 <= amplitude <= 25
    ):
        problems.add(at("amplitude_mm"), f"expected 1 to 25 mm of travel (got {describe(amplitude)})")
    if len(problems.items) > before:
        return None
    return DeviceProfile(
        id=str(ident),
        title=str(title),
        kind=str(kind),
        speeds_per_minute=speeds,
        heat=bool(heat),
        attachments=attachments,
        programs=programs,
        amplitude_mm=float(amplitude) if amplitude is not None else None,
    )


def _speeds(value: Any, where: str, problems: Problems) -> tuple[float, ...]:
    low, high = PER_MINUTE_RANGE
    if not isinstance(value, list) or not value:
        problems.add(
            where, f"expected a list of speed settings per minute, slowest first (got {describe(value)})"
        )
        return ()
    if len(value) > MAX_SPEEDS:
        problems.add(where, f"expected at most {MAX_SPEEDS} speed settings (got {len(value)})")
        return ()
    out: list[float] = []
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, int | float) or v != v:
            problems.add(
                f"{where}[{i}]", f"expected a number of strokes or cycles a minute (got {describe(v)})"
            )
        elif not low <= v <= high:
            problems.add(f"{where}[{i}]", f"expected {low:g} to {high:g} a minute (got {v:g})")
        elif out and v <= out[-1]:
            problems.add(
                f"{where}[{i}]", f"expected settings from slowest to fastest ({v:g} after {out[-1]:g})"
            )
        else:
            out.append(float(v))
    return tuple(out)


def _attachments(value: Any, where: str, problems: Problems) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        problems.add(
            where, f"expected a list of attachment names such as round, flat (got {describe(value)})"
        )
        return ()
    if len(value) > MAX_ATTACHMENTS:
        problems.add(where, f"expected at most {MAX_ATTACHMENTS} attachments (got {len(value)})")
        return ()
    out: list[str] = []
    for i, name in enumerate(value):
        if isinstance(name, str) and name in ATTACHMENTS:  # a dict or list in the list is not a name
            if name not in out:
                out.append(str(name))
        else:
            shown = repr(name) if isinstance(name, str) else describe(name)
            problems.add(f"{where}[{i}]", f"unknown attachment {shown}; {suggest(str(name), ATTACHMENTS)}")
    return tuple(out)


def _programs(value: Any, where: str, problems: Problems) -> tuple[str, ...]:
    if not isinstance(value, list):
        problems.add(where, f"expected a list of program names (got {describe(value)})")
        return ()
    if len(value) > MAX_PROGRAMS:
        problems.add(where, f"expected at most {MAX_PROGRAMS} programs (got {len(value)})")
        return ()
    out: list[str] = []
    for i, name in enumerate(value):
        if not isinstance(name, str) or not 0 < len(name) <= 40:
            problems.add(
                f"{where}[{i}]", f"expected a program name of 1 to 40 characters (got {describe(name)})"
            )
        else:
            out.append(name)
    return tuple(out)


def device_profile(ident: str) -> DeviceProfile:
    """A built-in profile by id; InputError naming `device` when there is none."""
    problems = Problems()
    found = device_from_value(ident, problems)
    problems.raise_if_any()
    assert found is not None
    return found


__all__ = [
    "ATTACHMENTS",
    "BUILTIN",
    "DEVICE_AREAS",
    "DEVICE_PHASES",
    "DEVICE_TECHNIQUES",
    "GLIDE_CM_S",
    "KINDS",
    "NO_DEVICE_CONDITIONS",
    "OFF_LIMITS",
    "SECONDS_PER_AREA_CAP",
    "Attachment",
    "DeviceArea",
    "DeviceProfile",
    "device_from_value",
    "device_profile",
]
