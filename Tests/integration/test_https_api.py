"""The HTTPS API against a running `envoi serve`, driven by the cloud service's official Python SDK
(`oci`) and CLI (`oci-cli`) from PyPI, over TLS with Envoi's self-signed certificate."""
import json
import os
import subprocess

import oci
import pytest

from conftest import Secret


class ApiKey:
    """An RSA key made with openssl and registered with `envoi apikey add` for the admin user."""

    def __init__(self, envoi, directory):
        self.key_file = directory / "api_key.pem"
        public = directory / "api_key_public.pem"
        subprocess.run(["openssl", "genrsa", "-out", str(self.key_file), "2048"], check=True, capture_output=True, timeout=60)
        os.chmod(self.key_file, 0o600)
        subprocess.run(["openssl", "rsa", "-in", str(self.key_file), "-pubout", "-out", str(public)], check=True, capture_output=True, timeout=60)
        admin = next(u for u in envoi.json("user", "list") if u["name"] == "admin")
        self.user, self.tenancy = admin["id"], admin["compartmentId"]
        self.fingerprint = envoi.json("apikey", "add", "--user", self.user, "--public-key", str(public))["fingerprint"]
        self.config = {"user": self.user, "tenancy": self.tenancy, "fingerprint": self.fingerprint,
                       "key_file": str(self.key_file), "region": "us-ashburn-1"}
        self.config_file = directory / "oci_config"
        self.config_file.write_text("[DEFAULT]\n" + "".join(f"{k}={v}\n" for k, v in self.config.items()))
        os.chmod(self.config_file, 0o600)


@pytest.fixture
def api(initialised, server_factory, tmp_path):
    initialised.ok("sender", "create", "--email", "app@example.com")
    server = server_factory("metrics.listen=127.0.0.1:0")
    key = ApiKey(initialised, tmp_path)
    cafile = str(initialised.data_dir / "tls" / "certificate.pem")

    def client(kind):
        made = kind(key.config, service_endpoint=server.https_endpoint,
                    circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())
        made.base_client.session.verify = cafile
        made.base_client.session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
        return made

    def cli(*args):
        env = {**os.environ, "REQUESTS_CA_BUNDLE": cafile, "OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING": "True",
               "SUPPRESS_LABEL_WARNING": "True"}
        result = subprocess.run([os.path.join(os.path.dirname(os.path.realpath(__file__)), "../../.venv/bin/oci"),
                                 "--config-file", str(key.config_file), "--endpoint", server.https_endpoint, *args],
                                capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, f"oci {args[:3]} failed: {result.stderr[-2000:]}"
        return json.loads(result.stdout) if result.stdout.strip() else None

    class Api:
        pass

    api = Api()
    api.key, api.server, api.cli, api.cafile = key, server, cli, cafile
    api.email = client(oci.email.EmailClient)
    api.data = client(oci.email_data_plane.EmailDPClient)
    api.identity = client(oci.identity.IdentityClient)
    return api


def test_sdk_manages_senders_suppressions_domains_and_configuration(api):
    email, tenancy = api.email, api.key.tenancy
    sender = email.create_sender(oci.email.models.CreateSenderDetails(compartment_id=tenancy, email_address="news@example.com")).data
    assert sender.lifecycle_state == "ACTIVE" and sender.id.startswith("ocid1.emailsender.envoi..")
    assert email.get_sender(sender.id).data.email_address == "news@example.com"
    listed = email.list_senders(compartment_id=tenancy, email_address="news@example.com")
    assert [s.id for s in listed.data] == [sender.id] and listed.next_page is None
    email.delete_sender(sender.id)
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        email.get_sender(sender.id)
    assert missing.value.status == 404 and missing.value.code == "NotAuthorizedOrNotFound"

    suppression = email.create_suppression(oci.email.models.CreateSuppressionDetails(compartment_id=tenancy, email_address="Gone@Example.org")).data
    assert suppression.reason == "MANUAL" and suppression.email_address == "gone@example.org"
    assert email.get_suppression(suppression.id).data.id == suppression.id
    assert [s.email_address for s in email.list_suppressions(compartment_id=tenancy).data] == ["gone@example.org"]
    email.delete_suppression(suppression.id)

    domain = email.create_email_domain(oci.email.models.CreateEmailDomainDetails(compartment_id=tenancy, name="mail.example.com"))
    work_request = email.get_work_request(domain.headers["opc-work-request-id"]).data
    assert work_request.status == "SUCCEEDED" and work_request.operation_type == "CREATE_EMAIL_DOMAIN"
    assert email.get_email_domain(domain.data.id).data.name == "mail.example.com"
    assert [d.name for d in email.list_email_domains(compartment_id=tenancy).data.items] == ["mail.example.com"]
    deleted = email.delete_email_domain(domain.data.id)
    assert email.get_work_request(deleted.headers["opc-work-request-id"]).data.operation_type == "DELETE_EMAIL_DOMAIN"

    configuration = email.get_email_configuration(compartment_id=tenancy).data
    assert configuration.compartment_id == tenancy
    assert configuration.http_submit_endpoint == api.server.https_endpoint
    assert configuration.smtp_submit_endpoint == f"127.0.0.1:{api.server.port}"


def test_sdk_and_cli_move_senders_and_domains_between_compartments(api, initialised):
    email, tenancy = api.email, api.key.tenancy
    team = initialised.json("compartment", "create", "--name", "team")["id"]
    sender = email.create_sender(oci.email.models.CreateSenderDetails(compartment_id=tenancy, email_address="move@example.com"))
    email.change_sender_compartment(sender.data.id, oci.email.models.ChangeSenderCompartmentDetails(compartment_id=team),
                                    if_match=sender.headers["etag"])
    assert email.get_sender(sender.data.id).data.compartment_id == team
    assert [s.id for s in email.list_senders(compartment_id=team).data] == [sender.data.id]
    domain = email.create_email_domain(oci.email.models.CreateEmailDomainDetails(compartment_id=tenancy, name="move.example.com")).data
    moved = email.change_email_domain_compartment(domain.id, oci.email.models.ChangeEmailDomainCompartmentDetails(compartment_id=team))
    assert email.get_work_request(moved.headers["opc-work-request-id"]).data.operation_type == "MOVE_EMAIL_DOMAIN"
    assert email.get_email_domain(domain.id).data.compartment_id == team
    api.cli("email", "sender", "change-compartment", "--sender-id", sender.data.id, "--compartment-id", tenancy)
    assert email.get_sender(sender.data.id).data.compartment_id == tenancy


def test_sdk_and_cli_keep_tags_of_senders_and_domains(api):
    email, tenancy = api.email, api.key.tenancy
    sender = email.create_sender(oci.email.models.CreateSenderDetails(
        compartment_id=tenancy, email_address="tags@example.com", freeform_tags={"app": "billing"},
        defined_tags={"Ops": {"Owner": "ana"}})).data
    assert sender.freeform_tags == {"app": "billing"} and sender.defined_tags == {"Ops": {"Owner": "ana"}}
    updated = email.update_sender(sender.id, oci.email.models.UpdateSenderDetails(freeform_tags={"app": "invoices"})).data
    assert updated.freeform_tags == {"app": "invoices"} and updated.defined_tags == {"Ops": {"Owner": "ana"}}
    api.cli("email", "sender", "update", "--sender-id", sender.id, "--freeform-tags", '{"app": "cli"}', "--force")
    assert email.get_sender(sender.id).data.freeform_tags == {"app": "cli"}
    domain = email.create_email_domain(oci.email.models.CreateEmailDomainDetails(
        compartment_id=tenancy, name="tags.example.com", freeform_tags={"team": "mail"})).data
    email.update_email_domain(domain.id, oci.email.models.UpdateEmailDomainDetails(freeform_tags={"team": "ops"}))
    assert email.get_email_domain(domain.id).data.freeform_tags == {"team": "ops"}


def test_sdk_keeps_dkim_tags(api):
    email, tenancy = api.email, api.key.tenancy
    domain = email.create_email_domain(oci.email.models.CreateEmailDomainDetails(compartment_id=tenancy, name="dkimtags.example.com")).data
    key = email.create_dkim(oci.email.models.CreateDkimDetails(
        email_domain_id=domain.id, name="tagged", freeform_tags={"team": "mail"}, defined_tags={"Ops": {"Owner": "ana"}})).data
    assert key.freeform_tags == {"team": "mail"} and key.defined_tags == {"Ops": {"Owner": "ana"}}
    assert email.get_dkim(key.id).data.freeform_tags == {"team": "mail"}
    email.update_dkim(key.id, oci.email.models.UpdateDkimDetails(freeform_tags={"team": "ops"}))
    fetched = email.get_dkim(key.id).data
    assert fetched.freeform_tags == {"team": "ops"} and fetched.defined_tags == {"Ops": {"Owner": "ana"}}
    assert [k.freeform_tags for k in email.list_dkims(email_domain_id=domain.id).data.items] == [{"team": "ops"}]


def test_sdk_retry_token_creates_one_domain(api):
    email, tenancy = api.email, api.key.tenancy
    details = oci.email.models.CreateEmailDomainDetails(compartment_id=tenancy, name="retry.example.com")
    first = email.create_email_domain(details, opc_retry_token="sdk-retry-1")
    again = email.create_email_domain(details, opc_retry_token="sdk-retry-1")
    assert again.status == first.status == 202 and again.data.id == first.data.id
    assert again.headers["opc-work-request-id"] == first.headers["opc-work-request-id"] and again.headers["etag"] == first.headers["etag"]
    domains = email.list_email_domains(compartment_id=tenancy, name="retry.example.com").data.items
    assert [d.id for d in domains] == [first.data.id]
    with pytest.raises(oci.exceptions.ServiceError) as reused:
        email.create_email_domain(oci.email.models.CreateEmailDomainDetails(compartment_id=tenancy, name="other.example.com"),
                                  opc_retry_token="sdk-retry-1", retry_strategy=oci.retry.NoneRetryStrategy())
    assert reused.value.status == 409 and reused.value.code == "Conflict" and "opc-retry-token" in reused.value.message


def test_sdk_locks_senders_and_domains(api):
    email, tenancy = api.email, api.key.tenancy
    sender = email.create_sender(oci.email.models.CreateSenderDetails(compartment_id=tenancy, email_address="lock@example.com")).data
    locked = email.add_sender_lock(sender.id, oci.email.models.AddLockDetails(type="DELETE", message="keep")).data
    assert [(lock.type, lock.message) for lock in locked.locks] == [("DELETE", "keep")]
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        email.delete_sender(sender.id)
    assert refused.value.status == 409 and refused.value.code == "LockConflict"
    email.delete_sender(sender.id, is_lock_override=True)
    domain = email.create_email_domain(oci.email.models.CreateEmailDomainDetails(compartment_id=tenancy, name="lock.example.com")).data
    email.add_email_domain_lock(domain.id, oci.email.models.AddLockDetails(type="FULL"))
    with pytest.raises(oci.exceptions.ServiceError) as full:
        email.update_email_domain(domain.id, oci.email.models.UpdateEmailDomainDetails(description="x"))
    assert full.value.status == 409 and full.value.code == "LockConflict"
    assert email.remove_email_domain_lock(domain.id, oci.email.models.RemoveLockDetails(type="FULL")).data.locks == []
    email.delete_email_domain(domain.id)


def test_sdk_manages_dkim_keys(api):
    email, tenancy = api.email, api.key.tenancy
    domain = email.create_email_domain(oci.email.models.CreateEmailDomainDetails(compartment_id=tenancy, name="dkim.example.com")).data
    created = email.create_dkim(oci.email.models.CreateDkimDetails(email_domain_id=domain.id, name="sdk1", description="made by the sdk"))
    key = created.data
    assert key.name == "sdk1" and key.email_domain_id == domain.id and not key.is_imported and key.key_length == 2048
    assert key.dns_subdomain_name == "sdk1._domainkey.dkim.example.com" and key.txt_record_value.startswith("v=DKIM1;")
    assert "PRIVATE KEY" not in json.dumps(oci.util.to_dict(key))
    work_request = email.get_work_request(created.headers["opc-work-request-id"]).data
    assert work_request.status == "SUCCEEDED" and work_request.operation_type == "CREATE_DKIM"
    assert email.get_dkim(key.id).data.cname_record_value == key.cname_record_value
    assert [k.id for k in email.list_dkims(email_domain_id=domain.id).data.items] == [key.id]
    with pytest.raises(oci.exceptions.ServiceError) as bad:
        email.create_dkim(oci.email.models.CreateDkimDetails(email_domain_id=domain.id, name="Not_A_Selector"),
                          retry_strategy=oci.retry.NoneRetryStrategy())
    assert bad.value.status == 400 and "name" in bad.value.message
    deleted = email.delete_dkim(key.id)
    assert email.get_work_request(deleted.headers["opc-work-request-id"]).data.operation_type == "DELETE_DKIM"
    assert email.list_dkims(email_domain_id=domain.id).data.items == []
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        email.get_dkim(key.id)
    assert missing.value.status == 404 and missing.value.code == "NotAuthorizedOrNotFound"


def test_sdk_pages_through_lists(api):
    for index in range(5):
        api.email.create_sender(oci.email.models.CreateSenderDetails(compartment_id=api.key.tenancy, email_address=f"p{index}@example.com"))
    first = api.email.list_senders(compartment_id=api.key.tenancy, limit=2, sort_by="EMAILADDRESS", sort_order="ASC")
    assert len(first.data) == 2 and first.has_next_page
    every = oci.pagination.list_call_get_all_results(api.email.list_senders, compartment_id=api.key.tenancy, limit=2,
                                                     sort_by="EMAILADDRESS", sort_order="ASC").data
    assert [s.email_address for s in every] == ["app@example.com"] + [f"p{i}@example.com" for i in range(5)]


def test_sdk_submits_email_and_raw_email(api, initialised):
    details = oci.email_data_plane.models.SubmitEmailDetails(
        sender=oci.email_data_plane.models.Sender(
            sender_address=oci.email_data_plane.models.EmailAddress(email="app@example.com", name="Äpp"),
            compartment_id=api.key.tenancy),
        recipients=oci.email_data_plane.models.Recipients(to=[oci.email_data_plane.models.EmailAddress(email="one@example.org")]),
        subject="Grüße", body_text="Hello", message_id="sdk-1@example.com")
    submitted = api.data.submit_email(details).data
    assert submitted.message_id == "sdk-1@example.com" and submitted.envelope_id.startswith("ocid1.emailmessage.envoi..")
    assert submitted.suppressed_recipients == []
    # A retry with the same messageId returns the original answer.
    assert api.data.submit_email(details).data.envelope_id == submitted.envelope_id

    raw = api.data.submit_raw_email(content_type="message/rfc822", compartment_id=api.key.tenancy, sender="app@example.com",
                                    recipients="one@example.org,two@example.org",
                                    raw_message="From: app@example.com\r\nTo: one@example.org\r\nSubject: raw\r\n\r\nHi\r\n").data
    assert raw.envelope_id.startswith("ocid1.emailmessage.envoi..") and raw.suppressed_recipients == []

    with pytest.raises(oci.exceptions.ServiceError) as refused:
        details.sender.sender_address.email = "stranger@example.com"
        details.message_id = None
        api.data.submit_email(details, retry_strategy=oci.retry.NoneRetryStrategy())
    assert refused.value.status == 404
    assert refused.value.message == "Authorization failed: address stranger@example.com not authorized or not found"
    assert refused.value.request_id


def test_cli_drives_the_control_and_data_planes(api):
    tenancy = api.key.tenancy
    created = api.cli("email", "sender", "create", "-c", tenancy, "--email-address", "cli@example.com")
    sender_id = created["data"]["id"]
    assert created["etag"] and api.cli("email", "sender", "get", "--sender-id", sender_id)["data"]["email-address"] == "cli@example.com"
    for index in range(3):
        api.cli("email", "suppression", "create", "-c", tenancy, "--email-address", f"s{index}@example.org")
    suppressions = api.cli("email", "suppression", "list", "-c", tenancy, "--all", "--page-size", "2")["data"]
    assert sorted(s["email-address"] for s in suppressions) == [f"s{i}@example.org" for i in range(3)]
    api.cli("email", "sender", "delete", "--sender-id", sender_id, "--force")

    domain = api.cli("email", "domain", "create", "-c", tenancy, "--name", "cli.example.com", "--wait-for-state", "SUCCEEDED")
    assert domain["data"]["status"] == "SUCCEEDED"
    domains = api.cli("email", "domain", "list", "-c", tenancy)["data"]["items"]
    assert [d["name"] for d in domains] == ["cli.example.com"]
    api.cli("email", "domain", "delete", "--email-domain-id", domains[0]["id"], "--force", "--wait-for-state", "SUCCEEDED")
    assert api.cli("email", "configuration", "get-email", "-c", tenancy)["data"]["compartment-id"] == tenancy

    signed = api.cli("email", "domain", "create", "-c", tenancy, "--name", "keys.example.com", "--wait-for-state", "SUCCEEDED")
    signed_id = signed["data"]["resources"][0]["identifier"]
    dkim = api.cli("email", "dkim", "create", "--email-domain-id", signed_id, "--name", "cli1", "--wait-for-state", "SUCCEEDED")
    assert dkim["data"]["status"] == "SUCCEEDED" and dkim["data"]["operation-type"] == "CREATE_DKIM"
    keys = api.cli("email", "dkim", "list", "--email-domain-id", signed_id)["data"]["items"]
    assert [k["name"] for k in keys] == ["cli1"]

    submitted = api.cli("email-data-plane", "email-submitted-response", "submit-email",
                        "--sender", json.dumps({"senderAddress": {"email": "app@example.com"}, "compartmentId": tenancy}),
                        "--recipients", json.dumps({"to": [{"email": "x@example.org"}]}), "--subject", "cli", "--body-text", "hi")
    assert submitted["data"]["envelope-id"].startswith("ocid1.emailmessage.envoi..")
    raw = api.cli("email-data-plane", "email-raw-submitted-response", "submit-raw-email", "--content-type", "message/rfc822",
                  "--compartment-id", tenancy, "--sender", "app@example.com", "--recipients", "x@example.org",
                  "--raw-message", "From: app@example.com\nTo: x@example.org\nSubject: raw\n\nhello\n")
    assert raw["data"]["envelope-id"].startswith("ocid1.emailmessage.envoi..")


def test_cli_creates_an_smtp_credential_shown_once(api):
    created = api.cli("iam", "smtp-credential", "create", "--user-id", api.key.user, "--description", "from the cli")["data"]
    password = Secret(created["password"])
    assert len(password) >= 16 and created["lifecycle-state"] == "ACTIVE"
    listed = api.cli("iam", "smtp-credential", "list", "--user-id", api.key.user)["data"]
    assert [c["id"] for c in listed] == [created["id"]] and "password" not in listed[0]


def test_smtp_and_https_together_never_exceed_the_per_minute_limit(api, initialised):
    """Both doors share one limiter: 50 SMTP sessions and 10 HTTPS callers race for 25 recipients;
    the Prometheus scrape, the live statistics and the database agree."""
    import urllib.request
    import threading

    from conftest import Tenant
    from smtp_client import RawSMTP, message

    limit = 25
    initialised.ok("limits", "set", "--per-minute", str(limit))
    tenant = Tenant(initialised, senders=())
    cafile = str(initialised.data_dir / "tls" / "certificate.pem")
    outcomes, lock = [], threading.Lock()

    def smtp_worker(index):
        client = RawSMTP(api.server.port, cafile).ready(tenant.username, tenant.password)
        for attempt in range(2):
            reply = client.command("MAIL FROM:<app@example.com>")
            if reply.startswith("250"):
                reply = client.command(f"RCPT TO:<s{index}-{attempt}@example.org>")
                if reply.startswith("250"):
                    client.command("DATA")
                    client.send(message() + b".\r\n")
                    reply = client.reply()
                else:
                    client.command("RSET")
            with lock:
                outcomes.append(("smtp", reply))
        client.close()

    def https_worker(index):
        data = oci.email_data_plane.EmailDPClient(api.key.config, service_endpoint=api.server.https_endpoint,
                                                  circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())
        data.base_client.session.verify = cafile
        data.base_client.session.trust_env = False
        for attempt in range(4):
            details = oci.email_data_plane.models.SubmitEmailDetails(
                sender=oci.email_data_plane.models.Sender(
                    sender_address=oci.email_data_plane.models.EmailAddress(email="app@example.com"), compartment_id=api.key.tenancy),
                recipients=oci.email_data_plane.models.Recipients(to=[oci.email_data_plane.models.EmailAddress(email=f"h{index}-{attempt}@example.org")]),
                subject="race", body_text="Hello")
            try:
                data.submit_email(details, retry_strategy=oci.retry.NoneRetryStrategy())
                result = "accepted"
            except oci.exceptions.ServiceError as error:
                result = f"{error.status} {error.code} {error.message}"
            with lock:
                outcomes.append(("https", result))

    threads = [threading.Thread(target=smtp_worker, args=(i,)) for i in range(50)]
    threads += [threading.Thread(target=https_worker, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    accepted = [o for o in outcomes if o[1] == "accepted" or o[1].startswith("250 2.0.0 Ok: queued as")]
    refused = [o for o in outcomes if o not in accepted]
    assert len(outcomes) == 50 * 2 + 10 * 4
    assert len(accepted) == limit, refused[:5]
    assert {text for door, text in refused if door == "smtp"} <= {f"455 Maximum messages sent per minute reached : limit is {limit}"}
    assert {text for door, text in refused if door == "https"} <= {
        f"400 LimitExceeded Maximum messages sent per minute reached : limit is {limit}"}
    assert initialised.json("stats")["minuteUsage"] == limit
    with urllib.request.urlopen(f"http://127.0.0.1:{api.server.ports['metrics']}/metrics", timeout=10) as response:
        scrape = response.read().decode().splitlines()
    assert "envoi_recipients_accepted_total 25" in scrape
    assert 'envoi_limit_usage{window="minute"} 25.0' in scrape
    import sqlite3
    connection = sqlite3.connect(f"file:{initialised.database}?mode=ro", uri=True)
    assert connection.execute("SELECT COUNT(*) FROM queue_entry").fetchone()[0] == limit
    connection.close()
