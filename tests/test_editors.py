"""Editors: hashed passwords, the passwords file, `steunwijs editor add-user`, and where the app may
run without editors (`check_exposure`, and `steunwijs serve` refusing on 0.0.0.0)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from steunwijs.editors import Editors, PasswordsFileError, add_user, hash_password, read_passwords_file, verify_password
from steunwijs.errors import ConfigurationError
from steunwijs.settings import get_settings
from webapp.access import Exposed, check_exposure

REPO = Path(__file__).resolve().parent.parent


def test_a_hash_verifies_its_password_only_and_never_repeats() -> None:
    first, second = hash_password("geheim wachtwoord"), hash_password("geheim wachtwoord")
    assert first != second  # a fresh salt each time
    assert first.startswith("scrypt$16384$8$1$") and "geheim" not in first
    assert verify_password("geheim wachtwoord", first) and verify_password("geheim wachtwoord", second)
    assert not verify_password("geheim wachtwoorD", first)
    assert not verify_password("geheim wachtwoord", "scrypt$16384$8$1$niet-base64!$xx")
    assert not verify_password("geheim wachtwoord", "md5$abc")


def test_the_passwords_file_holds_hashes_and_one_line_per_editor(tmp_path: Path) -> None:
    path = tmp_path / "editors.txt"
    assert add_user(path, "an", "eerste") is True
    assert add_user(path, "bert", "tweede") is True
    assert add_user(path, "an", "nieuw") is False  # replaced, not added
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["an", "bert"]
    assert "eerste" not in path.read_text() and "nieuw" not in path.read_text()
    editors = Editors.from_settings(get_settings(data_dir=tmp_path / "data", editor_passwords_file=path))
    assert editors.configured
    assert editors.verify("an", "nieuw") and editors.verify("bert", "tweede")
    assert not editors.verify("an", "eerste") and not editors.verify("carla", "tweede")


def test_a_damaged_passwords_file_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "editors.txt"
    path.write_text(f"# redacteurs\n\nan:{hash_password('x')}\nbert:geheim\n", encoding="utf-8")
    with pytest.raises(PasswordsFileError) as raised:
        read_passwords_file(path)
    assert "Regel 4" in raised.value.nl and "steunwijs editor add-user" in raised.value.nl
    with pytest.raises(PasswordsFileError):
        read_passwords_file(tmp_path / "missing.txt")


def test_editors_from_the_environment(tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path / "data", editor_user="redactie", editor_password="s3cret")
    editors = Editors.from_settings(settings)
    assert editors.verify("redactie", "s3cret")
    assert not editors.verify("redactie", "s3cre") and not editors.verify("Redactie", "s3cret")
    assert "s3cret" not in repr(settings)  # a SecretStr
    with pytest.raises(ConfigurationError):
        Editors.from_settings(get_settings(data_dir=tmp_path / "data", editor_user="redactie"))
    assert not Editors.from_settings(get_settings(data_dir=tmp_path / "data")).configured


def test_add_user_on_the_command_line_reads_the_password_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "editors.txt"
    result = CliRunner().invoke(cli, ["editor", "add-user", "an", "--file", str(path)], input="wachtwoord123\n")
    assert result.exit_code == 0, result.output
    assert f"Redacteur an toegevoegd aan {path}" in result.output
    assert Editors.from_settings(get_settings(editor_passwords_file=path)).verify("an", "wachtwoord123")
    bad = CliRunner().invoke(cli, ["editor", "add-user", "an:x", "--file", str(path)], input="pw\n")
    assert bad.exit_code == 2 and "Ongeldige gebruikersnaam" in bad.output
    env = {"STEUNWIJS_EDITOR_PASSWORDS_FILE": ""}
    nowhere = CliRunner().invoke(cli, ["editor", "add-user", "an"], input="pw\n", env=env)
    assert nowhere.exit_code == 2 and "STEUNWIJS_EDITOR_PASSWORDS_FILE" in nowhere.output


@pytest.mark.parametrize(
    ("host", "share", "with_editor", "refused"),
    [
        ("127.0.0.1", False, False, False),
        ("localhost", False, False, False),
        ("0.0.0.0", False, False, True),
        ("192.168.1.20", False, False, True),
        ("127.0.0.1", True, False, True),
        ("0.0.0.0", False, True, False),
        ("127.0.0.1", True, True, False),
    ],
)
def test_only_this_computer_may_go_without_editors(
    tmp_path: Path, host: str, share: bool, with_editor: bool, refused: bool
) -> None:
    credentials = {"editor_user": "redactie", "editor_password": "s3cret"} if with_editor else {}
    settings = get_settings(data_dir=tmp_path / "data", host=host, share=share, **credentials)
    if refused:
        with pytest.raises(Exposed) as raised:
            check_exposure(settings, Editors.from_settings(settings))
        assert "STEUNWIJS_EDITOR_USER" in raised.value.nl and "steunwijs editor add-user" in raised.value.nl
    else:
        check_exposure(settings, Editors.from_settings(settings))


def test_serve_on_all_addresses_without_editors_refuses_to_start(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "STEUNWIJS_DATA_DIR": str(tmp_path / "data"),
        "STEUNWIJS_EDITOR_USER": "",
        "STEUNWIJS_EDITOR_PASSWORD": "",
        "STEUNWIJS_EDITOR_PASSWORDS_FILE": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "serve", "--host", "0.0.0.0", "--port", str(port)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Steunwijs start niet" in result.stderr and "op 0.0.0.0" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was opened or written
