"""`tp diff` (issue 14, in progress): what a plan change breaks, for the apps that send the
events (producers) and for those who read them (consumers).

`compare.diff_plans(old, new)` compares two resolved plans and gives one `Change` per
difference, each classified on both axes (`impact`). Not built yet: the TP6xx catalogue
entries, witnesses, renames of properties, the git ref path, the ignore file, version bumps,
the command and its reports (see the session note of 2026-12-07).
"""
