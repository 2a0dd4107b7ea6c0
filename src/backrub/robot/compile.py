"""Compile a verified routine into a robot trajectory, then check it sample by sample.

How one probe performs what two hands would:
- side `both`: all repetitions on the receiver's right, then all on the left
  (mirrored), each at the step's tempo, so two-sided steps take twice as long;
- a path that ends where it starts (circles, loops) is glided continuously
  through its repetitions; an open path (a stroke) is lifted off at its end and
  carried back through the air to start again;
- between steps, and around any excluded place a path would cross, the probe
  lifts off, travels at `lift_m` over the skin and lands softly (rest to rest,
  minimum jerk), then ramps the force in; a `lead_in` glide is not used;
- `skin_check` is skipped (it is a look, not a touch); `arm_rotation` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.ndimage import gaussian_filter1d, minimum_filter1d, uniform_filter1d

from backrub.errors import InputError, Problem
from backrub.knowledge.body import Body
from backrub.robot.capmap import CapMap, cap_map_for
from backrub.robot.check import Violation, check_trajectory
from backrub.robot.motions import MOTIONS, PAT_HZ, REFUSED, SKIPPED, force_pattern, pat_lift
from backrub.robot.profile import RobotProfile
from backrub.robot.slowdown import MOTION_RULES, motion_factor, stretch
from backrub.robot.surface import BackSurface, surface_from_body
from backrub.robot.timing import Limits, air_move, glide_arclength, kinematic_peaks
from backrub.robot.trajectory import Trajectory
from backrub.routine.model import Routine, Step

DENSE_CM = 0.2  # resampling step of a path on the map
SMOOTH_CM = 0.5  # corner rounding, so the probe can follow without a jerk
CLOSED_CM = 1.5  # a path ending this near its start is a loop
MIN_RUN_CM = 1.0  # shorter pieces between excluded places are dropped
RAMP_S = 0.4  # force ramps when landing and before lifting off
CAP_SMOOTH_S = 0.3  # force eases down before a lower cap, never after
TIME_TOLERANCE = 0.05  # the trajectory's length may differ from the routine's by this share (issue 10)
FIT_TOLERANCE = 0.02  # the trajectory's length against the routine's (issue: within 5 %)
FIT_ROUNDS = 4
SLOW_ROUNDS = 4  # rounds of local slowing where only motion limits fail
SLOW_STEP = 1.25  # each round asks for this much margin on the failing limit


class TrajectoryCheckError(ValueError):
    """The compiled trajectory breaks a limit; nothing should be written."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("\n".join(str(v) for v in violations))


@dataclass(slots=True)
class _Samples:
    """Pieces laid end to end; each piece's first sample repeats the last one's end."""

    position: list[np.ndarray] = field(default_factory=list)
    normal: list[np.ndarray] = field(default_factory=list)
    force: list[np.ndarray] = field(default_factory=list)
    step: list[np.ndarray] = field(default_factory=list)
    last: tuple[np.ndarray, np.ndarray, np.ndarray, int] | None = None

    def add(self, pos: np.ndarray, nrm: np.ndarray, force: np.ndarray, step: int) -> None:
        self.position.append(pos[:-1])
        self.normal.append(nrm[:-1])
        self.force.append(force[:-1])
        self.step.append(np.full(len(pos) - 1, step, np.int32))
        self.last = (pos[-1:], nrm[-1:], force[-1:], step)

    def finish(self) -> tuple[np.ndarray, ...]:
        assert self.last is not None, "finish() before any piece"
        pos, nrm, force, step = self.last
        return (
            np.concatenate([*self.position, pos]),
            np.concatenate([*self.normal, nrm]),
            np.concatenate([*self.force, force]),
            np.concatenate([*self.step, np.array([step], np.int32)]),
        )


def robot_problems(routine: Routine) -> list[Problem]:
    """What a robot cannot perform in a routine, each naming its field."""
    problems = []
    for i, step in enumerate(routine.steps):
        if step.technique in REFUSED:
            problems.append(
                Problem(
                    path=f"steps[{i}].technique",
                    message=f"a robot cannot perform {step.technique!r}; plan the routine with"
                    " giver 'robot' so that it is left out",
                )
            )
        elif step.technique not in MOTIONS and step.technique not in SKIPPED:
            problems.append(
                Problem(path=f"steps[{i}].technique", message=f"no robot motion for {step.technique!r}")
            )
    if not any(s.technique in MOTIONS for s in routine.steps):
        problems.append(Problem(path="steps", message="no step the robot can perform"))
    return problems


def compile_routine(
    routine: Routine,
    *,
    profile: RobotProfile | None = None,
    rate_hz: float = 500.0,
    surface: BackSurface | None = None,
    check: bool = True,
    verify: bool = True,
) -> Trajectory:
    """The trajectory of a routine; raises InputError or TrajectoryCheckError, never half-done.

    `verify` passes the routine through the one gate first (backrub.gate: the method's verifier);
    only tests that compile a fragment of a routine on purpose turn it off.
    """
    profile = profile or RobotProfile()
    if verify:
        from backrub.gate import Unverified, verified

        try:
            verified(routine, routine.intake)
        except Unverified as bad:
            raise InputError(
                [Problem(path=f.where, message=f"{f.rule}: {f.message}") for f in bad.report.errors]
            ) from None
    problems = robot_problems(routine)
    if not 20.0 <= rate_hz <= 2000.0:
        problems.append(Problem(path="rate_hz", message=f"expected 20 to 2000 Hz (got {rate_hz:g})"))
    if problems:
        raise InputError(problems)
    body = routine.intake.body if routine.intake else Body()
    spots = routine.intake.spots if routine.intake else ()
    surface = surface or surface_from_body(body.back_length_cm, body.shoulder_width_cm, body.waist_width_cm)
    caps = cap_map_for(body, spots, profile)
    pos, nrm, force, step = _fit_minutes(routine, surface, caps, profile, rate_hz)
    traj = Trajectory(
        t=np.arange(len(force)) / rate_hz,
        position=pos,
        normal=nrm,
        force=force,
        step=step,
        rate_hz=float(rate_hz),
        cap_n=profile.cap_n,
        surface=surface,
        body_cm=(body.back_length_cm, body.shoulder_width_cm, body.waist_width_cm),
        caps=caps,
    )
    if check:
        traj, found = _checked(traj, profile, caps)
        if found:
            raise TrajectoryCheckError(found)
    return traj


def _checked(traj: Trajectory, profile: RobotProfile, caps: CapMap) -> tuple[Trajectory, list[Violation]]:
    """Check; where only motion limits fail (a jerk just over, say), slow the tool there and again."""
    found = check_trajectory(traj, profile, caps)
    for _ in range(SLOW_ROUNDS):
        motion = [v for v in found if v.rule in MOTION_RULES]
        if not motion or len(motion) < len(found):  # anything else is not fixed by going slower
            break
        traj = stretch(traj, motion_factor(traj, [(v.rule, v.first, v.last, SLOW_STEP) for v in motion]))
        found = check_trajectory(traj, profile, caps)
    return traj, found


def routine_seconds(routine: Routine) -> float:
    """The time the robot's share of a routine takes as planned: the steps it performs."""
    return float(sum(s.seconds for s in routine.steps if s.technique in MOTIONS))


def _fit_minutes(
    routine: Routine, surface: BackSurface, caps: CapMap, profile: RobotProfile, rate_hz: float
) -> tuple[np.ndarray, ...]:
    """Samples whose duration matches the routine's within FIT_TOLERANCE.

    Travel between steps, lifts and landings are not in the routine's step
    times, so the steps' own time is scaled to leave room for them: compile,
    measure the time on steps and between them, rescale, and again (a few
    rounds; each piece is cheap and the closest result is kept).
    """
    want = routine_seconds(routine)
    scale, best, best_gap = 1.0, None, np.inf
    air: dict[
        tuple[object, ...], tuple[np.ndarray, ...]
    ] = {}  # moves in the air do not change with the scale
    for _ in range(FIT_ROUNDS):
        out = _Compiler(surface, caps, profile, rate_hz, time_scale=scale, air_memo=air).run(routine.steps)
        total = (len(out[2]) - 1) / rate_hz
        gap = abs(total - want)
        if gap < best_gap:
            best, best_gap = out, gap
        if want <= 0 or gap <= FIT_TOLERANCE * want:
            break
        between = np.count_nonzero(out[3] < 0) / rate_hz
        on_steps = max(total - between, 1e-6)
        scale *= float(np.clip((want - between) / on_steps, 0.25, 4.0))
    assert best is not None
    return best


class _Compiler:
    def __init__(
        self,
        surface: BackSurface,
        caps: CapMap,
        profile: RobotProfile,
        rate_hz: float,
        *,
        time_scale: float = 1.0,
        air_memo: dict[tuple[object, ...], tuple[np.ndarray, ...]] | None = None,
    ) -> None:
        self.surface, self.caps, self.profile, self.rate = surface, caps, profile, rate_hz
        self.time_scale = time_scale
        self._air_memo = air_memo if air_memo is not None else {}
        self.contact = Limits(
            speed=profile.contact_speed_m_s, accel=profile.accel_m_s2, jerk=profile.jerk_m_s3
        )
        self.air = Limits(speed=profile.air_speed_m_s, accel=profile.accel_m_s2, jerk=profile.jerk_m_s3)
        self.out = _Samples()
        self._memo: dict[tuple[object, ...], tuple[np.ndarray, ...]] = {}

    def run(self, steps: tuple[Step, ...]) -> tuple[np.ndarray, ...]:
        here: np.ndarray | None = None  # map point (cm) where the probe last left the skin
        for index, step in enumerate(steps):
            if step.technique not in MOTIONS:
                continue
            hands = step.hand_paths()
            # One probe for two hands: each side gets half the repetitions, in the same time.
            reps = step.reps if len(hands) == 1 else int(np.ceil(step.reps / 2))
            seconds = step.seconds * self.time_scale / len(hands)
            level = self.profile.force_for(step.pressure)
            for hand, path in enumerate(hands):
                runs, closed, cruise, done = self._plan(
                    np.asarray(path, float), reps, seconds, step.technique
                )
                for rep in range(1 if closed else done):
                    for k, run in enumerate(runs):
                        if here is None:
                            self._start(run[0])
                        else:
                            self._air(here, run[0], index if (rep or k or hand) else -1)
                        key = (index, hand, k)
                        if key not in self._memo:
                            self._memo[key] = self._glide(run, step.technique, level, cruise)
                        p, n, f = self._memo[key]
                        self.out.add(p, n, f, index)
                        here = run[-1]
        if here is not None:
            self._lift_only(here)
        return self.out.finish()

    def _plan(
        self, path: np.ndarray, reps: int, seconds: float, technique: str
    ) -> tuple[list[np.ndarray], bool, float, int]:
        """Pieces, whether they loop, the skin speed and the repetitions that fit the time.

        Speed stays in the technique's range; when even its top speed cannot fit
        every repetition in the time, fewer repetitions are done (at least one).
        """
        lo, hi = MOTIONS[technique].speed
        closed = len(path) > 2 and np.hypot(*(path[-1] - path[0])) < CLOSED_CM
        runs = self._runs(path, 1)
        one_cm = sum(_length(r) for r in runs)
        hops = len(runs) - 1 + (0 if closed else 1)  # lifts within one repetition
        back = self._air_seconds(float(np.hypot(*(path[-1] - path[0]))) / 100.0)
        overhead = 2 * RAMP_S * len(runs) + hops * back if not closed else 0.0
        fits = int((seconds + 1e-9) // (one_cm / 100.0 / hi + overhead)) if one_cm else reps
        reps = int(np.clip(fits, 1, reps))
        budget = max(seconds / reps - overhead, 1e-3)
        cruise = float(np.clip(one_cm / 100.0 / budget, lo, hi))
        if closed:
            runs = self._runs(path, reps)
        return runs, bool(closed), cruise, reps

    def _air_seconds(self, distance_m: float) -> float:
        """About how long a lift, travel and landing take (minimum-jerk estimates)."""
        a = self.air

        def move(d: float) -> float:
            return float(
                max(
                    1.875 * d / a.speed,
                    np.sqrt(5.77 * d / a.accel),
                    np.cbrt(60.0 * d / a.jerk),
                    0.2,
                )
                / 0.9
            )

        return 2 * move(self.profile.lift_m) + (move(distance_m) if distance_m > 1e-4 else 0.0)

    # -- paths --------------------------------------------------------------------------
    def _runs(self, path: np.ndarray, loops: int) -> list[np.ndarray]:
        """Dense, smoothed pieces of a path gone round `loops` times, split at exclusions."""
        if loops > 1:
            path = np.concatenate([path] + [path[1:]] * (loops - 1))
        dense = _resample(path, DENSE_CM)
        if len(dense) > 3:
            sigma = SMOOTH_CM / DENSE_CM
            dense = np.column_stack([gaussian_filter1d(dense[:, i], sigma, mode="nearest") for i in range(2)])
        cap, _ = self.caps.lookup(dense[:, 0], dense[:, 1])
        allowed = cap > 0
        edges = np.diff(np.concatenate([[0], allowed.view(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        runs = [dense[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
        return [r for r in runs if _length(r) >= MIN_RUN_CM or len(r) == len(dense)]

    # -- pieces ---------------------------------------------------------------------------
    def _glide(self, run: np.ndarray, technique: str, level: float, cruise: float) -> tuple[np.ndarray, ...]:
        """Ramp in, glide with the technique's force pattern, ramp out; one piece."""
        motion = MOTIONS[technique]
        xy = run / 100.0
        pts = self.surface.points(xy[:, 0], xy[:, 1])
        s = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
        keep = np.concatenate([[True], np.diff(s) > 1e-7])
        xy, pts, s = xy[keep], pts[keep], s[keep]
        srf = self.surface
        if len(s) >= 4 and s[-1] > 0.005:
            along = CubicSpline(s, xy)
            limits = self._pat_room() if motion.pattern == "pat" else self.contact
            normals: list[np.ndarray] = []  # of the latest positions_at call

            def positions_at(ss: np.ndarray) -> np.ndarray:
                at = along(ss)
                p, n = srf.points_and_normals(at[:, 0], at[:, 1])
                normals[:] = [n]
                return p

            # The timing's own last look is at the samples it returns: keep those points.
            _, pos = glide_arclength(s, pts, cruise, limits, self.rate, positions_at)
            nrm = normals[0]
        else:  # a point or a tiny path: press in place for a breath
            pos, nrm = srf.points_and_normals(xy[:1, 0], xy[:1, 1])
            pos = np.repeat(pos, int(4.0 * self.rate) + 1, axis=0)
            nrm = np.repeat(nrm, len(pos), axis=0)
        if motion.pattern == "pat":  # whole pats only, so contact ends between two pats
            n_cycle = self.rate / PAT_HZ
            n = int(np.ceil((len(pos) - 1) / n_cycle) * n_cycle) + 1
            pos = np.concatenate([pos, np.repeat(pos[-1:], n - len(pos), axis=0)])
            nrm = np.concatenate([nrm, np.repeat(nrm[-1:], n - len(nrm), axis=0)])
        t = np.arange(len(pos)) / self.rate
        force = level * force_pattern(motion.pattern, t)
        force = np.minimum(force, self._smooth_cap(pos))
        if motion.pattern == "pat":
            pos = pos + pat_lift(t)[:, None] * nrm
            return pos, nrm, force
        ramp_in = self._ramp(pos[0], nrm[0], 0.0, force[0])
        ramp_out = self._ramp(pos[-1], nrm[-1], force[-1], 0.0)
        return (
            np.concatenate([ramp_in[0][:-1], pos[:-1], ramp_out[0]]),
            np.concatenate([ramp_in[1][:-1], nrm[:-1], ramp_out[1]]),
            np.concatenate([ramp_in[2][:-1], force[:-1], ramp_out[2]]),
        )

    def _pat_room(self) -> Limits:
        """What the glide under patting may use, once the pats' own lift is counted."""
        t = np.arange(int(2 * self.rate / PAT_HZ)) / self.rate
        _, a, j = kinematic_peaks(np.outer(pat_lift(t), [0.0, 0.0, 1.0]), self.rate)
        c = self.contact
        return Limits(
            speed=c.speed, accel=max(c.accel - a, 0.2 * c.accel), jerk=max(c.jerk - j, 0.2 * c.jerk)
        )

    def _smooth_cap(self, pos: np.ndarray) -> np.ndarray:
        """The cap along a glide, eased so force never jumps; never above the cap itself."""
        cap, _ = self.caps.lookup(100 * pos[:, 0], 100 * pos[:, 1])
        width = max(1, int(CAP_SMOOTH_S * self.rate)) | 1  # odd: centred windows
        if len(cap) <= width:
            return np.full(len(cap), cap.min())
        # A centred minimum then a centred mean of the same width stays at or under the cap.
        return np.asarray(
            uniform_filter1d(minimum_filter1d(cap, width, mode="nearest"), width, mode="nearest")
        )

    def _ramp(self, p: np.ndarray, n: np.ndarray, f0: float, f1: float) -> tuple[np.ndarray, ...]:
        seconds = max(RAMP_S, 0.5 * np.pi * abs(f1 - f0) / (0.8 * self.profile.force_rate_n_s))
        k = int(np.ceil(seconds * self.rate)) + 1
        u = np.linspace(0.0, 1.0, k)
        force = f0 + (f1 - f0) * 0.5 * (1.0 - np.cos(np.pi * u))
        return np.repeat(p[None], k, 0), np.repeat(n[None], k, 0), force

    def _air(self, a_cm: np.ndarray, b_cm: np.ndarray, step: int) -> None:
        """Lift off at a, travel over the skin, land at b."""
        key = ("air", *np.round(a_cm, 3), *np.round(b_cm, 3))
        if key not in self._air_memo:
            self._air_memo[key] = self._air_samples(a_cm / 100.0, b_cm / 100.0)
        p, n, f = self._air_memo[key]
        self.out.add(p, n, f, step)

    def _air_samples(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
        h, srf = self.profile.lift_m, self.surface

        def over(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return srf.points_and_normals(xy[:, 0], xy[:, 1])

        (pa, pb), (na, nb) = over(np.array([a, b]))
        pieces = []
        _, p = air_move(lambda u: pa + np.outer(u, h * na), self.air, self.rate)
        pieces.append((p, np.repeat(na[None], len(p), 0)))
        if np.hypot(*(b - a)) > 1e-4:
            normals: list[np.ndarray] = []  # of the latest travel call

            def travel(u: np.ndarray) -> np.ndarray:
                p, n = over(a + np.outer(u, b - a))
                normals[:] = [n]
                return p + h * n

            _, p = air_move(travel, self.air, self.rate)  # its last look is at the samples it returns
            pieces.append((p, normals[0]))
        _, p = air_move(lambda u: pb + np.outer(1.0 - u, h * nb), self.air, self.rate)
        pieces.append((p, np.repeat(nb[None], len(p), 0)))
        pos = np.concatenate([p[:-1] for p, _ in pieces[:-1]] + [pieces[-1][0]])
        nrm = np.concatenate([n[:-1] for _, n in pieces[:-1]] + [pieces[-1][1]])
        return pos, nrm, np.zeros(len(pos))

    def _start(self, first_cm: np.ndarray) -> None:
        """Begin at rest, hovering over the first point, and land."""
        p, n, f = self._air_samples(first_cm / 100.0, first_cm / 100.0)
        half = len(p) // 2  # the lift half is dropped: start in the air
        self.out.add(p[half:], n[half:], f[half:], -1)

    def _lift_only(self, last_cm: np.ndarray) -> None:
        p, n, f = self._air_samples(last_cm / 100.0, last_cm / 100.0)
        half = len(p) // 2  # the lift half only: end in the air
        self.out.add(p[: half + 1], n[: half + 1], f[: half + 1], -1)


def _resample(path: np.ndarray, spacing: float) -> np.ndarray:
    """Points every `spacing` cm along a polyline, ends kept."""
    if len(path) < 2:
        return path.copy()
    seg = np.hypot(*np.diff(path, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    if s[-1] < 1e-9:
        return path[:1].copy()
    q = np.linspace(0.0, s[-1], max(2, int(np.ceil(s[-1] / spacing)) + 1))
    return np.column_stack([np.interp(q, s, path[:, 0]), np.interp(q, s, path[:, 1])])


def _length(run: np.ndarray) -> float:
    return float(np.hypot(*np.diff(run, axis=0).T).sum()) if len(run) > 1 else 0.0
