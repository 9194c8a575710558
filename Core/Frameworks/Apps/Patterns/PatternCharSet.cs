using System.Globalization;

namespace MiniMesos.Core.Frameworks.Apps.Patterns;

/// <summary>
/// A set of UTF-16 characters: inclusive ranges plus the classes <c>\d \w \s</c> and their complements, with .NET's
/// Unicode meaning of them (what constraint patterns had when .NET's regex engine matched them).
/// </summary>
internal sealed class PatternCharSet
{
    private readonly List<(char From, char To)> _ranges = [];
    private PatternClasses _classes;

    public bool Negated { get; set; }

    public static PatternCharSet Of(char c)
    {
        var set = new PatternCharSet();
        set.Add(c, c);
        return set;
    }

    /// <summary><c>.</c>: anything but a newline.</summary>
    public static PatternCharSet AnyButNewline() => new() { Negated = true, _ranges = { ('\n', '\n') } };

    public static PatternCharSet OfClass(PatternClasses c) => new() { _classes = c };

    public void Add(char from, char to) => _ranges.Add((from, to));

    public void Add(PatternClasses c) => _classes |= c;

    public bool Contains(char c)
    {
        var found = false;
        foreach (var (from, to) in _ranges)
            if (c >= from && c <= to) { found = true; break; }
        if (!found && _classes != 0)
        {
            if ((_classes & PatternClasses.Digit) != 0 && char.IsDigit(c)) found = true;
            else if ((_classes & PatternClasses.NotDigit) != 0 && !char.IsDigit(c)) found = true;
            else if ((_classes & PatternClasses.Word) != 0 && IsWordChar(c)) found = true;
            else if ((_classes & PatternClasses.NotWord) != 0 && !IsWordChar(c)) found = true;
            else if ((_classes & PatternClasses.Space) != 0 && char.IsWhiteSpace(c)) found = true;
            else if ((_classes & PatternClasses.NotSpace) != 0 && !char.IsWhiteSpace(c)) found = true;
        }
        return found != Negated;
    }

    /// <summary><c>\w</c>: letters, non-spacing marks, decimal digits, connector punctuation.</summary>
    public static bool IsWordChar(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.ConnectorPunctuation => true,
        _ => false,
    };

    /// <summary>What <c>\b</c> counts as a word character: <c>\w</c> plus the zero-width joiner and non-joiner.</summary>
    public static bool IsBoundaryWordChar(char c) => IsWordChar(c) || c is '\u200D' or '\u200C';
}
