import json

from hypothesis import Phase, given, settings

from backrub.intake import parse_intake, screen
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS
from backrub.verifier import check_routine
from tests.oracle import violations
from tests.strategies import intakes
from tests.test_properties import NotPlanned, _plan


@settings(max_examples=1500, phases=[Phase.generate])
@given(intakes())
def test_tmp(raw):
    result = _plan(raw)
    if isinstance(result, NotPlanned):
        decision = screen(parse_intake(raw)).decision
        if decision in ("refer", "check_first"):
            return
        blocking = [s for s in raw.get("spots", []) if s["kind"] in (*NO_CONTACT_SPOTS, "pain")]
        assert blocking, "REFUSED " + json.dumps(raw) + str(result.reasons)
        return
    rep = check_routine(result)
    assert rep.ok, "VERIFIER " + json.dumps(raw) + str([f.to_dict() for f in rep.errors][:2])
    found = violations(json.loads(json.dumps(result.to_dict())), raw)
    assert not found, "ORACLE " + json.dumps(raw) + str([str(v) for v in found[:3]])
