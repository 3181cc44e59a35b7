"""DKIM keys through the CLI: create (generated or imported), list, get, show, zone, delete, refusals."""
import datetime
import pathlib
import re
import subprocess

import pytest

RESOURCES = pathlib.Path(__file__).resolve().parents[1] / "DKIMTests" / "Resources"


def test_a_new_key_starts_needs_attention_with_its_records(initialised):
    domain = initialised.json("domain", "create", "--name", "example.com")
    key = initialised.json("dkim", "create", "--domain-id", domain["id"])
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d")
    selector = key["name"]
    assert re.fullmatch(r"envoi-\d{8}", selector) and selector.endswith(today[-4:])
    assert key["lifecycleState"] == "NEEDS_ATTENTION"
    assert key["dnsSubdomainName"] == f"{selector}._domainkey.example.com"
    assert key["cnameRecordValue"] == f"{selector}.example.com.dkim.envoi.invalid"
    assert key["lifecycleDetails"].startswith(f"Publish the CNAME {selector}._domainkey.example.com -> {selector}.example.com.dkim.envoi.invalid")
    assert key["txtRecordValue"].startswith("v=DKIM1; k=rsa; p=MII") and key["keyLength"] == 2048
    assert key["isImported"] is False and key["emailDomainId"] == domain["id"]
    assert initialised.json("dkim", "get", key["id"]) == key
    assert [k["id"] for k in initialised.json("dkim", "list", "--domain-id", domain["id"])] == [key["id"]]
    table = initialised.ok("dkim", "list", "--domain-id", domain["id"]).stdout.splitlines()
    assert table[0].split()[:4] == ["ID", "SELECTOR", "STATE", "ALGORITHM"] and "NEEDS_ATTENTION" in table[1]


def test_show_prints_the_cname_way_and_the_txt_way(initialised):
    domain = initialised.json("domain", "create", "--name", "example.com")
    key = initialised.json("dkim", "create", "--domain-id", domain["id"], "--selector", "s1", "--algorithm", "rsa3072",
                           env={"ENVOI_DKIM_PUBLISH_ZONE": "dkim.mail.example.net"})
    shown = initialised.ok("dkim", "show", key["id"]).stdout
    assert "s1._domainkey.example.com. 3600 IN CNAME s1.example.com.dkim.mail.example.net.\n" in shown
    value = key["txtRecordValue"]
    strings = [value[i:i + 255] for i in range(0, len(value), 255)]
    assert len(strings) == 3
    txt_line = "s1._domainkey.example.com. 3600 IN TXT ( " + " ".join(f'"{s}"' for s in strings) + " )"
    assert txt_line in shown
    assert "as s1._domainkey (no final dot)" in shown and "PRIVATE KEY" not in shown
    as_json = initialised.json("dkim", "show", key["id"])
    assert as_json["txtStrings"] == strings and as_json["cnameRecordValue"] == "s1.example.com.dkim.mail.example.net"


def test_an_imported_key_keeps_its_public_key_and_never_shows_the_private_one(initialised):
    domain = initialised.json("domain", "create", "--name", "example.com")
    pem = RESOURCES / "rsa2048-pkcs1.pem"
    key = initialised.json("dkim", "create", "--domain-id", domain["id"], "--selector", "imported", "--private-key", str(pem))
    expected = subprocess.run(["openssl", "pkey", "-in", str(pem), "-pubout", "-outform", "DER"], capture_output=True, check=True).stdout
    import base64
    assert key["isImported"] is True and key["txtRecordValue"] == "v=DKIM1; k=rsa; p=" + base64.b64encode(expected).decode()
    secret = "".join(pem.read_text().splitlines()[1:-1])[:40]
    for args in (["dkim", "get", key["id"]], ["dkim", "show", key["id"]], ["dkim", "list", "--domain-id", domain["id"]], ["dkim", "zone"]):
        assert secret not in initialised.ok(*args).stdout
    assert secret.encode() not in initialised.raw_bytes()
    ed = initialised.json("dkim", "create", "--domain-id", domain["id"], "--selector", "ed", "--private-key", str(RESOURCES / "ed25519-pkcs8.pem"))
    assert ed["algorithm"] == "ed25519-sha256" and ed["keyLength"] == 256
    assert ed["txtRecordValue"] == "v=DKIM1; k=ed25519; p=" + (RESOURCES / "ed25519-public.b64").read_text().strip()


def test_zone_writes_every_key_at_its_cname_target(initialised, tmp_path):
    first = initialised.json("domain", "create", "--name", "example.com")
    second = initialised.json("domain", "create", "--name", "mail.example.org")
    a = initialised.json("dkim", "create", "--domain-id", first["id"], "--selector", "a", "--algorithm", "ed25519")
    b = initialised.json("dkim", "create", "--domain-id", second["id"], "--selector", "b", "--private-key", str(RESOURCES / "rsa2048-pkcs8.pem"))
    out = tmp_path / "dkim.zone"
    initialised.ok("dkim", "zone", "--file", str(out), "--nameserver", "ns1.example.net")
    text = out.read_text()
    assert "$ORIGIN dkim.envoi.invalid.\n$TTL 3600\n" in text
    assert re.search(r"^@ IN SOA ns1\.example\.net\. hostmaster\.dkim\.envoi\.invalid\. \d+ 3600 600 1209600 300$", text, re.M)
    assert f'a.example.com.dkim.envoi.invalid. IN TXT "{a["txtRecordValue"]}"\n' in text
    value = b["txtRecordValue"]
    assert f'b.mail.example.org.dkim.envoi.invalid. IN TXT ( "{value[:255]}" "{value[255:]}" )\n' in text
    assert initialised.ok("dkim", "zone").stdout.count(" IN TXT ") == 2
    # BIND loads it as a complete zone, and as records $INCLUDEd into a zone that has its own SOA.
    checked = subprocess.run(["named-checkzone", "-i", "local", "dkim.envoi.invalid", str(out)], capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.splitlines()[-1] == "OK", checked.stdout + checked.stderr
    records = tmp_path / "records.zone"
    initialised.ok("dkim", "zone", "--file", str(records))
    main = tmp_path / "main.zone"
    main.write_text("$ORIGIN dkim.envoi.invalid.\n$TTL 300\n@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300\n"
                    f"@ IN NS ns1.example.net.\n$INCLUDE {records}\n")
    dumped = subprocess.run(["named-checkzone", "-i", "local", "-D", "-o", "-", "dkim.envoi.invalid", str(main)],
                            capture_output=True, text=True)
    assert dumped.returncode == 0, dumped.stderr
    txt = [line for line in dumped.stdout.splitlines() if line.startswith("b.mail.example.org.dkim.envoi.invalid.") and re.search(r"\sTXT\s", line)]
    assert len(txt) == 1 and "".join(re.findall(r'"([^"]*)"', txt[0])) == value


def test_delete_removes_the_key(initialised):
    domain = initialised.json("domain", "create", "--name", "example.com")
    key = initialised.json("dkim", "create", "--domain-id", domain["id"], "--selector", "gone", "--algorithm", "ed25519")
    assert initialised.ok("dkim", "delete", key["id"]).stdout.strip() == f"Deleted DKIM key {key['id']}"
    assert initialised.json("dkim", "list", "--domain-id", domain["id"]) == []
    assert initialised.run("dkim", "get", key["id"]).returncode == 4


def refusals(domain_id, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    create = ["dkim", "create", "--domain-id", domain_id]
    return [
        (create + ["--selector", "Bad"], 1, "selector: 'Bad' may hold only lower-case letters a-z, digits and '-'"),
        (create + ["--selector", "x" * 64], 1, f"selector: '{'x' * 64}' is longer than 63 characters"),
        (create + ["--selector=-x"], 1, "selector: '-x' must not start or end with '-'"),
        (create + ["--algorithm", "dsa"], 2, "The value 'dsa' is invalid for '--algorithm <algorithm>'"),
        (create + ["--private-key", str(bad)], 1, "private-key: not an RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) PEM private key"),
        (create + ["--private-key", str(RESOURCES / "rsa1024-pkcs1.pem")], 1, "private-key: RSA private key of 1024 bits is too short (2048 at least)"),
        (create + ["--private-key", str(tmp_path / "missing.pem")], 1, f"private-key: cannot read {tmp_path / 'missing.pem'}"),
        (create + ["--algorithm", "ed25519", "--private-key", str(bad)], 2, "--algorithm and --private-key exclude each other"),
        (["dkim", "create", "--domain-id", "nope"], 1, "domain-id: 'nope' is not a email domain OCID"),
        (["dkim", "create", "--domain-id", "ocid1.emaildomain.envoi..aaaaaaaaaaaaaaaa"], 4, "email domain ocid1.emaildomain.envoi..aaaaaaaaaaaaaaaa not found"),
        (["dkim", "get", "ocid1.emaildkim.envoi..aaaaaaaaaaaaaaaa"], 4, "DKIM key ocid1.emaildkim.envoi..aaaaaaaaaaaaaaaa not found"),
        (["dkim", "check"], 2, "give a DKIM key id or --all, not both"),
        (["dkim", "zone", "--nameserver", "bad name"], 1, "nameserver: 'bad name' is not a domain name"),
        (["dkim", "sign", "--domain", "example.com"], 1, "domain: example.com has no ACTIVE DKIM key"),
        (["dkim", "sign", "--domain", "other.example"], 4, "email domain other.example not found"),
        (["dkim", "sign", "--domain", "not a domain"], 1, "domain: 'not a domain' is not a valid domain name"),
    ]


def test_bad_input_is_refused_with_one_line_naming_the_field(initialised, tmp_path):
    domain = initialised.json("domain", "create", "--name", "example.com")
    before = initialised.dump()
    for args, status, message in refusals(domain["id"], tmp_path):
        result = initialised.run(*args, timeout=30)
        assert result.returncode == status, (args, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("envoi: error: ") and message in lines[0], (args, result.stderr)
        assert result.stdout == ""
    assert initialised.dump() == before


def test_selectors_are_unique_per_domain_and_two_keys_at_most(initialised):
    domain = initialised.json("domain", "create", "--name", "example.com")
    create = ["dkim", "create", "--domain-id", domain["id"], "--algorithm", "ed25519", "--selector"]
    initialised.ok(*create, "one")
    assert "already has a DKIM key with selector one" in initialised.run(*create, "one").stderr
    initialised.ok(*create, "two")
    third = initialised.run(*create, "three")
    assert third.returncode == 1 and "already has 2 DKIM keys (the maximum)" in third.stderr


def test_bench_measures_envoi_next_to_openssl(envoi):
    rows = envoi.json("dkim", "bench", "--seconds", "1", "--rounds", "1", timeout=120)
    assert [row["algorithm"] for row in rows] == ["rsa2048", "ed25519"]
    for row in rows:
        assert row["envoiSignaturesPerSecond"] > 0 and row["opensslSignaturesPerSecond"] > 0
        assert row["ratio"] == pytest.approx(row["envoiSignaturesPerSecond"] / row["opensslSignaturesPerSecond"], rel=0.01)
    table = envoi.ok("dkim", "bench", "--seconds", "1", "--rounds", "2", "--openssl", "none", timeout=120).stdout.splitlines()
    assert table[0] == "DKIM signing on one core, 2048-byte message, best of 2 round(s) of 1 s"
    assert table[1].split() == ["ALGORITHM", "ENVOI", "DKIM", "SIGN/S", "OPENSSL", "SPEED", "SIGN/S", "ENVOI", "/", "OPENSSL"]
    assert table[2].startswith("rsa2048") and table[2].endswith("n/a")
    bad = envoi.run("dkim", "bench", "--seconds", "0")
    assert bad.returncode == 1 and bad.stderr == "envoi: error: seconds: 0 is not from 1 to 30\n"
    rounds = envoi.run("dkim", "bench", "--rounds", "11")
    assert rounds.returncode == 1 and rounds.stderr == "envoi: error: rounds: 11 is not from 1 to 10\n"
