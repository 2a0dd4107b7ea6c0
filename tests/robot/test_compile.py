import numpy as np
import pytest
from robot_routines import patting_routine, short_routine, with_step

from backrub.errors import InputError
from backrub.robot.capmap import cap_map_for
from backrub.robot.compile import compile_routine
from backrub.robot.profile import RobotProfile
from backrub.robot.timing import finite_kinematics
from backrub.routine.model import parse_routine

pytestmark = pytest.mark.robot
RATE = 100.0


@pytest.fixture(scope="module")
def compiled():
    routine = parse_routine(short_routine("medium"))
    return routine, compile_routine(routine, verify=False, rate_hz=RATE)


def test_trajectory_has_the_arrays_of_the_contract(compiled, tmp_path):
    _, traj = compiled
    traj.save(tmp_path / "t.npz")
    data = np.load(tmp_path / "t.npz")
    n = data["t"].size
    assert data["position"].shape == (n, 3) and data["normal"].shape == (n, 3)
    assert data["force"].shape == (n,) and data["step"].shape == (n,)
    assert float(data["rate_hz"]) == RATE and float(data["cap_n"]) == 25.0
    assert np.allclose(np.diff(data["t"]), 1 / RATE)
    assert np.allclose(np.linalg.norm(data["normal"], axis=1), 1.0)


def test_pressure_levels_become_newtons_and_glides_stay_slow(compiled):
    routine, traj = compiled
    for index, step in enumerate(routine.steps):
        peak = traj.force[traj.step == index].max()
        expected = {"light": 3.0, "medium": 8.0}[step.pressure]
        assert peak == pytest.approx(expected, abs=0.05), step.technique
    speed, _, _ = finite_kinematics(traj.position, RATE)
    touching = traj.force[1:] > 0
    assert speed[touching].max() <= 0.1
    # strokes glide at a few cm/s, kneading slower
    stroke = speed[touching & (traj.step[1:] == 0)]
    knead = speed[touching & (traj.step[1:] == 3)]
    assert 0.03 < np.percentile(stroke, 75) <= 0.1
    assert np.percentile(knead, 75) < np.percentile(stroke, 75)


def test_probe_lifts_off_between_steps_and_lands_softly(compiled):
    _, traj = compiled
    between = traj.step == -1
    assert between.any() and (traj.force[between] == 0).all()
    gap = traj.position[:, 2] - traj.surface.height(traj.position[:, 0], traj.position[:, 1])
    assert gap[between].max() > 0.015  # clear of the skin while travelling
    # a landing: the last samples before force comes back approach at under 2 cm/s
    starts = np.flatnonzero((traj.force[1:] > 0) & (traj.force[:-1] == 0))
    speed, _, _ = finite_kinematics(traj.position, RATE)
    for i in starts:
        assert speed[max(i - 3, 0) : i].max() < 0.02


def test_both_sides_are_done_one_after_the_other_mirrored(compiled):
    _, traj = compiled
    two_sided = (traj.step == 2) & (traj.force > 0)
    x = traj.position[two_sided, 0]
    assert (x > 0.05).any() and (x < -0.05).any()
    first_left = np.flatnonzero(x < 0)[0]
    assert (x[:first_left] > 0).all()  # right side first, then the left


def test_kneading_swells_and_patting_taps():
    traj = compile_routine(parse_routine(short_routine()), verify=False, rate_hz=RATE)
    knead = traj.force[(traj.step == 3) & (traj.force > 0)]
    assert knead.min() < 0.8 * 8.0 < knead.max()
    pats = compile_routine(parse_routine(patting_routine()), verify=False, rate_hz=RATE)
    on = pats.force > 0
    contacts = np.count_nonzero(on[1:] & ~on[:-1])
    assert contacts >= 10
    gap = pats.position[:, 2] - pats.surface.height(pats.position[:, 0], pats.position[:, 1])
    assert gap[~on & (pats.step == 0)].max() > 0.003  # lifts between pats


def test_excluded_spot_gets_no_force_and_the_path_hops_over_it():
    spot = {"kind": "bruise", "at": {"x_cm": 4.0, "y_cm": 25.0}, "radius_cm": 3.0}
    routine = parse_routine(short_routine(spots=[spot]))
    traj = compile_routine(routine, verify=False, rate_hz=RATE)
    x, y = 100 * traj.position[:, 0], 100 * traj.position[:, 1]
    near = np.hypot(x - 4.0, y - 25.0) < 3.0 + 2.0
    assert near.any()  # the thumb glide at x = 4 passes over it...
    assert (traj.force[near] == 0).all()  # ...in the air
    glide = traj.step == 1
    assert traj.force[glide & (y > 35)].max() == pytest.approx(8.0, abs=0.05)  # and lands again


def test_kidneys_and_spine_band_are_held_to_light():
    profile = RobotProfile()
    # the thumb glide moved out over the lumbar, kidney and mid-back zones
    raw = with_step(short_routine("medium"), 1, path=[[8.0, 3.0], [8.0, 40.0]])
    routine = parse_routine(raw)
    traj = compile_routine(routine, verify=False, rate_hz=RATE, profile=profile)
    caps = cap_map_for(routine.intake.body, (), profile)
    cap, why = caps.lookup(100 * traj.position[:, 0], 100 * traj.position[:, 1])
    assert (traj.force <= cap + 1e-9).all()
    kidney = (why == 1) & (traj.force > 0)
    assert kidney.any() and traj.force[kidney].max() <= 3.0
    assert traj.force[traj.step == 1].max() == pytest.approx(8.0, abs=0.05)  # medium elsewhere
    # a glide a hair beside the spine band is eased to light by the clearance
    near_spine = with_step(short_routine("medium"), 1, path=[[2.0, 3.0], [2.0, 40.0]])
    traj = compile_routine(parse_routine(near_spine), verify=False, rate_hz=RATE)
    assert traj.force[traj.step == 1].max() <= 3.0


def test_robot_refuses_arm_rotation_and_skips_skin_check():
    raw = with_step(short_routine(), 1, technique="arm_rotation")
    with pytest.raises(InputError) as err:
        compile_routine(parse_routine(raw), verify=False, rate_hz=RATE)
    assert err.value.problems[0].path == "steps[1].technique"
    raw = with_step(short_routine(), 1, technique="skin_check", reps=1, pressure="light")
    traj = compile_routine(parse_routine(raw), verify=False, rate_hz=RATE)
    assert not (traj.step == 1).any()


def test_profile_maps_pressures_and_never_passes_the_hard_cap():
    traj = compile_routine(
        parse_routine(short_routine("medium")), verify=False, rate_hz=RATE,
        profile=RobotProfile(medium_n=10.0),
    )
    assert traj.force.max() == pytest.approx(10.0, abs=0.05)
    with pytest.raises(InputError, match="hard cap"):
        RobotProfile.from_dict({"firm_n": 30})
    with pytest.raises(InputError, match=r"0\.1 m/s"):
        RobotProfile.from_dict({"contact_speed_m_s": 0.2})


def test_zone_grid_names_the_zones_the_map_names():
    from backrub.knowledge.body import Body
    from backrub.knowledge.zones import layout_for, zone_at
    from backrub.robot.capmap import zone_grid_for

    body = Body(back_length_cm=55, shoulder_width_cm=44, waist_width_cm=30)
    rng = np.random.default_rng(3)
    xs, ys = np.sort(rng.uniform(-35, 35, 120)), np.sort(rng.uniform(-5, 70, 120))
    grid = zone_grid_for(layout_for(body), xs, ys)
    for iy in range(0, 120, 7):
        for ix in range(120):
            assert grid[iy, ix] == (zone_at(body, float(xs[ix]), float(ys[iy])) or "")


def test_compile_passes_the_one_gate_first_and_refuses_an_unverified_routine():
    # A fragment fails the method's verifier (no opening, no warm-up): nothing is compiled.
    with pytest.raises(InputError, match="warmup-first"):
        compile_routine(parse_routine(short_routine("medium")), rate_hz=RATE)


def test_a_robot_routine_fills_its_minutes_travel_and_landings_included():
    """Issue 10, item 15: travel and landings used to come on top (15 min became 15.9)."""
    from backrub.intake.model import parse_intake
    from backrub.planner import plan_routine
    from backrub.robot.compile import routine_seconds

    routine = plan_routine(parse_intake({"giver": "robot", "minutes": 15}))
    traj = compile_routine(routine, rate_hz=100.0)
    assert traj.duration_s == pytest.approx(routine_seconds(routine), rel=0.05)
    assert routine_seconds(routine) == pytest.approx(routine.total_minutes * 60, rel=0.01)


def test_the_largest_back_at_500_hz_is_slowed_where_a_jerk_would_pass_the_limit():
    """80/65/60 cm at 500 Hz: one stroking glide's timed path came out at 61.7-69.8 m/s³ (limit 60)."""
    from backrub.intake.model import parse_intake
    from backrub.planner import plan_routine
    from backrub.robot.compile import routine_seconds

    body = {"back_length_cm": 80, "shoulder_width_cm": 65, "waist_width_cm": 60}
    routine = plan_routine(parse_intake({"giver": "robot", "minutes": 15, "body": body}))
    traj = compile_routine(routine, rate_hz=500.0, verify=False)  # raised TrajectoryCheckError before
    _speed, accel, jerk = finite_kinematics(traj.position, traj.rate_hz)
    profile = RobotProfile()
    assert jerk.max() <= profile.jerk_m_s3 * 1.001 and accel.max() <= profile.accel_m_s2 * 1.001
    assert traj.duration_s == pytest.approx(routine_seconds(routine), rel=0.05)
