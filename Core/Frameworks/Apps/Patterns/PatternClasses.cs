namespace MiniMesos.Core.Frameworks.Apps.Patterns;

/// <summary>The shorthand classes a <see cref="PatternCharSet"/> may hold.</summary>
[Flags]
internal enum PatternClasses
{
    Digit = 1,
    NotDigit = 2,
    Word = 4,
    NotWord = 8,
    Space = 16,
    NotSpace = 32,
}
