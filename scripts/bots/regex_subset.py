"""The regular-expression subset that Bulwark's bot matcher implements, checked and normalised.

    from regex_subset import parse, SubsetError
    parsed = parse(r"Googlebot\\/")      # raises SubsetError outside the subset
    parsed.text      # the pattern to embed (normalised, see below)
    parsed.python    # an equivalent pattern that Python's `re` compiles

The subset: literals; escapes \\d \\D \\w \\W \\s \\S \\b \\B and any escaped ASCII punctuation;
classes [...] with ranges and ^ negation; `.`; groups (...), (?:...); lookarounds (?=...), (?!...),
(?<=...), (?<!...) whose lookbehind alternatives are each of fixed length (lengths may differ
between alternatives); alternation; quantifiers * + ? {n} {n,} {n,m}, each optionally lazy (?);
anchors ^ $. Everything else (named groups, backreferences, inline flags, \\Z, \\n, \\x.., \\p{..},
possessive quantifiers, empty classes) is refused.

Normalisation, which keeps the JavaScript meaning the source patterns were written for:
  - a `{` that does not start a quantifier, and a lone `}` or `]`, become `\\{`, `\\}`, `\\]`;
  - in a class, an unescaped `-` that is not a range (first, last, or next to \\d, \\w, \\s...)
    becomes `\\-`, and unescaped `[`, `&`, `~`, `|` become escaped (Python would warn about set
    operations); escaped members stay as written;
  - `\\#` becomes `#` (a Swift raw string `#\"\"\"...\"\"\"#` would read `\\#` as an escape);
  - an escaped space becomes a space, and a space ending the pattern becomes `[ ]` (the catalogue's
    lines carry no trailing white space).
"""

import re

PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ")
CLASS_ESCAPES = frozenset("dDwWsS")
CLASS_MUST_ESCAPE = frozenset("\\]-^[&~|")
_QUANTIFIER = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")


class SubsetError(ValueError):
    pass


class Parsed:
    def __init__(self, source, text, python, changed):
        self.source = source
        self.text = text
        self.python = python
        self.changed = changed


def parse(pattern):
    """Parses `pattern`; returns a `Parsed`, or raises `SubsetError` naming the problem."""
    parser = _Parser(pattern)
    alternatives = parser.alternation()
    if parser.i != len(pattern):
        parser.fail("unbalanced ')'")
    text = _render_alternatives(alternatives, python=False)
    python = _render_alternatives(alternatives, python=True)
    if text.endswith(" "):  # only a literal space can end a pattern with a space
        text, python = text[:-1] + "[ ]", python[:-1] + "[ ]"
    try:
        re.compile(python)
    except re.error as error:  # the parser let through something Python refuses: report it
        raise SubsetError(f"Python's re refuses the normalised form {python!r}: {error}")
    return Parsed(pattern, text, python, text != pattern)


# Nodes: ("lit", rendering) ("class", rendering) ("any",) ("anchor", rendering)
#        ("group", opener, alternatives) ("quant", node, quantifier-text)


def _width(node):
    kind = node[0]
    if kind in ("lit", "class", "any"):
        return 1
    if kind == "anchor":
        return 0
    if kind == "group":
        if node[1] in ("(?=", "(?!", "(?<=", "(?<!"):
            return 0
        widths = {_sequence_width(sequence) for sequence in node[2]}
        return widths.pop() if len(widths) == 1 else None
    if kind == "quant":
        match = _QUANTIFIER.fullmatch(node[2].rstrip("?"))
        inner = _width(node[1])
        if match and inner is not None and (match.group(2) is None or match.group(3) == match.group(1)):
            return inner * int(match.group(1))
        return None
    raise AssertionError(kind)


def _sequence_width(sequence):
    total = 0
    for node in sequence:
        width = _width(node)
        if width is None:
            return None
        total += width
    return total


def _render_alternatives(alternatives, python):
    return "|".join(_render_sequence(sequence, python) for sequence in alternatives)


def _render_sequence(sequence, python):
    return "".join(_render(node, python) for node in sequence)


def _render(node, python):
    kind = node[0]
    if kind in ("lit", "class", "anchor"):
        return node[1]
    if kind == "any":
        return "."
    if kind == "quant":
        return _render(node[1], python) + node[2]
    opener, alternatives = node[1], node[2]
    if python and opener in ("(?<=", "(?<!") and len({_sequence_width(s) for s in alternatives}) > 1:
        # Python's re wants one width per lookbehind: split it into equivalent ones.
        parts = [opener + _render_sequence(s, python) + ")" for s in alternatives]
        return "".join(parts) if opener == "(?<!" else "(?:" + "|".join(parts) + ")"
    return opener + _render_alternatives(alternatives, python) + ")"


class _Parser:
    def __init__(self, pattern):
        self.s = pattern
        self.i = 0

    def fail(self, message):
        raise SubsetError(f"{message} at offset {self.i} in {self.s!r}")

    def peek(self, offset=0):
        index = self.i + offset
        return self.s[index] if index < len(self.s) else ""

    def alternation(self):
        alternatives = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            alternatives.append(self.sequence())
        return alternatives

    def sequence(self):
        items = []
        while self.i < len(self.s) and self.peek() not in "|)":
            atom = self.atom()
            while True:
                quantifier = self.quantifier()
                if quantifier is None:
                    break
                if atom[0] == "quant":
                    self.fail("multiple repeat")
                if atom[0] == "anchor" or (atom[0] == "group" and atom[1] in ("(?=", "(?!", "(?<=", "(?<!")):
                    self.fail("quantifier on an anchor or a lookaround")
                atom = ("quant", atom, quantifier)
            items.append(atom)
        return items

    def quantifier(self):
        c = self.peek()
        if c and c in "*+?":
            self.i += 1
            text = c
        elif c == "{" and _QUANTIFIER.match(self.s, self.i):
            match = _QUANTIFIER.match(self.s, self.i)
            if match.group(3) and int(match.group(3)) < int(match.group(1)):
                self.fail("quantifier range out of order")
            self.i = match.end()
            text = match.group(0)
        else:
            return None
        if self.peek() == "?":
            self.i += 1
            text += "?"
        elif self.peek() == "+":
            self.fail("possessive quantifier")
        return text

    def atom(self):
        c = self.peek()
        if c == "(":
            return self.group()
        if c == "[":
            return self.character_class()
        if c == "\\":
            return self.escape()
        self.i += 1
        if c == ".":
            return ("any",)
        if c in ("^", "$"):
            return ("anchor", c)
        if c in ("*", "+", "?"):
            self.i -= 1
            self.fail("nothing to repeat")
        if c == "{":
            if _QUANTIFIER.match(self.s, self.i - 1):
                self.i -= 1
                self.fail("nothing to repeat")
            return ("lit", "\\{")
        if c in ("}", "]"):
            return ("lit", "\\" + c)
        if ord(c) < 32 or ord(c) == 127:
            self.i -= 1
            self.fail(f"control character {c!r}")
        return ("lit", c)

    def group(self):
        self.i += 1
        opener = "("
        if self.peek() == "?":
            for candidate in ("?:", "?=", "?!", "?<=", "?<!"):
                if self.s.startswith(candidate, self.i):
                    opener = "(" + candidate
                    self.i += len(candidate)
                    break
            else:
                self.fail("unsupported group syntax (named group, inline flag or comment)")
        alternatives = self.alternation()
        if self.peek() != ")":
            self.fail("missing ')'")
        self.i += 1
        if opener in ("(?<=", "(?<!"):
            for sequence in alternatives:
                if _sequence_width(sequence) is None:
                    self.fail("lookbehind alternative of variable length")
        return ("group", opener, alternatives)

    def escape(self):
        e = self.peek(1)
        if not e:
            self.fail("trailing backslash")
        self.i += 2
        if e in CLASS_ESCAPES:
            return ("class", "\\" + e)
        if e in ("b", "B"):
            return ("anchor", "\\" + e)
        if e in PUNCTUATION:
            if e == "#":
                return ("lit", "#")
            if e == " ":
                return ("lit", " ")
            return ("lit", "\\" + e)
        self.i -= 2
        self.fail(f"unsupported escape '\\{e}'")

    def character_class(self):
        self.i += 1
        negated = False
        if self.peek() == "^":
            negated = True
            self.i += 1
        if self.peek() == "]":
            self.fail("empty character class, or ']' first in a class")
        items = []  # class atoms, or ("range", lower atom, upper atom)
        while True:
            c = self.peek()
            if not c:
                self.fail("missing ']'")
            if c == "]":
                self.i += 1
                break
            item = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                # a range, unless one end is \d, \w, \s...: then '-' is a literal (JavaScript)
                self.i += 1
                upper = self.class_atom()
                if item[0] == "char" and upper[0] == "char":
                    if ord(upper[1]) < ord(item[1]):
                        self.fail("class range out of order")
                    items.append(("range", item, upper))
                    continue
                items.extend([item, ("char", "-", "\\-"), upper])
                continue
            items.append(item)
        rendered = "".join(_render_class_item(item) for item in items)
        return ("class", "[" + ("^" if negated else "") + rendered + "]")

    def class_atom(self):
        """One class member: ("char", c, rendering) or ("esc", "\\d")."""
        c = self.peek()
        if c == "\\":
            e = self.peek(1)
            if not e:
                self.fail("trailing backslash")
            self.i += 2
            if e in CLASS_ESCAPES:
                return ("esc", "\\" + e)
            if e in PUNCTUATION:
                return ("char", e, "#" if e == "#" else "\\" + e)
            self.i -= 2
            self.fail(f"unsupported escape '\\{e}' in a class")
        if ord(c) < 32 or ord(c) == 127:
            self.fail(f"control character {c!r}")
        self.i += 1
        return ("char", c, _class_char(c))


def _class_char(c):
    return "\\" + c if c in CLASS_MUST_ESCAPE else c


def _render_class_item(item):
    if item[0] in ("char", "esc"):
        return item[-1]
    return item[1][2] + "-" + item[2][2]
