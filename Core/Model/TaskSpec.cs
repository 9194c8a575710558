namespace MiniMesos.Core.Model;

/// <summary>
/// What a user asked to run: argv (no shell) and the resources it needs. <see cref="AppId"/> and
/// <see cref="AppVersion"/> link an app's instance to the app (null for one-shot tasks).
/// </summary>
internal sealed record TaskSpec(
    string Name,
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Env,
    Resources Resources,
    string? AppId = null,
    string? AppVersion = null);
