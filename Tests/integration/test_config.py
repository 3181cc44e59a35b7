"""Configuration: file, environment, --set flags; `envoi config show` says where each value came from."""
import json


def show(envoi, *args, env=None):
    return {e["key"]: e for e in envoi.json("config", "show", *args, env=env)}


def test_defaults(envoi):
    config = show(envoi)
    assert config["smtp.listen"]["value"] == "127.0.0.1:2525,127.0.0.1:2587"
    assert config["https.listen"]["value"] == "127.0.0.1:8443"
    assert config["delivery.mode"]["value"] == "capture"
    assert config["dns.resolver"]["value"] == "system"
    assert config["delivery.mode"]["source"] == "default"
    assert config["data_dir"]["value"] == str(envoi.data_dir) and config["data_dir"]["source"] == "flag"


def test_precedence_flag_over_environment_over_file(envoi, tmp_path):
    config_file = tmp_path / "envoi.toml"
    config_file.write_text('[smtp]\nlisten = ["127.0.0.1:1025"]\n[https]\nlisten = "127.0.0.1:9443"\n[delivery]\nmode = "relay"\nrelay_host = "127.0.0.1:2500"\n')
    env = {"ENVOI_SMTP_LISTEN": "127.0.0.1:0", "ENVOI_DELIVERY_MODE": "direct"}
    config = show(envoi, "--config", str(config_file), "--set", "delivery.mode=capture", env=env)
    assert config["smtp.listen"] == {**config["smtp.listen"], "value": "127.0.0.1:0", "source": "environment ENVOI_SMTP_LISTEN"}
    assert config["https.listen"]["value"] == "127.0.0.1:9443" and config["https.listen"]["source"] == f"file {config_file}:4"
    assert config["delivery.mode"]["value"] == "capture" and config["delivery.mode"]["source"] == "flag"
    assert config["delivery.relay_host"]["value"] == "127.0.0.1:2500"


def test_the_data_directory_file_is_read_when_present(envoi):
    envoi.ok("init")
    (envoi.data_dir / "envoi.toml").write_text('[dns]\nresolver = "127.0.0.1:5353"\n')
    assert show(envoi)["dns.resolver"]["value"] == "127.0.0.1:5353"


def test_bad_configuration_is_refused_with_the_key_and_source(envoi, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[smtp]\nlisen = \"127.0.0.1:25\"\n")
    cases = [
        (["--config", str(bad)], {}, f"unknown configuration key 'smtp.lisen' (from file {bad}:2)"),
        ([], {"ENVOI_SMTP_LISTEN": "nowhere"}, "smtp.listen = 'nowhere' (from environment ENVOI_SMTP_LISTEN): 'nowhere' is not host:port"),
        (["--set", "delivery.mode=pigeon"], {}, "delivery.mode = 'pigeon' (from flag): expected capture, relay or direct"),
        (["--set", "nonsense"], {}, "--set 'nonsense': expected section.key=value"),
        (["--config", str(tmp_path / "missing.toml")], {}, f"cannot read configuration file {tmp_path / 'missing.toml'}"),
    ]
    for args, env, message in cases:
        result = envoi.run("config", "show", *args, env=env)
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip().startswith(f"envoi: error: configuration: {message}"), result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_the_annotated_assets_file_is_valid_and_lists_every_key(envoi):
    import pathlib
    asset = pathlib.Path(__file__).resolve().parents[2] / "assets" / "envoi.toml"
    config = show(envoi, "--config", str(asset))
    text = asset.read_text()
    for key in config:
        if key != "data_dir":
            # A top-level key (database) has no section.
            name = key.split(".")[-1]
            assert f"{name} =" in text, f"{key} missing from assets/envoi.toml"
    # The annotated copy states the defaults, so reading it changes no value.
    defaults = show(envoi)
    assert {k: v["value"] for k, v in config.items() if k != "data_dir"} == {k: v["value"] for k, v in defaults.items() if k != "data_dir"}
