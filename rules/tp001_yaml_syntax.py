"""TP001 yaml-syntax: reported by the loader."""

from __future__ import annotations

from tracking_plan.codes import Phase
from tracking_plan.lint.rule import Rule


class YamlSyntax(Rule):
    """The plan file is not valid YAML.

    ## What it does
    Reports a YAML syntax error: an unclosed bracket or quote, bad indentation, a tab used for
    indentation, two documents in one file. The location is where the parser gave up; the
    message says where the construct it was reading started.

    It also reports YAML that parses but cannot be read safely as a plan: bytes that are not
    UTF-8 text (UTF-16 and UTF-32 are read when the file starts with a byte order mark), a
    control character such as NUL, a tag outside YAML's core schema (`!!binary`,
    `!!timestamp`, `!!set`, a custom `!tag`) or a tagged value that is not what its tag says
    (`!!int 1.5`, `!!bool maybe`), nesting deeper than 100 levels, an alias inside the node
    it refers to, and aliases that expand the file to more than 4 times its written size (at
    least 100,000 nodes are always allowed).

    ## Why is this bad?
    Nothing in a file that does not parse can be checked; `tp` stops at the first syntax error
    of a file (the parser cannot resynchronise). A file of a few lines whose aliases stand
    for a billion values would otherwise stall every command that reads it.

    ## Example
    ```yaml
        events:
          Order Completed:
            properties: {order_id: {type: string}
    ```

    ## Use instead
    ```yaml
        events:
          Order Completed:
            properties: {order_id: {type: string}}
    ```
    """

    code = "TP001"
    slug = "yaml-syntax"
    summary = "The plan file is not valid YAML"
    phase = Phase.LOAD
