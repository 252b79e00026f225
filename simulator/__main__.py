"""`python -m simulator`: run the local Binance exchange."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from aiohttp import web

from simulator.app import create_app
from simulator.config import DATA_DIR, Config


def parse_args(argv: list[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Local Binance exchange (Spot + USD-M)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9900)
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="directory of binance_<spot|usdm>_*.csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed (1 = real time)")
    parser.add_argument("--state", type=Path, default=None, help="persist accounts/orders/positions here")
    parser.add_argument("--tick-ms", type=int, default=100, help="market step period")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    if args.speed <= 0:
        parser.error("--speed must be positive")
    return Config(
        host=args.host,
        port=args.port,
        data_dir=args.data,
        seed=args.seed,
        speed=args.speed,
        state_file=args.state,
        tick_ms=args.tick_ms,
        log_level=args.log_level.upper(),
    )


def main(argv: list[str] | None = None) -> None:
    config = parse_args(argv)
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(create_app(config), host=config.host, port=config.port, access_log=None)


if __name__ == "__main__":
    main()
