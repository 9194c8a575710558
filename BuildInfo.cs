using System.Reflection;

namespace MiniMesos;

/// <summary>This build's version: the executable's own, so it lives at the root, below every folder that names it.</summary>
internal static class BuildInfo
{
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
