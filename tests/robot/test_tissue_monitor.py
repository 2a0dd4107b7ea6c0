"""The tissue curve and the safety monitor on their own."""

import time

import numpy as np
import pytest

from backrub.robot.monitor import MAX_LAG_TICKS, ZONE_MARGIN_N, SafetyMonitor
from backrub.robot.surface import surface_from_body
from backrub.robot.tissue import Breathing, Tissue, force_from_indentation, indentation_for

pytestmark = pytest.mark.robot


def test_stated_curve_and_its_inverse():
    assert force_from_indentation(4.0) == pytest.approx(8.0)  # medium: 4 mm
    assert force_from_indentation(0.0) == 0.0 and force_from_indentation(-2.0) == 0.0
    f = np.linspace(0.0, 25.0, 51)
    assert np.allclose(force_from_indentation(indentation_for(f)), f)


def test_tissue_force_depends_on_indentation_only_not_on_who_presses():
    surface = surface_from_body()
    tissue = Tissue(surface)
    top = float(surface.height(np.array([0.08]), np.array([0.3]))[0])
    n = surface.normal(np.array([0.08]), np.array([0.3]))[0]
    skin = np.array([0.08, 0.3, top])
    for depth_mm in (1.0, 4.0, 6.0):
        c = skin + (0.03 - depth_mm / 1000.0) * n
        *_, fn, _depth = tissue.contact(tuple(c), (0.0, 0.0, 0.0), 0.03, 0.0)
        assert fn == pytest.approx(float(force_from_indentation(depth_mm)), rel=0.03)
    above = skin + 0.031 * n
    assert tissue.contact(tuple(above), (0.0, 0.0, 0.0), 0.03, 0.0)[3] == 0.0


def test_breathing_lifts_the_back_by_its_amplitude_over_the_ribs():
    tissue = Tissue(surface_from_body(), breathing=Breathing(amplitude_m=0.003, per_minute=12.0))
    rest = tissue.skin(0.05, 0.4, 0.0)[0]
    full = tissue.skin(0.05, 0.4, 2.5)[0]  # half a breath at 12 a minute
    assert full - rest == pytest.approx(0.003 * (0.3 + 0.7 * 0.8), rel=0.05)


def _feed(mon, forces, zone_cap=25.0, silent_from=None):
    for k, f in enumerate(forces):
        t = k / 500.0
        last = t if silent_from is None or t < silent_from else silent_from
        mon.publish(k, t, float(f), zone_cap, last)
        if mon.trip is not None:
            break
    deadline = time.monotonic() + 2.0
    while mon.trip is None and mon.checked < mon.written and time.monotonic() < deadline:
        time.sleep(0.001)


def test_monitor_trips_on_the_hard_cap_and_keeps_the_tripping_sample():
    forces = np.r_[np.full(100, 8.0), np.linspace(8.0, 40.0, 200)]
    with SafetyMonitor(400, cap_n=25.0, heartbeat_s=0.05) as mon:
        _feed(mon, forces)
    assert mon.trip is not None and mon.trip.kind == "force_cap"
    assert mon.trip.force_n == pytest.approx(forces[mon.trip.tick])
    assert forces[mon.trip.tick] > 25.0


def test_monitor_trips_on_a_zone_cap_but_not_on_noise_within_the_margin():
    rng = np.random.default_rng(1)
    calm = 3.0 + 0.5 * rng.standard_normal(2000)  # kidneys at 3 N with a noisy sensor
    with SafetyMonitor(2100, cap_n=25.0, heartbeat_s=0.05) as mon:
        _feed(mon, calm, zone_cap=3.0)
    assert mon.trip is None
    hard = np.r_[np.full(50, 3.0), np.full(50, 3.0 + ZONE_MARGIN_N + 1.0)]
    with SafetyMonitor(200, cap_n=25.0, heartbeat_s=0.05) as mon:
        _feed(mon, hard, zone_cap=3.0)
    assert mon.trip is not None and mon.trip.kind == "zone_cap"


def test_monitor_trips_when_commands_stop():
    with SafetyMonitor(500, cap_n=25.0, heartbeat_s=0.05) as mon:
        _feed(mon, np.zeros(500), silent_from=0.2)
    assert mon.trip is not None and mon.trip.kind == "heartbeat"
    assert mon.trip.t_s == pytest.approx(0.2 + 0.05, abs=0.005)


def test_monitor_is_never_further_behind_than_its_latency():
    with SafetyMonitor(3000, cap_n=25.0, heartbeat_s=0.05) as mon:
        worst = 0
        for k in range(3000):
            mon.publish(k, k / 500.0, 1.0, 25.0, k / 500.0)
            worst = max(worst, mon.written - mon.checked)
    assert worst <= MAX_LAG_TICKS + 1
