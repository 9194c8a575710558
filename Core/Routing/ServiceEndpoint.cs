namespace MiniMesos.Core.Routing;

/// <summary>One running instance behind a service port: the task and the address its agent is reached at, with the instance's host port.</summary>
internal readonly record struct ServiceEndpoint(string TaskId, string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port} ({TaskId})";
}
