using System.CommandLine;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>
/// `minimesos ca show` and `minimesos token show`, run on a master: they read its data dir (the CA the master wrote there
/// from the replicated state, its token, the current agent token), never the network. `minimesos token rotate --agent`
/// asks the leader through the API (admin token).
/// </summary>
internal static class TlsCli
{
    public static Command CaCommand()
    {
        var dataDir = DataDir();
        var show = new Command("show", "Print the cluster CA certificate (PEM), for `curl --cacert` and browsers.") { dataDir };
        show.SetAction(parse =>
        {
            var (pem, fingerprint) = ReadCa(parse.GetValue(dataDir)!);
            Console.Write(pem);
            Console.Error.WriteLine($"cluster CA fingerprint (SHA-256): {fingerprint}");
            return ExitCodes.Success;
        });
        return new Command("ca", "The cluster's certificate authority, created by the first master.") { show };
    }

    public static Command TokenCommand()
    {
        var dataDir = DataDir();
        var tokenFile = new Option<string?>("--token-file")
        {
            Description = "The master's token file (default: <data-dir>/token if there, else /etc/minimesos/token).",
        };
        var agent = new Option<bool>("--agent") { Description = "The agent token: it registers an agent and nothing else (for agent nodes)." };
        var admin = new Option<bool>("--admin") { Description = "The admin token (the default): masters, the CLI, frameworks, everything." };
        var show = new Command("show",
            "Print a join token mm1.<CA fingerprint>.<secret>: a node or the CLI given it checks the cluster CA before it sends anything.")
        {
            dataDir, tokenFile, agent, admin,
        };
        show.SetAction(parse =>
        {
            if (parse.GetValue(agent) && parse.GetValue(admin)) throw new CliException("give --agent or --admin, not both", ExitCodes.UsageError);
            var dir = parse.GetValue(dataDir)!;
            var (_, fingerprint) = ReadCa(dir);
            if (parse.GetValue(agent))
            {
                Console.WriteLine(ReadAgentToken(dir).Pinned(fingerprint));
                return ExitCodes.Success;
            }
            var path = parse.GetValue(tokenFile) is { Length: > 0 } given ? given
                : Path.Combine(dir, ClusterSecret.FileName) is var inDir && File.Exists(inDir) ? inDir : "/etc/minimesos/token";
            if (!File.Exists(path))
                throw new CliException($"{path} does not exist: pass the master's --token-file (the join token is mm1.{fingerprint}.<its secret>)",
                    ExitCodes.RuntimeError);
            var secret = ClusterSecret.FromFile(path);
            if (secret.CaFingerprint is { } pinned && pinned != fingerprint)
                throw new CliException($"{path} pins CA {pinned}, but this master's cluster CA is {fingerprint}", ExitCodes.RuntimeError);
            Console.WriteLine(secret.Pinned(fingerprint));
            return ExitCodes.Success;
        });
        var rotateAgent = new Option<bool>("--agent") { Description = "Replace the agent secret cluster-wide." };
        var rotateAdmin = new Option<bool>("--admin") { Description = "Replace the admin secret cluster-wide (the old admin token is refused from then on)." };
        var rotate = ClientCommand.Create("rotate",
            "Replace the agent or the admin secret cluster-wide and print the new token: connected nodes keep their sessions, new joins need the new token.",
            [rotateAgent, rotateAdmin], async (client, parse, ct) =>
            {
                var which = (parse.GetValue(rotateAgent), parse.GetValue(rotateAdmin)) switch
                {
                    (true, false) => "agent",
                    (false, true) => "admin",
                    _ => throw new CliException("say which token to rotate: --agent or --admin", ExitCodes.UsageError),
                };
                var (status, body) = await client.SendAsync(HttpMethod.Post, $"/v1/tokens/{which}/rotate", null, ct).ConfigureAwait(false);
                if (status != 200) throw new CliException($"rotation refused ({status}): {body}", ExitCodes.RuntimeError);
                var view = System.Text.Json.JsonSerializer.Deserialize(body, Http.ApiJsonContext.Api.TokenView)
                    ?? throw new CliException("the master answered no token", ExitCodes.RuntimeError);
                Console.WriteLine(view.Token);
                Console.Error.WriteLine(which == "agent"
                    ? "agent token rotated: give the new token to agents before their next restart (`minimesos token show --agent` on any master)"
                    : "admin token rotated: the old one is refused now. Use the new one for the CLI and scripts (MINIMESOS_TOKEN, --token-file) and give it " +
                      "to agents that use the admin token and to masters started with --token-file before their next restart " +
                      "(`minimesos token show --admin` on any master; each master's data-dir token file holds it already)");
                return ExitCodes.Success;
            });
        return new Command("token", "The cluster's join tokens (admin and agent).") { show, rotate };
    }

    /// <summary>The current agent secret, which the master keeps in its data dir (MasterTls.AgentTokenFile).</summary>
    private static ClusterSecret ReadAgentToken(string dataDir)
    {
        var path = Path.Combine(dataDir, MasterTls.AgentTokenFile);
        if (!File.Exists(path))
            throw new CliException($"{path} does not exist: run this on a master, with its --data-dir (a master writes it a moment after it starts)",
                ExitCodes.RuntimeError);
        return ClusterSecret.FromFile(path);
    }

    private static Option<string> DataDir() => new("--data-dir")
    {
        Description = "The master's data dir (default $MINIMESOS_DATA_DIR or " + Defaults.MasterDataDir + ").",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_DATA_DIR") is { Length: > 0 } d ? d : Defaults.MasterDataDir,
    };

    private static (string Pem, string Fingerprint) ReadCa(string dataDir)
    {
        var path = Path.Combine(dataDir, MasterTls.CaFile);
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {e.Message} (run this on a master, with its --data-dir; the master writes the CA " +
                "there once the cluster has one, a moment after its first leader is elected)", ExitCodes.RuntimeError);
        }
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
            return (pem, ClusterCa.Fingerprint(certificate.RawData));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new CliException($"{path} does not hold a certificate: {e.Message}", ExitCodes.RuntimeError);
        }
    }
}
