"""A schemathesis soak for issue 9: every operation, positive and negative cases, every check, on a
coach without accounts and on one with accounts (signed in, over HTTPS). Not part of CI (minutes of
machine time); tests/web/test_schema.py runs a smaller sample of the same in the suite.

Each run is schemathesis' own command line (`st run --checks all`) against a real `backrub serve`
with its own SQLite file. The hooks in tests/web/schema_hooks.py keep generated bodies inside the
four documented rules a JSON schema cannot state (the reason is written there).

Run: nice .venv/bin/python benchmarks/soak_schema.py [--examples 80] [--seed 9]
It prints each run's summary (cases generated, failures by kind) and exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ST = Path(sys.executable).with_name("st")
USER, PASSWORD = "soak.user", "soak-passphrase-42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(folder: Path, *, accounts: bool) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    """A coach on loopback; with accounts, HTTPS with a throwaway CA and one signed-in account."""
    port = free_port()
    env = {**os.environ, "BACKRUB_DATABASE_URL": f"sqlite:///{folder / 'soak.db'}", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "backrub", "serve", "--port", str(port)]
    headers: dict[str, str] = {}
    if accounts:
        import trustme

        authority = trustme.CA()
        issued = authority.issue_cert("127.0.0.1")
        issued.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
        issued.private_key_pem.write_to_path(str(folder / "key.pem"))
        authority.cert_pem.write_to_path(str(folder / "ca.pem"))
        command += ["--accounts", "--cert", str(folder / "cert.pem"), "--key", str(folder / "key.pem")]
        subprocess.run([sys.executable, "-m", "backrub", "account", "add", USER], input=PASSWORD + "\n",
                       env=env, check=True, capture_output=True, text=True)
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    banner = proc.stdout.readline()
    url = f"{'https' if accounts else 'http'}://127.0.0.1:{port}"
    if "://" not in banner:
        raise SystemExit(f"backrub serve did not start: {banner}")
    if accounts:
        with httpx.Client(base_url=url, verify=str(folder / "ca.pem")) as client:
            got = client.post("/api/auth/signin", json={"username": USER, "password": PASSWORD})
            got.raise_for_status()
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
                       "X-CSRF-Token": got.json()["csrf"], "Origin": url}
    return proc, url, headers


def soak(name: str, *, accounts: bool, examples: int, seed: int) -> tuple[int, dict[str, int], float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, url, headers = serve(folder, accounts=accounts)
        try:
            command = [str(ST), "--config-file", str(ROOT / "benchmarks" / "schemathesis.toml"), "run",
                       f"{url}/openapi.json", "--checks", "all", "--mode", "all",
                       "-n", str(examples), "--seed", str(seed), "--workers", "2", "--no-color",
                       "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all",
                       "--continue-on-failure", "--wait-for-schema", "30"]
            for key, value in headers.items():
                command += ["-H", f"{key}: {value}"]
            if accounts:  # signing out would end the login the whole run goes under
                command += ["--tls-verify", str(folder / "ca.pem"), "--exclude-path", "/api/auth/signout"]
            env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.web.schema_hooks",
                   "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
            started = time.perf_counter()
            run = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
            took = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    out = run.stdout + run.stderr
    cases = re.search(r"(\d+) generated", out)
    kinds = {m.group(1): int(m.group(2)) for m in re.finditer(r"❌ (ST\d+ [^:\n]+): (\d+)", out)}
    errors = re.search(r"Errors:\n(.*?)\n\n", out, re.S)
    if errors:
        kinds["errors"] = len(errors.group(1).strip().splitlines())
    print(f"{name}: {cases.group(1) if cases else '?'} cases in {took:.0f} s; "
          f"failures: {kinds or 'none'}")
    if kinds or not cases:
        kinds = kinds or {"no run": 1}
        print(out[-6000:])
    return int(cases.group(1)) if cases else 0, kinds, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=80, help="cases per operation and phase")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    total, failed = 0, False
    for name, accounts in (("without accounts", False), ("with accounts, signed in", True)):
        cases, kinds, _ = soak(name, accounts=accounts, examples=args.examples, seed=args.seed)
        total += cases
        failed |= bool(kinds)
    print(f"total: {total} cases; {'FAILURES' if failed else '0 failures of any kind'}")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
