"""`envoi loadgen smtp` against a private Postfix instance: what the client sends lands in Postfix's queue.

The instance is Benchmarks/postfix-instance.sh's (the one the benchmark measures): loopback only,
STARTTLS with a self-signed certificate, every message held in its own queue. Postfix is installed
by scripts/install-test-deps.sh.
"""
import json
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from conftest import ENVOI, ROOT, free_port

INSTANCE = ROOT / "Benchmarks" / "postfix-instance.sh"


class Postfix:
    def __init__(self, directory: pathlib.Path, port: int):
        self.directory = directory
        self.port = port

    def queue(self) -> list[dict]:
        """Every queued message, as `postqueue -j` describes it."""
        result = subprocess.run(["postqueue", "-c", str(self.directory / "config"), "-j"],
                                capture_output=True, text=True, timeout=30, check=True)
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def message(self, queue_id: str) -> str:
        """The queue file of one message, headers and body (`postcat -h -b`)."""
        result = subprocess.run(["postcat", "-c", str(self.directory / "config"), "-h", "-b", "-q", queue_id],
                                capture_output=True, text=True, timeout=30, check=True)
        return result.stdout

    def pids(self) -> list[str]:
        return subprocess.run([INSTANCE, "pids", self.directory], capture_output=True, text=True,
                              timeout=30).stdout.split()


@pytest.fixture
def postfix():
    assert shutil.which("postfix", path="/usr/sbin:/usr/bin"), "postfix missing: run scripts/install-test-deps.sh"
    # Not under pytest's tmp_path: its parents are private to root, and Postfix's daemons run as
    # the mail owner, which must reach the queue.
    directory = pathlib.Path(tempfile.mkdtemp(prefix="envoi-postfix-"))
    directory.chmod(0o755)
    instance = Postfix(directory, free_port())
    try:
        started = subprocess.run([INSTANCE, "start", directory, str(instance.port)], capture_output=True, text=True,
                                 timeout=90)
        assert started.returncode == 0, started.stderr
        yield instance
    finally:
        subprocess.run([INSTANCE, "stop", directory], timeout=60)
        remaining = instance.pids()
        shutil.rmtree(directory, ignore_errors=True)
        assert remaining == [], f"postfix processes left running: {remaining}"


def loadgen(*args):
    return subprocess.run([ENVOI, "loadgen", "smtp", *args], capture_output=True, text=True, timeout=120)


def test_messages_sent_over_starttls_with_pipelining_land_in_the_queue(postfix):
    result = loadgen("--port", str(postfix.port), "--connections", "3", "--messages", "7", "--size", "3000",
                     "--starttls", "--pipelining", "--from", "sender@example.com", "--to", "rcpt@example.org", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["replies"] == {"250": 7} and report["accepted"] == 7
    queue = postfix.queue()
    assert len(queue) == 7
    assert {entry["queue_name"] for entry in queue} == {"hold"}
    assert {entry["sender"] for entry in queue} == {"sender@example.com"}
    assert all([r["address"] for r in entry["recipients"]] == ["rcpt@example.org"] for entry in queue)
    text = postfix.message(queue[0]["queue_id"])
    assert "Subject: envoi loadgen " in text and "@loadgen.envoi.test>" in text
    # Postfix's Received header says the message came over TLS.
    assert "with ESMTPS" in text


def test_messages_sent_in_clear_one_command_at_a_time_land_in_the_queue(postfix):
    result = loadgen("--port", str(postfix.port), "--connections", "2", "--messages", "5")
    assert result.returncode == 0, result.stderr
    assert "replies: 250=5" in result.stdout
    queue = postfix.queue()
    assert len(queue) == 5
    assert "with ESMTP " in postfix.message(queue[0]["queue_id"])


def test_a_message_over_postfix_size_limit_is_not_sent(postfix):
    # The instance advertises SIZE 10485760 (RFC 1870): the client refuses before sending.
    result = loadgen("--port", str(postfix.port), "--messages", "1", "--size", str(11 * 1024 * 1024))
    assert result.returncode == 1
    assert "replies: none" in result.stdout
    assert "error (1): message larger than the server's SIZE 10485760" in result.stdout
    assert postfix.queue() == []
