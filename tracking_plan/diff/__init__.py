"""`tp diff`: what a plan change breaks, for the apps that send the events (producers) and for
those who read them (consumers).

- `compare.diff_plans(old, new)`: one `Change` per difference between two resolved plans
  (`properties` for a property at any depth), each with its `impact` on both sides;
- `witness.Witnesses`: for a change that breaks producers, an event valid under the old plan
  and invalid under the new one, found by search and proven with both plans' schemas;
- `report`: a change as a TP6xx diagnostic (`codes.diff`), the version bump the changes need;
- `ignores`: changes accepted on purpose, until they expire; `git_ref`: a plan at a git ref;
- `run.run_diff`: all of it for two plans; `render`: text and Markdown.
"""
