namespace MiniMesos.Core.Images;

/// <summary>What a task started from an image runs: argv, environment, working directory inside the rootfs, user (null: the image names none).</summary>
internal sealed record ImageLaunch(
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Env,
    string WorkingDir,
    string? User);
