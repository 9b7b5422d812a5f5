"""Fake credentials of every shape redaction knows, assembled at run time so that no file of the
repository holds a string a secret scanner would flag."""

from __future__ import annotations

import json

import pytest

ALNUM36 = "Zq8" + "aB3dE5fG7hJ9kL2mN4pQ6rS8tU0vW1xY" + "Z"  # 36 characters


GHP = "gh" + "p_" + ALNUM36


GHS = "gh" + "s_" + ALNUM36[::-1]


GHO = "gh" + "o_" + ALNUM36


GHU = "gh" + "u_" + ALNUM36


GHR = "gh" + "r_" + ALNUM36


PAT = "github" + "_pat_" + "11ABCDEFG0" + "x" * 12 + "_" + "Yz9" * 19 + "Q0"


AKIA = "AK" + "IA" + "IOSFODNN7EXAMPL3"


ASIA = "AS" + "IA" + "Q3EGUWKGSDXEXAMP"


AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEK3Y"


GOOGLE = "AI" + "za" + "SyD-" + "9tSrke72PouQMnMX-a7eZSW0jkFMBWY"


SLACK = "xo" + "xb-" + "2634111111-" + "1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"


STRIPE = "sk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc"


RK = "rk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc"


NPM = "np" + "m_" + ALNUM36


PYPI = "pypi-" + "AgEIcHlwaS5vcmc" + "CJGE4ZjYxNjk2LTQ1NzUtNGRlOC1hNzQ3LTAwMDAwMDAwMDAwMAACKlsz"


JWT = "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0" + ".dozj"
JWT += "gNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


PEM_BODY = ["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun", "VTLw7onLRnrq"]


PEM = "\n".join(
    ["-----BEGIN RSA " + "PRIVATE KEY-----", *PEM_BODY, "-----END RSA " + "PRIVATE KEY-----"]
)


BOT_TOKEN = "gh" + "s_" + "16C7e42F292c6912E7710c838347Ae178B4a"
SLACK_HOOK = "https://hooks." + "slack.com/services/" + "T0000AAAA/B0000BBBB/" + "x" * 24

GLPAT = "gl" + "pat-" + "xYz1" * 5 + "Ab"
AZURE_KEY = "Zm9v" * 16 + "=="
DOCKER_AUTH = "dXNlcjpw" + "YXNzd29yZDEyMw=="

# (text, the secret in it, the kind redaction reports): one case per credential shape.
SHAPES = [
    pytest.param(f"export GITLAB_PAT {GLPAT}", GLPAT, "gitlab-token", id="glpat"),
    pytest.param(
        f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={AZURE_KEY};EndpointSuffix=core",
        AZURE_KEY,
        "azure-key",
        id="azure-account-key",
    ),
    pytest.param(
        '{"auths": {"ghcr.io": {"auth": "' + DOCKER_AUTH + '"}}}',
        DOCKER_AUTH,
        "docker-auth",
        id="docker-auths",
    ),
    pytest.param(
        '{\\"auths\\": {\\"ghcr.io\\": {\\"auth\\": \\"' + DOCKER_AUTH + '\\"}}}',
        DOCKER_AUTH,
        "docker-auth",
        id="docker-auths-json-escaped",
    ),
    pytest.param(f"token {GHP} end", GHP, "github-token", id="ghp"),
    pytest.param(f"x={GHS};", GHS, "github-token", id="ghs"),
    pytest.param(GHO, GHO, "github-token", id="gho"),
    pytest.param(f"({GHU})", GHU, "github-token", id="ghu"),
    pytest.param(f"'{GHR}'", GHR, "github-token", id="ghr"),
    pytest.param(f"use {PAT} now", PAT, "github-token", id="fine-grained-pat"),
    pytest.param(f"key {AKIA} ok", AKIA, "aws-access-key-id", id="akia"),
    pytest.param(f"key {ASIA} ok", ASIA, "aws-access-key-id", id="asia"),
    pytest.param(
        f"aws_secret_access_key = {AWS_SECRET}",
        AWS_SECRET,
        "aws-secret-access-key",
        id="aws-secret",
    ),
    pytest.param(
        f'"SecretAccessKey": "{AWS_SECRET}"', AWS_SECRET, "aws-secret-access-key", id="aws-json"
    ),
    pytest.param(f"k={GOOGLE}", GOOGLE, "google-api-key", id="google"),
    pytest.param(f"slack {SLACK}", SLACK, "slack-token", id="slack"),
    pytest.param(f"curl -X POST {SLACK_HOOK}", SLACK_HOOK, "slack-webhook", id="slack-webhook"),
    pytest.param(f"stripe {STRIPE}", STRIPE, "stripe-key", id="stripe"),
    pytest.param(f"stripe {RK}", RK, "stripe-key", id="stripe-restricted"),
    pytest.param(f"//registry.npmjs.org/:_authToken {NPM}", NPM, "npm-token", id="npm"),
    pytest.param(f"twine upload -p {PYPI}", PYPI, "pypi-token", id="pypi"),
    pytest.param(f"jwt {JWT}", JWT, "jwt", id="jwt"),
    pytest.param(
        "Authorization: Bearer abc.def-123_x", "abc.def-123_x", "authorization-header", id="bearer"
    ),
    pytest.param(
        "-H 'authorization: token s3cr3tvalue'", "s3cr3tvalue", "authorization-header", id="token"
    ),
    pytest.param(
        "Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==",
        "dXNlcjpwYXNzd29yZA==",
        "authorization-header",
        id="basic",
    ),
    pytest.param("send Bearer abcdef1234567", "abcdef1234567", "bearer-token", id="bare-bearer"),
    pytest.param(
        "pip index https://user:p4ss-w0rd@pypi.example.com/simple",
        "p4ss-w0rd",
        "url-credentials",
        id="url-creds",
    ),
    pytest.param(
        f"git push https://x-access-token:{BOT_TOKEN}@github.com/o/r",
        BOT_TOKEN,
        "url-credentials",
        id="url-token",
    ),
    pytest.param("redis://:hunter22@cache:6379", "hunter22", "url-credentials", id="url-nouser"),
    pytest.param(PEM, PEM_BODY[0], "private-key", id="pem"),
    pytest.param(
        json.dumps({"private_key": PEM + "\n"}), PEM_BODY[0], "private-key", id="pem-json-escaped"
    ),
    pytest.param(PEM.replace("\n", " "), PEM_BODY[0], "private-key", id="pem-one-line"),
    pytest.param(
        "-----BEGIN OPENSSH " + "PRIVATE KEY-----\n" + PEM_BODY[0] + "\n" + "b3Blbn" * 10,
        PEM_BODY[0],
        "private-key",
        id="pem-truncated",
    ),
    pytest.param("DB_PASSWORD=correct-horse", "correct-horse", "secret-assignment", id="password"),
    pytest.param("passwd: hunter2!", "hunter2!", "secret-assignment", id="passwd"),
    pytest.param('client_secret="a b c d e"', "a b c d e", "secret-assignment", id="quoted"),
    pytest.param("?access_token=q1w2e3r4&x=1", "q1w2e3r4", "secret-assignment", id="query"),
    pytest.param("API_KEY: 0123456789abcdef", "0123456789abcdef", "secret-assignment", id="apikey"),
    pytest.param("docker login --password s3cret!", "s3cret!", "secret-argument", id="flag"),
]
