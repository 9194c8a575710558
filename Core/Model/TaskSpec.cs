namespace MiniMesos.Core.Model;

/// <summary>What a user asked to run: argv (no shell) and the resources it needs.</summary>
internal sealed record TaskSpec(
    string Name,
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Env,
    Resources Resources);
