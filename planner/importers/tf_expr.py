"""
A small, safe evaluator for the Terraform expressions that decide counts: literals, ``var.x`` and
``local.x`` (with their defaults and module inputs), arithmetic, comparisons, ``a ? b : c``, lists and
a few functions (length, toset, tolist, keys, values, max, min, ceil, floor, concat). Anything else
(a resource attribute, a data source, a function it does not know) is `UNKNOWN`: the importer then
leaves the count to the engine. No Python eval; bounded input; no recursion beyond the expression's
own nesting (capped).

Values come from python-hcl2 with string quotes stripped: an expression is a string ``"${...}"``.
"""

from __future__ import annotations

import math
import re

UNKNOWN = object()
MAX_EXPR = 2_000
MAX_NEST = 40

_TOKEN = re.compile(r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<op>==|!=|>=|<=|&&|\|\||[-+*/%<>!?:(),\[\].{}=])
  | (?P<name>[A-Za-z_][\w-]*)
)""", re.VERBOSE)
_WHOLE = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
FUNCTIONS = {
    "length": lambda x: len(x) if isinstance(x, (list, dict, str)) else UNKNOWN,
    "toset": lambda x: list(dict.fromkeys(x)) if isinstance(x, list) else UNKNOWN,
    "tolist": lambda x: list(x) if isinstance(x, list) else UNKNOWN,
    "keys": lambda x: list(x) if isinstance(x, dict) else UNKNOWN,
    "values": lambda x: list(x.values()) if isinstance(x, dict) else UNKNOWN,
    "ceil": lambda x: math.ceil(x) if _number(x) else UNKNOWN,
    "floor": lambda x: math.floor(x) if _number(x) else UNKNOWN,
}
VARIADIC = {
    "max": lambda *a: max(a) if a and all(_number(x) for x in a) else UNKNOWN,
    "min": lambda *a: min(a) if a and all(_number(x) for x in a) else UNKNOWN,
    "concat": lambda *a: [y for x in a for y in x] if all(isinstance(x, list) for x in a) else UNKNOWN,
}


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


class Scope:
    """Variables and locals of one module."""

    def __init__(self, variables: dict, locals_: dict):
        self.variables = variables
        self.locals_raw = locals_
        self.locals: dict = {}
        self._busy: set[str] = set()

    def local(self, name: str):
        if name in self.locals:
            return self.locals[name]
        if name not in self.locals_raw or name in self._busy:
            return UNKNOWN
        self._busy.add(name)
        try:
            self.locals[name] = evaluate(self.locals_raw[name], self)
        finally:
            self._busy.discard(name)
        return self.locals[name]


def evaluate(value, scope: Scope, depth: int = 0):
    """The value of an HCL value from python-hcl2 (an expression string, a literal, a list, a map)."""
    if depth > MAX_NEST:
        return UNKNOWN
    if isinstance(value, str):
        match = _WHOLE.match(value)
        if not match:
            return UNKNOWN if "${" in value else value
        return expression(match.group(1), scope)
    if isinstance(value, list):
        items = [evaluate(v, scope, depth + 1) for v in value]
        return UNKNOWN if any(i is UNKNOWN for i in items) else items
    if isinstance(value, dict):
        items = {k: evaluate(v, scope, depth + 1) for k, v in value.items() if not str(k).startswith("__")}
        return UNKNOWN if any(i is UNKNOWN for i in items.values()) else items
    return value


def expression(text: str, scope: Scope):
    if len(text) > MAX_EXPR:
        return UNKNOWN
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            if text[pos:].strip() == "":
                break
            return UNKNOWN
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    parser = _Parser(tokens, scope)
    try:
        result = parser.ternary()
    except (_Unknown, IndexError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return UNKNOWN
    return result if parser.pos == len(tokens) else UNKNOWN


class _Unknown(Exception):
    pass


class _Parser:
    def __init__(self, tokens, scope: Scope):
        self.tokens = tokens
        self.pos = 0
        self.scope = scope
        self.depth = 0

    def peek(self):
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None):
        kind, value = self.tokens[self.pos]
        if expected is not None and value != expected:
            raise _Unknown
        self.pos += 1
        return kind, value

    def known(self, value):
        if value is UNKNOWN:
            raise _Unknown
        return value

    def ternary(self):
        self.depth += 1
        if self.depth > MAX_NEST:
            raise _Unknown
        cond = self.binary(0)
        if self.peek() == "?":
            self.take()
            yes = self.ternary()
            self.take(":")
            no = self.ternary()
            result = yes if self.known(cond) else no
        else:
            result = cond
        self.depth -= 1
        return result

    LEVELS = (("||",), ("&&",), ("==", "!="), (">", "<", ">=", "<="), ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int):
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self.LEVELS[level]:
            op = self.take()[1]
            right = self.binary(level + 1)
            left = _apply(op, self.known(left), self.known(right))
        return left

    def unary(self):
        if self.peek() == "-":
            self.take()
            return -self.known(self.unary())
        if self.peek() == "!":
            self.take()
            return not self.known(self.unary())
        return self.postfix(self.primary())

    def postfix(self, value):
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                key = self.take()[1]
                value = self.known(value)[key] if isinstance(value, dict) else UNKNOWN
            else:
                index = self.ternary()
                self.take("]")
                value = self.known(value)[self.known(index)] if isinstance(value, (list, dict)) else UNKNOWN
        return value

    def primary(self):
        kind, value = self.take()
        if kind == "num":
            number = float(value)
            return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
        if kind == "str":
            return value[1:-1]
        if value == "(":
            inner = self.ternary()
            self.take(")")
            return inner
        if value == "[":
            items = []
            while self.peek() != "]":
                items.append(self.ternary())
                if self.peek() == ",":
                    self.take()
            self.take("]")
            return items
        if kind != "name":
            raise _Unknown
        if value in ("true", "false"):
            return value == "true"
        if value == "null":
            return None
        if value in ("var", "local") and self.peek() == ".":
            self.take()
            name = self.take()[1]
            return self.scope.variables.get(name, UNKNOWN) if value == "var" else self.scope.local(name)
        if self.peek() == "(" and (value in FUNCTIONS or value in VARIADIC):
            self.take()
            args = []
            while self.peek() != ")":
                args.append(self.known(self.ternary()))
                if self.peek() == ",":
                    self.take()
            self.take(")")
            if value in FUNCTIONS:
                return FUNCTIONS[value](*args) if len(args) == 1 else UNKNOWN
            return VARIADIC[value](*args)
        raise _Unknown


def _apply(op: str, a, b):
    if op in ("+", "-", "*", "/", "%", ">", "<", ">=", "<=") and not (_number(a) and _number(b)):
        raise _Unknown
    return {"||": lambda: bool(a or b), "&&": lambda: bool(a and b), "==": lambda: a == b, "!=": lambda: a != b,
            ">": lambda: a > b, "<": lambda: a < b, ">=": lambda: a >= b, "<=": lambda: a <= b,
            "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
            "%": lambda: a % b}[op]()


_VAR_REF = re.compile(r"\bvar\.([A-Za-z_][\w-]*)")


def single_var_number(value, scope: Scope):
    """The number a comparison such as ``var.db_count > 1`` is about: its one numeric variable, else UNKNOWN."""
    if not isinstance(value, str):
        return UNKNOWN
    names = set(_VAR_REF.findall(value))
    if len(names) != 1:
        return UNKNOWN
    number = scope.variables.get(names.pop(), UNKNOWN)
    return number if _number(number) else UNKNOWN
