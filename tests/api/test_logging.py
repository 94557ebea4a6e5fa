"""No identity number reaches a log line, whichever logger the server writes it with."""

from __future__ import annotations

import io
import logging
import logging.config

from api.logging_config import server_log_config


def test_the_servers_access_and_application_logs_mask_identity_numbers() -> None:
    config = server_log_config("INFO")
    stream = io.StringIO()
    for handler in config["handlers"].values():
        handler["stream"] = stream  # uvicorn's own formatters stay: its access formatter unpacks args
    logging.config.dictConfig(config)
    try:
        logging.getLogger("uvicorn.access").info(  # the exact shape uvicorn logs a request in
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/api/people?q=620724199803070017", "1.1", 200
        )
        logging.getLogger("memberflow.auth").warning("lookup of 620724199803070017 failed")
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
    text = stream.getvalue()
    assert "620724199803070017" not in text
    assert text.count("620724********0017") == 2
    assert '"GET /api/people?q=620724********0017 HTTP/1.1" 200' in text  # the access line still formats
