"""Log configuration for the server: every handler masks identity numbers, uvicorn's included."""

from __future__ import annotations

import copy
from typing import Any

from uvicorn.config import LOGGING_CONFIG


def server_log_config(level: str) -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"mask_identity": {"()": "engine.identity.MaskingFilter"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["mask_identity"]
    config["loggers"]["memberflow"] = {"handlers": ["default"], "level": level, "propagate": False}
    # a line per layout step of every PDF, and per state entered or left of every step, otherwise
    for noisy in ("weasyprint", "fontTools", "transitions"):
        config["loggers"][noisy] = {"handlers": ["default"], "level": "WARNING", "propagate": False}
    return config
