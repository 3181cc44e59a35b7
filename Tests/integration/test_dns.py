"""`envoi dns query`: Envoi's resolver (glibc's, through dns.resolver) against a DNS server on loopback."""
ZONE = """$ORIGIN example.com.
$TTL 300
@ IN MX 10 mx1.example.com.
@ IN MX 20 mx2.example.net.
mx1 IN A 192.0.2.25
mx1 IN AAAA 2001:db8::25
www IN CNAME mx1
"""


def test_each_record_type_is_read(dkim_envoi, dns):
    dns.set_zone(ZONE)
    dns.add_txt("example.com", "v=spf1 ", 'include:spf.envoi.test "quoted" ~all')
    mx = dkim_envoi.json("dns", "query", "example.com", "--type", "mx")
    assert mx["status"] == "NOERROR"
    assert sorted(a["data"] for a in mx["answers"]) == ["10 mx1.example.com.", "20 mx2.example.net."]
    a = dkim_envoi.json("dns", "query", "www.example.com")
    assert [(r["name"], r["type"], r["data"]) for r in a["answers"]] == [
        ("www.example.com", "CNAME", "mx1.example.com."), ("mx1.example.com", "A", "192.0.2.25")]
    aaaa = dkim_envoi.ok("dns", "query", "MX1.example.com.", "--type", "AAAA").stdout.splitlines()
    assert aaaa == [";; mx1.example.com AAAA: NOERROR, 1 answer(s)", "mx1.example.com. 300 IN AAAA 2001:db8::25"]
    txt = dkim_envoi.ok("dns", "query", "example.com", "--type", "txt").stdout.splitlines()
    assert txt[1] == 'example.com. 300 IN TXT "v=spf1 " "include:spf.envoi.test \\"quoted\\" ~all"'
    cname = dkim_envoi.json("dns", "query", "www.example.com", "--type", "CNAME")
    assert [r["data"] for r in cname["answers"]] == ["mx1.example.com."]
    missing = dkim_envoi.json("dns", "query", "nothing.example.com", "--type", "TXT")
    assert missing["status"] == "NXDOMAIN" and missing["answers"] == []
    empty = dkim_envoi.json("dns", "query", "mx1.example.com", "--type", "TXT")
    assert empty["status"] == "NOERROR" and empty["answers"] == []


def test_failures_and_bad_input_are_one_line(dkim_envoi, dns):
    bad = dkim_envoi.run("dns", "query", "bad name.example")
    assert bad.returncode == 1 and bad.stderr == "envoi: error: dns: 'bad name.example' cannot be looked up: not a valid DNS name\n"
    kind = dkim_envoi.run("dns", "query", "example.com", "--type", "SRV")
    assert kind.returncode == 2 and "The value 'SRV' is invalid for '--type <type>'" in kind.stderr
    dns.stop()
    down = dkim_envoi.run("dns", "query", "example.com")
    assert down.returncode == 1
    assert down.stderr == f"envoi: error: dns: the DNS server {dns.address} refused the connection (is it running?)\n"
    assert down.stdout == ""
