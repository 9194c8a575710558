namespace MiniMesos.Core.Images;

/// <summary>
/// Combines an image's runtime defaults with what the user gave, by Marathon's rules (which both of its
/// containerizers follow):
/// <list type="bullet">
/// <item>a shell command (Marathon <c>cmd</c>) runs as <c>/bin/sh -c CMD</c>, replacing the image's Entrypoint and Cmd
///   (Mesos' CommandInfo with shell=true; the Docker containerizer does the same with --entrypoint /bin/sh);</item>
/// <item>arguments (Marathon <c>args</c>, or an argv) are appended to the image's Entrypoint, replacing its Cmd; with no
///   Entrypoint, Docker runs the arguments alone while Mesos keeps Cmd[0] before them (<see cref="ImageCommandStyle"/>);</item>
/// <item>neither: Entrypoint followed by Cmd; an image with neither is an error.</item>
/// </list>
/// Environment: the image's Env (KEY=VALUE), then the task's (the task wins), with Docker's default PATH when the image
/// sets none. Working directory: the image's WorkingDir, "/" when unset (a relative one is taken from /, as Docker does).
/// </summary>
internal static class ImageLaunchPlan
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static ImageLaunch? Build(
        OciRuntimeConfig? image,
        string? shellCommand,
        IReadOnlyList<string>? args,
        IReadOnlyDictionary<string, string> taskEnv,
        ImageCommandStyle style,
        out string error)
    {
        error = "";
        var argv = Argv(image, shellCommand, args, style, out error);
        if (argv is null) return null;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in image?.Env ?? [])
        {
            var equals = entry.IndexOf('=');
            if (equals > 0) env[entry[..equals]] = entry[(equals + 1)..];
        }
        env.TryAdd("PATH", DefaultPath);
        foreach (var (key, value) in taskEnv) env[key] = value;
        var workingDir = string.IsNullOrEmpty(image?.WorkingDir) ? "/" : image.WorkingDir.StartsWith('/') ? image.WorkingDir : "/" + image.WorkingDir;
        if (workingDir.Split('/').Any(p => p == "..")) { error = $"the image's WorkingDir '{image!.WorkingDir}' must not contain .. components"; return null; }
        return new ImageLaunch(argv, env, workingDir, string.IsNullOrEmpty(image?.User) ? null : image.User);
    }

    private static List<string>? Argv(OciRuntimeConfig? image, string? shellCommand, IReadOnlyList<string>? args, ImageCommandStyle style, out string error)
    {
        error = "";
        var entrypoint = image?.Entrypoint ?? [];
        var cmd = image?.Cmd ?? [];
        if (shellCommand is not null)
        {
            if (args is { Count: > 0 }) { error = "give either a shell command (cmd) or arguments (args), not both"; return null; }
            if (shellCommand.Trim().Length == 0) { error = "cmd is empty"; return null; }
            return ["/bin/sh", "-c", shellCommand];
        }
        if (args is { Count: > 0 })
        {
            if (entrypoint.Count > 0) return [.. entrypoint, .. args];
            if (style == ImageCommandStyle.Mesos)
            {
                if (cmd.Count == 0) { error = "the image has neither Entrypoint nor Cmd to put the arguments after"; return null; }
                return [cmd[0], .. args];
            }
            return [.. args];
        }
        if (entrypoint.Count + cmd.Count == 0) { error = "the image has neither Entrypoint nor Cmd: give a command"; return null; }
        return [.. entrypoint, .. cmd];
    }
}
