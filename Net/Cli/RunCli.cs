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
        var ports = new Option<int?>("--ports") { Description = "Host ports the task needs from its agent's range; it gets them as PORT0.., PORT, PORTS." };
        var user = new Option<string?>("--user") { Description = "User the task runs as (default nobody; the agent must allow it with --allowed-users)." };
        var network = new Option<string?>("--network") { Description = "host (default: the agent's network) or none (only loopback)." };
        var rootfs = new Option<string?>("--rootfs") { Description = "Absolute path of a directory on the agent to run the task in (its root filesystem)." };
        var image = new Option<string?>("--image")
        {
            Description = "Run in this Docker/OCI image: a registry reference (nginx:1.27, host:5000/app@sha256:...) or oci:DIR[:tag], " +
                "oci-archive:FILE[:tag], docker-archive:FILE on the agent. The command after -- is given to the image's entrypoint (none: its own command).",
        };
        var forcePull = new Option<bool>("--force-pull") { Description = "With --image: read the image from its source again even if the agent has it." };
        var binds = new Option<string[]>("--bind") { Description = "HOST:INSIDE read-only bind into the rootfs or the image (repeatable).", AllowMultipleArgumentsPerToken = false };
        var constraints = new Option<string[]>("--constraint")
        {
            Description = "FIELD:OPERATOR[:VALUE] placement constraint, e.g. hostname:LIKE:pi[12] or rack:UNLIKE:r2 (repeatable; " +
                "UNIQUE, MAX_PER, GROUP_BY and CLUSTER count live tasks with the same --name).",
            AllowMultipleArgumentsPerToken = false,
        };
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the task id and return at once instead of waiting." };
        var retries = new Option<int?>("--retries") { Description = "Run as a one-shot job retried up to N times after a failure (1 s backoff, doubling); exits with the last attempt's code." };
        var command = new Argument<string[]>("command") { Description = "The program and its arguments (put them after --).", Arity = ArgumentArity.ZeroOrMore };

        var run = new Command("run",
            "Run a one-shot task on the cluster, stream its output and exit with its exit code.\n" +
            "Example: minimesos run --cpus 0.5 --mem 128 -- sh -c 'echo hello; exit 3'   (exits 3)")
        {
            master, token, tokenFile, cpus, mem, name, env, ports, user, network, rootfs, image, forcePull, binds, constraints, detach, retries, command,
        };
        run.SetAction(async (parse, ct) =>
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(env) ?? [])
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0) throw new ConfigException($"--env: '{pair}' is not K=V");
                variables[pair[..eq]] = pair[(eq + 1)..];
            }
            var argv = parse.GetValue(command) ?? [];
            var imageRef = parse.GetValue(image);
            if (imageRef is null && argv.Length == 0) throw new ConfigException("give the command to run after -- (or --image REF to run an image's own command)");
            if (imageRef is not null && Core.Images.ImageReference.Parse(imageRef, out var imageError) is null) throw new ConfigException($"--image: {imageError}");
            if (imageRef is null && parse.GetValue(forcePull)) throw new ConfigException("--force-pull: only with --image");
            if (imageRef is not null && parse.GetValue(rootfs) is not null)
                throw new ConfigException("--image: not with --rootfs (the image is the task's root filesystem)");
            if (imageRef is not null && parse.GetValue(retries) is not null) throw new ConfigException("--image: not supported with --retries yet");
            var request = new TaskSubmitRequest(argv.Length == 0 ? null : argv, null, parse.GetValue(name), parse.GetValue(cpus), parse.GetValue(mem),
                variables.Count == 0 ? null : variables, parse.GetValue(ports), parse.GetValue(user), parse.GetValue(network),
                parse.GetValue(rootfs), Binds(parse.GetValue(binds)), ConstraintArgs.Parse(parse.GetValue(constraints)),
                imageRef is null ? null : new TaskContainerRequest(imageRef, parse.GetValue(forcePull) ? true : null));
            if (request.Network is not (null or "host" or "none")) throw new ConfigException($"--network: '{request.Network}' is not host or none");
            if (Core.Isolation.RootfsPlan.Invalid(request.Rootfs, request.Binds, request.Container is not null) is { } bad)
                throw new ConfigException($"--{(bad.Field.StartsWith("binds", StringComparison.Ordinal) ? "bind" : "rootfs")}: {bad.Reason}");
            if (request.Ports is < 0 or > TaskRequestParser.MaxPorts) throw new ConfigException($"--ports: must be between 0 and {TaskRequestParser.MaxPorts}");
            if (parse.GetValue(retries) is < 0 and var n) throw new ConfigException($"--retries: {n} is negative");
            if (request.Constraints is not null && parse.GetValue(retries) is not null)
                throw new ConfigException("--constraint: not supported with --retries (jobs place their attempts without constraints)");
            // Usage errors first; only then look for a master (which may take a moment over mDNS).
            using var client = await ClientCommand.ConnectAsync(parse, master, token, tokenFile, ct).ConfigureAwait(false);
            return parse.GetValue(retries) is { } r
                ? await RetryingRunCommand.RunAsync(client, request, r, parse.GetValue(detach), Console.Out, Console.Error).ConfigureAwait(false)
                : await RunCommand.RunAsync(client, request, parse.GetValue(detach), Console.Out, Console.Error).ConfigureAwait(false);
        });
        return run;
    }

    private static Dictionary<string, string>? Binds(string[]? binds)
    {
        if (binds is not { Length: > 0 }) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var bind in binds)
        {
            var colon = bind.IndexOf(':');
            if (colon <= 0 || colon == bind.Length - 1) throw new ConfigException($"--bind: '{bind}' is not HOST:INSIDE");
            result[bind[..colon]] = bind[(colon + 1)..];
        }
        return result;
    }
}
