"""JupyterHub for the course: one instructor with Formgrader, trainees with the
Assignments panel, all on this machine's users, behind configurable-http-proxy.

Started by `python3 deploy/jupyterhub/trial.py`, which creates the users, the
exchange, the single-user environment and the instructor's course copy, then passes
the settings below as MLD_* environment variables. The hub runs as root from the
course venv; each user's server runs as that user, so everything a server uses lies
in the state folder (default /srv/mld-trial), open to every user, and nothing in this
checkout, which may sit in a folder closed to them.

For a real course, replace the shared trial password with a real authenticator
(see docs/deploy.md): everything else stays as it is.
"""

import importlib.util
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("MLD_HUB_STATE", "/srv/mld-trial"))
# The single-user environment: the course wheel, Lab, nbgrader, widgets, JupyterHub.
SINGLEUSER_BIN = Path(os.environ.get("MLD_HUB_ENV", STATE / "venv")) / "bin"
# Per-role Jupyter and nbgrader configuration: deploy/jupyterhub/jupyter/, copied there.
JUPYTER = Path(os.environ.get("MLD_HUB_JUPYTER", STATE / "jupyter"))
EXCHANGE = STATE / "exchange"

INSTRUCTOR = os.environ.get("MLD_INSTRUCTOR", "instructor")
TRAINEES = [t for t in os.environ.get("MLD_TRAINEES", "trainee1,trainee2").split(",") if t]

# --- network: loopback only -------------------------------------------------------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ.get('MLD_HUB_PORT', '8000')}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("MLD_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('MLD_PROXY_API_PORT', '8001')}"
# The proxy from npm, installed by trial.py into deploy/jupyterhub/node_modules.
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]

# --- the hub's own state, outside the repository's tracked files -----------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "hub" / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "hub" / "proxy.pid")

# --- who may log in ---------------------------------------------------------------------------
# Trial only: everyone shares one password. A course swaps this for OAuthenticator or
# LTI (docs/deploy.md); the user names it yields must match the system users below.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ.get("MLD_TRIAL_PASSWORD")
c.Authenticator.allowed_users = {INSTRUCTOR, *TRAINEES}

# --- the single-user servers ------------------------------------------------------------------
# One process per user, run as that system user: nbgrader takes the trainee's id
# from the OS user name, and the exchange's file permissions keep trainees apart.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(SINGLEUSER_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
# A 2-core machine starting JupyterLab for the first time can take a while.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    # Kernels, nbgrader (which calls `alembic` by name) and terminals use that environment.
    "PATH": os.pathsep.join([str(SINGLEUSER_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
    "MLD_EXCHANGE": str(EXCHANGE),  # read by jupyter/common/nbgrader_config.py
}


def by_role(spawner):
    """Give each user the configuration of their role: trainees do not get Formgrader."""
    role = "instructor" if spawner.user.name == INSTRUCTOR else "trainee"
    spawner.environment["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        [str(JUPYTER / role), str(JUPYTER / "common")])


c.Spawner.pre_spawn_hook = by_role

# Stop every single-user server when the hub stops, so a trial leaves nothing behind.
# MLD_HUB_KEEP_SERVERS=1 (a hub restarted in the middle of a class, as in
# benchmarks/classroom.py --restart-hub) keeps them and the proxy running: the new hub
# finds them again, and the trainees carry on.
KEEP_SERVERS = os.environ.get("MLD_HUB_KEEP_SERVERS") == "1"
c.JupyterHub.cleanup_servers = not KEEP_SERVERS
c.JupyterHub.cleanup_proxy = not KEEP_SERVERS

# --- a hub that cleans up after itself ----------------------------------------------------------
# Memory and CPU per user: KubeSpawner, DockerSpawner and SystemdSpawner enforce these;
# the LocalProcessSpawner of this trial does not (it only passes them to the server as
# MEM_LIMIT and CPU_LIMIT). Sized from benchmarks/classroom.py (README, hub section).
c.Spawner.mem_limit = os.environ.get("MLD_HUB_MEM_LIMIT", "1G")
c.Spawner.cpu_limit = float(os.environ.get("MLD_HUB_CPU_LIMIT", "1"))

IDLE_TIMEOUT = int(os.environ.get("MLD_HUB_IDLE_TIMEOUT", "3600"))  # seconds
services, roles = [], []
if importlib.util.find_spec("jupyterhub_idle_culler"):  # the course's `hub` extra
    # Stop servers idle for an hour (their kernels with them), so a forgotten tab does
    # not hold memory all week; the trainee's files stay, a new login starts afresh.
    services.append({"name": "idle-culler", "command": [
        sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}",
        f"--cull-every={max(IDLE_TIMEOUT // 6, 10)}"]})
    roles.append({"name": "idle-culler", "services": ["idle-culler"], "scopes": [
        "list:users", "read:users:activity", "read:servers", "delete:servers"]})
else:
    print("jupyterhub-idle-culler is not installed: idle servers will not be stopped "
          "(pip install jupyterhub-idle-culler).", file=sys.stderr)
if os.environ.get("MLD_HUB_ADMIN_TOKEN"):
    # benchmarks/classroom.py drives the class through the REST API with this token.
    services.append({"name": "classroom-benchmark",
                     "api_token": os.environ["MLD_HUB_ADMIN_TOKEN"]})
    roles.append({"name": "classroom-benchmark", "services": ["classroom-benchmark"],
                  "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]})
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles

if not SINGLEUSER_BIN.joinpath("jupyterhub-singleuser").exists():
    sys.exit(f"{SINGLEUSER_BIN / 'jupyterhub-singleuser'} is missing: run "
             "deploy/jupyterhub/trial.py, which makes the single-user environment.")
