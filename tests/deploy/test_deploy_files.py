"""The deployment files say only what the portal has: every program and command they run exists
(with the options it accepts, checked by the same parsers that will read them), every setting
they pass is one the portal reads, every file they mount or copy is in the repository, and the
systemd units pass `systemd-analyze verify`.

No Docker daemon is needed: the files are read, and each command line is parsed by gunicorn's,
Flask's (with the app's registered commands) and Celery's own argument parsers.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import importlib.util
import inspect
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import click
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
ENV_EXAMPLE = DEPLOY / "portal.env.example"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
NGINX_SITE = DEPLOY / "nginx" / "portal.conf"

# Where the image puts the repository (WORKDIR) and where the systemd units expect it.
IMAGE_APP_DIR = PurePosixPath("/app")
HOST_APP_DIR = PurePosixPath("/opt/portal")
HOST_VENV_BIN = HOST_APP_DIR / ".venv" / "bin"

# Files the operator makes on the host: mounted by compose.yaml but never in the repository.
OPERATOR_MADE = {DEPLOY / "tls"}

# What production refuses to start without (config.ProductionConfig.refusals).
REQUIRED_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "SIGNING_KEYS", "BROKER_URL", "PUBLIC_BASE_URL",
                       "RATELIMIT_STORAGE_URI", "STORAGE_BACKEND", "S3_BUCKET", "NOTIFY_SENDER")

# Where the settings are read: the configuration, the app factory (PORTAL_CONFIG), the
# notification gateways (NOTIFY_SMS_*, NOTIFY_SMTP_*) and gunicorn's configuration (GUNICORN_*).
SETTINGS_SOURCES = ("config.py", "app/__init__.py", "app/notify/gateways.py", "gunicorn.conf.py")

# The flask commands whose trailing arguments go to a Celery command, and what the portal puts
# in front of them (app/cli.py: worker_command, beat_command).
CELERY_PASSTHROUGH = {
    "worker": ("worker", lambda params: ["--loglevel=INFO", f"--concurrency={params['concurrency']}"]),
    "beat": ("beat", lambda params: ["--loglevel=INFO", f"--schedule={params['schedule_file'] or 'x'}"]),
}


# --- what the portal has --------------------------------------------------------------------------

def _env_names_read(source: str) -> set[str]:
    """Names read from the environment in a Python file: os.environ.get("X" …), os.environ["X"],
    os.getenv("X"), env_int/env_bool/_int("X" …) and the gateways' _setting(config, "X" …)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        reads_environ = name in ("get", "setdefault", "pop") and isinstance(func, ast.Attribute) and _is_environ(
            func.value)
        if reads_environ or name in ("getenv", "env_int", "env_bool", "_int"):
            position = 0
        elif name == "_setting":
            position = 1
        else:
            continue
        if len(node.args) > position:
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
    return {name for name in names if re.fullmatch(r"[A-Z][A-Z0-9_]*", name)}


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ")


def _require_gunicorn_conf() -> None:
    if not GUNICORN_CONF.is_file():
        pytest.fail(f"{GUNICORN_CONF.relative_to(ROOT)} is missing: the image, compose.yaml and "
                    "portal-web.service run `gunicorn -c gunicorn.conf.py wsgi:app`")


@pytest.fixture(scope="module")
def settings() -> set[str]:
    """Every environment variable the portal reads."""
    _require_gunicorn_conf()
    names: set[str] = set()
    for relative in SETTINGS_SOURCES:
        names |= _env_names_read((ROOT / relative).read_text(encoding="utf-8"))
    assert {"SECRET_KEY", "PORTAL_CONFIG", "NOTIFY_SMTP_HOST", "GUNICORN_BIND"} <= names, (
        "the settings scan found too little: has the way settings are read changed?")
    return names


def test_the_settings_scan_sees_each_way_of_reading():
    source = ('import os\nfrom os import environ\n'
              'A = os.environ.get("A_ONE")\nB = os.environ["B_TWO"]\nC = env_int("C_3", 1)\n'
              'D = env_bool("D", False)\nE = _setting(config, "E_SMS")\nF = os.getenv("F")\n'
              'G = environ.get("G")\nH = _int("H_GUN", 2)\nI = config.get("NOT_ENV")\n')
    assert _env_names_read(source) == {"A_ONE", "B_TWO", "C_3", "D", "E_SMS", "F", "G", "H_GUN"}


class PortalCli:
    """The app's command line as `flask --app wsgi` has it (the app's own commands and those of
    its extensions, e.g. `db`), built on the testing configuration so that nothing is written."""

    def __init__(self):
        from flask.cli import FlaskGroup

        from app import create_app

        self.app = create_app("testing")
        self.group = FlaskGroup(create_app=lambda: self.app)

    def check(self, args: list[str]) -> None:
        """Parse `flask --app wsgi ARGS…` as flask would, down to the subcommand's options and,
        for worker and beat, the Celery options they pass on. AssertionError if anything is wrong."""
        if not args:
            raise AssertionError("`flask --app wsgi` with no command")
        # Every click context is closed again: Flask's group pushes an app context onto the one
        # it looks commands up in, and a context left open leaves that app current for the rest
        # of the test process (a later CLI test would then run on this app's empty database).
        with contextlib.ExitStack() as contexts:
            self._parse(args, contexts)

    def _parse(self, args: list[str], contexts: contextlib.ExitStack) -> None:
        command: click.Command = self.group
        ctx = contexts.enter_context(self.group.make_context("flask", [], resilient_parsing=True))
        rest = list(args)
        path = []
        while isinstance(command, click.Group):
            if not rest:
                raise AssertionError(f"`flask {' '.join(path)}` needs a subcommand")
            name, rest = rest[0], rest[1:]
            sub = command.get_command(ctx, name)
            if sub is None:
                known = ", ".join(sorted(command.list_commands(ctx)))
                raise AssertionError(f"`flask {' '.join([*path, name])}`: no such command (the app has: {known})")
            path.append(name)
            try:
                ctx = contexts.enter_context(sub.make_context(name, list(rest), parent=ctx))
            except click.ClickException as error:
                raise AssertionError(f"`flask {' '.join(path)} {' '.join(rest)}`: {error.format_message()}") from None
            command = sub
            if isinstance(sub, click.Group):
                rest = [*ctx._protected_args, *ctx.args]  # the subcommand and its arguments
        if path[-1] in CELERY_PASSTHROUGH and len(path) == 1:
            celery_name, prefix = CELERY_PASSTHROUGH[path[-1]]
            check_celery(celery_name, [*prefix(ctx.params), *ctx.params["celery_args"]])


def check_celery(name: str, args: list[str]) -> None:
    import celery
    from celery.bin.base import CLIContext
    from celery.bin.beat import beat
    from celery.bin.worker import worker

    command = {"worker": worker, "beat": beat}[name]
    obj = CLIContext(app=celery.Celery(set_as_current=False), no_color=True, workdir=None, quiet=True)
    try:
        command.make_context(name, list(args), obj=obj)
    except click.ClickException as error:
        raise AssertionError(f"celery {name} {' '.join(args)}: {error.format_message()}") from None


@pytest.fixture(scope="module")
def portal_cli() -> PortalCli:
    return PortalCli()


def check_gunicorn(args: list[str]) -> None:
    from gunicorn.config import Config

    parser = Config(prog="gunicorn").parser()
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            parsed = parser.parse_args(list(args))
    except SystemExit:
        raise AssertionError(f"gunicorn {' '.join(args)}: {stderr.getvalue().strip()}") from None
    if parsed.config:
        assert parsed.config == "gunicorn.conf.py", f"gunicorn -c {parsed.config}: expected gunicorn.conf.py"
        _require_gunicorn_conf()
    assert parsed.args, "gunicorn without the application (wsgi:app)"
    module, _, variable = parsed.args[0].partition(":")
    source = ROOT / f"{module.replace('.', '/')}.py"
    assert source.is_file(), f"gunicorn {parsed.args[0]}: there is no {source.relative_to(ROOT)}"
    assigned = {target.id for node in ast.parse(source.read_text()).body if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)}
    assert (variable or "application") in assigned, f"gunicorn {parsed.args[0]}: {source.name} defines no {variable}"


def check_python(args: list[str]) -> None:
    """`python -c CODE` (compiles) or `python SCRIPT` (a file of the repository, kept in the image)."""
    assert args, "python with no arguments"
    if args[0] == "-c":
        compile(args[1], "<python -c>", "exec")
        return
    script = ROOT / args[0]
    assert script.is_file(), f"python {args[0]}: no such file in the repository"
    assert not dockerignored(args[0]), f"python {args[0]}: deploy/Dockerfile.dockerignore keeps it out of the image"
    compile(script.read_text(), args[0], "exec")


def check_portal_command(argv: list[str], cli: PortalCli) -> None:
    """A command line the portal's image or units run, as its program will parse it."""
    program = PurePosixPath(argv[0]).name
    if program == "gunicorn":
        check_gunicorn(argv[1:])
    elif program == "flask":
        assert argv[1:3] == ["--app", "wsgi"] or argv[1:2] == ["--app=wsgi"], (
            f"{' '.join(argv)}: the portal's commands are `flask --app wsgi COMMAND`")
        cli.check(argv[3:] if argv[1] == "--app" else argv[2:])
    elif program in ("python", "python3"):
        check_python(argv[1:])
    else:
        raise AssertionError(f"{' '.join(argv)}: {program} is not a program of the portal's image")


# --- the image -------------------------------------------------------------------------------------

def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text()
    text = re.sub(r"\\\n", " ", text)  # continuation lines
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _exec_form(value: str) -> list[str]:
    value = value.strip()
    return yaml.safe_load(value) if value.startswith("[") else shlex.split(value)


def dockerignore_patterns() -> list[str]:
    return [line.strip() for line in DOCKERIGNORE.read_text().splitlines()
            if line.strip() and not line.strip().startswith("#")]


def dockerignored(relative: str) -> bool:
    """Whether the build context leaves this path out (Docker's rules: a pattern matches the path
    or one of its parent directories; `**` any number of directories; a later `!` re-includes)."""
    parts = PurePosixPath(relative).parts
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in dockerignore_patterns():
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        regex = regex.replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, candidate) for candidate in candidates):
            excluded = not negate
    return excluded


def test_dockerignore_matching_follows_dockers_rules():
    assert dockerignored(".venv/bin/python")
    assert dockerignored("app/__pycache__/x.pyc")
    assert dockerignored("deploy/portal.env")
    assert not dockerignored("deploy/portal.env.example")
    assert not dockerignored("app/cli.py")


def test_the_image_is_python_311_slim_bookworm_with_weasyprints_libraries():
    instructions = dockerfile_instructions()
    assert ("FROM", "python:3.11-slim-bookworm") in instructions
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"):
        assert re.search(rf"apt-get install [^&;]*\b{re.escape(package)}\b", runs), f"{package} is not installed"
    assert re.search(r"pip install (?:[^&;]* )?-r requirements\.txt", runs)


def test_the_image_copies_only_what_exists_and_keeps_local_state_out():
    for keyword, rest in dockerfile_instructions():
        if keyword in ("COPY", "ADD"):
            sources = [item for item in shlex.split(rest) if not item.startswith("--")][:-1]
            for source in sources:
                assert (ROOT / source).exists(), f"{keyword} {source}: not in the repository"
    for local in (".venv", "instance", ".git", ".pytest_cache", ".ruff_cache", ".hypothesis",
                  "app/__pycache__", "deploy/portal.env", "deploy/postgres.env", "deploy/tls"):
        assert dockerignored(local), f"{local} would be copied into the image"
    for needed in ("app/cli.py", "config.py", "wsgi.py", "gunicorn.conf.py", "requirements.txt",
                   "migrations/env.py", "static/css/portal.css", "templates", "app/translations",
                   "deploy/create_bucket.py"):
        assert not dockerignored(needed), f"{needed} is left out of the image"


def test_the_image_runs_gunicorn_as_a_fixed_non_root_user(portal_cli):
    instructions = dockerfile_instructions()
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users, "no USER: the image would run as root"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, f"USER {users[-1]}: a fixed numeric uid other than 0"
    assert ("EXPOSE", "8000") in instructions
    workdirs = [rest for keyword, rest in instructions if keyword == "WORKDIR"]
    assert workdirs and PurePosixPath(workdirs[-1]) == IMAGE_APP_DIR
    cmd = [rest for keyword, rest in instructions if keyword == "CMD"][-1]
    assert _exec_form(cmd) == ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
    check_portal_command(_exec_form(cmd), portal_cli)


def _probed_path(code: str) -> str:
    match = re.search(r"https?://[^'\"]+", code)
    assert match, f"the health check opens no URL: {code}"
    return urlsplit(match.group(0)).path


def test_the_images_health_check_asks_the_apps_healthz(portal_cli):
    healthchecks = [rest for keyword, rest in dockerfile_instructions() if keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1
    command = _exec_form(healthchecks[0].split("CMD", 1)[1])
    check_portal_command(command, portal_cli)
    assert _probed_path(command[-1]) == "/healthz"
    assert "/healthz" in {rule.rule for rule in portal_cli.app.url_map.iter_rules()}


# --- compose.yaml -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def compose() -> dict:
    document = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(document, dict) and isinstance(document.get("services"), dict)
    return document


def portal_services(compose: dict) -> dict[str, dict]:
    """The services built from deploy/Dockerfile: the portal's own processes."""
    return {name: service for name, service in compose["services"].items()
            if isinstance(service.get("build"), dict)
            and _build_dockerfile(service["build"]) == DOCKERFILE.resolve()}


def _build_dockerfile(build: dict) -> Path:
    context = (DEPLOY / build.get("context", ".")).resolve()
    return (context / build.get("dockerfile", "Dockerfile")).resolve()


def _command(service: dict) -> list[str] | None:
    command = service.get("command")
    if command is None:
        return None
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _environment_names(service: dict) -> set[str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return {item.split("=", 1)[0] for item in environment}
    return set(environment)


def _env_files(service: dict) -> list[str]:
    env_file = service.get("env_file") or []
    items = [env_file] if isinstance(env_file, str | dict) else env_file
    return [item["path"] if isinstance(item, dict) else item for item in items]


def _bind_mounts(service: dict) -> Iterator[tuple[str, str]]:
    """(source, target) of each bind mount; named volumes are checked against `volumes:`."""
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                yield volume["source"], volume["target"]
            continue
        source, _, rest = volume.partition(":")
        if source.startswith((".", "/", "~")):
            yield source, rest.split(":")[0]


def test_compose_has_the_services_of_the_deployment(compose):
    expected = {"nginx", "app1", "app2", "worker1", "worker2", "beat", "migrate", "postgres", "redis",
                "objectstore"}
    assert expected <= set(compose["services"])
    assert {"app1", "app2", "worker1", "worker2", "beat", "migrate"} <= set(portal_services(compose))


def test_every_service_has_an_image_or_a_build_that_exists(compose):
    for name, service in compose["services"].items():
        build = service.get("build")
        if build is not None:
            build = {"context": build} if isinstance(build, str) else build
            context = DEPLOY / build.get("context", ".")
            assert context.is_dir(), f"{name}: build context {build.get('context')} does not exist"
            assert _build_dockerfile(build).is_file(), f"{name}: no Dockerfile {build.get('dockerfile')}"
        else:
            image = service.get("image")
            assert image, f"{name}: neither image nor build"
            repository, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
            assert tag and tag != "latest", f"{name}: image {image} is not pinned to a version"


def test_every_portal_command_is_one_the_portal_has(compose, portal_cli):
    default = _exec_form([rest for keyword, rest in dockerfile_instructions() if keyword == "CMD"][-1])
    for name, service in portal_services(compose).items():
        command = _command(service) or default
        try:
            check_portal_command(command, portal_cli)
        except AssertionError as error:
            raise AssertionError(f"service {name}: {error}") from None
    commands = {name: _command(service) for name, service in compose["services"].items()}
    assert commands["app1"][0] == commands["app2"][0] == "gunicorn"
    assert commands["worker1"][3] == commands["worker2"][3] == "worker"
    assert commands["beat"][3] == "beat" and "--schedule" in " ".join(commands["beat"])
    assert commands["migrate"][3:5] == ["db", "upgrade"]


def test_every_setting_given_to_the_portal_is_one_it_reads(compose, settings):
    for name, service in portal_services(compose).items():
        unknown = _environment_names(service) - settings
        assert not unknown, f"service {name} sets {sorted(unknown)}, which the portal never reads"
        assert "portal.env" in _env_files(service), f"service {name} does not read portal.env"


def test_every_env_file_exists_or_has_its_example(compose):
    for name, service in compose["services"].items():
        for env_file in _env_files(service):
            path = DEPLOY / env_file
            example = path.with_name(path.name + ".example")
            assert path.is_file() or example.is_file(), f"{name}: env_file {env_file} has no {example.name}"


def test_every_mounted_file_is_in_the_repository(compose):
    declared = set(compose.get("volumes") or {})
    for name, service in compose["services"].items():
        for source, _target in _bind_mounts(service):
            path = (DEPLOY / source).resolve()
            if path in {made.resolve() for made in OPERATOR_MADE}:
                continue
            assert path.exists(), f"{name} mounts {source}, which is not in the repository"
        for volume in service.get("volumes") or []:
            source = volume.get("source") if isinstance(volume, dict) else volume.partition(":")[0]
            kind = volume.get("type", "volume") if isinstance(volume, dict) else (
                "bind" if source.startswith((".", "/", "~")) else "volume")
            if kind == "volume" and source:
                assert source in declared, f"{name}: named volume {source} is not declared under volumes:"


def test_dependencies_exist_and_the_schema_comes_first(compose):
    services = compose["services"]
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        for dependency in depends:
            assert dependency in services, f"{name} depends on {dependency}, which is no service"
    for name in ("app1", "app2", "worker1", "worker2", "beat"):
        depends = services[name].get("depends_on")
        assert isinstance(depends, dict) and depends.get("migrate", {}).get("condition") == \
            "service_completed_successfully", f"{name} must wait for migrate to complete"
    assert services["migrate"].get("restart") in ("no", None)
    assert "migrate" not in (services["migrate"].get("depends_on") or {})


def test_postgres_redis_and_the_apps_have_health_checks(compose, portal_cli):
    services = compose["services"]
    routes = {rule.rule for rule in portal_cli.app.url_map.iter_rules()}
    for name in ("postgres", "redis", "app1", "app2", "objectstore"):
        healthcheck = services[name].get("healthcheck") or {}
        assert healthcheck.get("test") and not healthcheck.get("disable"), f"{name} has no health check"
    for name in ("app1", "app2"):
        test = services[name]["healthcheck"]["test"]
        assert test[0] == "CMD"
        check_portal_command(test[1:], portal_cli)
        assert _probed_path(test[-1]) in routes & {"/healthz", "/readyz"}


def test_nginx_serves_the_site_with_tls_and_the_static_files(compose):
    nginx = compose["services"]["nginx"]
    assert nginx["image"].startswith("nginx:1.27")
    mounts = {target: (DEPLOY / source).resolve() for source, target in _bind_mounts(nginx)}
    sites = {target: source for target, source in mounts.items() if target.startswith("/etc/nginx/conf.d/")}
    assert list(sites.values()) == [NGINX_SITE.resolve()], "nginx/portal.conf must be the site in conf.d/"
    assert mounts.get("/etc/nginx/tls") == (DEPLOY / "tls").resolve()
    assert mounts.get("/srv/portal/static") == (ROOT / "static").resolve()
    published = {str(port).split(":")[-1] for port in nginx.get("ports") or []}
    assert {"443", "80"} <= published


def test_the_nginx_site_matches_what_compose_gives_it(compose):
    if not NGINX_SITE.is_file():
        pytest.fail(f"{NGINX_SITE.relative_to(ROOT)} is missing: compose.yaml mounts it as the nginx site")
    site = NGINX_SITE.read_text()
    services = compose["services"]
    for directive in ("ssl_certificate", "ssl_certificate_key"):
        paths = re.findall(rf"^\s*{directive}\s+(\S+);", site, re.MULTILINE)
        assert paths and all(path.startswith("/etc/nginx/tls/") for path in paths), (
            f"{directive} outside /etc/nginx/tls, the directory compose mounts: {paths}")
    upstream = re.search(r"upstream\s+portal_app\s*\{(.*?)\}", site, re.DOTALL)
    assert upstream, "no upstream portal_app in the nginx site"
    servers = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", upstream.group(1), re.MULTILINE)
    assert servers
    for host, port in servers:
        assert host in portal_services(compose), f"nginx's upstream {host}:{port} is no app service of compose"
        assert _command(services[host])[0] == "gunicorn" and port == "8000"
    roots = re.findall(r"location\s+/static/\s*\{[^}]*?\b(root|alias)\s+(\S+);", site, re.DOTALL)
    assert roots, "the site does not serve /static/ itself"
    kind, path = roots[0]
    served = path.rstrip("/") + ("/static" if kind == "root" else "")
    assert served == "/srv/portal/static", f"nginx serves /static/ from {served}, compose mounts /srv/portal/static"


def test_the_object_store_is_seaweedfs_with_an_identity(compose):
    store = compose["services"]["objectstore"]
    assert store["image"].startswith("chrislusf/seaweedfs:")
    script = " ".join(_command(store))
    assert "server" in script and "-s3" in script and "-s3.config=" in script
    assert "portal.env" in _env_files(store)


# --- the environment ---------------------------------------------------------------------------------

def env_file_lines(path: Path) -> tuple[dict[str, str], set[str]]:
    """The assignments of an env file, and the names of the commented-out optional ones."""
    active: dict[str, str] = {}
    optional: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        commented = re.fullmatch(r"#\s?([A-Z][A-Z0-9_]*)=.*", line)
        if commented:
            optional.add(commented.group(1))
            continue
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        assert match, f"{path.name}:{number}: not NAME=value: {line!r}"
        assert match.group(1) not in active, f"{path.name}:{number}: {match.group(1)} set twice"
        value = match.group(2)
        assert not value.startswith(("'", '"')) and "$" not in value and value == value.strip(), (
            f"{path.name}:{number}: quotes, $ or spaces are read differently by compose and systemd")
        active[match.group(1)] = value
    return active, optional


def test_the_example_environment_names_only_real_settings_and_every_required_one(settings):
    active, optional = env_file_lines(ENV_EXAMPLE)
    unknown = (set(active) | optional) - settings
    assert not unknown, f"portal.env.example names {sorted(unknown)}, which the portal never reads"
    missing = [name for name in REQUIRED_PRODUCTION if name not in active]
    assert not missing, f"portal.env.example lacks {missing}, without which production refuses to start"
    assert active["PORTAL_CONFIG"] == "production"
    assert active["STORAGE_BACKEND"] == "s3"
    assert active["NOTIFY_SENDER"] == "app.notify.gateways:from_config"
    assert active["PUBLIC_BASE_URL"].startswith("https://")
    assert active["DATABASE_URL"].startswith("postgresql+psycopg://")
    for name in ("BROKER_URL", "RATELIMIT_STORAGE_URI"):
        assert active[name].startswith("redis://"), name


def test_the_example_holds_no_secret():
    active, _ = env_file_lines(ENV_EXAMPLE)
    for name in ("SECRET_KEY", "SIGNING_KEYS", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "NOTIFY_SMS_TOKEN",
                 "NOTIFY_SMTP_PASSWORD"):
        assert active.get(name, "") == "", f"{name} must be left empty in the example (each site makes its own)"
    password = urlsplit(active["DATABASE_URL"].replace("postgresql+psycopg", "postgresql")).password
    assert password and "CHANGE-ME" in password


def test_the_database_container_matches_the_database_url():
    active, _ = env_file_lines(ENV_EXAMPLE)
    postgres, _ = env_file_lines(DEPLOY / "postgres.env.example")
    url = urlsplit(active["DATABASE_URL"].replace("postgresql+psycopg", "postgresql"))
    assert (url.username, url.hostname, url.path.lstrip("/")) == (postgres["POSTGRES_USER"], "postgres",
                                                                   postgres["POSTGRES_DB"])
    assert postgres["POSTGRES_PASSWORD"] == "", "the example's database password is the operator's to make"


def test_the_compose_addresses_in_the_example_are_compose_services(compose):
    active, _ = env_file_lines(ENV_EXAMPLE)
    services = compose["services"]
    for name in ("DATABASE_URL", "BROKER_URL", "RATELIMIT_STORAGE_URI", "S3_ENDPOINT_URL"):
        host = urlsplit(active[name].replace("postgresql+psycopg", "postgresql")).hostname
        assert host in services, f"{name} points at {host}, which is no service of compose.yaml"


# --- systemd ---------------------------------------------------------------------------------------

def unit_files() -> dict[str, Path]:
    return {path.name: path for path in sorted(SYSTEMD.iterdir()) if path.suffix in (".service", ".target")}


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def unit_values(unit: dict, section: str, key: str) -> list[str]:
    return [value for name, value in unit.get(section, []) if name == key]


def _expand_specifiers(value: str) -> str:
    return value.replace("%i", "1").replace("%I", "1").replace("%H", "host").replace("%%", "%")


def _exec_paths(path: Path) -> set[str]:
    unit = parse_unit(path)
    paths = set()
    for key, value in unit.get("Service", []):
        if key.startswith("Exec") and value:
            paths.add(shlex.split(value)[0].lstrip("-@:+!"))
    return paths


SERVICES = ("portal-web.service", "portal-worker@.service", "portal-beat.service", "portal-migrate.service")


def test_the_units_are_there():
    assert set(unit_files()) == {*SERVICES, "portal.target"}


def verification_root(tmp_path: Path, files: dict[str, str]) -> Path:
    """A file system root with the system's own units, these units in /etc/systemd/system, the
    portal user, and stand-ins for the programs the units run: in /opt/portal/.venv/bin each
    program that the portal's venv (the one running these tests) has, and elsewhere each one that
    this machine has. A unit that names another program fails verification, as it would fail."""
    root = tmp_path / "root"
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0::/root:/bin/sh\nportal:x:990:990::/opt/portal:/usr/sbin/nologin\n")
    (root / "etc/group").write_text("root:x:0:\nportal:x:990:\n")
    venv_bin = Path(sys.executable).parent
    for name, text in files.items():
        (units / name).write_text(text, encoding="utf-8")
        for program in _exec_paths(units / name):
            program_path = PurePosixPath(program)
            exists = ((venv_bin / program_path.name).exists() if program_path.parent == HOST_VENV_BIN
                      else Path(program).exists())
            if program_path.is_absolute() and exists:
                stand_in = root / program.lstrip("/")
                stand_in.parent.mkdir(parents=True, exist_ok=True)
                stand_in.write_text("#!/bin/sh\nexit 0\n")
                stand_in.chmod(0o755)
    return root


def systemd_verify(tmp_path: Path, files: dict[str, str]) -> list[str]:
    """The problems `systemd-analyze verify` finds in these units (empty: none)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is missing (Debian package systemd)")
        pytest.skip("systemd-analyze is missing (Debian package systemd)")
    root = verification_root(tmp_path, files)
    names = [name.replace("@.service", "@1.service") for name in files]
    result = subprocess.run([analyze, "verify", f"--root={root}", "--man=no", "--generators=no",
                             "--recursive-errors=yes", *names],
                            capture_output=True, text=True, timeout=60, env={**os.environ, "SYSTEMD_LOG_LEVEL": "info"})
    ours = [name.split("@")[0] for name in files]
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if any(name in line for name in ours) or str(root) in line]
    if result.returncode != 0 and not problems:
        problems = [f"systemd-analyze verify exited {result.returncode}:", *result.stderr.splitlines()]
    return problems


def _our_units() -> dict[str, str]:
    return {name: path.read_text(encoding="utf-8") for name, path in unit_files().items()}


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    problems = systemd_verify(tmp_path, _our_units())
    assert not problems, "systemd-analyze verify:\n" + "\n".join(problems)


@pytest.mark.parametrize("mistake", ["ExecStart=/opt/portal/.venv/bin/gunicron", "ExecStrat=", "ProtectSystem=stric",
                                     "Type=oneshoot"])
def test_verification_catches_a_mistake(tmp_path, mistake):
    """The check above is not blind: one mistake of each kind in portal-web.service is found."""
    units = _our_units()
    web = units["portal-web.service"]
    key, _, value = mistake.partition("=")
    if key == "ExecStrat":
        web = web.replace("ExecStart=", "ExecStrat=")
    elif key == "ExecStart":
        web = re.sub(r"^ExecStart=\S+", mistake, web, flags=re.MULTILINE)
    else:
        web = re.sub(rf"^{key}=.*$", mistake, web, flags=re.MULTILINE)
    assert web != units["portal-web.service"]
    units["portal-web.service"] = web
    assert systemd_verify(tmp_path, units), f"{mistake} went unnoticed"


def test_each_service_runs_a_command_the_portal_has(portal_cli):
    for name in SERVICES:
        unit = parse_unit(SYSTEMD / name)
        starts = unit_values(unit, "Service", "ExecStart")
        assert len(starts) == 1, f"{name}: one ExecStart"
        argv = shlex.split(_expand_specifiers(starts[0]))
        assert PurePosixPath(argv[0]).parent == HOST_VENV_BIN, f"{name}: ExecStart from {HOST_VENV_BIN}"
        try:
            check_portal_command(argv, portal_cli)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


def test_each_service_runs_as_portal_from_the_checkout_hardened():
    for name in SERVICES:
        unit = parse_unit(SYSTEMD / name)

        def value(key, unit=unit):
            values = unit_values(unit, "Service", key)
            return values[-1] if values else None

        assert value("User") == "portal", name
        assert value("WorkingDirectory") == str(HOST_APP_DIR), name
        assert value("EnvironmentFile") == "/etc/portal/portal.env", name
        assert value("Restart") == "on-failure", name
        for key, expected in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes")):
            assert value(key) == expected, f"{name}: {key}={expected}"
        writable = {path for item in unit_values(unit, "Service", "ReadWritePaths") for path in item.split()}
        assert writable <= {"/opt/portal/instance"}, f"{name}: writes {writable}"


def test_the_web_has_its_metrics_directory_and_the_others_do_not_share_it():
    web = parse_unit(SYSTEMD / "portal-web.service")
    environment = dict(item.split("=", 1) for item in unit_values(web, "Service", "Environment"))
    runtime = unit_values(web, "Service", "RuntimeDirectory")
    assert environment.get("PROMETHEUS_MULTIPROC_DIR") == f"/run/{runtime[0]}"
    for name in ("portal-worker@.service", "portal-beat.service", "portal-migrate.service"):
        unit = parse_unit(SYSTEMD / name)
        assert "PROMETHEUS_MULTIPROC_DIR" in " ".join(unit_values(unit, "Service", "UnsetEnvironment")), name


def test_the_schedule_file_is_writable_and_the_migration_runs_once():
    beat = parse_unit(SYSTEMD / "portal-beat.service")
    argv = shlex.split(unit_values(beat, "Service", "ExecStart")[0])
    schedule = PurePosixPath(argv[argv.index("--schedule") + 1])
    state = [PurePosixPath("/var/lib") / item for item in unit_values(beat, "Service", "StateDirectory")]
    assert schedule.parent in state, f"beat writes {schedule}, outside its StateDirectory"
    migrate = parse_unit(SYSTEMD / "portal-migrate.service")
    assert unit_values(migrate, "Service", "Type") == ["oneshot"]
    assert "Install" not in migrate, "portal-migrate runs by hand, once per release, from one host"


def test_the_target_groups_the_services():
    target = parse_unit(SYSTEMD / "portal.target")
    wanted = {item for value in unit_values(target, "Unit", "Wants") for item in value.split()}
    assert {"portal-web.service", "portal-beat.service", "portal-worker@1.service", "portal-worker@2.service"} <= wanted
    for name in wanted:  # systemd itself ignores a wanted unit that does not exist
        template = re.sub(r"@[^.]+\.", "@.", name)
        assert template in SERVICES, f"portal.target wants {name}, which is none of the portal's units"
    for name in ("portal-web.service", "portal-worker@.service", "portal-beat.service"):
        unit = parse_unit(SYSTEMD / name)
        assert unit_values(unit, "Unit", "PartOf") == ["portal.target"], name
        assert unit_values(unit, "Install", "WantedBy") == ["portal.target"], name


def test_compose_and_the_units_agree_on_the_schedule_file(compose):
    beat_command = " ".join(_command(compose["services"]["beat"]))
    unit_command = unit_values(parse_unit(SYSTEMD / "portal-beat.service"), "Service", "ExecStart")[0]
    schedule = "/var/lib/portal/celerybeat-schedule"
    assert schedule in beat_command and schedule in unit_command
    assert any(target == "/var/lib/portal" for target in
               (str(v).split(":")[1] for v in compose["services"]["beat"].get("volumes") or []))


# --- the command checks themselves ----------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["flask", "--app", "wsgi", "wroker"],
    ["flask", "--app", "wsgi", "db", "upgarde"],
    ["flask", "--app", "wsgi", "worker", "--concurrency", "two"],
    ["flask", "--app", "wsgi", "worker", "--concurency=2"],
    ["flask", "--app", "wsgi", "worker", "--loglevel=LOUD"],
    ["flask", "--app", "wsgi", "beat", "--shedule", "/var/lib/portal/celerybeat-schedule"],
    ["flask", "--app", "app", "worker"],
    ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:application"],
    ["gunicorn", "--bogus", "wsgi:app"],
    ["celery", "-A", "app", "worker"],
    ["python", "deploy/no_such_script.py"],
])
def test_a_wrong_command_is_refused(argv, portal_cli):
    with pytest.raises(AssertionError):
        check_portal_command(argv, portal_cli)


def _mutations():
    def setting(compose):
        compose["services"]["app1"]["environment"]["DATABSE_URL"] = "postgresql+psycopg://x"
    def command(compose):
        compose["services"]["worker2"]["command"] = ["flask", "--app", "wsgi", "wroker"]
    def mount(compose):
        compose["services"]["nginx"]["volumes"][0] = "./nginx/portal.cnf:/etc/nginx/conf.d/default.conf:ro"
    def dockerfile(compose):
        compose["services"]["migrate"]["build"] = {"context": "..", "dockerfile": "deploy/Dockerfil"}
    def image(compose):
        compose["services"]["redis"]["image"] = "redis"
    def order(compose):
        compose["services"]["beat"]["depends_on"] = {"postgres": {"condition": "service_healthy"}}
    return [
        (setting, test_every_setting_given_to_the_portal_is_one_it_reads),
        (command, test_every_portal_command_is_one_the_portal_has),
        (mount, test_every_mounted_file_is_in_the_repository),
        (dockerfile, test_every_service_has_an_image_or_a_build_that_exists),
        (image, test_every_service_has_an_image_or_a_build_that_exists),
        (order, test_dependencies_exist_and_the_schema_comes_first),
    ]


@pytest.mark.parametrize(("mutate", "check"), _mutations(), ids=lambda item: getattr(item, "__name__", ""))
def test_a_mistake_in_compose_is_found(mutate, check, compose, settings, portal_cli):
    """Each compose check fails on one mistake of its kind (in a copy of compose.yaml)."""
    mutated = copy.deepcopy(compose)
    mutate(mutated)
    available = {"compose": mutated, "settings": settings, "portal_cli": portal_cli}
    arguments = {name: available[name] for name in inspect.signature(check).parameters}
    with pytest.raises(AssertionError):
        check(**arguments)


# --- deploy/create_bucket.py ------------------------------------------------------------------------

def test_create_bucket_makes_the_bucket_once(s3_server):
    spec = importlib.util.spec_from_file_location("deploy_create_bucket", DEPLOY / "create_bucket.py")
    create_bucket = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(create_bucket)
    bucket = f"deploy-{os.urandom(6).hex()}"
    config = {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_server.endpoint_url,
              "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": s3_server.access_key,
              "S3_SECRET_ACCESS_KEY": s3_server.secret_key}
    try:
        create_bucket.ensure_bucket(config, wait_seconds=10)
        create_bucket.ensure_bucket(config, wait_seconds=10)  # again: nothing changes
        s3_server.client().head_bucket(Bucket=bucket)
        with pytest.raises(SystemExit, match="cannot create bucket"):  # wrong keys: at once, no waiting
            create_bucket.ensure_bucket({**config, "S3_SECRET_ACCESS_KEY": "wrong"}, wait_seconds=30)
    finally:
        s3_server.drop_bucket(bucket)
