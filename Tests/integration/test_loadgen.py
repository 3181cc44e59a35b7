"""`envoi loadgen smtp` against `envoi loadgen sink` over loopback: counts, TLS, AUTH, bounds."""
import json
import re
import select
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import ENVOI


class Sink:
    """A running `envoi loadgen sink`, stopped with SIGTERM at the end of the test."""

    def __init__(self, tmp_path, starttls: bool):
        self.certificate = tmp_path / "sink.pem"
        args = [ENVOI, "loadgen", "sink", "--listen", "127.0.0.1:0", "--duration", "120"]
        if starttls:
            args += ["--starttls", "--write-certificate", str(self.certificate)]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        assert ready, "the sink did not say where it listens within 20 s"
        line = self.process.stdout.readline()
        match = re.fullmatch(r"sink listening on 127\.0\.0\.1:(\d+)\n", line)
        assert match, f"unexpected first line: {line!r}"
        self.port = int(match.group(1))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=10)


@pytest.fixture
def sink(tmp_path):
    started = []

    def start(starttls=False):
        started.append(Sink(tmp_path, starttls))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            assert running.stop() == 0, "the sink did not stop cleanly on SIGTERM"


def loadgen(*args, timeout=120):
    return subprocess.run([ENVOI, "loadgen", "smtp", *args], capture_output=True, text=True, timeout=timeout)


def replies(stdout: str) -> dict[str, int]:
    """The `replies: 250=200 …` line as {code: count}."""
    line = next(line for line in stdout.splitlines() if line.startswith("replies: "))
    codes = line[len("replies: "):]
    return {} if codes == "none" else {code: int(count) for code, count in (item.split("=") for item in codes.split(" "))}


def errors(stdout: str) -> dict[str, int]:
    """The `error (N): reason` lines as {reason: N}."""
    return {match[2]: int(match[1]) for match in re.finditer(r"^error \((\d+)\): (.*)$", stdout, re.M)}


def test_plain_run_counts_every_reply(sink):
    server = sink()
    result = loadgen("--port", str(server.port), "--connections", "4", "--messages", "200", "--size", "2048")
    assert result.returncode == 0, result.stderr
    assert replies(result.stdout) == {"250": 200}
    assert re.search(r"^messages/s: [0-9.]+ \(200 replied in [0-9.]+ s\)$", result.stdout, re.M)
    assert re.search(r"^latency ms: p50 [0-9.]+ p90 [0-9.]+ p99 [0-9.]+ max [0-9.]+$", result.stdout, re.M)


def test_starttls_auth_and_pipelining_never_print_the_password(sink):
    server = sink(starttls=True)
    result = loadgen("--port", str(server.port), "--connections", "5", "--messages", "200", "--starttls",
                     "--pipelining", "--auth", "loaduser:Sup3r-s3cret-pw", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["replies"] == {"250": 200}
    assert report["accepted"] == 200 and report["starttls"] and report["pipelining"] and report["auth"]
    assert report["p50_ms"] <= report["p90_ms"] <= report["p99_ms"] <= report["max_ms"]
    assert "Sup3r-s3cret-pw" not in result.stdout + result.stderr


def test_credentials_can_come_from_the_environment(sink):
    server = sink(starttls=True)
    result = subprocess.run([ENVOI, "loadgen", "smtp", "--port", str(server.port), "--messages", "10", "--starttls"],
                            capture_output=True, text=True, timeout=120,
                            env={"ENVOI_LOADGEN_AUTH": "envuser:Env-s3cret", "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    assert "AUTH as envuser" in result.stdout
    assert replies(result.stdout) == {"250": 10}
    assert "Env-s3cret" not in result.stdout + result.stderr


def test_ca_file_verifies_the_sink_certificate_and_a_wrong_one_fails(sink, tmp_path):
    server = sink(starttls=True)
    ok = loadgen("--port", str(server.port), "--messages", "20", "--starttls", "--ca-file", str(server.certificate))
    assert ok.returncode == 0, ok.stderr
    assert replies(ok.stdout) == {"250": 20}

    (tmp_path / "other").mkdir()
    other = Sink(tmp_path / "other", starttls=True)
    try:
        bad = loadgen("--port", str(server.port), "--messages", "3", "--starttls", "--ca-file", str(other.certificate))
    finally:
        assert other.stop() == 0
    assert bad.returncode == 1
    assert replies(bad.stdout) == {}
    assert errors(bad.stdout) == {"TLS failed: CERTIFICATE_VERIFY_FAILED": 3}


def test_a_silent_server_is_cut_off_at_the_run_timeout():
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        result = loadgen("--port", str(listener.getsockname()[1]), "--connections", "3", "--messages", "9",
                         "--timeout", "2", timeout=30)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()
    assert result.returncode == 1
    assert replies(result.stdout) == {}
    assert errors(result.stdout) == {"run timeout": 9}
    assert "9 of 9 messages got no final reply (run timed out)" in result.stderr
    assert elapsed < 15


@pytest.mark.parametrize("args, message", [
    (["--host", "192.0.2.1", "--port", "25"], "is not a loopback address"),
    (["--port", "25", "--auth", "u:p"], "--auth needs --starttls"),
    (["--port", "25", "--connections", "0"], "--connections must be"),
    (["--port", "25", "--timeout", "0"], "--timeout must be"),
])
def test_refused_settings_send_nothing(args, message):
    result = loadgen(*args, timeout=30)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_sink_refuses_a_non_loopback_listen_address():
    result = subprocess.run([ENVOI, "loadgen", "sink", "--listen", "0.0.0.0:0"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "not a loopback address" in result.stderr
