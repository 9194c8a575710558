namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>Why an app cannot have the service ports it asked for: <see cref="Taken"/> (another app holds it, 409) or a bad request (422).</summary>
internal sealed record ServicePortConflict(string Field, string Reason, bool Taken);
