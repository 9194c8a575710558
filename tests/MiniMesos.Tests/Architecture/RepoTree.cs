namespace MiniMesos.Tests.Architecture;

/// <summary>The repository's source tree, found above the test output directory.</summary>
internal static class RepoTree
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every product source file (Core/, Net/, Isolation/ and the root's), as paths relative to the root with '/'.</summary>
    public static IReadOnlyList<string> ProductSources() =>
        new[] { "Core", "Net", "Isolation" }
            .SelectMany(top => Directory.EnumerateFiles(Path.Combine(Root, top), "*.cs", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Root, "*.cs", SearchOption.TopDirectoryOnly))
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        for (var i = 0; i < 12 && dir is not null; i++, dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MiniMesos.csproj"))) return dir.FullName;
        throw new InvalidOperationException($"MiniMesos.csproj not found above {AppContext.BaseDirectory}");
    }
}
