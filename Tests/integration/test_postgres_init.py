"""`envoi init --database postgres://…`: the shared PostgreSQL store initialised by the binary, against the
private server scripts/postgres-test-server.sh starts (ENVOI_TEST_POSTGRES_URL). Each test gets a database of
its own (the test role has CREATEDB); the password must never reach the output."""
import json
import time
import urllib.parse

import pytest

from conftest import free_port, psql, with_password


def assert_secret_free(result, *secrets):
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr


def assert_one_line_error(result, status, words):
    assert result.returncode == status, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("envoi: error: ") and words in lines[0], result.stderr


def test_init_on_postgres_twice_makes_one_tenancy_and_prints_the_same_ids(envoi, database):
    password = urllib.parse.urlsplit(database).password
    first = envoi.run("init", "--database", database, "--output", "json")
    assert first.returncode == 0, first.stderr
    second = envoi.run("init", "--database", database, "--output", "json")
    assert second.returncode == 0, second.stderr
    assert_secret_free(first, password)
    assert_secret_free(second, password)
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["created"] is True and two["created"] is False
    for key in ("tenancyId", "rootCompartmentId", "adminUserId", "adminGroupId"):
        assert one[key] == two[key]
    assert "***" in one["database"]
    # The master key and certificate are local; the SQLite database is not made.
    assert (envoi.data_dir / "master.key").exists() and (envoi.data_dir / "tls" / "certificate.pem").exists()
    assert not envoi.database.exists()
    assert psql(database, "SELECT id FROM tenancy") == [one["tenancyId"]]
    assert psql(database, "SELECT id FROM compartment WHERE compartment_id IS NULL") == [one["tenancyId"]]
    assert psql(database, "SELECT id, name FROM app_user") == [f"{one['adminUserId']}|admin"]
    assert psql(database, "SELECT id, name FROM app_group") == [f"{one['adminGroupId']}|Administrators"]
    assert psql(database, "SELECT user_id FROM group_member") == [one["adminUserId"]]
    assert psql(database, "SELECT statements FROM policy") == ['["Allow group Administrators to manage email-family in tenancy"]']


def test_the_environment_variable_sets_the_database_and_the_text_summary_masks_it(envoi, database):
    password = urllib.parse.urlsplit(database).password
    result = envoi.run("init", env={"ENVOI_DATABASE": database})
    assert result.returncode == 0, result.stderr
    assert "Initialised Envoi" in result.stdout and "***" in result.stdout
    assert_secret_free(result, password)


def test_config_show_masks_the_database_password(envoi, database):
    password = urllib.parse.urlsplit(database).password
    shown = envoi.json("config", "show", env={"ENVOI_DATABASE": database})
    entry = next(e for e in shown if e["key"] == "database")
    assert entry["value"] == with_password(database, "***") and entry["environment"] == "ENVOI_DATABASE"
    table = envoi.run("config", "show", "--set", f"database={database}")
    assert table.returncode == 0, table.stderr
    assert "database" in table.stdout
    assert_secret_free(table, password)


@pytest.mark.parametrize("url", [
    "postgres://envoi:s3cret-pw@/envoi",             # no host
    "mysql://envoi:s3cret-pw@127.0.0.1:3306/envoi",  # another scheme
    "postgres://:s3cret-pw@127.0.0.1:5432/envoi",    # no user
    "postgres://envoi:s3cret-pw@127.0.0.1:99999/envoi",
])
def test_a_malformed_url_is_a_configuration_error_without_the_password(envoi, url):
    result = envoi.run("init", "--database", url, timeout=10)
    assert_one_line_error(result, 1, "configuration: database")
    assert_secret_free(result, "s3cret-pw")


def test_a_closed_port_fails_at_once_as_a_storage_error(envoi):
    port = free_port()
    started = time.monotonic()
    result = envoi.run("init", "--database", f"postgres://envoi:s3cret-pw@127.0.0.1:{port}/envoi", timeout=20)
    assert time.monotonic() - started < 10
    assert_one_line_error(result, 3, f"cannot connect to PostgreSQL at 127.0.0.1:{port}")
    assert_secret_free(result, "s3cret-pw")


def test_a_wrong_password_is_refused_as_a_storage_error(envoi, database):
    real = urllib.parse.urlsplit(database).password
    result = envoi.run("init", "--database", with_password(database, "wrong-pw"), timeout=20)
    assert_one_line_error(result, 3, "refused the password of user")
    assert_secret_free(result, "wrong-pw", real)


@pytest.mark.parametrize("command", [["sender", "list"], ["stats"], ["credential", "list"]])
def test_commands_that_run_on_sqlite_refuse_a_postgres_database_instead_of_ignoring_it(envoi, command):
    # A command with `database` set must not quietly use the local SQLite database while its
    # operator believes it changes the cluster's.
    url = "postgres://envoi:s3cret-pw@127.0.0.1:5432/envoi"
    result = envoi.run(*command, env={"ENVOI_DATABASE": url}, timeout=20)
    assert_one_line_error(result, 1, "only init, serve, console, apikey and limits run on PostgreSQL so far")
    assert_secret_free(result, "s3cret-pw")


@pytest.mark.parametrize("command", [["serve"], ["apikey", "list"], ["limits", "get"]])
def test_commands_that_run_on_postgres_report_an_unreachable_server_in_one_line(envoi, command):
    envoi.ok("init")
    port = free_port()
    result = envoi.run(*command, env={"ENVOI_DATABASE": f"postgres://envoi:s3cret-pw@127.0.0.1:{port}/envoi"}, timeout=20)
    assert_one_line_error(result, 3, f"cannot connect to PostgreSQL at 127.0.0.1:{port}")
    assert_secret_free(result, "s3cret-pw")
