"""The real server and worker, with the reliability process added to the registry.

Run as `python -m tests.reliability.processes serve|worker` with the MEMBERFLOW_* settings in the
environment: the same `create_app`, uvicorn, `jobs.Worker` and logging as `memberflow serve` and
`memberflow worker`; only the registry holds one more workflow.
"""

from __future__ import annotations

import sys

import uvicorn

from api.bootstrap import Services, bootstrap
from api.logging_config import configure_cli_logging, server_log_config
from tests.reliability.load_workflow import RELIABILITY


def services() -> Services:
    built = bootstrap()
    built.registry.add(RELIABILITY)
    return built


def serve() -> None:
    from api.app import create_app

    built = services()
    settings = built.settings
    log_config = server_log_config(settings.log_level, settings.log_format)
    uvicorn.run(create_app(built), host=settings.host, port=settings.port, log_config=log_config)


def worker() -> None:
    from api.jobs import run_worker

    built = services()
    configure_cli_logging(built.settings.log_level, built.settings.log_format)
    run_worker(built)


if __name__ == "__main__":
    {"serve": serve, "worker": worker}[sys.argv[1]]()
