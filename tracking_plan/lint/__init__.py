"""`tp lint`: rules over the plan model, configuration, suppressions.

Nothing is re-exported here: the rules (`tracking_plan.rules`) import `lint.rule`, which runs this
file first, so loading the registry from it would be an import circle. Import names from their
modules: `lint.engine.lint_plan`, `lint.config.load_config`, `lint.registry.RULES`, ...
"""
