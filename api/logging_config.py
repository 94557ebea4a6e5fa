"""Log configuration: every handler masks identity numbers and stamps the request id; JSON lines in
production (`MEMBERFLOW_LOG_FORMAT=json`), readable text otherwise."""

from __future__ import annotations

import copy
import json
import logging
from datetime import UTC, datetime
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from engine import correlation
from engine.identity import MaskingFilter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
NOISY = ("weasyprint", "fontTools", "transitions")  # a line per PDF layout step or state entered


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-") on every record, whichever thread logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = correlation.current() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or correlation.current(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_cli_logging(level: str, log_format: str) -> None:
    """The `memberflow` command's own processes (worker, init, …): one handler on the root logger."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(MaskingFilter())
    handler.addFilter(RequestIdFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def server_log_config(level: str, log_format: str = "text") -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "mask_identity": {"()": "engine.identity.MaskingFilter"},
        "request_id": {"()": "api.logging_config.RequestIdFilter"},
    }
    if log_format == "json":
        config["formatters"] = {"json": {"()": "api.logging_config.JsonFormatter"}}
    else:  # uvicorn's own formatters (its access formatter unpacks the arguments), with the id
        for formatter in config["formatters"].values():
            formatter["fmt"] = formatter["fmt"].replace(
                "%(levelprefix)s ", "%(levelprefix)s [%(request_id)s] "
            )
    for handler in config["handlers"].values():
        handler["filters"] = ["mask_identity", "request_id"]
        if log_format == "json":
            handler["formatter"] = "json"
    config["loggers"]["memberflow"] = {"handlers": ["default"], "level": level, "propagate": False}
    config["root"] = {"handlers": ["default"], "level": level}  # api.*, engine.*, dramatiq
    for noisy in NOISY:
        config["loggers"][noisy] = {"handlers": ["default"], "level": "WARNING", "propagate": False}
    return config
