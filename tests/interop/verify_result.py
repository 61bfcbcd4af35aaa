#!/usr/bin/env python3
"""Checks a published 民主测评 result with Python alone, as anyone in the
room may: the intake's Ed25519 signature over the RFC 8785 canonical
payload (the `rfc8785` and `cryptography` packages from PyPI), then every
count, satisfaction and talk due recomputed from the result's own list of
ballots. Exit 0 when it holds; 1, saying where, when it does not.

    python3 tests/interop/verify_result.py RESULT.json [INTAKE_KEY]

`cargo xtask test` runs it with `--self-test` on
tests/data/evaluations/banzi-2026.result.json: the result holds, and
copies changed after signing, or miscounted and signed again, fail where
they should.
"""
import base64
import json
import sys
from decimal import Decimal

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

RATINGS = ("good", "fairly_good", "average", "poor")


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hundredths(text):
    """A decimal string such as "60.63" as a whole number of hundredths."""
    return int(Decimal(text) * 100)


def div_round(n, d):
    """n / d rounded half away from zero (both positive here)."""
    return (n + d // 2) // d


def check(result, intake_key=None):
    payload = result["payload"]
    if payload["format"] != "qingdan.evaluation-result/1":
        return "format: not a result"
    [signature] = result["signatures"]
    if signature["public_key"] != payload["intake_key"]:
        return "signatures: not by the payload's intake_key"
    if intake_key and intake_key != payload["intake_key"]:
        return f"signed by {payload['intake_key']}, not {intake_key}"
    key = Ed25519PublicKey.from_public_bytes(b64url(payload["intake_key"]))
    try:
        key.verify(b64url(signature["signature"]), rfc8785.dumps(payload))
    except InvalidSignature:
        return "the intake's signature does not verify"

    tally = payload["tally"]
    ballots = tally["ballots"]
    groups = {g["id"]: g for g in tally["groups"]}
    for g in tally["groups"]:
        n = sum(1 for b in ballots if b["group"] == g["id"])
        if n != g["ballots"]:
            return f"group {g['id']}: says {g['ballots']} ballots, lists {n}"
        if g["id"] != "other" and n < 5:
            return f"group {g['id']}: {n} ballots stand apart (fewer than 5)"
    if any(b["group"] not in groups for b in ballots):
        return "a ballot of a group the result does not count"
    slips = tally["slips"]
    if slips["used"] != len(ballots) or slips["unused"] != slips["issued"] - len(ballots):
        return f"slips: {slips} for {len(ballots)} ballots"
    codes = [b["code_sha256"] for b in ballots]
    if codes != sorted(set(codes)):
        return "ballots: not each code once, in the order of their digests"

    threshold = hundredths(tally["threshold"])
    for person in tally["subjects"]:
        who = person["subject"]
        for dimension, by_group in person["counts"].items():
            for group, said in by_group.items():
                counted = dict.fromkeys(RATINGS, 0)
                for b in ballots:
                    if b["group"] == group:
                        counted[b["answers"]["ratings"][who][dimension]] += 1
                if counted != said:
                    return f"{who} {dimension} {group}: says {said}, ballots count {counted}"
        weighted = weights = 0
        for group, counts in person["counts"]["overall"].items():
            n = sum(counts.values())
            if n == 0:
                continue
            share = div_round((counts["good"] + counts["fairly_good"]) * 10000, n)
            weight = hundredths(groups[group]["weight"])
            weighted += share * weight
            weights += weight
        satisfaction = div_round(weighted, weights) if weights else None
        said = person["satisfaction"]
        if (hundredths(said) if said is not None else None) != satisfaction:
            return f"{who}: satisfaction says {said}, ballots give {satisfaction} hundredths"
        due = satisfaction is not None and satisfaction < threshold
        if person["talk_due"] != due:
            return f"{who}: talk_due says {person['talk_due']}, ballots give {due}"
    return None


def self_test(result):
    """The checks fail where they should: one ballot changed (the signature
    breaks), and, signed again with the test intake's key (seed 42 × 32,
    as the committed result was), a ballot changed, a satisfaction raised
    and a talk dropped, each named."""
    from copy import deepcopy

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    test_key = Ed25519PrivateKey.from_private_bytes(bytes([42] * 32))

    def flip(r):
        ratings = r["payload"]["tally"]["ballots"][5]["answers"]["ratings"]
        ratings["zhao"]["duty"] = "poor" if ratings["zhao"]["duty"] != "poor" else "good"

    def raise_figure(r):
        r["payload"]["tally"]["subjects"][0]["satisfaction"] = "99.99"

    def drop_talk(r):
        person = r["payload"]["tally"]["subjects"][1]
        person["talk_due"] = not person["talk_due"]

    cases = [(flip, False, "signature"), (flip, True, "zhao duty"),
             (raise_figure, True, "satisfaction"), (drop_talk, True, "talk_due")]
    for change, resign, expected in cases:
        changed = deepcopy(result)
        change(changed)
        if resign:
            signature = test_key.sign(rfc8785.dumps(changed["payload"]))
            changed["signatures"][0]["signature"] = base64.urlsafe_b64encode(signature).decode().rstrip("=")
        problem = check(changed)
        if not problem or expected not in problem:
            print(f"self-test: {change.__name__} (signed again: {resign}) gave {problem!r}", file=sys.stderr)
            sys.exit(1)


def main():
    args = [a for a in sys.argv[1:] if a != "--self-test"]
    with open(args[0], encoding="utf-8") as f:
        result = json.load(f)
    problem = check(result, args[1] if len(args) > 1 else None)
    if problem:
        print(f"{args[0]}: invalid: {problem}", file=sys.stderr)
        sys.exit(1)
    if "--self-test" in sys.argv:
        self_test(result)
    tally = result["payload"]["tally"]
    print(f"{args[0]}: valid, {len(tally['ballots'])} ballots recounted")


if __name__ == "__main__":
    main()
