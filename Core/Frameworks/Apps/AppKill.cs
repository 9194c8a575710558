namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>Kill an instance, with the reason shown to users.</summary>
internal sealed record AppKill(string AppId, string InstanceId, string Reason);
