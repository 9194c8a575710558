namespace MiniMesos.Core.Frameworks.Apps.Patterns;

/// <summary>A constraint pattern <see cref="PatternParser"/> or <see cref="ConstraintPattern"/> refuses; the message says why.</summary>
internal sealed class PatternException(string message) : Exception(message);
