"""Prepares a cluster on PostgreSQL for Benchmarks/cluster.sh through a node's HTTPS API with the
cloud SDK (as an operator would): approves the load generator's senders and creates an SMTP
credential for the admin user. Prints `username:password` on standard output (the caller keeps it
out of every log).

    .venv/bin/python Benchmarks/cluster-setup.py ENDPOINT CAFILE USER TENANCY FINGERPRINT KEY_FILE
"""
import sys

import oci


def main(endpoint, cafile, user, tenancy, fingerprint, key_file):
    config = {"user": user, "tenancy": tenancy, "fingerprint": fingerprint, "key_file": key_file, "region": "us-ashburn-1"}

    def client(kind):
        made = kind(config, service_endpoint=endpoint, circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())
        made.base_client.session.verify = cafile
        made.base_client.session.trust_env = False
        return made

    email = client(oci.email.EmailClient)
    for address in ("load@example.com", "loadgen@envoi.test"):
        email.create_sender(oci.email.models.CreateSenderDetails(compartment_id=tenancy, email_address=address))
    created = client(oci.identity.IdentityClient).create_smtp_credential(
        oci.identity.models.CreateSmtpCredentialDetails(description="benchmark"), user).data
    print(f"{created.username}:{created.password}")


if __name__ == "__main__":
    main(*sys.argv[1:7])
