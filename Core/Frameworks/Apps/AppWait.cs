namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>An app is short of instances and cannot launch now; <see cref="Reason"/> says why, for users.</summary>
internal sealed record AppWait(string AppId, int Missing, string Reason);
