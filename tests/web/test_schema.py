"""Schemathesis against the OpenAPI description of a running coach: no 5xx answer; answers that keep
to the documented status codes, content types, headers and schemas; every request the description
allows is accepted and every one it refuses is refused (so the description says what the readers
take), for valid and invalid input. `benchmarks/soak_schema.py` runs the same with many more cases,
schemathesis' every check, and a coach with accounts too.

(Schemathesis' pytest plugin does not run under pytest 9, so the operations are driven with
Hypothesis here, one test per operation and generation mode.)"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import Coach

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import tests.web.schema_hooks  # noqa: E402, F401  (registers the hooks for the rules a schema cannot state)

OPERATIONS = ["POST /api/screen", "POST /api/plan", "POST /api/check", "POST /api/map", "POST /api/sessions",
              "GET /api/sessions/{sid}", "PUT /api/sessions/{sid}/outcome", "GET /api/recipients",
              "GET /api/recipients/{rid}", "GET /api/recipients/{rid}/trends.png",
              "GET /api/recipients/{rid}/record.pdf", "POST /api/recipients", "PATCH /api/recipients/{rid}",
              "DELETE /api/recipients/{rid}", "PUT /api/recipients/{rid}/shares/{username}",
              "DELETE /api/recipients/{rid}/shares/{username}", "POST /api/recipients/{rid}/next-intake",
              "POST /api/recipients/{rid}/sessions", "POST /api/sessions/{sid}/learn",
              "GET /api/sessions/{sid}/record.pdf", "POST /api/proposals/{pid}", "GET /api/care/due",
              "PUT /api/recipients/{rid}/schedule", "POST /api/recipients/{rid}/skin-checks",
              "GET /api/recipients/{rid}/skin-checks", "GET /api/auth/me", "POST /api/auth/signin",
              "POST /api/auth/signout", "GET /api/sensor-session", "GET /api/sessions/{sid}/sensor.svg",
              "GET /api/reflex-points", "GET /api/health"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, positive_data_acceptance]


@pytest.fixture(scope="module")
def api_schema(coach: Coach) -> Any:
    return schemathesis.openapi.from_url(f"{coach.url}/openapi.json")


def test_every_operation_is_covered(api_schema: Any) -> None:
    found = sorted(op.ok().label for op in api_schema.get_all_operations())
    assert found == sorted(OPERATIONS)


# Nothing to send wrong: no invalid request to generate.
NO_INPUT = {"GET /api/recipients", "GET /api/care/due", "GET /api/auth/me", "POST /api/auth/signout",
            "GET /api/health"}
CASES = [pytest.param(label, mode, id=f"{label}-{mode.value}") for label in OPERATIONS
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if not (label in NO_INPUT and mode is GenerationMode.NEGATIVE)]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_the_api_never_answers_5xx(api_schema: Any, label: str, mode: Any) -> None:
    operation = api_schema.find_operation_by_label(label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    run()
