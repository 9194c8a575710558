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
        root.Subcommands.Add(CompletionCli.Command(root));
        var version = new Command("version", "Print the version and exit.");
        version.SetAction(_ => Console.WriteLine($"minimesos {BuildInfo.Version}"));
        root.Subcommands.Add(version);
        return root;
    }

    /// <summary>Parses and runs; usage errors exit 2, reported failures 1 (or their own code), never a stack trace.</summary>
    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await Console.Error.WriteLineAsync($"minimesos: {error.Message}").ConfigureAwait(false);
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
