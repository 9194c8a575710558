using System.CommandLine;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>The `minimesos` command tree; each command's work lives in its own class.</summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "MiniMesos: a single-binary cluster manager for edge and small clusters.\n" +
            "Start with `minimesos dev`, then `minimesos run -- echo hello` from another shell.\n\n" + ExitCodes.Help);
        root.Subcommands.Add(HostCommands.Master());
        root.Subcommands.Add(HostCommands.Agent());
        root.Subcommands.Add(HostCommands.Dev());
        root.Subcommands.Add(RunCli.Command());
        root.Subcommands.Add(StatusCli.Command());
        root.Subcommands.Add(UiCli.Command());
        root.Subcommands.Add(TaskCli.Task());
        root.Subcommands.Add(EventsCli.Command());
        root.Subcommands.Add(AppCli.Command());
        root.Subcommands.Add(FrameworkCli.Command());
        root.Subcommands.Add(RoleCli.Command());
        root.Subcommands.Add(JobCli.Command());
        root.Subcommands.Add(DoctorCli.Command());
        root.Subcommands.Add(SnapshotCli.Command());
        root.Subcommands.Add(TlsCli.CaCommand());
        root.Subcommands.Add(TlsCli.TokenCommand());
        root.Subcommands.Add(CompletionCli.Command(root));
        root.Subcommands.Add(DebugCli.Command());
        var version = new Command("version", "Print the version and exit.");
        version.SetAction(_ => Console.WriteLine($"minimesos {BuildInfo.Version}"));
        root.Subcommands.Add(version);
        return root;
    }

    /// <summary>
    /// Every usage error of <paramref name="args"/>: the parser's, and an option `run` does not know given before its
    /// program. The parser takes such a token as the program's first word ("run --image X" ran "--image"), and a token
    /// after `--` looks the same to it, so this reads the words as given: a program whose name starts with '-' goes
    /// after `--`, as docker and nomad ask.
    /// </summary>
    public static IReadOnlyList<string> UsageErrors(RootCommand root, ParseResult parse, IReadOnlyList<string> args)
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
        var root = Build();
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
