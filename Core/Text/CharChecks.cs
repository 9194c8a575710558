namespace MiniMesos.Core.Text;

/// <summary>
/// Whether all or any characters of a string pass a test, as loops: LINQ's <c>All</c>/<c>Any</c>/<c>Where</c> over a
/// string's characters instantiate its iterators for <c>char</c>, which cost the binary several KB (docs/size.md).
/// </summary>
internal static class CharChecks
{
    public static bool All(ReadOnlySpan<char> text, Func<char, bool> test)
    {
        foreach (var c in text)
            if (!test(c)) return false;
        return true;
    }

    public static bool Any(ReadOnlySpan<char> text, Func<char, bool> test)
    {
        foreach (var c in text)
            if (test(c)) return true;
        return false;
    }
}
