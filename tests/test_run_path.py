"""The README's first command, on embedded PostgreSQL and Redis, far enough to answer /readyz."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, host: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_dev_run_serves_the_demo_province_on_embedded_servers(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "PYTEST_VERSION", "EMAIL_HOST",
                          "EMAIL_PORT", "DJANGO_SETTINGS_MODULE"}}
    env.update(PROVINCIAL_DATA_DIR=str(tmp_path / "data"), PORT=str(port),
               EMAIL_PORT=str(_free_port()))
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(["./dev", "run"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        report = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            try:
                status, body = _get(port, "/readyz", "diputacion.localhost")
            except OSError:
                time.sleep(1)
                continue
            report = json.loads(body)
            if status == 200 and report.get("worker") == "ok":
                break
            time.sleep(1)
        assert report is not None, (tmp_path / "run.log").read_text()[-3000:]
        assert report["database"] == "ok"
        assert report["broker"] == "ok"
        assert report["worker"] == "ok", report
        # The embedded servers live under the data directory we gave, not elsewhere.
        assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()
        assert (tmp_path / "data" / "redis" / "redis.sock").exists()
        # The demo province is there: the admin login and an entity's portal answer.
        assert _get(port, "/admin/login/", "diputacion.localhost")[0] == 200
        status, body = _get(port, "/", "castalla.localhost")
        assert status == 200
        assert "Castalla" in body.decode()
        # ... with the demo's sede (procedures, tablón) and registro and soporte data.
        status, body = _get(port, "/sede/procedimientos/", "castalla.localhost")
        assert status == 200, body[:500]
        assert "Instancia general" in body.decode()
        status, body = _get(port, "/sede/tablon/", "castalla.localhost")
        assert status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "provincial.embedded",
                        "stop"], cwd=ROOT, env=env, check=False)
