"""relgraph queries: list the shipped Cypher scripts with their titles and parameters."""

from __future__ import annotations

import argparse
import json

from relgraph.commands.context import Context
from relgraph.queries.library import builtin_scripts, format_literal

HELP = "list the built-in Cypher scripts with their parameters"
DESCRIPTION = "List every script that 'relgraph query NAME' can run: title, description, parameters."
EPILOG = """\
examples:
  relgraph queries
  relgraph queries --verbose
  relgraph queries --format json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--verbose", action="store_true", help="include descriptions")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace, ctx: Context) -> int:
    scripts = builtin_scripts()
    if args.format == "json":
        data = [{"name": s.name, "title": s.title, "description": s.description,
                 "parameters": [{"name": p.name, "type": p.type,
                                 **({} if p.required else {"default": p.default})}
                                for p in s.parameters]}
                for s in scripts.values()]
        json.dump(data, ctx.out, indent=2, ensure_ascii=False)
        ctx.out.write("\n")
        return 0
    width = max(len(name) for name in scripts)
    for script in scripts.values():
        print(f"{script.name:<{width}}  {script.title}", file=ctx.out)
        for param in script.parameters:
            default = "required" if param.required else f"default {format_literal(param.default)}"
            print(f"{'':<{width}}    --param {param.name}=<{param.placeholder}>  ({default})", file=ctx.out)
        if args.verbose and script.description:
            print(f"{'':<{width}}    {script.description}", file=ctx.out)
    return 0
