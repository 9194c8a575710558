namespace MiniMesos.Net.Http;

/// <summary>A field of a Marathon app definition that cannot be read: its path and why (ends the parse at once).</summary>
internal sealed class MarathonFieldException(string path, string message) : Exception(message)
{
    public string Path { get; } = path;
}
