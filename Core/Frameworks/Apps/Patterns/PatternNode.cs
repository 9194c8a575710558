namespace MiniMesos.Core.Frameworks.Apps.Patterns;

/// <summary>One node of a parsed constraint pattern (<see cref="PatternParser"/>).</summary>
internal sealed class PatternNode(PatternNodeKind kind)
{
    public PatternNodeKind Kind { get; } = kind;
    public List<PatternNode> Children { get; } = [];
    public PatternCharSet? Set { get; init; }
    public int Min { get; init; }
    /// <summary>The most repetitions, -1 for no limit.</summary>
    public int Max { get; init; }
    public PatternAssertion Assertion { get; init; }
}
