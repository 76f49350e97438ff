"""Starts the real scw-emulator binary for the tests and hands out SDK clients for it."""

import json
import os
import pathlib
import subprocess

import pytest
import requests
from scaleway import Client
from scaleway.function.v1beta1 import FunctionV1Beta1API
from scaleway.iam.v1alpha1 import IamV1Alpha1API

ROOT = pathlib.Path(__file__).resolve().parents[3]
BINARY = os.environ.get("SCW_EMULATOR_BIN", str(ROOT / "target" / "debug" / "scw-emulator"))
# Any well-formed access key: the emulator, like Scaleway, authenticates by the secret key.
ACCESS_KEY = "SCWXXXXXXXXXXXXXXXXX"


class Emulator:
    """A running emulator: its ready line, and clients of Scaleway's SDK pointed at it."""

    def __init__(self, *flags):
        self.process = subprocess.Popen(
            [BINARY, "--port", "0", *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{BINARY} printed no ready line (exit {self.process.wait()})")
        self.info = json.loads(line)
        namespace = requests.get(
            f"{self.info['api_url']}/functions/v1beta1/regions/{self.info['region']}/namespaces/{self.info['namespace_id']}",
            headers={"X-Auth-Token": self.info["secret_key"]},
            timeout=10,
        ).json()
        self.organization_id = namespace["organization_id"]

    def client(self, secret_key=None):
        return Client(
            access_key=ACCESS_KEY,
            secret_key=secret_key or self.info["secret_key"],
            api_url=self.info["api_url"],
            default_region=self.info["region"],
            default_project_id=self.info["project_id"],
            default_organization_id=self.organization_id,
        )

    def functions(self, secret_key=None):
        return FunctionV1Beta1API(self.client(secret_key))

    def iam(self, secret_key=None):
        return IamV1Alpha1API(self.client(secret_key))

    def call(self, url, credential=None):
        headers = {"X-Auth-Token": credential} if credential else {}
        return requests.get(url, headers=headers, timeout=10)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def emulator():
    running = Emulator("--token-delay-ms", "300")
    yield running
    running.stop()


@pytest.fixture()
def strict():
    """An emulator with Scaleway's 2026 rules switched on."""
    running = Emulator("--legacy-token-creation", "refuse", "--require-key-expiry")
    yield running
    running.stop()


@pytest.fixture()
def propagating():
    """An emulator whose IAM takes 2 s to admit a new key everywhere."""
    running = Emulator("--iam-propagation", "2s")
    yield running
    running.stop()
