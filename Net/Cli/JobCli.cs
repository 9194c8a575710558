using System.CommandLine;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos job add|list|show|run|rm`: one-shot and scheduled jobs; the work is in <see cref="JobCommands"/>.</summary>
internal static class JobCli
{
    public static Command Command()
    {
        var job = new Command("job", "Batch jobs: one-shot or on a schedule (cron or ISO 8601 R/start/period), retried per policy.\n" +
            "Example: echo '{\"id\": \"backup\", \"cmd\": \"tar czf /tmp/etc.tgz /etc\", \"schedule\": \"0 3 * * *\"}' | minimesos job add -");
        var file = new Argument<string>("file") { Description = "Job definition (JSON, as POST /v1/jobs takes it); '-' reads it from stdin." };
        job.Subcommands.Add(With(new Command("add", "Create a job, or replace the job with that id (its history is kept).") { file },
            async (parse, commands, ct) =>
                await commands.AddAsync(await CliInput.ReadFileOrStdinAsync(parse.GetValue(file)!, ct).ConfigureAwait(false), ct).ConfigureAwait(false)));

        var listJson = ClientCommand.Json();
        job.Subcommands.Add(With(new Command("list", "List jobs: status, schedule, next run and what each waits for.") { listJson },
            (parse, commands, ct) => parse.GetValue(listJson) ? commands.RawAsync("/v1/jobs", ct) : commands.ListAsync(ct)));

        var showId = new Argument<string>("id") { Description = "Job id." };
        var showJson = ClientCommand.Json();
        job.Subcommands.Add(With(new Command("show", "Show a job and its runs with every attempt (task, state, exit code).") { showId, showJson },
            (parse, commands, ct) => parse.GetValue(showJson)
                ? commands.RawAsync($"/v1/jobs/{Uri.EscapeDataString(parse.GetValue(showId)!)}", ct)
                : commands.ShowAsync(parse.GetValue(showId)!, ct)));

        var runId = new Argument<string>("id") { Description = "Job id." };
        job.Subcommands.Add(With(new Command("run", "Start a run now, outside the schedule (refused while a run is in flight).") { runId },
            (parse, commands, ct) => commands.RunNowAsync(parse.GetValue(runId)!, ct)));

        var rmId = new Argument<string>("id") { Description = "Job id." };
        job.Subcommands.Add(With(new Command("rm", "Remove a job and its history; a running attempt is killed.") { rmId },
            (parse, commands, ct) => commands.RemoveAsync(parse.GetValue(rmId)!, ct)));
        return job;
    }

    private static Command With(Command command, Func<ParseResult, JobCommands, CancellationToken, Task<int>> action) =>
        ClientCommand.Attach(command, (client, parse, ct) => action(parse, new JobCommands(client, Console.Out), ct));
}
