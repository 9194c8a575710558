using System.Text;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Marathon's label selector (GET /v2/apps?label=...): comma-separated terms that must all hold, each
/// <c>key</c> (exists), <c>key==value</c>, <c>key!=value</c>, <c>key in (a, b)</c> or <c>key notin (a, b)</c>;
/// a backslash escapes the next character (<c>tier!=frontend\ tier</c>).
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _terms;

    private LabelSelector(List<Func<IReadOnlyDictionary<string, string>, bool>> terms) => _terms = terms;

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        var l = labels ?? new Dictionary<string, string>();
        return _terms.All(t => t(l));
    }

    /// <summary>The selector, or why it cannot be read.</summary>
    public static (LabelSelector? Selector, string? Error) Parse(string text)
    {
        var terms = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var raw in SplitUnescaped(text, ','))
        {
            var tokens = Tokens(raw);
            if (tokens.Count == 0) continue;
            var key = tokens[0];
            if (tokens.Count == 1)
            {
                terms.Add(l => l.ContainsKey(key));
                continue;
            }
            var op = tokens[1];
            if (op is "==" or "!=" && tokens.Count == 3)
            {
                var value = tokens[2];
                terms.Add(op == "==" ? l => l.TryGetValue(key, out var v) && v == value : l => l.TryGetValue(key, out var v) && v != value);
                continue;
            }
            if (op is "in" or "notin" && tokens.Count >= 4 && tokens[2] == "(" && tokens[^1] == ")")
            {
                var set = tokens.Skip(3).Take(tokens.Count - 4).Where(t => t != ",").ToHashSet(StringComparer.Ordinal);
                terms.Add(op == "in" ? l => l.TryGetValue(key, out var v) && set.Contains(v) : l => l.TryGetValue(key, out var v) && !set.Contains(v));
                continue;
            }
            return (null, $"'{raw.Trim()}' is not a label selector (key, key==value, key!=value, key in (a, b), key notin (a, b))");
        }
        return (new LabelSelector(terms), null);
    }

    /// <summary>Splits on a separator outside parentheses and not escaped (escapes are kept for <see cref="Tokens"/>).</summary>
    private static List<string> SplitUnescaped(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(c).Append(text[++i]);
                continue;
            }
            if (c == '(') depth++;
            if (c == ')') depth--;
            if (c == separator && depth <= 0)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        parts.Add(current.ToString());
        return parts;
    }

    /// <summary>Words (escapes resolved), and the operators ==, !=, (, ) and , as tokens of their own.</summary>
    private static List<string> Tokens(string term)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length > 0) tokens.Add(word.ToString());
            word.Clear();
        }
        for (var i = 0; i < term.Length; i++)
        {
            var c = term[i];
            if (c == '\\' && i + 1 < term.Length)
            {
                word.Append(term[++i]);
                continue;
            }
            if ((c is '=' or '!') && i + 1 < term.Length && term[i + 1] == '=')
            {
                Flush();
                tokens.Add(c == '=' ? "==" : "!=");
                i++;
                continue;
            }
            if (c is '(' or ')' or ',')
            {
                Flush();
                tokens.Add(c.ToString());
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                Flush();
                continue;
            }
            word.Append(c);
        }
        Flush();
        return tokens;
    }
}
