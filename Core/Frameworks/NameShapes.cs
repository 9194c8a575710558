namespace MiniMesos.Core.Frameworks;

/// <summary>
/// The shapes of ids and names that specs carry, checked by hand (a generated regex per shape cost the binary a
/// few KB each, docs/size.md). Each says in its summary the pattern it stands for; none accepts a trailing newline.
/// </summary>
internal static class NameShapes
{
    /// <summary><c>[a-z0-9]([a-z0-9.-]*[a-z0-9])?</c>, with '_' also allowed inside when <paramref name="underscore"/>.</summary>
    public static bool IsLowerSegment(ReadOnlySpan<char> s, bool underscore)
    {
        if (s.IsEmpty || !IsLowerOrDigit(s[0]) || !IsLowerOrDigit(s[^1])) return false;
        foreach (var c in s)
            if (!IsLowerOrDigit(c) && c is not ('.' or '-') && !(underscore && c == '_')) return false;
        return true;
    }

    /// <summary><c>[A-Za-z_][A-Za-z0-9_]*</c>: an environment variable's name.</summary>
    public static bool IsEnvName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0])) return false;
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }

    private static bool IsLowerOrDigit(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
