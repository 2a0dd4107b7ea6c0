"""Seed 001's reflex layer: twelve points top to bottom, scaled to the body, under a traditional
claim; on the command line, in the plan's picture (never inside a marked place) and over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

from backrub.knowledge.body import Body
from backrub.knowledge.reflex import CLAIM, reflex_layer, reflex_points

BACKRUB = str(Path(sys.prefix) / "bin" / "backrub")


def test_twelve_points_top_to_bottom_with_seed_001s_organs():
    points = reflex_points(Body())
    assert [p.organ for p in points] == ["lungs"] * 3 + ["heart"] * 3 + ["stomach"] * 2 + ["liver"] * 2 + [
        "spleen",
        "kidneys",
    ]
    assert [p.n for p in points] == list(range(1, 13))
    heights = [p.y_cm for p in points]
    assert heights == sorted(heights, reverse=True)
    assert all(p.source == "001" for p in points)


def test_points_scale_with_the_body_and_those_on_the_spine_or_kidneys_are_light_only():
    small, large = reflex_points(Body(back_length_cm=40, shoulder_width_cm=34)), reflex_points(Body())
    assert small[0].y_cm < large[0].y_cm and abs(small[6].x_cm) < abs(large[6].x_cm)
    for p in large:
        if abs(p.x_cm) < 2.6 or p.organ == "kidneys":
            assert p.touch == "light only"


def test_the_claim_is_worded_as_a_traditional_claim_not_medical_advice():
    layer = reflex_layer(Body())
    assert layer["claim"] == CLAIM
    assert "traditional claim" in CLAIM and "not medical advice" in CLAIM and "may help relaxation" in CLAIM
    assert set(layer) == {"claim", "points"}
    assert all({"n", "organ", "at", "source"} <= set(p) for p in layer["points"])


def test_backrub_reflex_prints_the_points_and_refuses_a_bad_body():
    out = subprocess.run([BACKRUB, "reflex", "--json", "--body", '{"back_length_cm": 45}'],
                         capture_output=True, text=True, check=True).stdout
    layer = json.loads(out)
    assert len(layer["points"]) == 12 and layer["points"][0]["at"]["y_cm"] <= 45
    bad = subprocess.run(
        [BACKRUB, "reflex", "--body", '{"back_length_cm": 5}'], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2 and "--body.back_length_cm" in bad.stderr and "Traceback" not in bad.stderr


def test_plan_svg_reflex_draws_the_points_but_not_inside_a_marked_place(tmp_path):
    intake = {"minutes": 20, "spots": [{"kind": "wound", "at": {"x_cm": 12.6, "y_cm": 37.5}, "radius_cm": 1}]}
    src = tmp_path / "intake.json"
    src.write_text(json.dumps(intake))
    svg = tmp_path / "plan.svg"
    subprocess.run(
        [BACKRUB, "plan", str(src), "--svg", str(svg), "--reflex"], check=True, capture_output=True
    )
    text = svg.read_text()
    assert "traditional claim" in text
    assert text.count("(traditional claim; touch:") == 11  # stomach point 8 sits in the wound
    plain = tmp_path / "plain.svg"
    subprocess.run([BACKRUB, "plan", str(src), "--svg", str(plain)], check=True, capture_output=True)
    assert "traditional claim" not in plain.read_text()


def test_get_api_reflex_points(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

        from backrub.web.app import create_app

    client = TestClient(create_app(f"sqlite:///{tmp_path / 'r.db'}"), base_url="http://127.0.0.1:8000")
    got = client.get("/api/reflex-points", params={"back_length_cm": 44})
    assert got.status_code == 200
    assert got.json() == json.loads(json.dumps(reflex_layer(Body(back_length_cm=44))))
    bad = client.get("/api/reflex-points", params={"shoulder_width_cm": 500})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "shoulder_width_cm"]
