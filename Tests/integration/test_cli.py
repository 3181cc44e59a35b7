"""The admin CLI against the built binary: round trips, refusals that write nothing, secrets, bad databases."""
import json
import os
import sqlite3
import stat
import subprocess
import time

import pytest


def test_init_then_every_resource_round_trips_as_json(envoi):
    first = envoi.json("init")
    assert first["created"] is True
    tenancy = first["tenancyId"]
    assert tenancy.startswith("ocid1.tenancy.envoi..")

    marketing = envoi.json("compartment", "create", "--name", "Marketing", "--description", "Newsletters")
    assert marketing["compartmentId"] == tenancy and marketing["lifecycleState"] == "ACTIVE"
    group = envoi.json("group", "create", "--name", "Senders")
    user = envoi.json("user", "create", "--name", "app-server")
    envoi.ok("group", "add-user", "--group-id", group["id"], "--user-id", user["id"])
    policy = envoi.json("policy", "create", "--name", "senders",
                        "--statement", "Allow group Senders to use email-family in compartment Marketing")
    created = envoi.json("credential", "create", "--user", user["id"])
    assert len(created["password"]) == 32 and created["credential"]["userId"] == user["id"]
    domain = envoi.json("domain", "create", "--name", "Example.COM", "--compartment-id", marketing["id"])
    assert domain["name"] == "example.com" and domain["lifecycleState"] == "ACTIVE" and domain["isSpf"] is False
    sender = envoi.json("sender", "create", "--email", "news@example.com", "--compartment-id", marketing["id"])
    assert sender["emailAddress"] == "news@example.com" and sender["compartmentId"] == marketing["id"]
    hard = envoi.json("suppression", "add", "--email", "Gone@Example.org", "--reason", "HARDBOUNCE")
    manual = envoi.json("suppression", "add", "--email", "optout@example.org")
    assert hard["emailAddress"] == "gone@example.org" and hard["reason"] == "HARDBOUNCE"
    assert manual["reason"] == "MANUAL" and manual["compartmentId"] == tenancy

    assert [c["id"] for c in envoi.json("compartment", "list")] == [tenancy, marketing["id"]]
    assert envoi.json("group", "get", group["id"])["members"] == [user["id"]]
    assert {u["name"] for u in envoi.json("user", "list")} == {"admin", "app-server"}
    assert policy in envoi.json("policy", "list")
    credentials = envoi.json("credential", "list", "--user", user["id"])
    assert credentials == [created["credential"]] and "password" not in credentials[0]
    assert envoi.json("domain", "list") == [domain] and envoi.json("domain", "get", domain["id"]) == domain
    senders = envoi.json("sender", "list", "--compartment-id", marketing["id"])
    assert [s["id"] for s in senders] == [sender["id"]]
    assert senders[0]["emailDomainId"] == domain["id"]
    page = envoi.json("suppression", "list")
    assert [s["emailAddress"] for s in page["items"]] == ["gone@example.org", "optout@example.org"]
    assert page.get("nextPage") is None
    assert envoi.json("suppression", "get", hard["id"]) == hard
    # Timestamps are RFC 3339 in UTC with milliseconds, as the cloud API writes them.
    assert sender["timeCreated"].endswith("Z") and "." in sender["timeCreated"]

    before = envoi.dump()
    stamps = {p: os.stat(envoi.data_dir / p).st_mtime_ns for p in ("master.key", "tls/certificate.pem", "tls/key.pem")}
    again = envoi.json("init")
    assert again["created"] is False and again["tenancyId"] == tenancy
    assert envoi.dump() == before
    assert stamps == {p: os.stat(envoi.data_dir / p).st_mtime_ns for p in stamps}

    envoi.ok("sender", "delete", sender["id"])
    envoi.ok("suppression", "remove", hard["id"])
    assert envoi.json("sender", "list") == []
    assert [s["id"] for s in envoi.json("suppression", "list")["items"]] == [manual["id"]]


def test_table_output_is_aligned_and_names_columns(initialised):
    initialised.ok("sender", "create", "--email", "a@example.com")
    lines = initialised.ok("sender", "list").stdout.splitlines()
    assert lines[0].split() == ["ID", "EMAIL", "COMPARTMENT", "STATE", "SPF", "CREATED"]
    assert "a@example.com" in lines[1] and "ACTIVE" in lines[1]


REFUSED = [
    (["sender", "create", "--email", "not-an-address"], 1, "email: 'not-an-address' is not a valid email address (RFC 5321 mailbox)"),
    (["sender", "create", "--email", "@example.com"], 1, "email: the wildcard @example.com needs an email domain example.com with an ACTIVE DKIM key"),
    (["sender", "create", "--email", "a@example.com", "--compartment-id", "nope"], 1, "compartment-id: 'nope' is not a compartment OCID"),
    (["sender", "create", "--email", "a@example.com", "--compartment-id", "ocid1.compartment.envoi..aaaaaaaaaaaaaaaa"], 4,
     "compartment ocid1.compartment.envoi..aaaaaaaaaaaaaaaa not found"),
    (["domain", "create", "--name", "localhost"], 1, "name: 'localhost' is not a valid domain name"),
    (["suppression", "add", "--email", "x@y.org", "--reason", "BORED"], 2, "The value 'BORED' is invalid for '--reason <reason>'"),
    (["suppression", "list", "--limit", "5000"], 1, "limit: 5000 is out of range (1...1000)"),
    (["user", "get", "ocid1.user.envoi..doesnotexist"], 4, "user ocid1.user.envoi..doesnotexist not found"),
    (["user", "get", "ocid1.group.envoi..aaaaaaaaaaaaa"], 1, "user id: 'ocid1.group.envoi..aaaaaaaaaaaaa' is not a user OCID"),
    (["user", "create", "--name", "has space"], 1, "name: 'has space' may hold only letters, digits"),
    (["policy", "create", "--name", "p", "--statement", "Allow group G to send email-family in tenancy"], 1,
     "statement 1: column 18: expected a verb (inspect, read, use, manage), found 'send'"),
    (["policy", "create", "--name", "p"], 1, "statement: required"),
    (["limits", "set", "--per-minute", "0"], 1, "per-minute: 0 is out of range"),
    (["limits", "set"], 2, "give at least one of --per-minute, --per-day, --max-message-size"),
    (["compartment", "delete", "ROOT"], 1, "compartment-id: 'ROOT' is not a compartment OCID"),
    (["sender", "list", "--output", "yaml"], 2, "The value 'yaml' is invalid for '--output <output>'"),
    (["credential", "create", "--user", "ocid1.user.envoi..nosuchuser"], 4, "user ocid1.user.envoi..nosuchuser not found"),
]


@pytest.mark.parametrize("args,status,message", REFUSED, ids=[" ".join(a[:2]) + f" #{i}" for i, (a, _, _) in enumerate(REFUSED)])
def test_a_refused_command_says_why_in_one_line_and_writes_nothing(initialised, args, status, message):
    initialised.ok("sender", "create", "--email", "keep@example.com")
    before = initialised.dump()
    result = initialised.run(*args)
    assert result.returncode == status, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("envoi: error: "), result.stderr
    assert message in lines[0]
    assert result.stdout == ""
    assert initialised.dump() == before


def test_duplicates_and_count_limits_are_refused_without_writing(initialised):
    user = initialised.json("user", "create", "--name", "app")
    initialised.ok("credential", "create", "--user", user["id"])
    initialised.ok("credential", "create", "--user", user["id"])
    initialised.ok("sender", "create", "--email", "dup@example.com")
    initialised.ok("suppression", "add", "--email", "dup@example.org")
    before = initialised.dump()
    for args, message in [
        (["credential", "create", "--user", user["id"]], "user already has 2 SMTP credentials (the maximum)"),
        (["sender", "create", "--email", "DUP@example.com"], "dup@example.com is already an approved sender"),
        (["suppression", "add", "--email", "Dup@Example.org"], "dup@example.org is already suppressed (MANUAL"),
        (["user", "create", "--name", "APP"], "a user named APP already exists"),
    ]:
        result = initialised.run(*args)
        assert result.returncode == 1 and message in result.stderr, result.stderr
    assert initialised.dump() == before


def test_secrets_are_never_stored_or_printed_in_clear(initialised):
    user = initialised.json("user", "create", "--name", "app")
    password = initialised.json("credential", "create", "--user", user["id"])["password"]
    raw = initialised.raw_bytes()
    assert password.encode() not in raw
    assert b"pbkdf2" not in raw
    for args in (["credential", "list"], ["credential", "list", "--output", "json"], ["user", "get", user["id"]]):
        result = initialised.ok(*args)
        assert password not in result.stdout + result.stderr
    key = (initialised.data_dir / "master.key").read_bytes()
    assert len(key) == 32 and key not in raw


def test_data_directory_is_private(initialised):
    for path, mode in (("", 0o700), ("master.key", 0o600), ("envoi.sqlite", 0o600), ("tls", 0o700), ("tls/key.pem", 0o600)):
        assert stat.S_IMODE(os.stat(initialised.data_dir / path).st_mode) == mode, path


def test_commands_before_init_say_so(envoi):
    result = envoi.run("sender", "list")
    assert result.returncode == 3
    assert result.stderr.strip() == f"envoi: error: no Envoi data in {envoi.data_dir}: run `envoi init` first"


def test_a_corrupt_database_gets_a_clear_message(initialised):
    initialised.database.write_bytes(b"this is not sqlite" * 500)
    for suffix in ("-wal", "-shm"):
        path = initialised.data_dir / f"envoi.sqlite{suffix}"
        if path.exists():
            path.unlink()
    result = initialised.run("sender", "list")
    assert result.returncode == 3
    assert result.stderr.strip() == f"envoi: error: database {initialised.database} is corrupt or not an Envoi database; restore it from a backup"


def test_a_read_only_database_gets_a_clear_message(initialised):
    before = initialised.dump()
    # As root, file modes do not stop writes: make the file immutable instead.
    subprocess.run(["chattr", "+i", str(initialised.database)], check=True)
    try:
        result = initialised.run("sender", "create", "--email", "a@example.com")
    finally:
        subprocess.run(["chattr", "-i", str(initialised.database)], check=True)
    assert result.returncode == 3, result.stderr
    assert "is read-only" in result.stderr or "cannot be opened" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert initialised.dump() == before


def test_a_locked_database_gets_a_clear_message(initialised):
    holder = sqlite3.connect(str(initialised.database), timeout=1)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        result = initialised.run("sender", "create", "--email", "a@example.com", timeout=30)
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip() == f"envoi: error: database {initialised.database} is locked by another process; try again when it is done"
    assert waited < 20
    assert initialised.json("sender", "list") == []


def test_limits_get_and_set(initialised):
    assert initialised.json("limits", "get") == {"messagesPerMinute": 1000, "messagesPerDay": 100000, "maxMessageSize": 10485760}
    changed = initialised.json("limits", "set", "--per-minute", "60", "--max-message-size", "1048576")
    assert changed == {"messagesPerMinute": 60, "messagesPerDay": 100000, "maxMessageSize": 1048576}
    assert initialised.json("limits", "get") == changed


def test_suppression_list_pages_and_filters(initialised):
    for i in range(7):
        initialised.ok("suppression", "add", "--email", f"user{i}@example.org", "--reason", "HARDBOUNCE" if i % 2 else "COMPLAINT")
    seen, page, pages = [], None, 0
    while pages < 10:
        args = ["suppression", "list", "--limit", "3"] + (["--page", page] if page else [])
        result = initialised.json(*args)
        seen += [s["emailAddress"] for s in result["items"]]
        pages += 1
        page = result.get("nextPage")
        if not page:
            break
    assert seen == [f"user{i}@example.org" for i in range(7)] and pages == 3
    complaints = initialised.json("suppression", "list", "--reason", "COMPLAINT")["items"]
    assert [s["emailAddress"] for s in complaints] == ["user0@example.org", "user2@example.org", "user4@example.org", "user6@example.org"]
    assert [s["emailAddress"] for s in initialised.json("suppression", "list", "--prefix", "USER3")["items"]] == ["user3@example.org"]
    table = initialised.ok("suppression", "list", "--limit", "3").stdout
    assert "More: --page " in table


def test_api_keys_get_the_sdk_fingerprint_and_are_sealed_at_rest(initialised, tmp_path):
    private = tmp_path / "key.pem"
    public = tmp_path / "public.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(private), "2048"], check=True, capture_output=True)
    subprocess.run(["openssl", "rsa", "-in", str(private), "-pubout", "-out", str(public)], check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"], check=True, capture_output=True).stdout
    import hashlib
    expected = ":".join(f"{b:02x}" for b in hashlib.md5(der).digest())
    user = initialised.json("user", "create", "--name", "api-caller")
    key = initialised.json("apikey", "add", "--user", user["id"], "--public-key", str(public))
    assert key["fingerprint"] == expected and key["userId"] == user["id"]
    assert initialised.json("apikey", "list", "--user", user["id"]) == [key]
    body = "".join(public.read_text().splitlines()[1:-1]).encode()
    assert body[:40] not in initialised.raw_bytes()
    before = initialised.dump()
    again = initialised.run("apikey", "add", "--user", user["id"], "--public-key", str(public))
    assert again.returncode == 1 and f"the user already has the API key {expected}" in again.stderr
    bad = initialised.run("apikey", "add", "--user", user["id"], "--public-key", str(private) + ".missing")
    assert bad.returncode == 1 and "public-key: cannot read" in bad.stderr
    assert initialised.dump() == before
    initialised.ok("apikey", "delete", key["id"])
    assert initialised.json("apikey", "list") == []
