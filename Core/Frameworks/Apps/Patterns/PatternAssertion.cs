namespace MiniMesos.Core.Frameworks.Apps.Patterns;

/// <summary>The zero-width tests a constraint pattern may use, with .NET's meaning (no multiline option).</summary>
internal enum PatternAssertion
{
    /// <summary><c>^</c> and <c>\A</c>: the start of the value.</summary>
    Start,
    /// <summary><c>$</c> and <c>\Z</c>: the end of the value, or just before a final newline.</summary>
    EndOrFinalNewline,
    /// <summary><c>\z</c>: the end of the value.</summary>
    End,
    /// <summary><c>\b</c>: between a word character and a non-word one.</summary>
    WordBoundary,
    /// <summary><c>\B</c>: not at a word boundary.</summary>
    NotWordBoundary,
}
