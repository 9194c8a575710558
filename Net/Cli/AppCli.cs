using System.CommandLine;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos app deploy|list|show|scale|restart|rm`: Marathon-style apps; the work is in <see cref="AppCommands"/>.</summary>
internal static class AppCli
{
    public static Command Command()
    {
        var app = new Command("app", "Long-running apps (Marathon style): deploy a Marathon app JSON, list, show, scale, restart, remove.\n" +
            "Example: minimesos app deploy web.json   (waits until all instances run)");
        var file = new Argument<string>("file") { Description = "Marathon app definition (JSON); '-' reads it from stdin." };
        var detach = new Option<bool>("--detach", "-d") { Description = "Return once the master accepted the app instead of waiting for it to run." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for all instances to run (exit 1 after).", DefaultValueFactory = _ => 120 };
        app.Subcommands.Add(With(new Command("deploy", "Create or update an app and wait until tasksRunning == instances.") { file, detach, timeout },
            async (parse, commands, ct) =>
            {
                var json = await CliInput.ReadFileOrStdinAsync(parse.GetValue(file)!, ct).ConfigureAwait(false);
                var seconds = parse.GetValue(timeout);
                if (seconds < 1) throw new ConfigException($"--timeout: {seconds} is not a positive number of seconds");
                return await commands.DeployAsync(json, parse.GetValue(detach), TimeSpan.FromSeconds(seconds), ct).ConfigureAwait(false);
            }));

        var json = new Option<bool>("--json") { Description = "Print the API's JSON answer unchanged (for scripts)." };
        app.Subcommands.Add(With(new Command("list", "List apps: instances, running, staged, version and why instances wait.") { json },
            async (parse, commands, ct) => parse.GetValue(json)
                ? await commands.RawAsync("/v2/apps", ct).ConfigureAwait(false)
                : await commands.ListAsync(ct).ConfigureAwait(false)));

        var id = new Argument<string>("id") { Description = "App id, e.g. /web (the leading slash is optional)." };
        var showJson = new Option<bool>("--json") { Description = "Print the API's JSON answer unchanged (for scripts)." };
        app.Subcommands.Add(With(new Command("show", "Show one app and its tasks.") { id, showJson },
            async (parse, commands, ct) => parse.GetValue(showJson)
                ? await commands.RawAsync($"/v2/apps{AppCommands.Normalise(parse.GetValue(id)!)}", ct).ConfigureAwait(false)
                : await commands.PrintAsync(parse.GetValue(id)!, ct).ConfigureAwait(false)));

        var scaleId = new Argument<string>("id") { Description = "App id." };
        var count = new Argument<int>("instances") { Description = "How many instances to run." };
        app.Subcommands.Add(With(new Command("scale", "Change how many instances run (running ones are kept).") { scaleId, count },
            (parse, commands, ct) =>
            {
                var n = parse.GetValue(count);
                if (n < 0) throw new ConfigException($"instances: {n} is negative");
                var target = AppCommands.Normalise(parse.GetValue(scaleId)!);
                return commands.ChangeAsync(HttpMethod.Put, $"/v2/apps{target}", $"{{\"instances\":{n}}}", $"{target}: scaling to {n}", ct);
            }));

        var restartId = new Argument<string>("id") { Description = "App id." };
        app.Subcommands.Add(With(new Command("restart", "Replace every instance, rolling within the app's upgradeStrategy.") { restartId },
            (parse, commands, ct) =>
            {
                var target = AppCommands.Normalise(parse.GetValue(restartId)!);
                return commands.ChangeAsync(HttpMethod.Post, $"/v2/apps{target}/restart", null, $"{target}: restarting", ct);
            }));

        var rmId = new Argument<string>("id") { Description = "App id." };
        app.Subcommands.Add(With(new Command("rm", "Remove an app and kill its instances.") { rmId },
            (parse, commands, ct) =>
            {
                var target = AppCommands.Normalise(parse.GetValue(rmId)!);
                return commands.ChangeAsync(HttpMethod.Delete, $"/v2/apps{target}", null, $"{target}: removed", ct);
            }));
        return app;
    }

    /// <summary>Adds the connection options every subcommand takes and runs <paramref name="action"/> with a client.</summary>
    private static Command With(Command command, Func<ParseResult, AppCommands, CancellationToken, Task<int>> action) =>
        ClientCommand.Attach(command, (client, parse, ct) => action(parse, new AppCommands(client, Console.Out, Console.Error), ct));
}
