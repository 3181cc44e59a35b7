"""Shared fixtures for the integration tests: they run the built `envoi` binary as a user would."""
import json
import os
import pathlib
import sqlite3
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENVOI = os.environ.get("ENVOI_BIN", str(ROOT / ".build" / "debug" / "envoi"))


class Envoi:
    """Runs `envoi --data-dir <dir> …` with a bounded time and a clean environment."""

    def __init__(self, data_dir: pathlib.Path):
        self.data_dir = data_dir
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ENVOI_")}
        self.env["LANG"] = "C.UTF-8"

    def run(self, *args, env=None, timeout=60):
        return subprocess.run([ENVOI, "--data-dir", str(self.data_dir), *args], capture_output=True, text=True,
                              env={**self.env, **(env or {})}, timeout=timeout)

    def ok(self, *args, **kwargs):
        result = self.run(*args, **kwargs)
        assert result.returncode == 0, f"envoi {' '.join(args)} failed ({result.returncode}): {result.stderr}"
        return result

    def json(self, *args, **kwargs):
        return json.loads(self.ok(*args, "--output", "json", **kwargs).stdout)

    @property
    def database(self) -> pathlib.Path:
        return self.data_dir / "envoi.sqlite"

    def dump(self) -> list[str]:
        """Every row of the database as SQL, to prove a refused command wrote nothing."""
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            return list(connection.iterdump())
        finally:
            connection.close()

    def raw_bytes(self) -> bytes:
        data = b""
        for suffix in ("", "-wal"):
            path = pathlib.Path(str(self.database) + suffix)
            if path.exists():
                data += path.read_bytes()
        return data


@pytest.fixture
def envoi(tmp_path):
    assert os.path.exists(ENVOI), f"build envoi first: {ENVOI} is missing"
    return Envoi(tmp_path / "data")


@pytest.fixture
def initialised(envoi):
    envoi.ok("init")
    return envoi


PUBLISH_ZONE = "dkim.envoi.test"


@pytest.fixture
def dns():
    """A DNS server on 127.0.0.1 (random port, UDP and TCP) whose records each test sets."""
    from dns_server import LoopbackDNS

    server = LoopbackDNS().start()
    yield server
    server.stop()


@pytest.fixture
def dkim_envoi(initialised, dns):
    """An initialised Envoi that asks the loopback DNS server (1 s timeout) and publishes its
    DKIM records under dkim.envoi.test."""
    initialised.env.update({"ENVOI_DNS_RESOLVER": dns.address, "ENVOI_DNS_TIMEOUT": "1",
                            "ENVOI_DKIM_PUBLISH_ZONE": PUBLISH_ZONE})
    return initialised
