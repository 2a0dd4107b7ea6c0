"""The force law along the normal: admittance with a guarded landing, one tick at a time.

The same object runs in the simulated loop (`armsim.py`) and against a real
UR (`driver.py`). Each tick it takes the measured force (compensated, maybe
noisy and late) and the plan's target, height over the modelled skin and
expected indentation, and answers how far along the normal the tool should
sit from the plan (m, out of the skin), and how fast that offset moves.
"""

from __future__ import annotations

ADMITTANCE_M_S_N = 0.010  # tool speed along the normal per newton of force error
GUARD_M = 0.014  # guarded landing below this height over the modelled skin (skin up to 14 mm high) ...
GUARD_SPEED_M_S = 0.08  # ... at no more than this speed until contact is felt (slower over capped zones)
CONTACT_ON_N, CONTACT_OFF_N = 1.0, 0.5  # felt contact, with hysteresis over the noise
FILTER_S = 0.004  # first-order low-pass on the measured force
OFFSET_LIMIT_M = 0.02  # the admittance never moves the tool further than this from the plan
LEAK_S = 0.3  # in the air the offset relaxes to where the skin was last felt ...
FORGET_S = 10.0  # ... and that memory fades back to the model's skin


class NormalForceLaw:
    """State of the admittance along the normal; `step` once per control tick."""

    __slots__ = ("adm", "alpha", "dt", "f_filt", "feedback", "h_cmd", "off_prev", "skin", "touching")

    def __init__(self, dt: float, height0: float, feedforward0: float, *, feedback: bool = True) -> None:
        self.dt = dt
        self.alpha = dt / (FILTER_S + dt)
        self.feedback = feedback
        self.f_filt = 0.0
        self.touching = False
        self.adm = 0.0  # admittance offset (m, out of the skin)
        self.skin = 0.0  # where the skin was last felt, against the model (m, out)
        self.h_cmd = height0 - feedforward0  # commanded height of the ball over the modelled skin
        self.off_prev = self.h_cmd - height0

    def step(
        self, seen: float, target: float, height: float, feedforward: float, zone_cap: float
    ) -> tuple[float, float]:
        """(offset from the plan along the normal in m, its rate in m/s) for this tick."""
        dt = self.dt
        self.f_filt += self.alpha * (seen - self.f_filt)
        f = self.f_filt
        if self.touching and f < CONTACT_OFF_N:
            self.touching = False
        elif not self.touching and f > CONTACT_ON_N:
            self.touching = True
        touching = self.touching
        adm = self.adm
        skin = self.skin
        if self.feedback:
            if touching:
                adm += ADMITTANCE_M_S_N * (f - target) * dt
                skin = adm
            elif target > 0.0:  # contact expected but not felt: reach for it, slowly
                adm -= min(ADMITTANCE_M_S_N * target, GUARD_SPEED_M_S) * dt
            else:  # in the air: keep to the skin as last felt, slowly forgetting it
                skin -= skin * dt / FORGET_S
                adm += (skin - adm) * dt / LEAK_S
            adm = min(max(adm, -OFFSET_LIMIT_M), OFFSET_LIMIT_M)
        self.skin = skin
        h_goal = height - feedforward + adm
        h_cmd = self.h_cmd
        if self.feedback and not touching and h_goal < h_cmd and h_cmd - skin < GUARD_M:
            # Slower over a capped zone: the bump of an early touch is about speed / admittance.
            guard = min(GUARD_SPEED_M_S, ADMITTANCE_M_S_N * max(zone_cap, 1.0))
            h_cmd = max(h_goal, h_cmd - guard * dt)
            adm += h_cmd - h_goal  # no wind-up while the descent is held back
        else:
            h_cmd = h_goal
        self.adm, self.h_cmd = adm, h_cmd
        off = h_cmd - height
        rate = (off - self.off_prev) / dt
        self.off_prev = off
        return off, rate
