"""Every attribute of the Python result classes reads any answer the gateway could send, however
odd, without raising: the Python side of the `typed_answers` fuzz target (make fuzz-smoke)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Dict, List

import pytest

from mpgs import _native

ROOT = Path(__file__).resolve().parents[2]
PATHS = [
    "session.id", "session.aes256Key", "session.version", "session.updateStatus", "session.authenticationLimit",
    "merchant", "result", "correlationId", "token", "status", "repositoryId", "response.gatewayCode",
    "verificationStrategy", "sourceOfFunds.type", "sourceOfFunds.provided.card.brand",
    "sourceOfFunds.provided.card.expiry", "sourceOfFunds.provided.card.fundingMethod",
    "sourceOfFunds.provided.card.issuer", "sourceOfFunds.provided.card.localBrand",
    "sourceOfFunds.provided.card.number", "sourceOfFunds.provided.card.scheme",
    "sourceOfFunds.provided.card.securityCode", "sourceOfFunds.provided.ach.accountType",
    "sourceOfFunds.provided.ach.bankAccountHolder", "sourceOfFunds.provided.ach.bankAccountNumber",
    "sourceOfFunds.provided.ach.routingNumber", "sourceOfFunds.provided.ach.secCode",
    "sourceOfFunds.provided.giftCard.brand", "sourceOfFunds.provided.giftCard.localBrand",
    "sourceOfFunds.provided.giftCard.number", "sourceOfFunds.provided.giftCard.pin",
    "sourceOfFunds.provided.giftCard.scheme", "usage.lastUpdated", "usage.lastUpdatedBy", "usage.lastUsed",
]
ODD: List[Any] = ["1é2", "é", "", "0530", "１２３４", "\x00", "x" * 5000, "5123 4500 0000 0008", 0, -1, 2**63 - 1,
                  1.5, True, None, [], {}, ["a"], {"a": "b"}, "VALID", "OTHER", "\ud7ff"]


def read_everything(obj: Any, depth: int = 0) -> None:
    repr(obj)
    if depth > 2 or obj is None or isinstance(obj, (str, int, float, bool, list, dict)):
        return
    for name in dir(obj):
        if not name.startswith("_"):
            read_everything(getattr(obj, name), depth + 1)


def answer_from(values: Dict[str, Any]) -> Dict[str, Any]:
    root: Dict[str, Any] = {}
    for path, value in values.items():
        at = root
        *groups, last = path.split(".")
        for g in groups:
            nxt = at.setdefault(g, {})
            if not isinstance(nxt, dict):
                break
            at = nxt
        else:
            at[last] = value
    return root


def corpus() -> List[Dict[str, Any]]:
    answers = []
    for f in sorted((ROOT / "fuzz" / "corpus" / "typed_answers").glob("*")):
        try:
            v = json.loads(f.read_bytes())
        except ValueError:
            continue
        if isinstance(v, dict):
            answers.append(v)
    return answers


@pytest.mark.parametrize("kind", ["session", "token"])
def test_every_attribute_reads_any_answer(kind: str) -> None:
    rnd = random.Random(7)
    answers = corpus() + [answer_from({p: odd for p in PATHS}) for odd in ODD]
    answers += [answer_from({p: rnd.choice(ODD) for p in PATHS}) for _ in range(300)]
    answers += [{"sourceOfFunds": odd, "session": odd, "usage": odd} for odd in ODD]
    for a in answers:
        result = _native._result_from_answer(kind, a)
        read_everything(result)


def test_a_card_expiry_that_is_not_mmyy_reads_as_it_came() -> None:
    t = _native._result_from_answer("token", {"sourceOfFunds": {"provided": {"card": {"expiry": "1é2"}}}})
    assert isinstance(t, _native.Token) and t.card is not None
    assert t.card.expiry == "1é2"
