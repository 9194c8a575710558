namespace MiniMesos.Core.Frameworks;

/// <summary>One problem in a user's spec: the JSON-style path of the field and why it is wrong.</summary>
internal sealed record ValidationError(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
