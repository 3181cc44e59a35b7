"""Shared fixtures for the integration tests: they run the built `envoi` binary as a user would."""
import json
import os
import pathlib
import sqlite3
import queue
import signal
import subprocess
import threading
import time
import urllib.parse
import uuid

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


class Server:
    """A running `envoi serve` on free loopback ports, stopped with SIGTERM at the end."""

    def __init__(self, envoi: Envoi, *settings: str, listeners=2):
        args = [ENVOI, "--data-dir", str(envoi.data_dir), "serve", "--set", "smtp.listen=" + ",".join(["127.0.0.1:0"] * listeners),
                "--set", "https.listen=127.0.0.1:0"]
        for setting in settings:
            args += ["--set", setting]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=envoi.env)
        self.lines = queue.Queue()
        self.stderr_lines = []
        threading.Thread(target=self._pump, args=(self.process.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.process.stderr, self.stderr_lines.append), daemon=True).start()
        self.smtp_ports = []
        self.ports = {}  # kind ("https", "metrics") -> port
        expected = {"https"} | {setting.split(".")[0] for setting in settings if setting.split("=")[0].endswith(".listen")}
        expected.discard("smtp")
        deadline = time.monotonic() + 30
        while (len(self.smtp_ports) < listeners or not expected <= set(self.ports)) and time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if " listening on " in line:
                kind, address = line.split(" listening on ")
                port = int(address.strip().rsplit(":", 1)[1])
                if kind == "smtp":
                    self.smtp_ports.append(port)
                else:
                    self.ports[kind] = port
        if len(self.smtp_ports) < listeners or not expected <= set(self.ports):
            self.process.kill()
            self.process.wait(timeout=10)
            raise AssertionError(f"envoi serve did not start: {''.join(self.stderr_lines)}")
        self.https_port = self.ports["https"]
        self.port = self.smtp_ports[0]
        # No trailing slash: the SDK would sign `//20170907/…` and send `/20170907/…`.
        self.https_endpoint = f"https://127.0.0.1:{self.https_port}"

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line)

    def stop(self, timeout=30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise


class Secret(str):
    """A password that pytest's failure reports show as *** (secrets never reach test output)."""

    def __repr__(self):
        return "'***'"


class Tenant:
    """A user allowed to send as approved senders of the root compartment, with a credential."""

    def __init__(self, envoi: Envoi, senders=("app@example.com",)):
        self.user = envoi.json("user", "create", "--name", "app")
        group = envoi.json("group", "create", "--name", "Senders")
        envoi.ok("group", "add-user", "--group-id", group["id"], "--user-id", self.user["id"])
        envoi.ok("policy", "create", "--name", "senders", "--statement", "Allow group Senders to use email-family in tenancy")
        created = envoi.json("credential", "create", "--user", self.user["id"])
        self.username = created["credential"]["username"]
        self.password = Secret(created["password"])
        for sender in senders:
            envoi.ok("sender", "create", "--email", sender)


@pytest.fixture
def tenant(initialised):
    return Tenant(initialised)


@pytest.fixture
def server_factory(initialised):
    servers = []

    def start(*settings):
        server = Server(initialised, *settings)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
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


@pytest.fixture
def dkimpy_through(dns):
    """Points dnspython's default resolver (which dkimpy uses) at the loopback server."""
    import dns.resolver as dnsresolver
    resolver = dnsresolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = dns.port
    resolver.lifetime = 5
    saved = dnsresolver.default_resolver
    dnsresolver.default_resolver = resolver
    yield
    dnsresolver.default_resolver = saved


# The private PostgreSQL server scripts/postgres-test-server.sh starts (ENVOI_TEST_POSTGRES_URL).

URL_VARIABLE = "ENVOI_TEST_POSTGRES_URL"


def server_url() -> str:
    url = os.environ.get(URL_VARIABLE, "")
    # As the Swift PostgreSQL tests: no silent skip, scripts/test.sh always provides a server.
    assert url, f"{URL_VARIABLE} is not set: run scripts/test.sh, or export {URL_VARIABLE}=$(scripts/postgres-test-server.sh start)"
    # It holds the test role's password: a failure report shows it as ***.
    return Secret(url)


def psql(url: str, sql: str) -> list[str]:
    """Rows of `sql` as text, through Debian's psql (installed with postgresql by install-test-deps.sh)."""
    result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def with_database(url: str, name: str) -> str:
    return Secret(urllib.parse.urlsplit(url)._replace(path="/" + name).geturl())


def with_password(url: str, password: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=f"{parts.username}:{password}@{parts.hostname}:{parts.port}").geturl()


def free_port() -> int:
    """A loopback port nothing listens on (bound and closed)."""
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database():
    """A new, empty database on the test server, dropped afterwards; its URL."""
    url = server_url()
    name = "db_" + uuid.uuid4().hex
    psql(url, f"CREATE DATABASE {name}")
    yield with_database(url, name)
    # FORCE ends the test's own sessions, but not an autovacuum worker's (a superuser's), which
    # may still be in the database for a moment: bounded retries.
    for _ in range(20):
        result = subprocess.run(["psql", "-X", "-q", "-d", url, "-c", f"DROP DATABASE {name} WITH (FORCE)"],
                                capture_output=True, text=True, timeout=30)
        if result.returncode == 0:
            return
        time.sleep(0.25)
    assert result.returncode == 0, result.stderr
