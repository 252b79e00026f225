"""Server time and replayed market time.

`now_ms()` is the wall clock (what Binance reports as serverTime and checks timestamps against);
`sim_ms()` is the position in the replayed candles, which can run faster, pause or be stepped.
"""

from __future__ import annotations

import time


class Clock:
    def __init__(self, *, speed: float = 1.0, sim_start_ms: int | None = None) -> None:
        self._speed = speed
        self._paused = False
        self._anchor_wall = self._wall()
        self._anchor_sim = float(sim_start_ms if sim_start_ms is not None else self._anchor_wall)
        # Tests shift server time to exercise -1021 without sleeping.
        self.offset_ms = 0

    @staticmethod
    def _wall() -> float:
        return time.time() * 1000.0

    def now_ms(self) -> int:
        return int(self._wall()) + self.offset_ms

    def sim_ms(self) -> int:
        if self._paused:
            return int(self._anchor_sim)
        return int(self._anchor_sim + (self._wall() - self._anchor_wall) * self._speed)

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def _rebase(self) -> None:
        self._anchor_sim = float(self.sim_ms())
        self._anchor_wall = self._wall()

    def pause(self) -> None:
        self._rebase()
        self._paused = True

    def resume(self) -> None:
        self._anchor_wall = self._wall()
        self._paused = False

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._rebase()
        self._speed = speed

    def step(self, ms: int) -> None:
        self._rebase()
        self._anchor_sim += ms

    def wall_for_sim(self, sim_ms: int) -> int:
        """The server time at which replayed time reaches `sim_ms` at the current speed.

        Anything scheduled in replayed time (funding) is shown to clients as server time, the only
        clock they know. While paused the answer assumes the clock resumes now.
        """
        return self.now_ms() + int((sim_ms - self.sim_ms()) / self._speed)

    def set_sim(self, sim_ms: int) -> None:
        self._anchor_sim = float(sim_ms)
        self._anchor_wall = self._wall()

    def state(self) -> dict[str, object]:
        return {
            "now_ms": self.now_ms(),
            "sim_ms": self.sim_ms(),
            "speed": self._speed,
            "paused": self._paused,
        }
