"""`envoi console` end to end: the real binary in tmux (a private server socket), driven by keys,
checked on the captured pane, the database and the exit status. Every wait is bounded."""
import json
import os
import pathlib
import re
import shlex
import subprocess
import time

import pytest

from conftest import ENVOI, PUBLISH_ZONE, Tenant
from smtp_client import RawSMTP, message

WIDTH, HEIGHT = 120, 40


class Tmux:
    """One tmux server on a private socket, one session running a command."""

    def __init__(self, directory: pathlib.Path):
        self.socket = str(directory / "tmux.sock")
        self.last = ""

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=10, check=check)

    def start(self, command: str, width=WIDTH, height=HEIGHT):
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "console", "-x", str(width), "-y", str(height), command)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "console", *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", "console", "-l", text)

    def capture(self) -> str:
        self.last = self.tmux("capture-pane", "-p", "-t", "console").stdout
        return self.last

    def wait_for(self, pattern, timeout=20.0) -> str:
        """Polls the pane until `pattern` (a regex) appears; fails with the last screen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.capture()
            if re.search(pattern, screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} not on screen within {timeout}s:\n{self.last}")

    def wait_until_gone(self, pattern, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not re.search(pattern, self.capture()):
                return
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} still on screen after {timeout}s:\n{self.last}")

    def display(self, format_string) -> str:
        return self.tmux("display-message", "-p", "-t", "console", format_string).stdout.strip()

    def kill(self):
        self.tmux("kill-server", check=False)


@pytest.fixture
def tmux(tmp_path):
    server = Tmux(tmp_path)
    yield server
    server.kill()


def wait_for_log(path: pathlib.Path, pattern, timeout=30.0) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            found = re.search(pattern, path.read_text())
            if found:
                return found
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} not in {path} within {timeout}s: {path.read_text() if path.exists() else '(missing)'}")


def console_command(envoi, *flags, status_file):
    """The shell line tmux runs: the console, then its exit status, then a pause so the pane stays."""
    args = [ENVOI, "--data-dir", str(envoi.data_dir), "console", *flags,
            "--set", "smtp.listen=127.0.0.1:0", "--set", "https.listen=127.0.0.1:0"]
    line = " ".join(shlex.quote(arg) for arg in args)
    settings = " ".join(shlex.quote(f"{k}={v}") for k, v in envoi.env.items() if k.startswith("ENVOI_"))
    return (f"env -u NO_COLOR -u COLUMNS -u LINES LANG=C.UTF-8 {settings} {line}; status=$?; echo \"console exited with $status\"; "
            f"echo $status > {shlex.quote(str(status_file))}; sleep 300")


def send(port, cafile, tenant, recipient):
    client = RawSMTP(port, cafile).ready(tenant.username, tenant.password)
    try:
        reply = client.command("MAIL FROM:<app@example.com>")
        if not reply.startswith("250"):
            return reply
        reply = client.command(f"RCPT TO:<{recipient}>")
        if not reply.startswith("250"):
            return reply
        client.command("DATA")
        client.send(message(to=recipient) + b".\r\n")
        return client.reply()
    finally:
        client.close()


def suppressed(envoi):
    return [item["emailAddress"] for item in envoi.json("suppression", "list")["items"]]


def test_console_drives_the_control_plane_shows_live_traffic_and_quits_cleanly(initialised, tmux, tmp_path):
    tenant = Tenant(initialised)
    initialised.ok("limits", "set", "--per-minute", "2", "--per-day", "1000")
    status_file = tmp_path / "status"
    tmux.start(console_command(initialised, status_file=status_file))
    log = initialised.data_dir / "console.log"
    port = int(wait_for_log(log, r"smtp listening on 127\.0\.0\.1:(\d+)").group(1))
    cafile = str(initialised.data_dir / "tls" / "certificate.pem")
    tmux.wait_for(r"Per minute .* 0 / 2 0%")
    assert tmux.display("#{alternate_on}") == "1"

    # Every pane, by number and by Tab.
    headings = {"2": r"Approved senders: 1 of 1", "3": r"Email domains: 0", "4": r"DKIM keys: 0", "5": r"Suppressions  ·  prefix: any",
                "6": r"Activity \(live\)", "7": r"Capture mailbox", "1": r"Send limits"}
    for key, heading in headings.items():
        tmux.keys(key)
        tmux.wait_for(heading)
    tmux.keys("Tab")
    tmux.wait_for(headings["2"])
    tmux.keys("BTab")
    tmux.wait_for(headings["1"])
    tmux.keys("?")
    tmux.wait_for(r"this help \(any key closes it\)")
    tmux.keys("Escape")
    tmux.wait_until_gone(r"this help")

    # UTF-8 typed and drawn back: wide-character input and output (the rules refuse the address).
    tmux.keys("2", "a")
    tmux.type("josé@東京.example")
    tmux.wait_for(r"New sender address: josé@東京\.example_  ✗ email: 'josé@東京\.example' is not a valid")
    tmux.keys("Escape")

    # Add a sender with the inline-validated form.
    tmux.keys("2", "a")
    tmux.type("new@")
    tmux.wait_for(r"New sender address: new@_  ✗")
    tmux.type("example.com")
    tmux.wait_for(r"New sender address: new@example.com_  ✓")
    tmux.keys("Enter")
    tmux.wait_for(r"approved sender new@example.com")
    tmux.wait_for(r"Approved senders: 2 of 2")
    assert "new@example.com" in [s["emailAddress"] for s in initialised.json("sender", "list")]

    # A message through SMTP moves the Overview counters and the Activity tail.
    assert send(port, cafile, tenant, "first@example.org").startswith("250 2.0.0 Ok: queued as")
    tmux.keys("1")
    tmux.wait_for(r"Accepted\s+1\b")
    tmux.wait_for(r"Per minute .* 1 / 2 50%")
    tmux.keys("6")
    tmux.wait_for(r"accepted\s+first@example\.org")

    # Over the per-minute limit: the client gets a 455 and the console shows it.
    assert send(port, cafile, tenant, "second@example.org").startswith("250")
    refused = send(port, cafile, tenant, "third@example.org")
    assert refused.startswith("455 Maximum messages sent per minute reached"), refused
    tmux.wait_for(r"rejected\s+-\s+455 Maximum messages sent per minute reached : limit is 2")
    tmux.keys("1")
    tmux.wait_for(r"limit_per_minute 1")
    tmux.wait_for(r"LIMIT REACHED")

    # Add a suppression, find it by prefix, see why, lift it.
    tmux.keys("5", "a")
    tmux.type("blocked@example.org")
    tmux.keys("Enter")
    tmux.wait_for(r"suppressed blocked@example\.org \(MANUAL\)")
    tmux.wait_for(r"blocked@example\.org\s+MANUAL")
    assert suppressed(initialised) == ["blocked@example.org"]
    tmux.keys("/")
    tmux.type("blo")
    tmux.keys("Enter")
    tmux.wait_for(r"prefix: blo…")
    tmux.keys("Enter")
    tmux.wait_for(r"Why is blocked@example\.org suppressed\?")
    tmux.keys("Escape", "d")
    tmux.wait_for(r"Lift the suppression of blocked@example\.org\? \(y/n\)")
    tmux.keys("y")
    tmux.wait_for(r"lifted the suppression of blocked@example\.org")
    tmux.wait_for(r"No suppressed address matches")
    assert suppressed(initialised) == []

    # The command line does the same.
    tmux.keys(":")
    tmux.type("suppress cmd@example.org")
    tmux.keys("Enter")
    tmux.wait_for(r"suppressed cmd@example\.org \(MANUAL\)")
    assert suppressed(initialised) == ["cmd@example.org"]

    # Resizing redraws at the new size; below 80x24 the console says so.
    tmux.tmux("resize-window", "-t", "console", "-x", "90", "-y", "30")
    screen = tmux.wait_for(r"Suppressions  ·  prefix")
    assert len(screen.rstrip("\n").split("\n")) == 30
    tmux.tmux("resize-window", "-t", "console", "-x", "70", "-y", "20")
    tmux.wait_for(r"Terminal too small: 70×20")
    tmux.tmux("resize-window", "-t", "console", "-x", str(WIDTH), "-y", str(HEIGHT))
    tmux.wait_for(r"1 Overview 2 Senders")

    # q stops every service and exits 0, leaving the alternate screen.
    tmux.keys("q")
    tmux.wait_for(r"console exited with 0", timeout=40)
    assert status_file.read_text().strip() == "0"
    assert tmux.display("#{alternate_on}") == "0"
    assert "console stopped" in log.read_text()


def test_dkim_key_created_and_rechecked_in_the_console_signs_mail_shown_in_the_mail_pane(dkim_envoi, dns, tmux, tmp_path):
    envoi = dkim_envoi
    tenant = Tenant(envoi)
    domain = envoi.json("domain", "create", "--name", "example.com")
    tmux.start(console_command(envoi, status_file=tmp_path / "status"))
    port = int(wait_for_log(envoi.data_dir / "console.log", r"smtp listening on 127\.0\.0\.1:(\d+)").group(1))
    tmux.keys("4")
    tmux.wait_for(r"DKIM keys: 0")
    tmux.keys("a")
    tmux.wait_for(r"New DKIM key for domain: example\.com_  ✓")
    tmux.keys("Enter")
    tmux.wait_for(r"created DKIM key envoi-\d{8} for example\.com", timeout=60)
    key = envoi.json("dkim", "list", "--domain-id", domain["id"])[0]
    tmux.wait_for(rf"{key['name']}\s+example\.com\s+rsa-sha256\s+NEEDS_ATTENTION")
    tmux.wait_for(re.escape(f"{key['dnsSubdomainName']}. 3600 IN CNAME"))

    dns.set_zone(envoi.ok("dkim", "zone").stdout
                 + f"$ORIGIN example.com.\n$TTL 300\n{key['name']}._domainkey IN CNAME {key['name']}.example.com.{PUBLISH_ZONE}.\n")
    tmux.keys("r")
    tmux.wait_for(rf"{key['name']}: ACTIVE", timeout=30)
    tmux.wait_for(rf"{key['name']}\s+example\.com\s+rsa-sha256\s+ACTIVE")
    tmux.keys("3")
    tmux.wait_for(rf"example\.com\s+ACTIVE\s+{key['name']}")

    cafile = str(envoi.data_dir / "tls" / "certificate.pem")
    assert send(port, cafile, tenant, "friend@example.org").startswith("250 2.0.0 Ok: queued as")
    tmux.keys("7")
    tmux.wait_for(rf"app@example\.com\s+friend@example\.org\s+{key['name']}")
    tmux.keys("Enter")
    tmux.wait_for(r"DKIM-Signature: v=1; a=rsa-sha256;")
    tmux.wait_for(rf"s={key['name']}")
    tmux.keys("Escape", "q")
    tmux.wait_for(r"console exited with 0", timeout=40)


@pytest.mark.parametrize("no_color", ["", "1"])
def test_no_color_draws_without_colour_codes(initialised, tmux, tmp_path, no_color):
    command = console_command(initialised, status_file=tmp_path / "status")
    if no_color:
        command = command.replace("LANG=C.UTF-8", "LANG=C.UTF-8 NO_COLOR=1")
    tmux.start(command, width=80, height=24)
    tmux.wait_for(r"Send limits")
    styled = tmux.tmux("capture-pane", "-p", "-e", "-t", "console").stdout
    colours = re.findall(r"\x1b\[[0-9;]*(?:3[0-7]|4[0-7]|38;5;\d+|48;5;\d+)[0-9;]*m", styled)
    assert bool(colours) == (not no_color), styled[:400]
    assert "\x1b[7m" in styled or not no_color, "without colour, bars are drawn in reverse video"
    tmux.keys("q")
    tmux.wait_for(r"console exited with 0", timeout=40)


def test_read_only_console_hides_and_refuses_changes(initialised, tmux, tmp_path):
    Tenant(initialised)
    status_file = tmp_path / "status"
    tmux.start(console_command(initialised, "--read-only", status_file=status_file), width=100, height=30)
    tmux.wait_for(r"Send limits")
    tmux.keys("2")
    screen = tmux.wait_for(r"Approved senders: 1 of 1\s+read-only")
    assert "a:add" not in screen
    tmux.keys("a")
    tmux.wait_for(r"read-only: adding is disabled")
    tmux.keys(":")
    tmux.type("sender add other@example.com")
    tmux.keys("Enter")
    tmux.wait_for(r"read-only: adding is disabled")
    assert [s["emailAddress"] for s in initialised.json("sender", "list")] == ["app@example.com"]
    tmux.keys(":")
    tmux.type("q")
    tmux.keys("Enter")
    tmux.wait_for(r"console exited with 0", timeout=40)


@pytest.mark.parametrize("how, status", [("SIGTERM", 0), ("Ctrl-C", 0), ("SIGSEGV", 128 + 11)])
def test_signals_and_crashes_leave_the_terminal_restored(initialised, tmux, tmp_path, how, status):
    """SIGTERM and Ctrl-C shut the group down gracefully (exit 0); a crash signal runs the
    async-signal-safe restorer before the process dies of it."""
    tmux.start(console_command(initialised, status_file=tmp_path / "status"), width=80, height=24)
    tmux.wait_for(r"Send limits")
    assert tmux.display("#{alternate_on}") == "1"
    if how == "Ctrl-C":
        tmux.keys("C-c")
    else:
        pid = tmux.display("#{pane_pid}")
        children = subprocess.run(["pgrep", "-P", pid, "-f", "envoi"], capture_output=True, text=True).stdout.split()
        assert len(children) == 1, "the console process was not found"
        os.kill(int(children[0]), {"SIGTERM": 15, "SIGSEGV": 11}[how])
    tmux.wait_for(rf"console exited with {status}\b", timeout=40)
    assert tmux.display("#{alternate_on}") == "0"
    assert tmux.display("#{cursor_flag}") == "1", "the cursor is visible again"


def test_console_on_an_uninitialised_directory_says_to_run_init(envoi, tmux, tmp_path):
    tmux.start(console_command(envoi, status_file=tmp_path / "status"), width=200, height=24)  # one line for the path
    tmux.wait_for(r"no Envoi data in .*: run `envoi init` first")
    tmux.wait_for(r"console exited with 3")
    assert tmux.display("#{alternate_on}") == "0"


def test_console_refuses_to_run_without_a_terminal(initialised):
    result = initialised.run("console")
    assert result.returncode == 1
    assert "needs a terminal" in result.stderr
