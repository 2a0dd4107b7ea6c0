"""The safety monitor: a watchdog on its own thread, reading the stream of measured forces.

The control loop publishes every tick (time, measured force along the normal,
the force cap where the tool is, when the last command arrived) into
preallocated arrays and moves on; the monitor reads them in its own thread
and trips on the first of:

- `force_cap`: the measured force, averaged over 10 ms (the sensor's noise is
  not a press), above the hard cap;
- `zone_cap`: above the cap of the zone under the tool (kidneys, spine band,
  excluded places) by more than ZONE_MARGIN_N;
- `heartbeat`: no command for longer than the heartbeat allows.

It is never more than MAX_LAG_TICKS behind: the loop waits for it if it
falls further back, as a real watchdog with a bounded latency would. On a trip
the loop retreats; the trip records the sample that tripped it.
"""

from __future__ import annotations

import threading
import time
from array import array
from dataclasses import dataclass

AVERAGE_TICKS = 5  # 10 ms at 500 Hz
ZONE_MARGIN_N = 2.0
MAX_LAG_TICKS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Trip:
    """Why and when the monitor stopped the arm, and the force that tripped it."""

    kind: str  # force_cap | zone_cap | heartbeat
    t_s: float
    tick: int
    force_n: float
    message: str

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "t_s": round(self.t_s, 4),
            "force_n": round(self.force_n, 3),
            "message": self.message,
        }


class SafetyMonitor:
    """Watches published samples from its own thread; `trip` is set once, then it stops."""

    def __init__(self, ticks: int, *, cap_n: float, heartbeat_s: float) -> None:
        self.cap_n = cap_n
        self.heartbeat_s = heartbeat_s
        zeros = bytes(8 * ticks)
        self.t = array("d", zeros)
        self.force = array("d", zeros)
        self.zone_cap = array("d", zeros)
        self.last_command = array("d", zeros)
        self.written = 0  # samples [0, written) are complete (int writes are atomic under the GIL)
        self.checked = 0
        self.trip: Trip | None = None
        self._wake = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="backrub-safety-monitor", daemon=True)

    def __enter__(self) -> SafetyMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join(timeout=5.0)

    def publish(self, k: int, t: float, force_n: float, zone_cap_n: float, last_command_t: float) -> None:
        """Hand over tick k (called by the control loop, in tick order)."""
        self.t[k] = t
        self.force[k] = force_n
        self.zone_cap[k] = zone_cap_n
        self.last_command[k] = last_command_t
        self.written = k + 1
        self._wake.set()
        while self.trip is None and self.written - self.checked > MAX_LAG_TICKS and self._thread.is_alive():
            time.sleep(0.0001)

    def _run(self) -> None:
        window = 0.0
        while not self._stop:
            self._wake.wait(0.05)
            self._wake.clear()
            end = self.written
            k = self.checked
            force, zone, t, last = self.force, self.zone_cap, self.t, self.last_command
            while k < end:
                window += force[k]
                if k >= AVERAGE_TICKS:
                    window -= force[k - AVERAGE_TICKS]
                mean = window / min(k + 1, AVERAGE_TICKS)
                trip = self._judge(k, mean, force[k], zone[k], t[k], last[k])
                if trip is not None:
                    self.trip = trip
                    self.checked = k + 1
                    return
                k += 1
            self.checked = end

    def _judge(self, k: int, mean: float, raw: float, zone_cap: float, t: float, last: float) -> Trip | None:
        if mean > self.cap_n:
            return Trip(
                kind="force_cap",
                t_s=t,
                tick=k,
                force_n=raw,
                message=f"measured {mean:.1f} N (10 ms mean) above the cap {self.cap_n:g} N",
            )
        if mean > zone_cap + ZONE_MARGIN_N:
            return Trip(
                kind="zone_cap",
                t_s=t,
                tick=k,
                force_n=raw,
                message=f"measured {mean:.1f} N where the zone allows {zone_cap:g} N",
            )
        if t - last > self.heartbeat_s:
            return Trip(
                kind="heartbeat",
                t_s=t,
                tick=k,
                force_n=raw,
                message=f"no command for {1000 * (t - last):.0f} ms"
                f" (allowed {1000 * self.heartbeat_s:.0f} ms)",
            )
        return None
