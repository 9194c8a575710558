using System.CommandLine;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Http;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>The `run` command's flags; the work is in <see cref="RunCommand"/>.</summary>
internal static class RunCli
{
    public static Command Command()
    {
        var master = CommonOptions.ApiMaster();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var cpus = new Option<double?>("--cpus") { Description = $"CPUs the task gets (default {TaskRequestParser.DefaultCpus})." };
        var mem = new Option<long?>("--mem") { Description = $"Memory in MiB (default {TaskRequestParser.DefaultMemMb})." };
        var name = new Option<string?>("--name") { Description = "Task name: the prefix of its id." };
        var env = new Option<string[]>("--env", "-e") { Description = "Environment variable K=V for the task (repeatable).", AllowMultipleArgumentsPerToken = false };
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the task id and return at once instead of waiting." };
        var retries = new Option<int?>("--retries") { Description = "Run as a one-shot job retried up to N times after a failure (1 s backoff, doubling); exits with the last attempt's code." };
        var command = new Argument<string[]>("command") { Description = "The program and its arguments (put them after --).", Arity = ArgumentArity.OneOrMore };

        var run = new Command("run",
            "Run a one-shot task on the cluster, stream its output and exit with its exit code.\n" +
            "Example: minimesos run --cpus 0.5 --mem 128 -- sh -c 'echo hello; exit 3'   (exits 3)")
        {
            master, token, tokenFile, cpus, mem, name, env, detach, retries, command,
        };
        run.SetAction(async (parse, ct) =>
        {
            var secret = CommonOptions.RequireSecret(parse, token, tokenFile);
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(env) ?? [])
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0) throw new ConfigException($"--env: '{pair}' is not K=V");
                variables[pair[..eq]] = pair[(eq + 1)..];
            }
            var request = new TaskSubmitRequest(parse.GetValue(command), null, parse.GetValue(name), parse.GetValue(cpus), parse.GetValue(mem),
                variables.Count == 0 ? null : variables);
            if (parse.GetValue(retries) is < 0 and var n) throw new ConfigException($"--retries: {n} is negative");
            // Usage errors first; only then look for a master (which may take a moment over mDNS).
            var (host, port) = await MasterLocator.ResolveAsync(parse.GetValue(master), ct).ConfigureAwait(false);
            using var client = new ApiClient(host, port, secret.Token);
            return parse.GetValue(retries) is { } r
                ? await RetryingRunCommand.RunAsync(client, request, r, parse.GetValue(detach), Console.Out, Console.Error).ConfigureAwait(false)
                : await RunCommand.RunAsync(client, request, parse.GetValue(detach), Console.Out, Console.Error).ConfigureAwait(false);
        });
        return run;
    }
}
