using System.CommandLine;

namespace MiniMesos.Net.Cli;

/// <summary>The `minimesos` command tree.</summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("MiniMesos: a single-binary cluster manager for edge and small clusters.");
        var version = new Command("version", "Print the version and exit.");
        version.SetAction(_ => Console.WriteLine($"minimesos {BuildInfo.Version}"));
        root.Subcommands.Add(version);
        return root;
    }
}
