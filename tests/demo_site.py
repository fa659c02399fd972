"""The README's first command (`./dev run`) on a data directory of its own: embedded
PostgreSQL and Redis, the demo province, a Celery worker and the development server.

Started once per test session (it takes a minute or two) and shared by the tests that use
the demo as a new user does: the run-path test and the crawl of every demo user's pages.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_PATH = "/readyz"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(port: int, path: str, host: str, timeout: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Host": f"{host}:{port}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class DemoSite:
    port: int
    data_dir: Path
    log_path: Path
    process: subprocess.Popen | None
    env: dict[str, str]
    ready_report: dict

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def log_tail(self, chars: int = 6000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "provincial.embedded",
                        "stop"], cwd=ROOT, env=self.env, check=False, capture_output=True)


def start(base: Path, timeout: float = 420) -> DemoSite:
    """`./dev run` with nothing configured (no DATABASE_URL, no REDIS_URL, an empty data
    directory), waiting until the readiness check reports the worker."""
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "PYTEST_VERSION", "EMAIL_HOST",
                          "EMAIL_PORT", "DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME",
                          "REDIS_TEST_DB", "CACHE_REDIS_URL", "PYTEST_XDIST_WORKER",
                          "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"}}
    data_dir = base / "data"
    env.update(PROVINCIAL_DATA_DIR=str(data_dir), PORT=str(port), EMAIL_PORT=str(free_port()),
               CLAVE_PRUEBAS_PORT=str(free_port()))
    log_path = base / "run.log"
    log = open(log_path, "wb")  # noqa: SIM115 - the process writes to it until stopped
    process = subprocess.Popen(["./dev", "run"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    site = DemoSite(port, data_dir, log_path, process, env, {})
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"./dev run exited:\n{site.log_tail()}")
            try:
                status, body = http_get(port, READY_PATH, "diputacion.localhost")
            except OSError:
                time.sleep(1)
                continue
            try:
                report = json.loads(body)
            except ValueError:
                report = {}
            site.ready_report = report
            if status == 200 and report.get("worker") == "ok":
                return site
            time.sleep(1)
        raise RuntimeError(f"./dev run not ready in {timeout} s ({site.ready_report}):\n"
                           f"{site.log_tail()}")
    except BaseException:
        site.stop()
        raise


def attach(port: int) -> DemoSite:
    """A demo already served on `port` by `./dev run` (its log in .data/run.log if any)."""
    log_path = Path(os.environ.get("DEMO_SITE_LOG", ROOT / ".data" / "run.log"))
    return DemoSite(port, ROOT / ".data", log_path, None, dict(os.environ), {})
