"""Answers graph questions with Alembic's own RevisionMap, for the parity test.

Reads a JSON list of cases on stdin: {"revs": [{id, parents, deps, labels}], "queries": [[kind, arg, current]]}
and prints, per case, heads, bases and the answer to each query: a sorted list of
revision ids, or "ERR <type>" when Alembic refuses.
"""
import json
import sys
import warnings

from alembic.script.revision import Revision, RevisionMap

warnings.simplefilter("ignore")


def revision(r):
    parents = r["parents"]
    down = None if not parents else (parents[0] if len(parents) == 1 else tuple(parents))
    return Revision(r["id"], down, dependencies=tuple(r["deps"]) or None, branch_labels=r["labels"] or None)


def answer(case):
    revs = [revision(r) for r in case["revs"]]
    rmap = RevisionMap(lambda: revs)
    out = {"heads": sorted(rmap.heads), "bases": sorted(rmap.bases), "answers": []}
    for kind, arg, current in case["queries"]:
        cur = tuple(current.split(",")) if current else None
        try:
            if kind == "up":
                steps = rmap.iterate_revisions(arg, cur, implicit_base=True)
            else:
                # What `alembic downgrade` asks (ScriptDirectory._downgrade_revs): no implicit base.
                steps = rmap.iterate_revisions(cur, arg, select_for_downgrade=True)
            out["answers"].append(sorted(r.revision for r in steps))
        except Exception as e:  # Alembic's refusal is an answer too
            out["answers"].append("ERR " + type(e).__name__)
    return out


print(json.dumps([answer(c) for c in json.load(sys.stdin)]))
