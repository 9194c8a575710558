using System.CommandLine;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>The `minimesos` command tree; each command's work lives in its own class.</summary>
internal static class CommandLine
{
    /// <summary>
    /// The top-level commands by name, built only when asked for: a CLI call builds the one command it runs (building all
    /// of them, each with its options, is start-up work every `minimesos run` or `status` would pay: bench/run-e2e).
    /// </summary>
    internal static readonly (string Name, Func<RootCommand, Command> Create)[] Commands =
    [
        ("master", _ => HostCommands.Master()),
        ("agent", _ => HostCommands.Agent()),
        ("dev", _ => HostCommands.Dev()),
        ("run", _ => RunCli.Command()),
        ("status", _ => StatusCli.Command()),
        ("ui", _ => UiCli.Command()),
        ("task", _ => TaskCli.Task()),
        ("events", _ => EventsCli.Command()),
        ("app", _ => AppCli.Command()),
        ("framework", _ => FrameworkCli.Command()),
        ("role", _ => RoleCli.Command()),
        ("job", _ => JobCli.Command()),
        ("doctor", _ => DoctorCli.Command()),
        ("snapshot", _ => SnapshotCli.Command()),
        ("ca", _ => TlsCli.CaCommand()),
        ("token", _ => TlsCli.TokenCommand()),
        ("completion", root => CompletionCli.Command(root)),
        ("debug", _ => DebugCli.Command()),
        ("version", _ => Version()),
    ];

    /// <summary>The command tree: every command, or only <paramref name="only"/> when that names one (completion needs them all).</summary>
    public static RootCommand Build(string? only = null)
    {
        var root = new RootCommand(
            "MiniMesos: a single-binary cluster manager for edge and small clusters.\n" +
            "Start with `minimesos dev`, then `minimesos run -- echo hello` from another shell.\n\n" + ExitCodes.Help);
        var one = only is not "completion" && Array.Exists(Commands, c => c.Name == only);
        foreach (var (name, create) in Commands)
            if (!one || name == only) root.Subcommands.Add(create(root));
        return root;
    }

    /// <summary>
    /// The tree a call with <paramref name="args"/> parses against: <see cref="Build"/>'s, or, when nothing in the words
    /// before `--` can reach what only a RootCommand adds (its help and version options, its [directives]; no command
    /// at all, or one of those first), a plain command in the root's place holding the one command named. A RootCommand's
    /// constructor builds its help option, whose description is read through a ResourceManager: ~0.5 ms of CPU at
    /// the start of every CLI call, on the way to its first request (bench/run-e2e). Parsing is otherwise the same.
    /// </summary>
    public static Command BuildFor(IReadOnlyList<string> args)
    {
        var name = args.Count > 0 ? args[0] : null;
        var found = Array.FindIndex(Commands, c => c.Name == name);
        if (found < 0 || name is "completion" || NeedsRoot(args)) return Build(name);
        var root = new Command("minimesos");
        root.Subcommands.Add(Commands[found].Create(null!)); // only completion uses the root it is given
        return root;
    }

    private static bool NeedsRoot(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count && args[i] != "--"; i++)
            if (args[i] is "--help" or "-h" or "-?" or "/h" or "/?" or "--version" || args[i].StartsWith('[') || args[i].StartsWith('@'))
                return true;
        return false;
    }

    private static Command Version()
    {
        var version = new Command("version", "Print the version and exit.");
        version.SetAction(_ => Console.WriteLine($"minimesos {BuildInfo.Version}"));
        return version;
    }

    /// <summary>
    /// Every usage error of <paramref name="args"/>: the parser's, and an option `run` does not know given before its
    /// program. The parser takes such a token as the program's first word ("run --image X" ran "--image"), and a token
    /// after `--` looks the same to it, so this reads the words as given: a program whose name starts with '-' goes
    /// after `--`, as docker and nomad ask.
    /// </summary>
    public static IReadOnlyList<string> UsageErrors(Command root, ParseResult parse, IReadOnlyList<string> args)
    {
        var errors = parse.Errors.Select(e => e.Message).ToList();
        if (args.Count == 0 || args[0] != "run" || root.Subcommands.FirstOrDefault(c => c.Name == "run") is not { } run) return errors;
        for (var i = 1; i < args.Count; i++)
        {
            var word = args[i];
            if (word == "--" || !word.StartsWith('-') || word == "-") break;
            var name = word.Split('=', 2)[0];
            var option = run.Options.Concat(root.Options.Where(o => o.Recursive)) // --help is the root's, recursive
                .FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
            if (option is null)
            {
                errors.Add($"unknown option '{word}' for run (a program whose name starts with '-' goes after --)");
                break;
            }
            if (option.ValueType != typeof(bool) && !word.Contains('=')) i++; // its value
        }
        return errors;
    }

    /// <summary>Parses and runs; usage errors exit 2, reported failures 1 (or their own code), never a stack trace.</summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        var root = BuildFor(args);
        var parse = root.Parse(args);
        var errors = UsageErrors(root, parse, args);
        if (errors.Count > 0)
        {
            foreach (var error in errors) await Console.Error.WriteLineAsync($"minimesos: {error}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync("Run 'minimesos --help' (or 'minimesos <command> --help') for usage.").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync($"minimesos: {e.Message}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync($"minimesos: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
    }
}
