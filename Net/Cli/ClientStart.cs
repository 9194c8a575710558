namespace MiniMesos.Net.Cli;

/// <summary>
/// Process start-up of a client command (one whose work is calls to the master's API), before its command line is even
/// built: the thread pool does not spin, and over HTTPS the system CA store is left out for good and OpenSSL starts on
/// another thread (<see cref="Security.TlsWarmUp"/>) while this one parses and builds the request. Host commands
/// (master, agent, dev), help and everything else start as they always did.
/// </summary>
internal static class ClientStart
{
    private static readonly string[] ClientCommands = ["run", "status", "task", "events", "app", "framework", "role", "job", "snapshot"];

    public static void Prepare(string[] args)
    {
        if (args.Length == 0 || Array.IndexOf(ClientCommands, args[0]) < 0) return;
        var end = Array.IndexOf(args, "--");
        var flags = end < 0 ? args : args[..end];
        if (Array.Exists(flags, a => a is "--help" or "-h" or "-?" or "/h" or "/?")) return;
        // One request at a time: a pool thread that spins for more work after each piece (the default) only takes a core
        // from the master and the agent, which on a small box are running this very command's task (bench/run-e2e).
        AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0);
        if (PlainHttp(flags)) return;
        Security.SystemRoots.LeaveOutForLife();
        Security.TlsWarmUp.Start();
    }

    /// <summary>--master http://HOST[:PORT] (the flag, else MINIMESOS_MASTER): the plain API, no TLS.</summary>
    private static bool PlainHttp(string[] flags)
    {
        for (var i = 0; i < flags.Length; i++)
        {
            if (flags[i] == "--master" && i + 1 < flags.Length) return ClientCommand.PlainHttp(flags[i + 1]);
            if (flags[i].StartsWith("--master=", StringComparison.Ordinal)) return ClientCommand.PlainHttp(flags[i]["--master=".Length..]);
        }
        return ClientCommand.PlainHttp(Environment.GetEnvironmentVariable("MINIMESOS_MASTER"));
    }
}
