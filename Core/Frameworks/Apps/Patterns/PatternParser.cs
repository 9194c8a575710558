namespace MiniMesos.Core.Frameworks.Apps.Patterns;

/// <summary>
/// Parses a LIKE/UNLIKE constraint pattern: the regular-expression syntax Marathon users write, with .NET's meaning
/// (literals and escapes, <c>.</c>, classes <c>[a-z0-9]</c> and <c>[^...]</c>, <c>\d \w \s</c> and their
/// complements, <c>* + ? {m} {m,} {m,n}</c> and their lazy forms, groups <c>(...)</c>, <c>(?:...)</c>,
/// <c>(?&lt;name&gt;...)</c>, alternation, <c>^ $ \A \z \Z \b \B</c>). What a linear-time matcher cannot run or
/// this one does not know (backreferences, lookarounds, atomic groups, conditionals, inline options, Unicode
/// categories, class subtraction) is refused with the reason and the offset.
/// </summary>
internal sealed class PatternParser
{
    /// <summary>The largest count in <c>{m,n}</c>.</summary>
    public const int MaxCount = 1000;

    private const int MaxDepth = 100;

    private readonly string _p;
    private int _i;
    private int _depth;

    private PatternParser(string pattern) => _p = pattern;

    /// <summary>The parsed pattern, or null with <paramref name="why"/> saying what is wrong and where.</summary>
    public static PatternNode? Parse(string pattern, out string why)
    {
        var parser = new PatternParser(pattern);
        try
        {
            var node = parser.Alternation();
            if (parser._i < pattern.Length) parser.Fail("too many )'s");
            why = "";
            return node;
        }
        catch (PatternException e)
        {
            why = e.Message;
            return null;
        }
    }

    private PatternNode Alternation()
    {
        var first = Concatenation();
        if (!At('|')) return first;
        var alternate = new PatternNode(PatternNodeKind.Alternate);
        alternate.Children.Add(first);
        while (At('|'))
        {
            _i++;
            alternate.Children.Add(Concatenation());
        }
        return alternate;
    }

    private PatternNode Concatenation()
    {
        var concat = new PatternNode(PatternNodeKind.Concat);
        while (_i < _p.Length && _p[_i] is not ('|' or ')'))
        {
            if (IsQuantifierAt(_i)) Fail($"quantifier '{_p[_i]}' following nothing");
            var atom = Atom();
            if (atom is null) continue;
            concat.Children.Add(Quantified(atom));
        }
        return concat.Children.Count == 1 ? concat.Children[0] : concat;
    }

    private PatternNode Quantified(PatternNode atom)
    {
        if (!IsQuantifierAt(_i)) return atom;
        var at = _i;
        int min, max;
        switch (_p[_i++])
        {
            case '*': (min, max) = (0, -1); break;
            case '+': (min, max) = (1, -1); break;
            case '?': (min, max) = (0, 1); break;
            default:
                min = Number();
                max = min;
                if (At(','))
                {
                    _i++;
                    max = At('}') ? -1 : Number();
                }
                _i++; // '}', as IsQuantifierAt saw
                if (max != -1 && max < min) Fail($"illegal {{x,y}} with x > y at offset {at}");
                break;
        }
        if (At('?')) _i++; // lazy: the same set of matches
        if (IsQuantifierAt(_i)) Fail($"nested quantifier '{_p[_i]}' at offset {_i}");
        var repeat = new PatternNode(PatternNodeKind.Repeat) { Min = min, Max = max };
        repeat.Children.Add(atom);
        return repeat;
    }

    private int Number()
    {
        var start = _i;
        var n = 0;
        while (_i < _p.Length && char.IsAsciiDigit(_p[_i]))
        {
            n = n * 10 + (_p[_i++] - '0');
            if (n > MaxCount) Fail($"repetition count at offset {start} is over {MaxCount}");
        }
        return n;
    }

    /// <summary>A quantifier starts here: <c>* + ?</c>, or <c>{</c> that .NET reads as one (<c>{n}</c>, <c>{n,}</c>, <c>{n,m}</c>; any other <c>{</c> is a literal).</summary>
    private bool IsQuantifierAt(int i)
    {
        if (i >= _p.Length) return false;
        if (_p[i] is '*' or '+' or '?') return true;
        if (_p[i] != '{') return false;
        var j = i + 1;
        var digits = j;
        while (j < _p.Length && char.IsAsciiDigit(_p[j])) j++;
        if (j == digits || j >= _p.Length) return false;
        if (_p[j] == ',')
        {
            j++;
            while (j < _p.Length && char.IsAsciiDigit(_p[j])) j++;
        }
        return j < _p.Length && _p[j] == '}';
    }

    /// <summary>One atom, or null for what matches nothing and takes no quantifier (a comment).</summary>
    private PatternNode? Atom()
    {
        var c = _p[_i++];
        switch (c)
        {
            case '(': return Group(_i - 1);
            case '[': return new PatternNode(PatternNodeKind.Set) { Set = CharClass(_i - 1) };
            case '.': return new PatternNode(PatternNodeKind.Set) { Set = PatternCharSet.AnyButNewline() };
            case '^': return Assert(PatternAssertion.Start);
            case '$': return Assert(PatternAssertion.EndOrFinalNewline);
            case '\\': return Escape();
            default: return Literal(c);
        }
    }

    private PatternNode? Group(int at)
    {
        if (++_depth > MaxDepth) Fail($"groups nested deeper than {MaxDepth}");
        if (At('?'))
        {
            _i++;
            var kind = _i < _p.Length ? _p[_i] : '\0';
            switch (kind)
            {
                case ':': _i++; break;
                case '#':
                    var end = _p.IndexOf(')', _i);
                    if (end < 0) Fail($"unterminated (?#...) comment at offset {at}");
                    _i = end + 1;
                    _depth--;
                    return null;
                case '=' or '!': Fail($"lookarounds are not supported (offset {at})"); break;
                case '>': Fail($"atomic groups are not supported (offset {at})"); break;
                case '(': Fail($"conditionals are not supported (offset {at})"); break;
                case '<' when _i + 1 < _p.Length && _p[_i + 1] is '=' or '!':
                    Fail($"lookarounds are not supported (offset {at})"); break;
                case '<' or '\'': GroupName(kind == '<' ? '>' : '\'', at); break;
                default: Fail($"inline options and other (? constructs are not supported (offset {at})"); break;
            }
        }
        var inner = Alternation();
        if (!At(')')) Fail($"not enough )'s: the group at offset {at} is not closed");
        _i++;
        _depth--;
        return inner;
    }

    private void GroupName(char close, int at)
    {
        _i++;
        var start = _i;
        while (_i < _p.Length && PatternCharSet.IsWordChar(_p[_i])) _i++;
        if (_i == start || !At(close))
            Fail($"invalid group name at offset {at} (a name of word characters; balancing groups are not supported)");
        _i++;
    }

    private PatternNode? Escape()
    {
        if (_i >= _p.Length) Fail("illegal \\ at the end of the pattern");
        var c = _p[_i];
        switch (c)
        {
            case 'b': _i++; return Assert(PatternAssertion.WordBoundary);
            case 'B': _i++; return Assert(PatternAssertion.NotWordBoundary);
            case 'A': _i++; return Assert(PatternAssertion.Start);
            case 'z': _i++; return Assert(PatternAssertion.End);
            case 'Z': _i++; return Assert(PatternAssertion.EndOrFinalNewline);
            case 'G': Fail($"\\G is not supported (offset {_i - 1})"); break;
            case >= '1' and <= '9' or 'k': Fail($"backreferences are not supported (offset {_i - 1})"); break;
        }
        if (ClassEscape() is { } classes) return new PatternNode(PatternNodeKind.Set) { Set = PatternCharSet.OfClass(classes) };
        return Literal(CharEscape());
    }

    /// <summary>At the character after a backslash: <c>\d \D \w \W \s \S</c> (consumed), or null.</summary>
    private PatternClasses? ClassEscape()
    {
        PatternClasses? classes = _p[_i] switch
        {
            'd' => PatternClasses.Digit,
            'D' => PatternClasses.NotDigit,
            'w' => PatternClasses.Word,
            'W' => PatternClasses.NotWord,
            's' => PatternClasses.Space,
            'S' => PatternClasses.NotSpace,
            _ => null,
        };
        if (classes is not null) _i++;
        return classes;
    }

    /// <summary>At the character after a backslash: the character it stands for (consumed).</summary>
    private char CharEscape()
    {
        var at = _i - 1;
        var c = _p[_i++];
        switch (c)
        {
            case 't': return '\t';
            case 'n': return '\n';
            case 'r': return '\r';
            case 'f': return '\f';
            case 'v': return '\u000B';
            case 'e': return '\u001B';
            case 'a': return '\u0007';
            case 'x': return Hex(2, at);
            case 'u': return Hex(4, at);
            case 'c':
                // .NET's \cX: X in @A-Z[\]^_ (a-z as A-Z) is the control character X - '@'.
                var x = _i < _p.Length ? _p[_i++] : '\0';
                if (x is >= 'a' and <= 'z') x = (char)(x - ('a' - 'A'));
                if (x is < '@' or > '_') Fail($"missing or illegal control character after \\c at offset {at}");
                return (char)(x - '@');
            case >= '0' and <= '7':
                // Octal: up to three digits, the first included.
                var value = c - '0';
                for (var n = 1; n < 3 && _i < _p.Length && _p[_i] is >= '0' and <= '7'; n++) value = value * 8 + (_p[_i++] - '0');
                return (char)(value & 0xFF);
        }
        if (c is 'p' or 'P') Fail($"Unicode categories (\\p, \\P) are not supported (offset {at})");
        if (PatternCharSet.IsBoundaryWordChar(c)) Fail($"unrecognized escape sequence \\{c} at offset {at}");
        return c;
    }

    private char Hex(int digits, int at)
    {
        if (_i + digits > _p.Length) Fail($"insufficient hexadecimal digits at offset {at}");
        var value = 0;
        for (var n = 0; n < digits; n++)
        {
            var d = _p[_i++];
            var v = char.IsAsciiDigit(d) ? d - '0' : char.IsAsciiHexDigitLower(d) ? d - 'a' + 10 : char.IsAsciiHexDigitUpper(d) ? d - 'A' + 10 : -1;
            if (v < 0) Fail($"insufficient hexadecimal digits at offset {at}");
            value = value * 16 + v;
        }
        return (char)value;
    }

    private PatternCharSet CharClass(int at)
    {
        var set = new PatternCharSet();
        if (At('^'))
        {
            set.Negated = true;
            _i++;
        }
        var first = true;
        while (true)
        {
            if (_i >= _p.Length) Fail($"unterminated [] set at offset {at}");
            var c = _p[_i];
            if (c == ']' && !first) break;
            _i++;
            if (c == '-' && At('[') && !first) Fail($"character class subtraction is not supported (offset {_i - 1})");
            if (c == '[' && At(':')) Fail($"[: inside a character class is not supported (offset {_i - 1}): escape the [");
            first = false;
            char from;
            if (c == '\\')
            {
                if (_i >= _p.Length) Fail("illegal \\ at the end of the pattern");
                if (ClassEscape() is { } classes)
                {
                    if (At('-') && _i + 1 < _p.Length && _p[_i + 1] != ']')
                        Fail($"a class such as \\d cannot start a character range (offset {_i})");
                    set.Add(classes);
                    continue;
                }
                from = _p[_i] == 'b' ? Skip('\b') : CharEscape();
            }
            else from = c;
            if (!At('-') || _i + 1 >= _p.Length || _p[_i + 1] == ']')
            {
                set.Add(from, from);
                continue;
            }
            _i++; // '-'
            if (At('[')) Fail($"character class subtraction is not supported (offset {_i})");
            var to = _p[_i++];
            if (to == '\\')
            {
                if (_i >= _p.Length) Fail("illegal \\ at the end of the pattern");
                if (ClassEscape() is not null) Fail($"a class such as \\d cannot end a character range (offset {_i - 2})");
                to = _p[_i] == 'b' ? Skip('\b') : CharEscape();
            }
            if (to < from) Fail($"[x-y] range in reverse order at offset {at}");
            set.Add(from, to);
        }
        _i++; // ']'
        return set;
    }

    private char Skip(char value)
    {
        _i++;
        return value;
    }

    private static PatternNode Literal(char c) => new(PatternNodeKind.Set) { Set = PatternCharSet.Of(c) };

    private static PatternNode Assert(PatternAssertion a) => new(PatternNodeKind.Assert) { Assertion = a };

    private bool At(char c) => _i < _p.Length && _p[_i] == c;

    private void Fail(string why) => throw new PatternException(why);
}
