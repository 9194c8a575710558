namespace MiniMesos.Isolation;

/// <summary>Finds argv[0] like a shell: a name with a slash is used as is (relative to the sandbox), otherwise PATH is searched.</summary>
internal static class ExecutableLookup
{
    public static string? Resolve(string name, string path, string workDir)
    {
        if (name.Contains('/'))
        {
            var full = Path.IsPathRooted(name) ? name : Path.Combine(workDir, name);
            return File.Exists(full) ? full : null;
        }

        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string file) => !OperatingSystem.IsWindows() &&
        (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
