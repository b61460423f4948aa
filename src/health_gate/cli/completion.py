"""`health-gate completion bash|zsh`: a completion script made from the parser itself, so it
names every command, flag and choice the CLI has. zsh runs the bash script through its
bashcompinit layer."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

__all__ = ["add_completion_command", "completion_script"]

_SHELLS = ("bash", "zsh")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public view of its sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _words(parser: argparse.ArgumentParser) -> list[str]:
    """Its flags, and the choices of its positional arguments."""
    words: list[str] = []
    for action in parser._actions:
        words += action.option_strings
        if not action.option_strings and action.choices:
            words += [str(choice) for choice in action.choices]
    return words


def _choice_cases(commands: dict[str, argparse.ArgumentParser]) -> list[str]:
    cases = {}
    for command in commands.values():
        for action in command._actions:
            if action.choices and action.option_strings:
                cases[action.option_strings[0]] = " ".join(str(c) for c in action.choices)
    lines = [
        f'    {flag}) COMPREPLY=($(compgen -W "{words}" -- "$cur")); return;;'
        for flag, words in sorted(cases.items())
    ]
    return lines


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    commands = _subcommands(parser)
    prog = parser.prog
    name = "_" + prog.replace("-", "_")
    per_command = [
        f'    {command}) COMPREPLY=($(compgen -W "{" ".join(_words(sub))}" -- "$cur"));;'
        for command, sub in commands.items()
    ]
    lines = [
        f'# {shell} completion for {prog}: eval "$({prog} completion {shell})"',
        *(["autoload -U +X bashcompinit && bashcompinit"] if shell == "zsh" else []),
        f"{name}() {{",
        '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '  case "$prev" in',
        *_choice_cases(commands),
        '    --events-file) COMPREPLY=($(compgen -f -- "$cur")); return;;',
        "  esac",
        '  if [[ "$COMP_CWORD" -eq 1 ]]; then',
        f'    COMPREPLY=($(compgen -W "{" ".join(_words(parser))}" -- "$cur"))',
        "    return",
        "  fi",
        '  case "${COMP_WORDS[1]}" in',
        *per_command,
        "  esac",
        "}",
        f"complete -o default -F {name} {prog}",
    ]
    return "\n".join(lines) + "\n"


def add_completion_command(commands: Any, root: argparse.ArgumentParser) -> None:
    completion = commands.add_parser(
        "completion", help="print a bash or zsh completion script", description=__doc__
    )
    completion.add_argument("shell", choices=_SHELLS)

    def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        print(completion_script(root, args.shell), file=out, end="")
        return 0

    completion.set_defaults(run=run)
