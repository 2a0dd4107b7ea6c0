"""Request readers shared by the routes: JSON bodies read by the core, with field-precise errors."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request

from backrub.errors import InputError, Problem
from backrub.intake.model import Intake, parse_intake
from backrub.web.errors import Invalid
from backrub.web.store import Store


async def json_body(request: Request) -> Any:
    """The request body as JSON; 422 naming the line and column when it is not JSON."""
    data = await request.body()
    try:
        return json.loads(data)
    except json.JSONDecodeError as err:
        raise Invalid([Problem(path="", message=f"not valid JSON at line {err.lineno}, column {err.colno}: "
                                                f"{err.msg}")]) from None
    except (UnicodeDecodeError, RecursionError):
        raise Invalid([Problem(path="", message="not valid JSON (UTF-8 text expected)")]) from None


async def intake_body(raw: Annotated[Any, Depends(json_body)]) -> Intake:
    try:
        return parse_intake(raw)
    except InputError as err:
        raise Invalid(err.problems) from None


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


JsonBody = Annotated[Any, Depends(json_body)]
IntakeBody = Annotated[Intake, Depends(intake_body)]
StoreDep = Annotated[Store, Depends(store_of)]


def body_doc(model: str, description: str = "") -> dict[str, Any]:
    """The OpenAPI request body of a route whose body the core reads (see schemas.py)."""
    schema = {"$ref": f"#/components/schemas/{model}"}
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}
