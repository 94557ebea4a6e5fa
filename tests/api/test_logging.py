"""No identity number reaches a log line, whichever logger the server writes it with."""

from __future__ import annotations

import io
import json
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


def test_each_server_log_line_carries_the_request_id_as_text_or_as_json() -> None:
    from engine import correlation

    for log_format in ("text", "json"):
        config = server_log_config("INFO", log_format)
        stream = io.StringIO()
        for handler in config["handlers"].values():
            handler["stream"] = stream
        logging.config.dictConfig(config)
        try:
            with correlation.bound("req-1234"):
                logging.getLogger("uvicorn.access").info(
                    '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", "/api/cases", "1.1", 201
                )
                logging.getLogger("memberflow.auth").warning("login refused for 620724199803070017")
            logging.getLogger("api.jobs").warning("outside any request")
        finally:
            logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
        lines = stream.getvalue().splitlines()
        assert len(lines) == 3
        if log_format == "json":
            parsed = [json.loads(line) for line in lines]
            assert [p["request_id"] for p in parsed] == ["req-1234", "req-1234", "-"]
            assert parsed[1]["message"] == "login refused for 620724********0017"
        else:
            assert all("[req-1234]" in line for line in lines[:2]) and "[-]" in lines[2]
