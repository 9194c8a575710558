namespace MiniMesos.Core.Frameworks.Apps.Patterns;

/// <summary>What a <see cref="PatternNode"/> is.</summary>
internal enum PatternNodeKind
{
    /// <summary>One character of a <see cref="PatternCharSet"/>.</summary>
    Set,
    /// <summary>The children one after another (none: the empty string).</summary>
    Concat,
    /// <summary>Any one of the children.</summary>
    Alternate,
    /// <summary>The one child repeated Min to Max times (Max -1: unbounded).</summary>
    Repeat,
    /// <summary>A zero-width test of the position (<see cref="PatternAssertion"/>).</summary>
    Assert,
}
